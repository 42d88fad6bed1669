"""Wide samples are bounded: over MAX_COLUMNS refused at the table, the copula capped."""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.errors import DataError
from synthwright.profile import generate_from_profile, profile_tables
from synthwright.profile._pipeline import MAX_COLUMNS, MAX_COPULA_COLUMNS


def _wide(columns: int, rows: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=rows)
    data = {}
    for i in range(columns):
        if i % 3 == 2:
            data[f"c{i}"] = pa.array(rng.choice(["a", "b", "c", "d"], rows))
        else:
            data[f"c{i}"] = pa.array(np.round(base * (i % 7 + 1) + rng.normal(size=rows), 3))
    return pa.table(data)


def test_a_table_wider_than_the_bound_is_refused_before_any_work() -> None:
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        profile_tables({"ok": _wide(3, 10), "wide": _wide(MAX_COLUMNS + 1, 10)})
    assert time.perf_counter() - started < 10
    [problem] = info.value.problems
    assert problem.location == "wide"
    assert str(MAX_COLUMNS) in problem.message and str(MAX_COLUMNS + 1) in problem.message


def test_the_copula_is_capped_and_the_rest_keep_their_marginals() -> None:
    columns = MAX_COPULA_COLUMNS + 30
    fitted = profile_tables({"t": _wide(columns, 60)})
    cop = fitted.profiles["t"].copula
    assert cop is not None
    own = [c for c in cop.columns if c.startswith("c")]
    assert own == [f"c{i}" for i in range(MAX_COPULA_COLUMNS)]
    assert len(cop.correlation) == len(cop.columns)
    assert any(f"covers the first {MAX_COPULA_COLUMNS}" in n for n in fitted.notes)
    tables = generate_from_profile(fitted, seed=1, rows=40)
    assert tables["t"].num_rows == 40 and tables["t"].num_columns == columns
    assert sw.check(tables, fitted.spec) == []
