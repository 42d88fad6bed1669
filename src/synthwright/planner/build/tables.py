"""Which tables the plan has and which columns each starts with.

The request's list of fields when it gave one (resolved through the entity
and the lexicon), else the entity's usual columns, else generic ones (and a
question). Many-to-many relations go through a junction; a junction's
parents are added when the request did not name them.
"""

from __future__ import annotations

import copy
import re

from ... import lexicon
from ..parse import parse_request
from ..resolve import resolve_field, snake
from .base import GENERIC, BuilderBase, Col, Table, expr_refs, identifiers, split_list

__all__ = ["TablesMixin"]


def _known_fields(listed: list[str], ent: lexicon.Entity) -> int:
    """How many listed fields are columns the entity already knows."""
    count = 0
    for phrase in listed:
        cols, _ = resolve_field(phrase, ent)
        count += bool(cols) and cols[0][0] in ent.columns
    return count


_NAMED_TYPES = {"city", "country", "company", "product_name", "state", "full_name", "color"}
_FILLER = set(
    [
        "address",
        "number",
        "name",
        "of",
        "the",
        "code",
        "id",
        "no",
        "a",
        "an",
        "date",
        "time",
        "at",
        "flag",
    ]
)


def _column_name(phrase: str, name: str, taken: dict[str, Col]) -> str:
    """The lexicon's column, or the phrase's own name when it qualifies the field.

    "source ip" is not just ``ip_address`` and "referrer" next to "url" needs its own
    column; "email address" and "dob" are the lexicon's ``email`` and ``date_of_birth``.
    """
    words = set(phrase.replace("-", " ").split())
    own = snake(phrase)
    f = lexicon.field_for(phrase)
    base = set(name.split("_"))
    named = {n for n in (f.names if f else ()) if " " not in n}
    extra = words - base - named - _FILLER
    if extra and words & (base | named) and own not in taken:
        return own
    suffix = name[len(f.column) :] if f is not None and name.startswith(f.column) else ""
    if len(words) > 1 and f is not None and not words & base and own not in taken:
        return own + suffix
    single = lexicon.singular(phrase)
    if (
        len(words) == 1
        and f is not None
        and single not in base
        and f"{single}{suffix}" not in taken
    ):
        return f"{snake(single)}{suffix}"  # "hostname", "surname", "ram in GB": the user's word
    if name in taken and own not in taken:
        return own
    return name


