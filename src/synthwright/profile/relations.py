"""Foreign keys by value inclusion and cardinality, and child counts per parent row.

A column of a child table refers to a key of a parent table when (almost)
all its values are keys of the parent: at least 90% of its rows and 80% of
its distinct values are found there (real extracts have a few orphans;
80% and 70% when the column's name points at the parent).
Inclusion alone is weak evidence for small integers (``quantity`` 1..5 and
``age`` 18..90 lie inside any ``id`` 1..N range), so it must be backed by the
name (``customer_id`` -> ``customers.id``, ``tailnum`` -> ``planes.tailnum``)
or by the values themselves: a patterned code with at least 3 distinct
values, or integers with at least 20 distinct values covering at least 20%
of the parent keys that, when the keys are a dense ``1..N`` range, do not
look like a measurement: no run of unused keys at either end that random
references would have hit (``age`` never refers to ids below 18), and no
smooth shape of the counts per value (a bell or a decay, where references
give independent counts per key).

For every link the number of children of each parent row (zeros included)
is kept as a distribution; a child table whose link has no nulls and no
orphans is laid out by it (``per_parent``). Links never form a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import CategoryMarginal, LinkProfile, Marginal, QuantileMarginal, TableProfile

__all__ = ["discover_links", "link_parent_index"]

MIN_ROW_INCLUSION = 0.9
MIN_DISTINCT_INCLUSION = 0.8
NAMED_SLACK = 0.1  # a name that points at the parent allows more orphans
DENSE_KEYS = 0.9  # share of its span a parent key fills to count as a 1..N range
EDGE_GAP_CHANCE = 1e-3  # below this, the unused keys at the ends are no accident
SMOOTH_SHAPE = 0.5  # lag-1 autocorrelation of counts per value of a measurement
MIN_ROWS_PER_VALUE = 5.0  # rows per value needed before judging the shape
_LINKABLE = ("key", "numeric", "categorical", "string", "semantic")


@dataclass
class _Candidate:
    child: str
    column: str
    parent: str
    parent_column: str
    named: bool
    inclusion: float
    coverage: float
    null_rate: float

    @property
    def score(self) -> tuple[int, float, float]:
        return (int(self.named), self.inclusion, self.coverage)


def _singular(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith("ies"):
        return lowered[:-3] + "y"
    if lowered.endswith("s"):
        return lowered[:-1]
    return lowered


def _named(column: str, parent: str, key: str) -> bool:
    """Whether the child column's name points at the parent key."""
    col, key_l = column.lower(), key.lower()
    single = _singular(parent)
    if col == key_l and key_l != "id":
        return True
    stems = {single, parent.lower()}
    return any(col in (f"{s}_{key_l}", f"{s}{key_l}", f"{s}_id", f"{s}id", s) for s in stems)


def _same_kind(a: pa.DataType, b: pa.DataType) -> bool:
    ints = pa.types.is_integer
    strs = pa.types.is_string
    return (ints(a) and ints(b)) or (strs(a) and strs(b))


def _keys(profile: TableProfile) -> list[str]:
    """Columns of a table that can be referred to: unique, without nulls."""
    keys = [c for c, p in profile.columns.items() if p.kind == "key" and p.null_rate == 0]
    if profile.primary_key in keys:
        keys.remove(profile.primary_key)
        keys.insert(0, profile.primary_key)
    return keys


def _candidate(
    child: str,
    column: str,
    values: pa.Array,
    parent: str,
    key: str,
    key_values: pa.Array,
    coded: bool,
) -> _Candidate | None:
    valid = values.drop_null()
    if len(valid) == 0:
        return None
    named = _named(column, parent, key)
    slack = NAMED_SLACK if named else 0.0
    found = pc.is_in(valid, value_set=key_values)
    row_inclusion = float(pc.mean(found.cast(pa.float64())).as_py() or 0.0)
    if row_inclusion < MIN_ROW_INCLUSION - slack:
        return None
    distinct = pc.unique(valid)
    hits = int(pc.sum(pc.is_in(distinct, value_set=key_values).cast(pa.int64())).as_py() or 0)
    inclusion = hits / len(distinct)
    if inclusion < MIN_DISTINCT_INCLUSION - slack:
        return None
    coverage = hits / max(len(key_values), 1)
    if not named:
        if pa.types.is_string(valid.type):
            if not coded or len(distinct) < 3:
                return None
        elif len(distinct) < 20 or coverage < 0.2 or _measurement_like(valid, key_values):
            return None
    return _Candidate(
        child,
        column,
        parent,
        key,
        named,
        round(row_inclusion, 6),
        round(coverage, 6),
        round(values.null_count / len(values), 6),
    )


def _edge_gap_chance(distinct: np.ndarray, keys: np.ndarray) -> float:
    """Chance that references hitting ``distinct`` keys at random miss every edge key.

    References scatter their misses over the parent keys; a measurement such as
    ``age`` 18..90 inside ``id`` 1..150 misses every key below 18 and above 90.
    With a share ``f`` of the keys hit, ``g`` missed keys in a row at the ends
    of the key order happen with chance about ``(1 - f) ** g``.
    """
    if len(keys) == 0 or len(distinct) == 0:
        return 1.0
    lo, hi = distinct.min(), distinct.max()
    gaps = int((keys < lo).sum() + (keys > hi).sum())
    hit = min(len(distinct) / len(keys), 1.0)
    return float((1.0 - hit) ** gaps)


