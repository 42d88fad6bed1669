"""A guard, decided while the real data is at hand, against rows that copy a real one.

A faithful model of a table of few-valued columns (a survey: ratings,
bands, counts) puts mass on the combinations the sample has, so some drawn
rows equal a real row that occurs once -- one respondent, identified by all
their answers. Fair's affairs survey came out with 5.6% of such rows. The
spec and the generator never see the real rows, so this is settled at
profiling time:

1. draw SIM_ROWS rows from the fitted copula (the table's own columns, each
   through its marginal and rounding, then redrawn within the category that
   fixes them where ``given`` says so, as generation does);
2. count those equal, on every column, to a real row seen once;
3. while that share exceeds GUARD_SHARE, drop the weakest category
   ``given`` (unless ``keep_given``: the user asked for nested categories);
4. while it still does, mark ``smooth`` the quantile
   column that lowers it most: it is then drawn between the sample's values
   (through the middle of each step of its quantile function) instead of on
   them. Only non-integer numbers qualify (an age band's 17.5 may become
   18.3; a count stays whole), and not one whose most common value holds
   over MAX_ATOM of the rows (the zeros of a count would be smeared).

The profile's notes say what was changed and the share before and after.
Tables with a column the copula does not make (names, keys, free text) are
left alone: such a column already makes an exact copy all but impossible.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..catalog import make_rng
from ..catalog._normal import ndtr
from ..spec import CategoryMarginal, QuantileMarginal, TableProfile, missing_column
from .copula import category_codes, conditional, finish_numbers, from_uniform, sample_scores
from .given import given_categories, given_numbers
from .infer import to_model_units

__all__ = ["GUARD_SHARE", "SIM_ROWS", "guard_copies"]

GUARD_SHARE = 0.0005
SIM_ROWS = 20_000
MAX_SMOOTHED = 6
MAX_ATOM = 0.5
_OTHER = -1.0e300  # a real rare category, or a drawn "other" row: never equal to anything
_NULL = -2.0e300  # a null, real or drawn: equal to a null (a copy of a row copies its gaps)


def _encoded(data: pa.Table, prof: TableProfile, columns: list[str]) -> np.ndarray:
    """Real rows as float64 (model units; category codes, rare ones unlike any draw)."""
    out = np.empty((data.num_rows, len(columns)))
    for j, c in enumerate(columns):
        cp = prof.columns[c]
        arr = data.column(c).combine_chunks()
        if isinstance(cp.marginal, CategoryMarginal) and cp.kind == "categorical":
            codes = category_codes(arr, cp.marginal).astype(np.float64)
            codes[codes == len(cp.marginal.values)] = _OTHER
            codes[np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = _NULL
            out[:, j] = codes
        else:
            x = to_model_units(arr)
            out[:, j] = np.where(np.isnan(x), _NULL, x)
    return out


def _nulls(prof: TableProfile, columns: list[str], z: np.ndarray, out: np.ndarray) -> None:
    """Drawn nulls as generation makes them: the missingness column's top share, or at random."""
    cop = prof.copula
    assert cop is not None
    rng = make_rng(0, "__privacy__", "__nulls__")
    for j, c in enumerate(columns):
        rate = prof.columns[c].null_rate
        if rate <= 0:
            continue
        name = missing_column(c)
        if name in cop.columns:
            null = ndtr(z[:, cop.columns.index(name)]) >= 1.0 - rate
        else:
            null = rng.random(len(z)) < rate
        out[null, j] = _NULL


def _drawn(prof: TableProfile, columns: list[str], z: np.ndarray, index: list[int]) -> np.ndarray:
    out = np.empty((len(z), len(columns)))
    for j, c in enumerate(columns):
        cp = prof.columns[c]
        m = cp.marginal
        assert m is not None
        u = ndtr(z[:, index[j]])
        if isinstance(m, CategoryMarginal) and cp.kind == "categorical":
            codes = from_uniform(u, m, cp).astype(np.float64)
            codes[codes == len(m.values)] = _OTHER
            out[:, j] = codes
        elif isinstance(m, CategoryMarginal):  # numbers or booleans kept as categories
            values = np.asarray([*m.values, m.values[-1] if m.values else 0], dtype=np.float64)
            out[:, j] = values[from_uniform(u, m, cp)]
        else:
            out[:, j] = finish_numbers(from_uniform(u, m, cp), cp)
    _redrawn(prof, columns, z, index, out)
    _nulls(prof, columns, z, out)
    return out


def _labels(codes: np.ndarray, marginal: CategoryMarginal) -> pa.Array:
    names = pa.array([str(v) for v in marginal.values] + [None], pa.string())
    at = np.where(codes == _OTHER, len(marginal.values), codes).astype(np.int64)
    return names.take(pa.array(at))


