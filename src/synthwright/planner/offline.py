"""The offline planner: a parsed request + the knowledge base -> a valid spec.

Decisions made here, each one listed as an assumption in the result:
which columns a table gets (the request's list, else the knowledge base,
else generic ones), which table owns which (``per_parent``) or is referenced,
row counts (stated, answered, or a default that is also asked about), and how
constraints land on columns. Contradictions and missing information become
``Question`` objects carrying the default that was used, so a caller can ask
them and re-plan with ``answers`` (keys are the question keys).

The returned spec is always valid: it is compiled before it is returned, and
anything the compiler refuses is removed (and said so) until it compiles.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..engine.compile import compile_spec
from ..errors import SpecError
from ..spec import Spec, spec_from_data
from ._fields import resolve_field, snake
from ._parse import (
    LOCALES,
    Constraint,
    Count,
    Request,
    check_prompt,
    normalise,
    parse_count,
    parse_request,
)
from .knowledge import Entity, Parent, alias_index, entity
from .result import PlanResult, Question

__all__ = ["plan_offline"]

Col = dict[str, Any]
_GENERIC = "generic (id, name, created_at)"
# problem codes (errors.Problem.code) meaning "this column cannot be unique here": the repair
# drops `unique` for them, matched by code, never by the wording of the message
_UNIQUENESS_UNMET = frozenset({"capacity", "not_unique"})
_NUMERIC = ("int", "float", "decimal", "price")
_TIME = ("date", "datetime")
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
_PLACE_COLS = ("city", "state", "postal_code", "street_address", "street", "latitude")


@dataclass
class _Table:
    name: str
    ent: Entity | None
    columns: dict[str, Col] = field(default_factory=dict)
    rows: int | None = None
    owner: str | None = None
    owner_col: str | None = None
    per_parent: dict[str, Any] | None = None
    refs: dict[str, str] = field(default_factory=dict)
    unique: list[list[str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    pulled: bool = False

    @property
    def pk(self) -> str:
        for name, col in self.columns.items():
            if col.get("type") in ("id", "uuid"):
                return name
        return "id"


class _Builder:
    def __init__(self, prompt: str, answers: dict[str, str]) -> None:
        self.prompt = prompt
        self.answers = {k: v.strip() for k, v in answers.items() if v is not None}
        self.assumptions: list[str] = []
        self.questions: list[Question] = []
        self.tables: dict[str, _Table] = {}
        self.scenarios: dict[str, list[dict[str, Any]]] = {}
        self.locale = "en_US"
        text = prompt
        if self.answers.get("entities"):
            text = f"{self.answers['entities']}. {prompt}"
        self.req: Request = parse_request(text)

    # helpers -------------------------------------------------------------------------

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def ask(self, key: str, text: str, default: str, choices: list[str] | None = None) -> None:
        if key in self.answers or any(q.key == key for q in self.questions):
            return
        self.questions.append(Question(key, text, list(choices or []), default))

    # steps ---------------------------------------------------------------------------

    def build(self) -> PlanResult:
        names = self.req.tables()
        if not names:
            names = self._nothing_recognised()
        self._junctions_from_relations(names)
        self._relocate_fields(names)
        for name in names:
            self._add_table(name)
        self._pull_junction_parents()
        self._link()
        self._counts()
        self._apply_constraints()
        self._apply_locale_and_currency()
        spec = self._finish()
        return PlanResult(
            spec=spec,
            assumptions=self.assumptions,
            questions=self.questions,
            source="offline",
            transcript=[],
            usage={"tokens": 0, "cost_usd": 0.0},
            output_format=self.req.output_format,
        )

    def _junctions_from_relations(self, names: list[str]) -> None:
        """'each student enrols in 2-6 courses' is many-to-many: it goes through enrolments."""
        from .knowledge import ENTITIES

        for rel in self.req.relations:
            for junction in ENTITIES:
                if not junction.junction:
                    continue
                parents = {p.table for p in junction.parents}
                if {rel.parent, rel.child} != parents:
                    continue
                if junction.name not in names:
                    names.append(junction.name)
                    self.assume(
                        f"{rel.parent} and {rel.child} are many-to-many: linked "
                        f"through {junction.name}"
                    )
                rel.child = junction.name
                break

    def _relocate_fields(self, names: list[str]) -> None:
        """'books by 200 authors with isbn and price': the list belongs to books."""
        for name, listed in list(self.req.fields.items()):
            ent = entity(name)
            if ent is None or len(names) < 2:
                continue

            mine = _known_fields(listed, ent)
            others = [
                (_known_fields(listed, o), n) for n in names if n != name and (o := entity(n))
            ]
            best = max(others, default=(0, ""))
            if best[0] > mine and best[1] not in self.req.fields:
                self.req.fields[best[1]] = self.req.fields.pop(name)

    def _nothing_recognised(self) -> list[str]:
        default = "customers and their orders"
        self.ask(
            "entities",
            "What should the data describe (e.g. '500 patients with appointments')?",
            default,
        )
        self.assume(f"nothing in the request named a kind of record; planned {default}")
        self.req = parse_request(f"{default}. {self.prompt}")
        return self.req.tables() or ["customers"]

    def _add_table(self, name: str, pulled: bool = False) -> None:
        if name in self.tables:
            return
        ent = entity(name)
        answer = self.answers.get(f"entity.{name}")
        if ent is None and answer:
            mapped = alias_index().get(answer.lower().strip())
            if mapped:
                ent = entity(mapped)
                self.assume(f"{name}: treated like {mapped} (your answer)")
        table = _Table(name, ent, pulled=pulled)
        self.tables[name] = table
        listed = list(self.req.fields.get(name, []))
        if name in self.req.vague:
            self.ask(
                f"fields.{name}",
                f"Which details should {name} have? (comma-separated, or 'default')",
                "default",
            )
            answer_fields = self.answers.get(f"fields.{name}", "")
            if answer_fields and answer_fields.lower() not in ("default", "usual", ""):
                listed = _split_list(answer_fields)
            else:
                self.assume(
                    f"{name}: 'details' is vague; used the usual columns "
                    f"({', '.join((ent.columns if ent else {'name': {}}).keys())})"
                )
        if ent is None:
            if (
                answer
                and not alias_index().get(answer.lower().strip())
                and answer.lower() not in ("generic", _GENERIC)
            ):
                listed = listed or _split_list(answer)
            if not listed:
                self.ask(
                    f"entity.{name}",
                    f"I don't know what '{name}' are. Which fields "
                    "should they have? (comma-separated, a known kind such as "
                    "'products', or 'generic')",
                    _GENERIC,
                )
                self.assume(
                    f"{name}: unknown kind of record; used generic columns id, name, created_at"
                )
                listed = []
                table.columns = {
                    "id": {"type": "id"},
                    "name": {"type": "text", "unit": "words", "min": 1, "max": 3},
                    "created_at": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
                }
            else:
                self.assume(f"{name}: unknown kind of record; columns from your list")
        if listed:
            table.columns = self._listed_columns(table, listed)
        elif ent is not None:
            table.columns = copy.deepcopy(ent.columns)
            table.checks = list(ent.checks)

    def _listed_columns(self, table: _Table, listed: list[str]) -> dict[str, Col]:
        ent = table.ent
        cols: dict[str, Col] = {}
        if ent is not None:
            for name, col in ent.columns.items():
                if col.get("type") in ("id", "uuid"):
                    cols[name] = copy.deepcopy(col)
                    break
        else:
            cols["id"] = {"type": "id"}
        for phrase in listed:
            unique = phrase.startswith("unique ")
            optional = phrase.startswith("optional ")
            phrase = re.sub(r"^(?:unique|optional|required) ", "", phrase)
            resolved, note = resolve_field(phrase, ent)
            if note:
                self.assume(f"{table.name}: {note}")
            for name, col in resolved:
                if unique:
                    col["unique"] = True
                if optional:
                    col["null_rate"] = 0.2
                cols.setdefault(name, col)
        if ent is not None:  # keep what listed columns depend on (tax -> subtotal)
            for name in list(cols):
                for dep in _expr_refs(cols[name]):
                    if dep in ent.columns and dep not in cols:
                        cols[dep] = copy.deepcopy(ent.columns[dep])
            for check in ent.checks:
                if set(_identifiers(check)) & set(ent.columns) <= set(cols):
                    table.checks.append(check)
        return cols

    def _pull_junction_parents(self) -> None:
        for table in list(self.tables.values()):
            if table.ent is None or not table.ent.junction:
                continue
            for parent in table.ent.parents:
                if parent.table not in self.tables:
                    self._add_table(parent.table, pulled=True)
                    self.assume(f"{table.name} links {parent.table}: added a {parent.table} table")

    def _owner_chain(self, name: str) -> set[str]:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            owner = self.tables[name].owner if name in self.tables else None
            if owner is None:
                break
            name = owner
        return seen

    def _link(self) -> None:
        explicit: dict[str, list[tuple[str, Count | None]]] = {}
        for rel in self.req.relations:
            if rel.parent in self.tables and rel.child in self.tables:
                explicit.setdefault(rel.child, []).append((rel.parent, rel.count))
        self.explicit_counts: dict[str, Count | None] = {}
        for table in self.tables.values():
            kb_parents = table.ent.parents if table.ent else ()
            owner: tuple[str, str] | None = None
            kb_owner_here = any(p.owner and p.table in self.tables for p in kb_parents)
            for parent_name, count in explicit.get(table.name, []):
                kb = next((p for p in kb_parents if p.table == parent_name), None)
                if table.name in self._owner_chain(parent_name):
                    continue
                if count is None and kb_owner_here and not (kb and kb.owner):
                    continue  # "doctors with appointments": appointments still per patient
                col = kb.column if kb else f"{_singular(parent_name)}_id"
                owner = (parent_name, col)
                self.explicit_counts[table.name] = count
                break
            if owner is None:
                for p in kb_parents:
                    if (
                        p.owner
                        and p.table in self.tables
                        and table.name not in self._owner_chain(p.table)
                    ):
                        owner = (p.table, p.column)
                        break
            if owner is not None:
                table.owner, table.owner_col = owner
            for p in kb_parents:
                if (
                    (not p.owner or (table.ent and table.ent.junction))
                    and p.table in self.tables
                    and p.table != table.owner
                    and p.column != table.owner_col
                ):
                    table.refs[p.column] = p.table
            if table.ent and table.ent.junction and table.owner is None:
                first = table.ent.parents[0]
                table.owner, table.owner_col = first.table, first.column
            if table.owner is None and table.ent and any(p.owner for p in kb_parents):
                names = " or ".join(p.table for p in kb_parents if p.owner)
                self.assume(f"{table.name}: no {names} table requested, so no link to one")

    def _kb_parent(self, table: _Table, parent: str) -> Parent | None:
        if table.ent is None:
            return None
        return next((p for p in table.ent.parents if p.table == parent), None)

    def _counts(self) -> None:
        for table in self.tables.values():
            stated = self.req.counts.get(table.name, [])
            if len(set(stated)) > 1:
                key = f"conflict.{table.name}.rows"
                choices = [str(n) for n in dict.fromkeys(stated)]
                self.ask(
                    key,
                    f"You gave several counts for {table.name} ({', '.join(choices)}). How many?",
                    choices[-1],
                    choices,
                )
                stated = [_int(self.answers.get(key)) or int(choices[-1])]
            answered = _int(self.answers.get(f"rows.{table.name}"))
            if table.owner is None:
                table.rows = answered or (stated[-1] if stated else None)
                if table.rows is None:
                    default = table.ent.rows if table.ent else 1000
                    if table.pulled:
                        default = min(default, 200)
                    self.ask(f"rows.{table.name}", f"How many {table.name}?", str(default))
                    self.assume(f"{table.name}: no count given; {default} rows")
                    table.rows = default
                continue
            count = self.explicit_counts.get(table.name)
            ans = self.answers.get(f"per_parent.{table.name}")
            if ans:
                count = parse_count(ans) or count
            total = answered or (stated[-1] if stated else None)
            if count is None and total is not None:
                table.rows = total
                self.assume(
                    f"{table.name}: {total} rows, each linked to a random {_singular(table.owner)}"
                )
                table.refs = {table.owner_col or "parent_id": table.owner, **table.refs}
                table.owner = None
                continue
            kb = self._kb_parent(table, table.owner)
            if count is None:
                lo, hi, lam = (kb.min, kb.max, kb.lam) if kb else (0, 5, 2.0)
                text = f"about {lam:g}" if lam else f"{lo}-{hi}"
                self.ask(
                    f"per_parent.{table.name}",
                    f"How many {table.name} per "
                    f"{_singular(table.owner)}? (e.g. '1-5' or 'about 3')",
                    text,
                )
                self.assume(f"{table.name}: {text} per {_singular(table.owner)} ({lo}..{hi})")
                count = Count(lo, hi, mean=lam)
            table.per_parent = self._per_parent(table, count)

    def _per_parent(self, table: _Table, count: Count) -> dict[str, Any]:
        owner = table.owner or ""
        lo, hi = count.lo, count.hi
        if hi is not None and lo > hi:
            key = f"conflict.{table.name}.per_parent"
            self.ask(
                key,
                f"{table.name} per {_singular(owner)}: {lo} is more than {hi}. Use {hi}-{lo}?",
                f"{hi}-{lo}",
                [f"{hi}-{lo}"],
            )
            lo, hi = hi, lo
        if table.ent and table.ent.junction:  # distinct pairs need enough partners
            other = next((t for c, t in table.refs.items()), None)
            room = self.tables[other].rows if other in self.tables else None
            if room is not None and hi is not None and hi > room:
                self.assume(
                    f"{table.name}: at most {room} per {_singular(owner)} (there are "
                    f"only {room} {other})"
                )
                hi = room
                lo = min(lo, hi)
        pp: dict[str, Any] = {"table": owner, "min": lo}
        if count.mean is not None:
            lam = max(count.mean, 0.01)
            pp["dist"] = {"poisson": {"lam": lam}}
            pp["max"] = hi if hi is not None else max(int(lam * 3), int(lam) + 5)
        else:
            pp["max"] = hi if hi is not None else lo
        return pp

    # constraints -----------------------------------------------------------------------

    def _find_column(self, table: _Table, phrase: str) -> str | None:
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
        return None

    def _target(self, c: Constraint) -> tuple[_Table, str | None]:
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

    def _new_column(self, table: _Table, phrase: str) -> str | None:
        resolved, note = resolve_field(phrase, table.ent)
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
                self._window(c)
                continue
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
                col = self._new_column(table, c.field)
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

    def _range(self, table: _Table, col: str, cs: list[Constraint]) -> None:
        if col == "age" and "age" not in table.columns and "date_of_birth" in table.columns:
            self._age_as_birth_date(table, cs)
            return
        spec = table.columns[col]
        kind = spec.get("type")
        if kind not in _NUMERIC:
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
                fixed = f"{_num(c.hi)}-{_num(c.lo)}"
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
                    f"{_num(c.lo if c.lo is not None else spec.get('min', 0))}-"
                    f"{_num(c.hi if c.hi is not None else max(top, (c.lo or 0) * 2))}"
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
        spec["min"], spec["max"] = _num(new_lo), _num(new_hi)
        if isinstance(spec.get("dist"), dict) and "normal" in spec["dist"]:
            spec["dist"] = "normal"
        if kind == "decimal" and new_hi - new_lo <= 0:
            spec["max"] = _num(new_lo + 1)
        if "unique" in spec and kind == "int" and new_hi - new_lo + 1 < 10**6:
            pass

    def _age_as_birth_date(self, table: _Table, cs: list[Constraint]) -> None:
        """'patients aged over 65' on a table that stores a date of birth."""
        lo = max((c.lo for c in cs if c.lo is not None), default=0.0)
        hi = min((c.hi for c in cs if c.hi is not None), default=100.0)
        if lo > hi:
            lo, hi = hi, lo
        today = date.today()
        latest = _years_before(today, int(lo))
        earliest = _years_before(today, int(hi) + 1) + timedelta(days=1)
        spec = table.columns["date_of_birth"]
        spec["min"], spec["max"] = earliest.isoformat(), latest.isoformat()
        spec.pop("dist", None)
        self.assume(
            f"{table.name}: age {_num(lo)}-{_num(hi)} as date_of_birth between "
            f"{spec['min']} and {spec['max']}"
        )

    def _values(self, table: _Table, col: str, cs: list[Constraint]) -> None:
        spec = table.columns[col]
        chosen = cs[-1]
        distinct = {_values_key(c.values) for c in cs}
        if len(distinct) > 1:
            key = f"conflict.{table.name}.{col}"
            onlies = [c for c in cs if c.only]
            chosen = onlies[-1] if onlies else cs[-1]
            union: list[str] = []
            for c in cs:
                union += [v for v in _value_list(c.values) if v not in union]
            choices = [", ".join(_value_list(c.values)) for c in cs] + [", ".join(union)]
            choices = list(dict.fromkeys(choices))
            default = ", ".join(_value_list(chosen.values))
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
            vals = _split_list(answer)
        if not vals:
            return
        if spec.get("type") in ("currency_code", "country_code", "country"):
            spec["values"] = [v.upper() for v in _value_list(vals)]
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
                        and c.field in [v.lower() for v in _value_list(sp.get("values"))]
                    ),
                    None,
                )
                if hit:
                    value = next(
                        v for v in _value_list(t.columns[hit]["values"]) if v.lower() == c.field
                    )
                    shares.setdefault((t.name, hit), {})[value] = min(max(c.lo or 0, 0), 1)
                    c.field = None
                    break
        for (tname, col), given in shares.items():
            spec = self.tables[tname].columns[col]
            spec["values"] = _reweight_many(spec["values"], given)
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

    def _percent(self, table: _Table, col: str | None, c: Constraint) -> None:
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
                if vals and word in _value_list(vals):
                    t.columns[name]["values"] = _reweight(vals, word, share)
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

    def _window(self, c: Constraint) -> None:
        lo, hi = _value_list(c.values or ["2023-01-01", "2024-12-31"])[:2]
        hint = self.tables.get(c.table or "") or next(iter(self.tables.values()))
        col: str | None = None
        table = hint
        if c.field:
            for t in [hint, *self.tables.values()]:
                found = self._find_column(t, c.field)
                if found and t.columns[found].get("type") in _TIME:
                    table, col = t, found
                    break
        if col is None and table.ent and table.ent.time_column in table.columns:
            col = table.ent.time_column
        if col is None:
            col = next((n for n, s in table.columns.items() if s.get("type") in _TIME), None)
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
        self.windows = getattr(self, "windows", {})
        self.windows[(table.name, col)] = (lo, hi)
        self.assume(f"{table.name}.{col}: between {lo} and {hi}")

    def _apply_locale_and_currency(self) -> None:
        codes = self.req.countries
        if codes:
            self.locale = LOCALES.get(codes[0], "en_US")
            values: list[str] | dict[str, float] = list(codes)
            for table in self.tables.values():
                personal = table.ent.person if table.ent else False
                placed = any(c in table.columns for c in (*_PLACE_COLS, "country", "phone"))
                if not (personal or placed):
                    continue
                col = (
                    "country"
                    if "country" in table.columns or "nationality" not in table.columns
                    else "nationality"
                )
                table.columns[col] = {"type": "country_code", "values": values}
            self.assume(f"locale {self.locale}; country {', '.join(codes)}")
        currency = self.req.currency
        if currency:
            added = []
            for table in self.tables.values():
                money = [
                    n
                    for n, s in table.columns.items()
                    if s.get("type") in ("price", "decimal") and n not in ("gpa", "interest_rate")
                ]
                if not money and "currency" not in table.columns:
                    continue
                table.columns["currency"] = {"type": "currency_code", "values": [currency]}
                added.append(table.name)
            if not added:
                first = next(iter(self.tables.values()))
                first.columns["currency"] = {"type": "currency_code", "values": [currency]}
                added.append(first.name)
            self.assume(f"amounts in {currency} ({', '.join(added)})")

    # assembling -------------------------------------------------------------------------

    def _table_data(self, table: _Table) -> dict[str, Any]:
        cols: dict[str, Col] = {}
        pk = table.pk
        if pk in table.columns:
            cols[pk] = table.columns[pk]
        elif not (table.ent and table.ent.junction):
            cols["id"] = {"type": "id"}
        links: dict[str, str] = {}
        if table.owner and table.owner_col:
            links[table.owner_col] = table.owner
        links.update({c: t for c, t in table.refs.items() if c not in links})
        for col, parent in links.items():
            ptable = self.tables[parent]
            ref: Col = {"ref": f"{parent}.{ptable.pk if ptable.pk in ptable.columns else 'id'}"}
            kb = self._kb_parent(table, parent)
            if kb is not None and kb.zipf and col != table.owner_col:
                ref["dist"] = "zipf"
            cols[col] = ref
        for name, col_spec in table.columns.items():
            if name not in cols and not (f"{name}_id" in links and "type" in col_spec):
                cols[name] = col_spec
        # drop self-references the table no longer has, and link time columns to parents
        for name in list(cols):
            target = cols[name].get("ref")
            if isinstance(target, str) and target.split(".")[0] not in self.tables:
                del cols[name]
        checks = [c for c in table.checks if _refs_ok(c, cols, self.tables)]
        if table.ent:
            for col, cands in table.ent.after.items():
                if col not in cols or "after" in cols[col]:
                    continue
                for cand in cands:
                    ptab, pcol = cand.split(".")
                    if (
                        ptab in links.values()
                        and pcol in self.tables[ptab].columns
                        and self.tables[ptab].columns[pcol].get("type") == cols[col].get("type")
                    ):
                        self._after_parent(table, cols, col, ptab, pcol)
                        checks.append(f"{col} >= {ptab}.{pcol}")
                        break
        for spec in list(cols.values()):  # same-row after: needs that column
            after = spec.get("after")
            if isinstance(after, str) and "." not in after and after not in cols:
                spec.pop("after")
                spec.pop("within", None)
        data: dict[str, Any] = {"columns": cols}
        if table.per_parent is not None and table.owner:
            data = {"per_parent": table.per_parent, **data}
        else:
            data = {"rows": table.rows if table.rows is not None else 1000, **data}
        if table.ent and table.ent.junction:
            pair = [c for c in links if c in cols][:2]
            if len(pair) == 2:
                data["unique"] = pair
        if checks:
            data["checks"] = list(dict.fromkeys(checks))
        return data

    def _after_parent(
        self, table: _Table, cols: dict[str, Col], col: str, ptab: str, pcol: str
    ) -> None:
        spec = cols[col]
        windows = getattr(self, "windows", {})
        spec["after"] = f"{ptab}.{pcol}"
        if (table.name, col) in windows:
            _lo, hi = windows[(table.name, col)]
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

    def _finish(self) -> Spec:
        tables = {name: self._table_data(t) for name, t in self.tables.items()}
        data: dict[str, Any] = {
            "version": 1,
            "name": "_".join(list(self.tables)[:3]) or "dataset",
            "description": _description(self.prompt),
            "locale": self.locale,
            "tables": tables,
        }
        if self.req.seed is not None:
            data["seed"] = self.req.seed
        if self.scenarios:
            data["scenarios"] = {k: v for k, v in self.scenarios.items() if k in tables}
        return self._valid(data)

    def _valid(self, data: dict[str, Any]) -> Spec:
        """Compile; drop what the compiler refuses (saying so) until it compiles."""
        for _ in range(8):
            try:
                spec = spec_from_data(data)
                compile_spec(spec)
                return spec
            except SpecError as exc:
                if not self._repair(data, exc):
                    break
        keys = copy.deepcopy(data)
        keys.pop("scenarios", None)
        for tdata in keys["tables"].values():
            tdata["columns"] = {
                n: c
                for n, c in tdata["columns"].items()
                if "ref" in c or c.get("type") in ("id", "uuid")
            } or {"id": {"type": "id"}}
            tdata.pop("checks", None)
        self.assume("the plan could not be made valid; kept only keys and links")
        try:
            spec = spec_from_data(keys)
            compile_spec(spec)
            return spec
        except SpecError:
            pass
        bare = {
            "version": 1,
            "name": data.get("name", "dataset"),
            "tables": {
                name: {"rows": 100, "columns": {"id": {"type": "id"}}} for name in data["tables"]
            },
        }
        return spec_from_data(bare)

    def _repair(self, data: dict[str, Any], exc: SpecError) -> bool:
        """Drop what each problem names, found by its location and code (never its wording)."""
        changed = False
        for problem in exc.problems:
            parts = problem.location.split(".")
            msg = problem.message
            if parts[:1] == ["scenarios"]:
                data.pop("scenarios", None)
                self.assume(f"dropped scenarios: {msg}")
                changed = True
                continue
            if len(parts) < 2 or parts[0] != "tables" or parts[1] not in data["tables"]:
                continue
            tdata = data["tables"][parts[1]]
            if len(parts) >= 4 and parts[2] == "columns" and parts[3] in tdata["columns"]:
                col = tdata["columns"][parts[3]]
                if len(parts) >= 5 and parts[4] in col and parts[4] not in ("type", "ref", "expr"):
                    col.pop(parts[4])
                    if parts[4] == "after":
                        col.pop("within", None)
                        tdata.pop("checks", None)
                    self.assume(f"{parts[1]}.{parts[3]}: dropped {parts[4]} ({msg})")
                elif "unique" in col and problem.code in _UNIQUENESS_UNMET:
                    col.pop("unique")
                    self.assume(f"{parts[1]}.{parts[3]}: not unique ({msg})")
                elif len(tdata["columns"]) > 1 and "ref" not in col:
                    del tdata["columns"][parts[3]]
                    tdata["checks"] = [
                        c for c in tdata.get("checks", []) if parts[3] not in _identifiers(c)
                    ]
                    self.assume(f"{parts[1]}: dropped column {parts[3]} ({msg})")
                else:
                    continue
                changed = True
            elif len(parts) >= 3 and parts[2] in ("checks", "unique"):
                tdata.pop(parts[2], None)
                self.assume(f"{parts[1]}: dropped {parts[2]} ({msg})")
                changed = True
            elif len(parts) >= 3 and parts[2] == "per_parent":
                pp = tdata["per_parent"]
                pp.pop("dist", None)
                pp["min"], pp["max"] = 0, max(int(pp.get("max") or 1), 1)
                self.assume(f"{parts[1]}: per_parent reset to 0..{pp['max']} ({msg})")
                changed = True
        return changed


# --- small helpers ---------------------------------------------------------------------


def _known_fields(listed: list[str], ent: Entity) -> int:
    """How many listed fields are columns the entity already knows."""
    count = 0
    for phrase in listed:
        cols, _ = resolve_field(phrase, ent)
        count += bool(cols) and cols[0][0] in ent.columns
    return count


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


def _int(text: str | None) -> int | None:
    if not text:
        return None
    m = re.search(r"\d+", normalise(text))
    return int(m.group(0)) if m else None


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _split_list(text: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+and\s+|\s+or\s+|\s*/\s*|\s*;\s*", text.strip().lower())
    return [p.strip() for p in parts if p.strip()]


def _value_list(values: list[str] | dict[str, float] | None) -> list[str]:
    if values is None:
        return []
    return [str(v) for v in (values.keys() if isinstance(values, dict) else values)]


def _values_key(values: list[str] | dict[str, float] | None) -> tuple[str, ...]:
    return tuple(sorted(_value_list(values)))


def _reweight_many(
    values: list[Any] | dict[str, float], given: dict[str, float]
) -> dict[str, float]:
    if isinstance(values, dict):
        weights = {str(k): float(v) for k, v in values.items()}
    else:
        weights = {str(v): 1.0 for v in values}
    taken = min(sum(given.values()), 1.0)
    rest_keys = [k for k in weights if k not in given]
    rest = sum(weights[k] for k in rest_keys) or 1.0
    out = {}
    for k, w in weights.items():
        out[k] = round(given[k], 4) if k in given else round(w / rest * (1 - taken), 4)
    if sum(out.values()) <= 0:
        out = {k: 1.0 for k in out}
    return out


def _reweight(values: list[Any] | dict[str, float], word: str, share: float) -> dict[str, float]:
    if isinstance(values, dict):
        weights = {str(k): float(v) for k, v in values.items()}
    else:
        weights = {str(v): 1.0 for v in values}
    rest = sum(w for k, w in weights.items() if k != word) or 1.0
    return {
        k: (round(share, 4) if k == word else round(w / rest * (1 - share), 4))
        for k, w in weights.items()
    }


def _identifiers(expr: str) -> list[str]:
    return re.findall(r"\b[a-z_][a-z0-9_]*\b", re.sub(r"'[^']*'", "", expr))


def _expr_refs(col: Col) -> list[str]:
    refs = _identifiers(col["expr"]) if "expr" in col else []
    if isinstance(col.get("after"), str) and "." not in col["after"]:
        refs.append(col["after"])
    return refs


_SQL_WORDS = {
    "and",
    "or",
    "not",
    "between",
    "round",
    "case",
    "when",
    "then",
    "else",
    "end",
    "is",
    "null",
    "in",
    "like",
    "true",
    "false",
    "coalesce",
    "abs",
}


def _refs_ok(check: str, cols: dict[str, Col], tables: dict[str, _Table]) -> bool:
    for ref in re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", check):
        if ref[0] not in tables or ref[1] not in tables[ref[0]].columns:
            return False
    bare = re.sub(r"\b[a-z_]+\.[a-z_]+\b", "", check)
    return all(w in cols or w in _SQL_WORDS for w in _identifiers(bare))


def _description(prompt: str) -> str:
    text = " ".join(prompt.split())
    return text if len(text) <= 300 else text[:297] + "..."


def plan_offline(prompt: str, *, answers: dict[str, str] | None = None) -> PlanResult:
    """Plan a valid spec from an English request, without an LLM.

    Args:
        prompt: what the data should be ("500 customers, each with 1-5 orders").
        answers: replies to earlier questions, by ``Question.key``.

    Returns:
        The spec (always valid), every assumption made, the questions that a
        person could answer to refine it (each with the default that was used),
        and the requested output format when the prompt named one.
    """
    check_prompt(prompt)  # SpecError at `prompt` when longer than MAX_PROMPT_CHARS
    return _Builder(prompt, answers or {}).build()
