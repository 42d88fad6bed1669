"""Which table owns which, the keys between tables, and how many rows each gets.

A child with a stated per-parent count ("1..5 orders each") is generated per
parent (``per_parent``); a child with its own row count gets a plain key to
a random parent; a junction gets a key to each table it links; a named
self-reference ("a manager who is another employee") a key to its own table.
Counts are the stated ones, an answer, or the entity's default (asked).
"""

from __future__ import annotations

from typing import Any

from ..parse import Count, parse_count
from .base import Table, int_of
from .tables import TablesMixin

__all__ = ["LinksMixin"]


class LinksMixin(TablesMixin):
    def _owner_chain(self, name: str) -> set[str]:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            owner = self.tables[name].owner if name in self.tables else None
            if owner is None:
                break
            name = owner
        return seen

    def _key_column(self, table: Table, parent: str, taken: set[str]) -> str:
        kb = self._kb_parent(table, parent)
        col = kb.column if kb else f"{self.singular(parent)}_id"
        if col in taken:
            col = f"related_{col}"
        return col

    def _link(self) -> None:
        explicit: dict[str, list[tuple[str, Count | None]]] = {}
        # a stated count first, the last one said first ("... actually about 300 per account")
        ordered = sorted(self.req.relations, key=lambda r: (r.count is None, -r.pos))
        strong: dict[str, list[str]] = {}
        weak: dict[str, list[str]] = {}
        for rel in ordered:
            if rel.parent in self.tables and rel.child in self.tables:
                if rel.kind != "near":  # "employees in 12 departments": a key, not an owner
                    explicit.setdefault(rel.child, []).append((rel.parent, rel.count))
                if rel.kind == "belongs":
                    strong.setdefault(rel.child, []).append(rel.parent)
                elif rel.kind == "near":
                    weak.setdefault(rel.child, []).append(rel.parent)
        for table in self.tables.values():
            kb_parents = table.ent.parents if table.ent else ()
            owner: tuple[str, str] | None = None
            kb_owner_here = any(p.owner and p.table in self.tables for p in kb_parents)
            stated = explicit.get(table.name, [])
            if table.links:  # a stated count per one of the linked tables wins
                stated = sorted(stated, key=lambda pc: pc[1] is None)
            for parent_name, count in stated:
                kb = next((p for p in kb_parents if p.table == parent_name), None)
                if table.name in self._owner_chain(parent_name):
                    continue
                if count is None and kb_owner_here and not (kb and kb.owner):
                    continue  # "doctors with appointments": appointments still per patient
                owner = (parent_name, self._key_column(table, parent_name, set()))
                self.explicit_counts[table.name] = count
                break
            if owner is None and table.links:
                first = table.links[0]
                owner = (first, self._key_column(table, first, set()))
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
            near = weak.get(table.name, []) if not (table.owner or table.refs) else []
            self._more_keys(table, [*strong.get(table.name, []), *near])
            if table.ent and table.ent.junction and table.owner is None:
                first_kb = table.ent.parents[0]
                table.owner, table.owner_col = first_kb.table, first_kb.column
            if table.owner is None and table.ent and any(p.owner for p in kb_parents):
                names = " or ".join(p.table for p in kb_parents if p.owner)
                self.assume(f"{table.name}: no {names} table requested, so no link to one")
        self._break_cycles()
        for link in self.req.links:
            if link.table in self.tables and link.target in self.tables:
                t = self.tables[link.table]
                if link.column not in t.columns and link.column not in t.refs:
                    t.refs[link.column] = link.target
                    self.assume(
                        f"{link.table}.{link.column}: a key to another {self.singular(link.target)}"
                    )

    def _cycle(self) -> list[str]:
        """Tables that reference each other round in a circle (none: [])."""
        edges = {
            n: {p for p in (t.owner, *t.refs.values()) if p and p != n and p in self.tables}
            for n, t in self.tables.items()
        }
        state: dict[str, int] = {}
        path: list[str] = []

        def visit(node: str) -> list[str]:
            state[node] = 1
            path.append(node)
            for nxt in sorted(edges[node]):
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :]
                if nxt not in state and (found := visit(nxt)):
                    return found
            state[node] = 2
            path.pop()
            return []

        for node in self.tables:
            if node not in state and (found := visit(node)):
                return found
        return []

    def _break_cycles(self) -> None:
        """A table cannot be generated before its parents: drop a key that closes a circle."""
        for _ in range(len(self.tables) + 1):
            cycle = self._cycle()
            if not cycle:
                return
            pairs = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
            for child, parent in pairs:
                table = self.tables[child]
                cols = [c for c, p in table.refs.items() if p == parent]
                if cols:
                    del table.refs[cols[0]]
                    self.assume(f"{child}: no key to {parent} ({parent} already leads to {child})")
                    break
            else:
                child, parent = pairs[-1]
                table = self.tables[child]
                table.owner = table.owner_col = None
                self.assume(f"{child}: not per {parent} ({parent} already leads to {child})")

    def _more_keys(self, table: Table, stated: list[str]) -> None:
        """Keys to every other table the request tied this one to (junction parents too)."""
        linked = set(table.refs.values()) | {table.owner}
        wanted = [*stated, *table.links]
        for parent in wanted:
            if parent not in self.tables:
                continue
            if parent in linked and not (
                table.links.count(parent) == 2 and list(table.refs.values()).count(parent) == 0
            ):
                continue
            if parent == table.name and parent not in table.links:
                continue
            if parent != table.name and table.name in self._owner_chain(parent):
                continue
            taken = {table.owner_col or "", *table.refs}
            table.refs[self._key_column(table, parent, taken)] = parent
            linked.add(parent)

    def _kb_parent(self, table: Table, parent: str) -> Any:
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
                stated = [int_of(self.answers.get(key)) or int(choices[-1])]
            answered = int_of(self.answers.get(f"rows.{table.name}"))
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
                    f"{table.name}: {total} rows, each linked to a random "
                    f"{self.singular(table.owner)}"
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
                    f"{self.singular(table.owner)}? (e.g. '1-5' or 'about 3')",
                    text,
                )
                self.assume(f"{table.name}: {text} per {self.singular(table.owner)} ({lo}..{hi})")
                count = Count(lo, hi, mean=lam)
            table.per_parent = self._per_parent(table, count)

    def _per_parent(self, table: Table, count: Count) -> dict[str, Any]:
        owner = table.owner or ""
        lo, hi = count.lo, count.hi
        kb = self._kb_parent(table, owner)
        if count.open_low and kb is not None and hi is not None:
            lo = min(kb.min, hi)  # "up to 5 items per order": an order still has one
        if hi is not None and lo > hi:
            key = f"conflict.{table.name}.per_parent"
            self.ask(
                key,
                f"{table.name} per {self.singular(owner)}: {lo} is more than {hi}. Use {hi}-{lo}?",
                f"{hi}-{lo}",
                [f"{hi}-{lo}"],
            )
            lo, hi = hi, lo
        if table.ent and table.ent.junction:  # distinct pairs need enough partners
            other = next((t for c, t in table.refs.items()), None)
            room = self.tables[other].rows if other in self.tables else None
            if room is not None and hi is not None and hi > room:
                self.assume(
                    f"{table.name}: at most {room} per {self.singular(owner)} (there are "
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
