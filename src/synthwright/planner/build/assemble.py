"""Assembling the spec data: each table's columns, keys, checks and time links, then names.

Keys come first in a table (its id, then its keys to parents), then the
planned columns; a time column the entity says follows a parent's (an order
after the customer's signup) is linked when that parent is in the plan.
Tables are planned under the planner's keys (an entity's name, e.g.
``book_loans``) and renamed last to the words the request used ("loans",
"members"), with their key columns ("member_id") and every reference.
"""

from __future__ import annotations

import re
from typing import Any

from ... import lexicon
from .base import Col, Table, identifiers
from .temporal import TimeMixin

__all__ = ["PLACE_COLS", "AssembleMixin", "description", "refs_ok"]

PLACE_COLS = ("city", "state", "postal_code", "street_address", "street", "latitude")


SQL_WORDS = {
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


def refs_ok(check: str, cols: dict[str, Col], tables: dict[str, Table]) -> bool:
    for ref in re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", check):
        if ref[0] not in tables or ref[1] not in tables[ref[0]].columns:
            return False
    bare = re.sub(r"\b[a-z_]+\.[a-z_]+\b", "", check)
    return all(w in cols or w in SQL_WORDS for w in identifiers(bare))


def description(prompt: str) -> str:
    text = " ".join(prompt.split())
    return text if len(text) <= 300 else text[:297] + "..."


class AssembleMixin(TimeMixin):
    def _apply_locale_and_currency(self) -> None:
        codes = self.req.countries
        if codes:
            self.locale = lexicon.vocab()["locales"].get(codes[0], "en_US")
            values: list[str] | dict[str, float] = list(codes)
            for table in self.tables.values():
                personal = table.ent.person if table.ent else False
                placed = any(c in table.columns for c in (*PLACE_COLS, "country", "phone"))
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

    def _table_data(self, table: Table) -> dict[str, Any]:
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
            if parent == table.name:
                ref["null_rate"] = 0.1  # the first row has no earlier row to point to
            cols[col] = ref
        for name, col_spec in table.columns.items():
            if name not in cols and not (f"{name}_id" in links and "type" in col_spec):
                cols[name] = col_spec
        # drop self-references the table no longer has, and link time columns to parents
        for name in list(cols):
            target = cols[name].get("ref")
            if isinstance(target, str) and target.split(".")[0] not in self.tables:
                del cols[name]
        checks = [c for c in table.checks if refs_ok(c, cols, self.tables)]
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

    def _data(self) -> dict[str, Any]:
        tables = {name: self._table_data(t) for name, t in self.tables.items()}
        data: dict[str, Any] = {
            "version": 1,
            "name": "_".join(list(self.tables)[:3]) or "dataset",
            "description": description(self.prompt),
            "locale": self.locale,
            "tables": tables,
        }
        if self.req.seed is not None:
            data["seed"] = self.req.seed
        if self.scenarios:
            data["scenarios"] = {k: v for k, v in self.scenarios.items() if k in tables}
        return self._renamed(data)

    # names --------------------------------------------------------------------------

    def _final_names(self) -> dict[str, str]:
        """Planner key -> the table name the request used ('users' -> 'members')."""
        first: dict[str, str] = {}
        for m in sorted(self.req.mentions, key=lambda m: m.start):
            first.setdefault(m.table, m.word)
        out: dict[str, str] = {}
        taken: set[str] = set()
        for key, table in self.tables.items():
            name = key
            word = first.get(key)
            if table.ent is not None:
                name = table.ent.table
                if (word and key in self.req.junctions) or (
                    word and " " not in word.strip() and "_" not in word
                ):  # "stock records linking a and b"
                    name = re.sub(r"[^a-z0-9_]+", "_", lexicon.plural(word.strip())).strip("_")
            if not name or name in taken or (name in self.tables and name != key):
                name = key if key not in taken else f"{key}_{len(taken)}"
            taken.add(name)
            out[key] = name
        return out

    def _renamed(self, data: dict[str, Any]) -> dict[str, Any]:
        names = {k: v for k, v in self._final_names().items() if k != v}
        if not names:
            return data
        keys = {
            f"{self.singular(old)}_id": f"{self.singular(new)}_id" for old, new in names.items()
        }

        def ref(text: str) -> str:
            return re.sub(
                r"\b([a-z_][a-z0-9_]*)\.", lambda m: f"{names.get(m.group(1), m.group(1))}.", text
            )

        tables: dict[str, Any] = {}
        for old, tdata in data["tables"].items():
            renamed: dict[str, str] = {}
            cols: dict[str, Col] = {}
            for cname, col in tdata["columns"].items():
                target = str(col.get("ref", "")).split(".")[0]
                if target in names and keys.get(cname) and cname == f"{self.singular(target)}_id":
                    new_name = keys[cname]
                    if new_name not in tdata["columns"]:
                        renamed[cname] = new_name
                        cname = new_name
                col = dict(col)
                for field in ("ref", "after", "before"):
                    if isinstance(col.get(field), str):
                        col[field] = ref(col[field])
                cols[cname] = col
            for col in cols.values():  # same-table after naming a renamed key column
                if isinstance(col.get("after"), str) and col["after"] in renamed:
                    col["after"] = renamed[col["after"]]
            tdata = {**tdata, "columns": cols}
            if "per_parent" in tdata:
                pp = dict(tdata["per_parent"])
                pp["table"] = names.get(pp["table"], pp["table"])
                tdata["per_parent"] = pp
            if "unique" in tdata:
                tdata["unique"] = [renamed.get(c, c) for c in tdata["unique"]]
            if "checks" in tdata:
                tdata["checks"] = [ref(c) for c in tdata["checks"]]
            tables[names.get(old, old)] = tdata
        data = {**data, "tables": tables}
        if "scenarios" in data:
            data["scenarios"] = {names.get(k, k): v for k, v in data["scenarios"].items()}
        data["name"] = "_".join(list(tables)[:3]) or "dataset"
        return data
