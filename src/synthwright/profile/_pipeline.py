"""Sample -> profiles: infer columns, find relations, fit one copula per table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..catalog import make_rng
from ..errors import DataError, Problem
from ..spec import (
    SCENARIO_COLUMN,  # the engine's scenario label column, reserved in specs
    CategoryMarginal,
    CopulaProfile,
    TableProfile,
    children_column,
    missing_column,
)
from .copula import category_codes, fit_correlation, normal_scores
from .fill import detect_places
from .given import fit_given
from .infer import InferOptions, profile_table
from .privacy import guard_copies
from .read import DEFAULT_MAX_ROWS, read_sample
from .reference import find_references
from .relations import discover_links, link_parent_index
from .series import fit_series
from .to_spec import ProfiledSpec, build_spec

__all__ = ["COPULA_KINDS", "fit_copulas", "profile", "profile_tables", "table_order"]

COPULA_KINDS = ("numeric", "datetime", "date", "bool", "categorical")
MAX_GIVEN = 24
MISSING_MIN = 0.01  # columns null in 1%..99% of rows get a copula column for their missingness
# A sample's width is bounded before any work: profiling is per column, but the
# copula, the category ordering and `given` are pairwise (a 5,000-column CSV of
# 200 rows took 8 minutes and 10 GB, most of it a 25-million-entry correlation).
MAX_COLUMNS = 1_000  # per table; wider tables are refused (DataError at the table)
MAX_COPULA_COLUMNS = 200  # columns modelled jointly; the rest keep their own marginals


def profile(
    sources: Sequence[str | Path] | str | Path,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    rare_k: int = 5,
    name: str = "profiled",
    nested_categories: bool = False,
    reference: dict[str, bool] | None = None,
) -> ProfiledSpec:
    """Profile files, a directory or a database URL into a spec with ``profile:`` sections.

    `reference` forces tables to be reference tables (kept as they are) or
    not, by name; by default small lookup tables are detected (``reference``).

    `nested_categories` keeps the categories drawn within another category
    (a model within its manufacturer) even where the privacy guard finds
    they make synthetic rows equal real ones (see ``given``); by default the
    guard drops them there.

    Raises:
        DataError: a source could not be read (every problem listed).
    """
    sample = read_sample(sources, max_rows=max_rows)
    result = profile_tables(
        sample.tables,
        source_rows=sample.source_rows,
        rare_k=rare_k,
        name=name,
        nested_categories=nested_categories,
        reference=reference,
    )
    result.notes[:0] = sample.notes
    return result


def profile_tables(
    tables: dict[str, pa.Table],
    *,
    source_rows: dict[str, int | None] | None = None,
    rare_k: int = 5,
    name: str = "profiled",
    nested_categories: bool = False,
    reference: dict[str, bool] | None = None,
) -> ProfiledSpec:
    """Profile in-memory Arrow tables (one sample per table); options as `profile`."""
    options = InferOptions(rare_k=rare_k)
    profiles: dict[str, TableProfile] = {}
    typed: dict[str, pa.Table] = {}
    notes: list[str] = []
    _check_width(tables)
    for table_name, table in tables.items():
        if SCENARIO_COLUMN in table.column_names:
            # a spec may not name it; the spec's emit_scenario_column makes it
            table = table.drop_columns([SCENARIO_COLUMN])
            notes.append(f"{table_name}.{SCENARIO_COLUMN}: scenario labels, not profiled")
        rows = (source_rows or {}).get(table_name)
        profiles[table_name], typed[table_name] = profile_table(
            table_name, table, source_rows=rows, options=options
        )
        profiles[table_name].places = detect_places(profiles[table_name])
    discover_links(typed, profiles)
    for prof in profiles.values():
        for lk in prof.links:  # a foreign key is drawn from its parent's keys, not a marginal
            cp = prof.columns[lk.column]
            cp.marginal, cp.shape = None, None
    notes += find_references(typed, profiles, reference)
    notes += fit_copulas(typed, profiles)
    for table_name, prof in profiles.items():
        fit_given(typed[table_name], _jointly_modelled(prof), rare_k)
        notes += guard_copies(table_name, typed[table_name], prof, keep_given=nested_categories)
    spec, spec_notes = build_spec(profiles, name=name)
    spec, series_notes = fit_series(spec, typed, profiles)  # time-series tables (series.py)
    return ProfiledSpec(spec=spec, profiles=profiles, notes=notes + spec_notes + series_notes)


def table_order(profiles: dict[str, TableProfile]) -> list[str]:
    """Tables with every parent before its children (links never form a cycle)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(table: str) -> None:
        if table in seen:
            return
        seen.add(table)
        for lk in profiles[table].links:
            if lk.parent != table and lk.parent in profiles:
                visit(lk.parent)
        done.append(table)

    for table in profiles:
        visit(table)
    return done