def _smoothness(values: np.ndarray) -> float:
    """Lag-1 autocorrelation of the row counts per value over the values' range.

    A measurement has a smooth shape (a bell, a decay): neighbouring values
    have similar counts. References count the rows of each parent, which are
    independent of their neighbours' (Poisson noise around the popularity).
    Returns 0 when there are too few rows per value to tell.
    """
    lo = int(values.min())
    counts = np.bincount(values - lo).astype(np.float64)
    if len(counts) < 10 or counts.mean() < MIN_ROWS_PER_VALUE:
        return 0.0
    a, b = counts[:-1] - counts.mean(), counts[1:] - counts.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def _measurement_like(valid: pa.Array, key_values: pa.Array) -> bool:
    """Whether included integers look like a measurement rather than references.

    Only for a parent key that is a dense integer range (``1..N``), into which
    any bounded integer column falls: the values are a measurement when they
    leave a run of keys unused at either end that random references would
    have hit, or when their counts follow a smooth shape.
    """
    keys = np.asarray(key_values.to_numpy(zero_copy_only=False), dtype=np.int64)
    if len(keys) == 0:
        return False
    span = int(keys.max()) - int(keys.min()) + 1
    if len(keys) / span < DENSE_KEYS:
        return False  # sparse keys: inclusion is rare by chance
    values = np.asarray(valid.to_numpy(zero_copy_only=False), dtype=np.int64)
    values = values[np.isin(values, keys)]  # orphans say nothing about the keys
    if len(values) == 0:
        return False
    if _edge_gap_chance(np.unique(values), keys) < EDGE_GAP_CHANCE:
        return True
    return _smoothness(values) >= SMOOTH_SHAPE


def link_parent_index(child_values: pa.Array, key_values: pa.Array) -> np.ndarray:
    """Row of the parent for every child value (-1 for nulls and orphans)."""
    idx = pc.index_in(child_values, value_set=key_values)
    return np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _counts_marginal(counts: np.ndarray) -> Marginal:
    values, freq = np.unique(counts, return_counts=True)
    if len(values) <= 30:
        weights = freq / freq.sum()
        return CategoryMarginal(
            values=[int(v) for v in values], weights=[round(float(w), 6) for w in weights]
        )
    k = min(201, len(counts))
    points = np.quantile(counts.astype(np.float64), np.linspace(0, 1, k))
    return QuantileMarginal(points=[float(p) for p in points])


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def discover_links(tables: dict[str, pa.Table], profiles: dict[str, TableProfile]) -> None:
    """Find the foreign keys between tables and store them in the child profiles."""
    candidates: list[_Candidate] = []
    parent_keys = {
        name: [(k, tables[name].column(k).combine_chunks()) for k in _keys(prof)]
        for name, prof in profiles.items()
    }
    for child, prof in profiles.items():
        for column, col in prof.columns.items():
            if col.kind not in _LINKABLE or col.null_rate >= 1.0 or column == prof.primary_key:
                continue
            values = tables[child].column(column).combine_chunks()
            best: _Candidate | None = None
            for parent, keys in parent_keys.items():
                for key, key_values in keys:
                    if (parent == child and key == column) or not _same_kind(
                        values.type, key_values.type
                    ):
                        continue
                    key_prof = profiles[parent].columns[key]
                    coded = key_prof.pattern is not None or key_prof.semantic == "uuid"
                    cand = _candidate(child, column, values, parent, key, key_values, coded)
                    if cand is not None and (best is None or cand.score > best.score):
                        best = cand
            if best is not None:
                candidates.append(best)
    graph: dict[str, set[str]] = {}  # parent -> children
    accepted: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: c.score, reverse=True):
        if cand.parent != cand.child and _reaches(graph, cand.child, cand.parent):
            continue  # would close a cycle
        if cand.parent != cand.child:
            graph.setdefault(cand.parent, set()).add(cand.child)
        accepted.append(cand)
    for cand in accepted:
        child_prof, parent_prof = profiles[cand.child], profiles[cand.parent]
        key_values = tables[cand.parent].column(cand.parent_column).combine_chunks()
        idx = link_parent_index(tables[cand.child].column(cand.column).combine_chunks(), key_values)
        counts = np.bincount(idx[idx >= 0], minlength=len(key_values))
        child_rows = child_prof.source_rows or child_prof.sample_rows
        parent_rows = parent_prof.source_rows or parent_prof.sample_rows
        child_prof.links.append(
            LinkProfile(
                column=cand.column,
                parent=cand.parent,
                parent_column=cand.parent_column,
                inclusion=cand.inclusion,
                coverage=cand.coverage,
                null_rate=cand.null_rate,
                ratio=round(child_rows / max(parent_rows, 1), 6),
                counts=_counts_marginal(counts),
            )
        )
    for prof in profiles.values():
        full = [
            lk
            for lk in prof.links
            if lk.parent not in (None,) and lk.null_rate == 0 and lk.inclusion >= 0.9999
        ]
        full = [lk for lk in full if profiles[lk.parent] is not prof]
        if full:
            best_link = max(
                full,
                key=lambda lk: (
                    profiles[lk.parent].source_rows or profiles[lk.parent].sample_rows,
                    -prof.links.index(lk),
                ),
            )
            best_link.primary = True
    # keep link order stable: by column order of the table
    for prof in profiles.values():
        order = list(prof.columns)
        prof.links.sort(key=lambda lk: order.index(lk.column))