class TablesMixin(BuilderBase):
    def _junctions_from_relations(self, names: list[str]) -> None:
        """'each student enrols in 2-6 courses' is many-to-many: it goes through enrolments."""
        declared = {j: set(parts) for j, parts in self.req.junctions.items()}
        named = {  # where each junction is first named: a relation before it is not its own
            j: min((m.start for m in self.req.mentions if m.table == j), default=0)
            for j in declared
        }
        for rel in self.req.relations:
            pair = {rel.parent, rel.child}
            hit = next(
                (
                    j
                    for j, parts in declared.items()
                    if parts == pair and j != rel.child and rel.pos > named[j]
                ),
                None,
            )
            if hit is not None and rel.kind == "owns":
                rel.child = hit
                continue
            child = lexicon.entity(rel.child)
            if child and any(p.owner and p.table == rel.parent for p in child.parents):
                continue  # "about 8 posts per user": users own posts, no junction
            for junction in lexicon.entities():
                if not junction.junction:
                    continue
                parents = {p.table for p in junction.parents}
                owner = next((p.table for p in junction.parents if p.owner), None)
                if pair != parents or rel.parent != owner:
                    continue  # "a class with 25 students each": not enrolments per class
                if junction.name not in names:
                    names.append(junction.name)
                    self.assume(
                        f"{rel.parent} and {rel.child} are many-to-many: linked "
                        f"through {junction.table}"
                    )
                rel.child = junction.name
                break

    def _relocate_fields(self, names: list[str]) -> None:
        """'books by 200 authors with isbn and price': the list belongs to books."""
        for name, listed in list(self.req.fields.items()):
            ent = lexicon.entity(name)
            if ent is None or len(names) < 2:
                continue
            mine = _known_fields(listed, ent)
            others = [
                (_known_fields(listed, o), n)
                for n in names
                if n != name and (o := lexicon.entity(n))
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
        ent = lexicon.entity(name)
        answer = self.answers.get(f"entity.{name}")
        forms = lexicon.entity_forms()
        if ent is None and answer:
            mapped = forms.get(answer.lower().strip())
            if mapped:
                ent = lexicon.entity(mapped[0])
                self.assume(f"{name}: treated like {mapped[0]} (your answer)")
        table = Table(name, ent, pulled=pulled, links=list(self.req.junctions.get(name, [])))
        self.tables[name] = table
        links = {lk.column for lk in self.req.links if lk.table == name}
        listed = [f for f in self.req.fields.get(name, []) if f"{snake(f)}_id" not in links]
        if name in self.req.vague:
            self.ask(
                f"fields.{name}",
                f"Which details should {name} have? (comma-separated, or 'default')",
                "default",
            )
            answer_fields = self.answers.get(f"fields.{name}", "")
            if answer_fields and answer_fields.lower() not in ("default", "usual", ""):
                listed = split_list(answer_fields)
            else:
                self.assume(
                    f"{name}: 'details' is vague; used the usual columns "
                    f"({', '.join((ent.columns if ent else {'name': {}}).keys())})"
                )
        if ent is None:
            if (
                answer
                and not forms.get(answer.lower().strip())
                and answer.lower() not in ("generic", GENERIC)
            ):
                listed = listed or split_list(answer)
            if not listed:
                self._generic(table, name, bool(table.links))
            else:
                self.assume(f"{name}: unknown kind of record; columns from your list")
        if listed:
            table.columns = self._listed_columns(table, listed)
        elif ent is not None:
            table.columns = copy.deepcopy(ent.columns)
            table.checks = list(ent.checks)
        self._extra_columns(table)

    def _generic(self, table: Table, name: str, junction: bool) -> None:
        if junction:
            table.columns = {
                "id": {"type": "id"},
                "created_at": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
            }
            return
        self.ask(
            f"entity.{name}",
            f"I don't know what '{name}' are. Which fields "
            "should they have? (comma-separated, a known kind such as "
            "'products', or 'generic')",
            GENERIC,
        )
        self.assume(f"{name}: unknown kind of record; used generic columns id, name, created_at")
        table.columns = {
            "id": {"type": "id"},
            "name": {"type": "text", "unit": "words", "min": 1, "max": 3},
            "created_at": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
        }

    def _extra_columns(self, table: Table) -> None:
        """'100 temperature readings': a field the table must have besides its usual ones."""
        for phrase in self.req.extras.get(table.name, []):
            resolved, _ = resolve_field(phrase, table.ent)
            if not resolved:
                continue
            head = snake(phrase).split("_")[0]
            if any(c.startswith(head) for c in table.columns):
                continue
            for col, spec in resolved:
                table.columns.setdefault(col, spec)

    def _ref_phrase(self, phrase: str, table: Table) -> str | None:
        """A listed field that names another table of the plan ('author' with authors)."""
        words = phrase.split()
        for cand in (phrase, words[-1]):
            ents = lexicon.entity_forms().get(cand)
            if not ents:
                continue
            for ent in ents:
                if ent in self.req.tables() and ent != table.name:
                    return ent
        return None

    def _listed_columns(self, table: Table, listed: list[str]) -> dict[str, Col]:
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
            if phrase in ("id", "ids", "identifier", "key"):
                continue
            target = self._ref_phrase(phrase, table)
            if target is not None:
                words = phrase.split()
                column = snake(" ".join([*words[:-1], self.singular(target)])) + "_id"
                if not (ent and any(p.table == target for p in ent.parents)):
                    table.refs[column] = target
                continue
            unit = self.req.units.get((table.name, phrase))
            resolved, note = resolve_field(phrase, ent, unit)
            if ent is None and phrase in ("name", "names"):
                own = lexicon.field_for(self.singular(table.name).replace("_", " "))
                if own is not None and own.type in _NAMED_TYPES:  # cities: name is a city
                    resolved, note = [("name", {"type": own.type})], None
            if note:
                self.assume(f"{table.name}: {note}")
            kb_name = bool(ent and resolved and resolved[0][0] in ent.columns)
            shared = bool(resolved) and bool(
                set(phrase.replace("-", " ").split()) & set(resolved[0][0].split("_"))
            )
            if len(resolved) == 1 and (not kb_name or resolved[0][0] in cols or not shared):
                resolved = [(_column_name(phrase, resolved[0][0], cols), resolved[0][1])]
            for name, col in resolved:
                if unique:
                    col["unique"] = True
                if optional:
                    col["null_rate"] = 0.2
                cols.setdefault(name, col)
        if ent is not None:  # keep what listed columns depend on (tax -> subtotal)
            for name in list(cols):
                for dep in expr_refs(cols[name]):
                    if dep in ent.columns and dep not in cols:
                        cols[dep] = copy.deepcopy(ent.columns[dep])
            for check in ent.checks:
                if set(identifiers(check)) & set(ent.columns) <= set(cols):
                    table.checks.append(check)
        return cols

    def _pull_junction_parents(self) -> None:
        for table in list(self.tables.values()):
            parents = table.links or (
                [p.table for p in table.ent.parents] if table.ent and table.ent.junction else []
            )
            for parent in parents:
                if parent not in self.tables:
                    self._add_table(parent, pulled=True)
                    self.assume(f"{table.name} links {parent}: added a {parent} table")