def _check_width(tables: dict[str, pa.Table]) -> None:
    """DataError naming every table wider than MAX_COLUMNS (before anything is profiled)."""
    wide = [
        Problem(
            name,
            f"{table.num_columns} columns; at most {MAX_COLUMNS} columns per table are "
            "profiled (select the columns to keep, or split the table)",
        )
        for name, table in tables.items()
        if table.num_columns > MAX_COLUMNS
    ]
    if wide:
        raise DataError(wide)


def _jointly_modelled(prof: TableProfile) -> TableProfile:
    """`prof` with only its copula's columns when the copula was capped, else `prof` itself.

    ``given`` only ever redraws copula columns, so its pairwise search (numbers
    x categories) is limited to them; the view shares the column profiles, so
    what ``fit_given`` sets lands in `prof`.
    """
    cop = prof.copula
    if cop is None or len(prof.columns) <= MAX_COPULA_COLUMNS:
        return prof
    keep = set(cop.columns)
    columns = {c: cp for c, cp in prof.columns.items() if c in keep}
    return prof.model_copy(update={"columns": columns})


def fit_copulas(tables: dict[str, pa.Table], profiles: dict[str, TableProfile]) -> list[str]:
    """One Gaussian copula per table over its modelled columns and child counts.

    At most MAX_COPULA_COLUMNS columns of a table (the first, in table order)
    are modelled jointly; the others keep their own marginals. Returns notes
    saying where that cap applied.
    """
    scores: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for table in table_order(profiles):
        prof = profiles[table]
        data = tables[table]
        linked = {lk.column for lk in prof.links}
        columns = [
            col
            for col, cp in prof.columns.items()
            if cp.kind in COPULA_KINDS and cp.marginal is not None and col not in linked
        ]
        if len(columns) > MAX_COPULA_COLUMNS:
            notes.append(
                f"{table}: {len(columns)} modelled columns; the copula (how columns move "
                f"together) covers the first {MAX_COPULA_COLUMNS}, the others keep only their "
                "own distributions"
            )
            columns = columns[:MAX_COPULA_COLUMNS]
        blocks = _scores(table, data, prof, columns)
        missing_names, missing_blocks = _missingness(table, prof, columns, blocks)
        if _order_categories(data, prof, columns, blocks + missing_blocks):
            blocks = _scores(table, data, prof, columns)
        columns = list(columns) + missing_names
        blocks = blocks + missing_blocks
        for child, child_prof in profiles.items():
            for lk in child_prof.links:
                if lk.parent != table or child == table:
                    continue
                keys = data.column(lk.parent_column).combine_chunks()
                idx = link_parent_index(tables[child].column(lk.column).combine_chunks(), keys)
                counts = np.bincount(idx[idx >= 0], minlength=len(keys))
                name = children_column(child, lk.column)
                columns.append(name)
                blocks.append(normal_scores(pa.array(counts), lk.counts, make_rng(0, table, name)))
        if not columns:
            continue
        own = np.column_stack(blocks) if blocks else np.empty((data.num_rows, 0))
        parent, given_names, given = _given(prof, tables, profiles, scores)
        matrix = np.hstack([own, given]) if given is not None else own
        corr = fit_correlation(matrix)
        scores[table] = own
        prof.copula = CopulaProfile(
            columns=columns,
            parent=parent,
            given=given_names,
            correlation=[[round(float(v), 4) for v in row] for row in corr],
        )
    return notes


def _scores(table: str, data: pa.Table, prof: TableProfile, columns: list[str]) -> list[np.ndarray]:
    return [
        normal_scores(
            data.column(c).combine_chunks(), prof.columns[c].marginal, make_rng(0, table, c)
        )
        for c in columns
    ]