def _redrawn(
    prof: TableProfile, columns: list[str], z: np.ndarray, index: list[int], out: np.ndarray
) -> None:
    """The drawn rows with ``given`` columns drawn again in their category (categories first)."""
    for numbers in (False, True):
        for j, c in enumerate(columns):
            cp = prof.columns[c]
            given = cp.given
            if given is None or given.column not in columns:
                continue
            m, gm = cp.marginal, prof.columns[given.column].marginal
            is_cat = isinstance(m, CategoryMarginal) and cp.kind == "categorical"
            if is_cat == numbers or not isinstance(gm, CategoryMarginal):
                continue
            u = ndtr(z[:, index[j]])
            category = _labels(out[:, columns.index(given.column)], gm)
            if is_cat:
                assert isinstance(m, CategoryMarginal)
                labels = given_categories(cp, u, _labels(out[:, j], m), category)
                codes = category_codes(labels, m).astype(np.float64)
                codes[codes == len(m.values)] = _OTHER
                out[:, j] = codes
            elif not isinstance(m, CategoryMarginal):
                out[:, j] = finish_numbers(
                    given_numbers(cp, u, out[:, j], category, (None, None)), cp
                )


def _copy_share(real: np.ndarray, drawn: np.ndarray) -> float:
    """Share of drawn rows equal to a real row that occurs once."""
    rows, counts = np.unique(real, axis=0, return_counts=True)
    once = rows[counts == 1]
    once = once[~np.isnan(once).any(axis=1)]
    if len(once) == 0 or len(drawn) == 0:
        return 0.0
    both = np.concatenate([once, drawn])
    _, inverse, counts = np.unique(both, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    in_once = np.zeros(len(counts), dtype=bool)
    in_once[inverse[: len(once)]] = True
    return float(in_once[inverse[len(once) :]].mean())


def _largest_atom(marginal: QuantileMarginal) -> float:
    """The largest share of the quantile points on one value."""
    points = np.asarray(marginal.points, dtype=np.float64)
    _, counts = np.unique(points, return_counts=True)
    return float((counts.max() - 1) / max(len(points) - 1, 1))


def guard_copies(
    table: str, data: pa.Table, prof: TableProfile, *, keep_given: bool = False
) -> list[str]:
    """Drop category ``given``s, then mark columns ``smooth``, until few drawn rows copy a
    unique real row; notes say so."""
    cop = prof.copula
    if cop is None or data.num_rows < 20:
        return []
    linked = {lk.column for lk in prof.links}
    columns = [
        c
        for c, cp in prof.columns.items()
        if c not in linked and c != prof.primary_key and cp.kind not in ("key", "empty")
    ]
    if not columns or any(c not in cop.columns for c in columns):
        return []
    index = [cop.columns.index(c) for c in columns]
    k = len(cop.columns)
    cond = conditional(np.asarray(cop.correlation)[:k, :k], k)
    z = sample_scores(cond, SIM_ROWS, make_rng(0, table, "__privacy__"))
    real = _encoded(data, prof, columns)
    before = share = _copy_share(real, _drawn(prof, columns, z, index))
    notes: list[str] = []
    nested = sorted(
        (cp.given.strength, c)
        for c, cp in prof.columns.items()
        if cp.given is not None and cp.kind == "categorical" and c in columns
    )
    dropped = []
    for _, c in nested if not keep_given else []:
        if share <= GUARD_SHARE:
            break
        prof.columns[c].given = None
        dropped.append(c)
        share = _copy_share(real, _drawn(prof, columns, z, index))
    if dropped:
        notes.append(
            f"{table}: {', '.join(dropped)} drawn through the copula, not within the category "
            f"that says most of them: {before:.1%} of rows drawn so equalled a real row seen once "
            f"({share:.2%} without)"
        )
        before = share
    chosen: list[str] = []
    while share > GUARD_SHARE and len(chosen) < MAX_SMOOTHED:
        best, best_share = None, share
        for c in columns:
            cp = prof.columns[c]
            if c in chosen or cp.integer or not isinstance(cp.marginal, QuantileMarginal):
                continue
            if _largest_atom(cp.marginal) > MAX_ATOM:
                continue  # smoothing would smear a value most rows have (the zeros of a count)
            cp.smooth = True
            trial = _copy_share(real, _drawn(prof, columns, z, index))
            cp.smooth = False
            if trial < best_share:
                best, best_share = c, trial
        if best is None:
            break
        prof.columns[best].smooth = True
        chosen.append(best)
        share = best_share
    if not chosen:
        if before > GUARD_SHARE:
            notes.append(
                f"{table}: {before:.1%} of rows drawn from the fit equal a real row seen once "
                "(every column has few whole values, so the fit itself makes such rows)"
            )
        return notes
    return [
        *notes,
        f"{table}: {before:.1%} of rows drawn from the fit equalled a real row seen once; "
        f"{', '.join(chosen)} now drawn between the sample's values ({share:.2%})",
    ]
