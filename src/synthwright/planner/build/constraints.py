"""Constraints on columns: ranges, value lists, uniqueness, shares and missing values.

Each constraint lands on the column its field names (found in the table the
request was talking about, else in any table, else added), and conflicts
("age between 18 and 30 and age over 40") become questions with the default
used.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..parse import Constraint
from ..resolve import resolve_field, snake
from .base import (
    NUMERIC,
    Table,
    num,
    reweight,
    reweight_many,
    split_list,
    value_list,
    values_key,
)
from .links import LinksMixin

__all__ = ["ConstraintsMixin", "years_before"]

_PERSON_FIELDS = {
    "age",
    "aged",
    "gender",
    "sex",
    "email",
    "emails",
    "phone",
    "name",
    "salary",
    "income",
    "date of birth",
    "first name",
    "last name",
    "username",
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ConstraintsMixin(LinksMixin):
    def _find_column(self, table: Table, phrase: str) -> str | None:
        phrase = phrase.strip()
        key = snake(phrase)
        cands = [key, key.rstrip("s"), re.sub(r"ies$", "y", key), f"is_{key}"]
        for cand in cands:
            if cand in table.columns:
                return cand
        resolved, _ = resolve_field(phrase, table.ent)
        for name, _col in resolved[:1]:
            if name in table.columns:
                return name
        for name in table.columns:
            if name.startswith(f"{key}_"):
                return name
        for name in table.columns:  # "cpu millicores 50-4000" -> cpu_millicores
            if key in name.split("_") and "ref" not in table.columns[name]:
                return name
        return None

    def _target(self, c: Constraint) -> tuple[Table, str | None]:
        hint = self.tables.get(c.table or "")
        if hint is not None and c.field and self._find_column(hint, c.field):
            return hint, self._find_column(hint, c.field)
        for table in self.tables.values():
            if c.field and self._find_column(table, c.field):
                return table, self._find_column(table, c.field)
        if hint is None:
            hint = next(iter(self.tables.values()))
        if c.kind == "percent":
            person = next((t for t in self.tables.values() if t.ent and t.ent.person), None)
            hint = person or hint
        return hint, None

    def _new_column(self, table: Table, phrase: str, unit: str | None = None) -> str | None:
        resolved, note = resolve_field(phrase, table.ent, unit)
        if not resolved:
            return None
        if note:
            self.assume(f"{table.name}: {note}")
        for name, col in resolved:
            table.columns.setdefault(name, col)
        self.assume(f"{table.name}: added {', '.join(n for n, _ in resolved)} for '{phrase}'")
        return resolved[0][0]

    def _apply_constraints(self) -> None:
        ranges: dict[tuple[str, str], list[Constraint]] = {}
        values: dict[tuple[str, str], list[Constraint]] = {}
        for c in self.req.constraints:
            if c.kind == "percent":
                continue
            if c.kind == "window":
                continue  # windows: TimeMixin._apply_windows
            if c.field is None:
                continue
            table, col = self._target(c)
            if col is None and c.field in _PERSON_FIELDS and not (table.ent and table.ent.person):
                person = [t for t in self.tables.values() if t.ent and t.ent.person]
                if person:
                    table = next((t for t in person if "date_of_birth" in t.columns), person[0])
            if col is None and c.field in ("age", "aged") and "date_of_birth" in table.columns:
                col = "age"
            if col is None:
                col = self._new_column(table, c.field, c.unit)
                if col is None:
                    continue
            if c.kind == "range":
                ranges.setdefault((table.name, col), []).append(c)
            elif c.kind == "values":
                values.setdefault((table.name, col), []).append(c)
            elif c.kind == "unique":
                spec = table.columns[col]
                if "type" in spec:
                    spec["unique"] = True
            elif c.kind == "null":
                spec = table.columns[col]
                if col != table.pk and "expr" not in spec:
                    spec["null_rate"] = min(max(c.lo or 0.0, 0.0), 0.99)
        for (tname, col), cs in ranges.items():
            self._range(self.tables[tname], col, cs)
        for (tname, col), cs in values.items():
            self._values(self.tables[tname], col, cs)
        self._category_shares()  # after value lists, so '30% refunded' finds 'refunded'
        for c in self.req.constraints:
            if c.kind == "percent" and c.field is not None:
                table, col = self._target(c)
                self._percent(table, col, c)

    def _range(self, table: Table, col: str, cs: list[Constraint]) -> None:
        if col == "age" and "age" not in table.columns and "date_of_birth" in table.columns:
            self._age_as_birth_date(table, cs)
            return
        spec = table.columns[col]
        if "expr" in spec:  # "total between 10 and 900": a stated range wins over the formula
            spec = {"type": "decimal", "scale": 2}
            table.columns[col] = spec
            table.checks = [c for c in table.checks if col not in c.split()]
            self.assume(f"{table.name}.{col}: a value in the range asked for, not a formula")
        kind = spec.get("type")
        if kind in ("text", "category", "duration", "string") and all(
            c.lo is not None or c.hi is not None for c in cs
        ):  # "bedrooms 1-6", "appointment length 15 to 60 minutes": a number after all
            whole = all(float(v).is_integer() for c in cs for v in (c.lo, c.hi) if v is not None)
            spec = {"type": "int" if whole else "float"}
            table.columns[col] = spec
            kind = spec["type"]
        if kind not in NUMERIC:
            self.assume(
                f"{table.name}.{col}: is {kind or 'derived'}, so the range "
                f"'{cs[0].text}' was not applied"
            )
            return
        lo: float | None = None
        hi: float | None = None
        for c in cs:
            if c.lo is not None and c.hi is not None and c.lo > c.hi:
                key = f"conflict.{table.name}.{col}"
                fixed = f"{num(c.hi)}-{num(c.lo)}"
                self.ask(
                    key,
                    f"{table.name}.{col}: '{c.text}' has the lower bound above the "
                    f"upper one. Which range?",
                    fixed,
                    [fixed],
                )
                c.lo, c.hi = c.hi, c.lo
            lo = c.lo if lo is None or (c.lo is not None and c.lo > lo) else lo
            hi = c.hi if hi is None or (c.hi is not None and c.hi < hi) else hi
        if lo is not None and hi is not None and lo > hi:
            last = cs[-1]
            key = f"conflict.{table.name}.{col}"
            top = spec.get("max", 1000)
            choices = list(
                dict.fromkeys(
                    f"{num(c.lo if c.lo is not None else spec.get('min', 0))}-"
                    f"{num(c.hi if c.hi is not None else max(top, (c.lo or 0) * 2))}"
                    for c in cs
                )
            )
            self.ask(
                key,
                f"{table.name}.{col}: the ranges you gave do not overlap "
                f"({'; '.join(c.text for c in cs)}). Which one?",
                choices[-1],
                choices,
            )
            lo, hi = last.lo, last.hi
        answer = self.answers.get(f"conflict.{table.name}.{col}")
        if answer:
            m = re.search(r"(-?\d+(?:\.\d+)?)\s*(?:-|\.\.|to|and)\s*(-?\d+(?:\.\d+)?)", answer)
            if m:
                lo, hi = sorted((float(m.group(1)), float(m.group(2))))
        cur_lo = spec.get("min", 0)
        cur_hi = spec.get("max", 1000 if kind != "float" else 1)
        new_lo = lo if lo is not None else (cur_lo if hi is None or cur_lo < hi else 0)
        new_hi = hi if hi is not None else (cur_hi if cur_hi > new_lo else new_lo * 2 + 100)
        if kind == "int":
            new_lo, new_hi = int(new_lo), int(new_hi)
        spec["min"], spec["max"] = num(new_lo), num(new_hi)
        if isinstance(spec.get("dist"), dict) and "normal" in spec["dist"]:
            spec["dist"] = "normal"
        if kind == "decimal" and new_hi - new_lo <= 0:
            spec["max"] = num(new_lo + 1)
        if "unique" in spec and kind == "int" and new_hi - new_lo + 1 < 10**6:
            pass

    def _age_as_birth_date(self, table: Table, cs: list[Constraint]) -> None:
        """'patients aged over 65' on a table that stores a date of birth."""
        lo = max((c.lo for c in cs if c.lo is not None), default=0.0)
        hi = min((c.hi for c in cs if c.hi is not None), default=100.0)
        if lo > hi:
            lo, hi = hi, lo
        today = date.today()
        latest = years_before(today, int(lo))
        earliest = years_before(today, int(hi) + 1) + timedelta(days=1)
        spec = table.columns["date_of_birth"]
        spec["min"], spec["max"] = earliest.isoformat(), latest.isoformat()
        spec.pop("dist", None)
        self.assume(
            f"{table.name}: age {num(lo)}-{num(hi)} as date_of_birth between "
            f"{spec['min']} and {spec['max']}"
        )

    def _values(self, table: Table, col: str, cs: list[Constraint]) -> None:
        spec = table.columns[col]
        chosen = cs[-1]
        distinct = {values_key(c.values) for c in cs}
        if len(distinct) > 1:
            key = f"conflict.{table.name}.{col}"
            onlies = [c for c in cs if c.only]
            chosen = onlies[-1] if onlies else cs[-1]
            union: list[str] = []
            for c in cs:
                union += [v for v in value_list(c.values) if v not in union]
            choices = [", ".join(value_list(c.values)) for c in cs] + [", ".join(union)]
            choices = list(dict.fromkeys(choices))
            default = ", ".join(value_list(chosen.values))
            self.ask(
                key,
                f"{table.name}.{col}: you asked for {' and '.join(repr(c.text) for c in cs)}"
                f" - these contradict. Which values?",
                default,
                choices,
            )
            self.assume(f"{table.name}.{col}: conflicting values; used {default}")
        vals: list[str] | dict[str, float] | None = self._cased(chosen.values)
        answer = self.answers.get(f"conflict.{table.name}.{col}")
        if answer:
            vals = split_list(answer)
        if not vals:
            return
        if spec.get("type") in ("currency_code", "country_code", "country"):
            spec["values"] = [v.upper() for v in value_list(vals)]
            return
        table.columns[col] = {
            "type": "category",
            "values": vals,
            **({"null_rate": spec["null_rate"]} if "null_rate" in spec else {}),
        }

    def _category_shares(self) -> None:
        """'60% free, 30% pro': shares of a category's values, set together."""
        shares: dict[tuple[str, str], dict[str, float]] = {}
        for c in self.req.constraints:
            if c.kind != "percent" or not c.field:
                continue
            hint = self.tables.get(c.table or "")
            order = [hint] if hint else []
            for t in [*order, *self.tables.values()]:
                hit = next(
                    (
                        n
                        for n, sp in t.columns.items()
                        if sp.get("type") == "category"
                        and c.field in [v.lower() for v in value_list(sp.get("values"))]
                    ),
                    None,
                )
                if hit:
                    value = next(
                        v for v in value_list(t.columns[hit]["values"]) if v.lower() == c.field
                    )
                    shares.setdefault((t.name, hit), {})[value] = min(max(c.lo or 0, 0), 1)
                    c.field = None
                    break
        for (tname, col), given in shares.items():
            spec = self.tables[tname].columns[col]
            spec["values"] = reweight_many(spec["values"], given)
            self.assume(f"{tname}.{col}: " + ", ".join(f"{v:.0%} {k}" for k, v in given.items()))

    def _cased(
        self, values: list[str] | dict[str, float] | None
    ) -> list[str] | dict[str, float] | None:
        """Values as the prompt spelled them ('UPS', 'INFO'), not lower-cased."""

        def case(value: str) -> str:
            m = re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", self.prompt, re.IGNORECASE)
            return m.group(0) if m else value

        if isinstance(values, dict):
            return {case(k): v for k, v in values.items()}
        return [case(v) for v in values] if values is not None else None

    def _percent(self, table: Table, col: str | None, c: Constraint) -> None:
        word = (c.field or "").strip()
        share = min(max(c.lo or 0.0, 0.0), 1.0)
        if (c.lo or 0.0) > 1:
            self.ask(
                f"conflict.{table.name}.{snake(word)}",
                f"{word}: {(c.lo or 0.0) * 100:g}% is more than everything. What share?",
                "100%",
                ["100%"],
            )
        for t in [table, *self.tables.values()]:
            for name, spec in t.columns.items():
                vals = spec.get("values") if spec.get("type") == "category" else None
                if vals and word in value_list(vals):
                    t.columns[name]["values"] = reweight(vals, word, share)
                    self.assume(f"{t.name}.{name}: {share:.0%} {word}")
                    return
        if col is None or table.columns.get(col, {}).get("type") != "bool":
            name = snake(word)
            if name in table.columns and table.columns[name].get("type") != "bool":
                name = f"is_{name}"
            table.columns[name] = {"type": "bool", "p": share}
            col = name
            self.assume(f"{table.name}: added {name} (true for {share:.0%})")
        spec = table.columns[col]
        if c.at_least and 0 < share < 1:
            spec["p"] = round(share / 2, 4)
            self.scenarios.setdefault(table.name, []).append(
                {"name": f"at_least_{col}", "share": share, "set": {col: True}}
            )
            self.assume(
                f"{table.name}.{col}: at least {share:.0%} true (a scenario sets "
                f"{share:.0%}, the rest are true {share / 2:.0%} of the time)"
            )
        else:
            spec["p"] = share