def _missingness(
    table: str, prof: TableProfile, columns: list[str], blocks: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray]]:
    """Copula columns saying where a partly null column is null (0 present, 1 null).

    Missingness often depends on the other values (no discount for customers
    without a tier, no speed for jet planes); as a copula column it keeps that
    dependence instead of scattering nulls at random.
    """
    names, out = [], []
    for col, block in zip(columns, blocks, strict=True):
        if MISSING_MIN <= prof.columns[col].null_rate <= 1 - MISSING_MIN:
            name = missing_column(col)
            missing = np.isnan(block).astype(np.int8)  # null or not finite, as the scores see it
            names.append(name)
            out.append(normal_scores(pa.array(missing), None, make_rng(0, table, name)))
    return names, out


def _order_categories(
    data: pa.Table, prof: TableProfile, columns: list[str], blocks: list[np.ndarray]
) -> bool:
    """Order each category column along the column it says most about.

    A Gaussian copula sees a category column through the order of its
    categories. Ordering them by the mean score of the column with the
    largest correlation ratio (eta squared) puts a model next to models with
    as many seats, a manufacturer next to manufacturers of similar planes,
    so the copula's correlations carry their association. Without a partner
    the order is by the first principal component of all scores.
    """
    cats = [
        i
        for i, c in enumerate(columns)
        if isinstance(prof.columns[c].marginal, CategoryMarginal)
        and prof.columns[c].kind == "categorical"
        and len(prof.columns[c].marginal.values) > 2  # type: ignore[union-attr]
    ]
    if not cats or len(blocks) < 2:  # blocks: the columns' scores, then partner-only scores
        return False
    scores = np.column_stack(blocks)
    present = ~np.isnan(scores)
    filled = np.nan_to_num(scores)
    _, vecs = np.linalg.eigh(fit_correlation(scores))
    latent = filled @ vecs[:, -1]
    for i in cats:
        m = prof.columns[columns[i]].marginal
        assert isinstance(m, CategoryMarginal)
        codes = category_codes(data.column(columns[i]).combine_chunks(), m)
        k = len(m.values) + 1
        best, target = 0.0, latent
        for j in range(scores.shape[1]):
            if j == i:
                continue
            ok = present[:, j]
            if ok.sum() < 10:
                continue
            z = filled[ok, j]
            counts = np.bincount(codes[ok], minlength=k)
            means = np.bincount(codes[ok], weights=z, minlength=k) / np.maximum(counts, 1)
            total = float(((z - z.mean()) ** 2).sum())
            between = float((counts * (means - z.mean()) ** 2).sum())
            # penalise many categories: eta squared grows with their number by chance
            eta = between / total - (k - 1) / max(ok.sum() - 1, 1) if total > 0 else 0.0
            if eta > best:
                best, target = eta, np.where(present[:, j], scores[:, j], 0.0)
        sums = np.bincount(codes, weights=target, minlength=k)
        counts = np.bincount(codes, minlength=k)
        means = sums[: len(m.values)] / np.maximum(counts[: len(m.values)], 1)
        order = np.argsort(means, kind="stable")
        m.values = [m.values[o] for o in order]
        m.weights = [m.weights[o] for o in order]
    return True


def _given(
    prof: TableProfile,
    tables: dict[str, pa.Table],
    profiles: dict[str, TableProfile],
    scores: dict[str, np.ndarray],
) -> tuple[str | None, list[str], np.ndarray | None]:
    """The primary parent's scores for every row of the child (NaN for orphans)."""
    link = prof.primary_link()
    if link is None or link.parent not in scores:
        return None, [], None
    parent_prof = profiles[link.parent]
    assert parent_prof.copula is not None
    names = parent_prof.copula.columns[:MAX_GIVEN]
    keys = tables[link.parent].column(link.parent_column).combine_chunks()
    child = next(t for t, p in profiles.items() if p is prof)
    idx = link_parent_index(tables[child].column(link.column).combine_chunks(), keys)
    parent_scores = scores[link.parent][:, : len(names)]
    given = np.full((len(idx), len(names)), np.nan)
    ok = idx >= 0
    given[ok] = parent_scores[idx[ok]]
    return link.parent, names, given
