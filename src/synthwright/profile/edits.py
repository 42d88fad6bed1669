"""A user's ``dist:`` on a profiled column: its values, in the copula's order.

``synthwright profile`` writes each numeric column's closest engine family
as ``dist:``, but fitted generation draws the column through the copula and
the profile's own marginal. A ``dist:`` the user changed (or added) would
then be silently ignored. It is honoured instead:

- **Which columns.** A ``dist:`` that differs from the one the profile
  writes for the column (``to_spec.fitted_dist``) was put there by hand.
- **How.** The engine has already drawn the column from the spec (that
  ``dist:``, truncated to its ``min``/``max``, rounded to its type). Those
  values are kept and only put in the copula's order: the row with the
  copula's k-th smallest uniform gets the k-th smallest engine value (rank
  re-ordering, as Iman and Conover's method). The marginal is exactly the
  user's distribution, and the column's rank correlation with the others is
  the copula's.
- **Where it cannot be.** On a column the profile models as categories,
  flags or text, a ``dist:`` has nothing to rank: ``check_edits`` refuses
  it before anything is generated, at ``tables.<t>.columns.<c>.dist``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import Problem, SpecError
from ..spec import ColumnProfile, Spec, TableProfile, TypeColumn
from .fill import spread
from .infer import to_model_units
from .to_spec import fitted_dist

__all__ = ["HONOURED_KINDS", "check_edits", "in_copula_order", "user_dist"]

HONOURED_KINDS = ("numeric", "datetime", "date")


def user_dist(column: Any, cp: ColumnProfile) -> bool:
    """Whether a spec column carries a ``dist:`` other than the one its profile wrote."""
    if not isinstance(column, TypeColumn) or column.dist is None:
        return False
    written = fitted_dist(cp)
    if written is None:
        return True
    try:
        expected = TypeColumn.model_validate({"type": column.type, "dist": written}).dist
    except ValueError:  # the type changed too: whatever the dist is, it is the user's
        return True
    return expected != column.dist


def check_edits(spec: Spec, profiles: dict[str, TableProfile]) -> None:
    """Refuse a user's ``dist:`` that fitted generation cannot honour (SpecError, located)."""
    problems = []
    for table, prof in profiles.items():
        ts = spec.tables.get(table)
        if ts is None:
            continue
        for col, cp in prof.columns.items():
            column = ts.columns.get(col)
            if cp.kind in HONOURED_KINDS or not user_dist(column, cp):
                continue
            problems.append(
                Problem(
                    f"tables.{table}.columns.{col}.dist",
                    f"the profile models this column as {cp.kind} values, which a dist cannot "
                    "shape; remove the dist, or the column's entry under profile.columns to "
                    "generate it from the spec alone",
                )
            )
    if problems:
        raise SpecError(problems)


def in_copula_order(drawn: pa.Array, u: np.ndarray, null: np.ndarray) -> pa.Array:
    """The engine's non-null values of a column, re-ordered so their ranks follow `u`.

    Rows where `null` is true are null; the others get the engine's values at
    evenly spaced ranks (all of them when the counts agree), the row with
    the smallest `u` the smallest value. The engine's type is kept.
    """
    n = len(u)
    valid = ~np.asarray(drawn.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    values = drawn.filter(pa.array(valid))
    need = ~null
    m = int(need.sum())
    if len(values) == 0 or m == 0:
        return drawn
    order = np.argsort(to_model_units(values), kind="stable")
    ranked = values.take(pa.array(order))
    rank = np.empty(m, dtype=np.int64)
    rank[np.argsort(u[need], kind="stable")] = np.arange(m)
    at = np.minimum(((rank + 0.5) * len(values) / m).astype(np.int64), len(values) - 1)
    return spread(pa.nulls(n, drawn.type), ranked.take(pa.array(at)), need)
