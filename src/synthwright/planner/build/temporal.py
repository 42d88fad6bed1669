"""Time: windows on time columns, and one time after another.

A window ("placed in 2024") sets a time column's range. A time rule
("returned within 30 days", "check-out after check-in", "a due date 21 days
after the loan date") makes a column ``after`` another (in the same table or
a parent the table has a key to) with ``within``; both columns are made the
same type (date or datetime), and missing ones are added.
"""

from __future__ import annotations

import re

from ... import lexicon
from ..parse import Constraint, TimeRule
from ..resolve import resolve_field, snake
from .base import TIME, Col, Table, value_list
from .constraints import ConstraintsMixin

__all__ = ["TimeMixin"]

_SUFFIXES = ("ation", "ition", "ing", "ion", "ery", "ment", "ed", "al", "ure", "es", "e", "s", "y")
_FILLER = {"date", "time", "at", "timestamp", "datetime", "day", "on", "moment"}


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _key(phrase: str) -> list[str]:
    """The words that name a time ('the delivery date' -> ['deliver']); an event noun is
    its participle first (lexicon ``event_verbs``: 'payment' -> 'paid')."""
    verbs = lexicon.vocab().get("event_verbs", {})
    words = [w for w in re.split(r"[ _]+", phrase.lower()) if w and w not in _FILLER]
    words = [p for w in words for p in str(verbs.get(w, w)).split("_")]
    return [_stem(w) for w in words]


class TimeMixin(ConstraintsMixin):
    def _apply_windows(self) -> None:
        for c in self.req.constraints:
            if c.kind == "window":
                self._window(c)

    def _window(self, c: Constraint) -> None:
        lo, hi = value_list(c.values or ["2023-01-01", "2024-12-31"])[:2]
        hint = self.tables.get(c.table or "") or next(iter(self.tables.values()))
        col: str | None = None
        table = hint
        if c.field:
            for t in [hint, *self.tables.values()]:
                found = self._find_column(t, c.field)
                if found and t.columns[found].get("type") in TIME:
                    table, col = t, found
                    break
        if col is None and c.field and self._year_window(table, c.field, lo, hi):
            return
        if col is None and table.ent and table.ent.time_column in table.columns:
            col = table.ent.time_column
        if col is None:
            col = next((n for n, s in table.columns.items() if s.get("type") in TIME), None)
        if col is None:
            col = "created_at"
            table.columns[col] = {"type": "datetime"}
            self.assume(f"{table.name}: added created_at for '{c.text}'")
        if lo > hi:
            key = f"conflict.{table.name}.{col}"
            self.ask(
                key,
                f"{table.name}.{col}: '{c.text}' ends before it starts. Swap?",
                f"{hi} to {lo}",
                [f"{hi} to {lo}"],
            )
            lo, hi = hi, lo
        spec = table.columns[col]
        spec["min"], spec["max"] = lo, hi
        spec.pop("within", None)
        spec.pop("after", None)
        self.windows[(table.name, col)] = (lo, hi)
        self.assume(f"{table.name}.{col}: between {lo} and {hi}")

    def _year_window(self, table: Table, phrase: str, lo: str, hi: str) -> bool:
        """'books published between 1950 and 2020': the years of publication_year."""
        if not (lo.endswith("-01-01") and hi.endswith("-12-31")):
            return False
        stem = phrase.split()[0][:5]
        for name, spec in table.columns.items():
            if spec.get("type") == "int" and "year" in name and name[:5] == stem:
                spec["min"], spec["max"] = int(lo[:4]), int(hi[:4])
                self.assume(f"{table.name}.{name}: {lo[:4]} to {hi[:4]}")
                return True
        return False

    # time rules -----------------------------------------------------------------------

    def _time_col(self, table: Table, phrase: str) -> str | None:
        """A time column of the table that the phrase names ('returned' -> returned_at)."""
        found = self._find_column(table, phrase)
        if found and table.columns[found].get("type") in TIME:
            return found
        key = _key(phrase)
        if not key:
            return None
        for name, spec in table.columns.items():
            if spec.get("type") not in TIME:
                continue
            words = _key(name)
            if words and all(any(w.startswith(k) or k.startswith(w) for w in words) for k in key):
                return name
        return None

    def _apply_time_rules(self) -> None:
        for rule in self.req.time_rules:
            self._time_rule(rule)

    def _time_rule(self, rule: TimeRule) -> None:
        hint = self.tables.get(rule.table or "")
        order = [t for t in [hint, *self.tables.values()] if t is not None]
        table = next((t for t in order if self._time_col(t, rule.field)), None)
        if table is None and rule.anchor:
            table = next((t for t in order if self._time_col(t, rule.anchor)), None)
        if table is None:  # neither time is known: the table that links others (the event)
            linked = max(order, key=lambda t: len(t.refs) + bool(t.owner))
            table = linked if (len(linked.refs) + bool(linked.owner)) else order[0]
        anchor = self._anchor(table, rule)
        if anchor is None:
            return
        atab, acol = anchor
        aspec = self.tables[atab].columns[acol]
        col = self._time_col(table, rule.field) or self._add_time(table, rule.field, aspec)
        if (atab, acol) == (table.name, col):
            return
        spec = table.columns[col]
        if "type" not in spec:
            return
        if spec.get("type") != aspec.get("type"):
            spec["type"] = aspec.get("type")
        for key in ("min", "max", "dist", "before"):
            spec.pop(key, None)
        target = acol if atab == table.name else f"{atab}.{acol}"
        if atab == table.name and aspec.get("after") == col:
            aspec.pop("after", None)
            aspec.pop("within", None)
        spec["after"] = target
        spec["within"] = rule.within or spec.get("within") or "30d"
        self.assume(f"{table.name}.{col}: after {target}, within {spec['within']} ('{rule.text}')")

    def _anchor(self, table: Table, rule: TimeRule) -> tuple[str, str] | None:
        """The column the rule's time follows: named, else the table's own time."""
        if rule.anchor:
            parents = [p for p in (table.owner, *table.refs.values()) if p in self.tables]
            words = rule.anchor.split()
            for tname in parents:  # "policy start date": start_date of policies
                ptab = self.tables[tname]
                if words and lexicon.singular(words[0]) == self.singular(tname).split("_")[-1]:
                    rest = " ".join(words[1:]) or "created at"
                    found = self._time_col(ptab, rest)
                    return (tname, found or self._add_time(ptab, rest, {"type": "date"}))
            found = self._time_col(table, rule.anchor)
            if found and found != self._time_col(table, rule.field):
                return table.name, found
            for tname in parents:
                found = self._time_col(self.tables[tname], rule.anchor)
                if found:
                    return tname, found
            if not self.tables.get(rule.anchor.split()[-1]):
                return table.name, self._add_time(table, rule.anchor, {"type": "datetime"})
        own = self._time_col(table, rule.field)
        if table.ent and table.ent.time_column in table.columns and table.ent.time_column != own:
            return table.name, table.ent.time_column
        for name, spec in table.columns.items():
            if spec.get("type") in TIME and name != own and "after" not in spec:
                return table.name, name
        return table.name, self._add_time(table, "created at", {"type": "datetime"})

    def _add_time(self, table: Table, phrase: str, like: Col) -> str:
        """A time column for a phrase, named with its words ('return date', 'pickup_at')."""
        resolved, _ = resolve_field(phrase, table.ent)
        name = snake(phrase)
        event = lexicon.vocab().get("event_verbs", {}).get(phrase)
        if event and lexicon.entity_forms().get(phrase):
            name = f"{event}_at"  # "within 2 days of payment": paid_at, not a payment table
        if resolved and resolved[0][1].get("type") in TIME and resolved[0][0] in table.columns:
            name = resolved[0][0]
        elif not name.endswith(("_at", "_date", "_on", "_time")):
            name = f"{name}_at" if like.get("type") != "date" else f"{name}_date"
        if name in table.columns and table.columns[name].get("type") not in TIME:
            name = f"{name}_at"
        kind = like.get("type") if like.get("type") in TIME else "datetime"
        table.columns.setdefault(name, {"type": kind, "min": "2023-01-01", "max": "2024-12-31"})
        self.assume(f"{table.name}: added {name} for '{phrase}'")
        return name

    def _after_parent(
        self, table: Table, cols: dict[str, Col], col: str, ptab: str, pcol: str
    ) -> None:
        spec = cols[col]
        spec["after"] = f"{ptab}.{pcol}"
        if (table.name, col) in self.windows:
            _lo, hi = self.windows[(table.name, col)]
            pspec = self.tables[ptab].columns[pcol]
            pspec.pop("after", None)
            pspec.pop("within", None)
            if str(pspec.get("max", "9999")) > hi:
                pspec["max"] = hi
            if str(pspec.get("min", "0000")) > hi:
                pspec["min"] = f"{int(hi[:4]) - 2}{hi[4:]}"
            if str(pspec.get("min", "0")) > str(pspec["max"]):
                pspec["min"] = f"{int(str(pspec['max'])[:4]) - 2}{str(pspec['max'])[4:10]}"
            self.assume(f"{ptab}.{pcol}: ends by {hi} so {table.name}.{col} can follow it")
        else:
            spec.pop("min", None)
            spec.pop("max", None)
            spec["within"] = "365d"
