"""SQLite and DuckDB files end to end: keys enforced, check on read back, if_exists, append."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

import synthwright as sw
from synthwright.api import _table_metas
from synthwright.sinks import SinkInputError, existing_max_ids
from tests.conftest import shop_spec

from ._server_cases import _failing_at, small_spec

SCHEMES = ["sqlite", "duckdb"]


def _query(path: Path, statement: str) -> list[tuple[Any, ...]]:
    if path.suffix == ".db":
        con = sqlite3.connect(path)
        con.execute("PRAGMA foreign_keys = ON")
        try:
            return con.execute(statement).fetchall()
        finally:
            con.close()
    with duckdb.connect(str(path)) as dcon:
        return dcon.execute(statement).fetchall()


def _counts(path: Path, names: list[str]) -> dict[str, int]:
    return {n: _query(path, f'SELECT count(*) FROM "{n}"')[0][0] for n in names}


@pytest.fixture(params=SCHEMES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / ("shop.db" if request.param == "sqlite" else "shop.duckdb")
    return f"{request.param}:///{path}", path


def test_shop_keys_enforced_and_check_passes(target: tuple[str, Path]) -> None:
    url, path = target
    spec = shop_spec(200)
    ds = sw.generate(spec, seed=5)
    ds.to_db(url)
    assert _counts(path, ds.table_names) == ds.stats.rows
    assert sw.check(path, spec) == []
    with pytest.raises((sqlite3.IntegrityError, duckdb.ConstraintException)):
        _query(path, "INSERT INTO reviews VALUES (100000, 1, 999999, 3)")
    with pytest.raises((sqlite3.IntegrityError, duckdb.ConstraintException)):
        _query(path, "INSERT INTO products VALUES (1, 'X-1', 1.00)")


def test_fail_truncate_and_failure_mid_load(target: tuple[str, Path]) -> None:
    url, path = target
    names = ["parents", "children"]
    first = sw.generate(small_spec(40), seed=1)
    first.to_db(url)
    before = _counts(path, names)
    with pytest.raises(SinkInputError, match="'parents' already exists"):
        sw.generate(small_spec(10)).to_db(url)
    failing = sw.generate(small_spec(10), on_progress=_failing_at("children"))
    with pytest.raises(RuntimeError, match="injected"):
        failing.to_db(url, if_exists="truncate")
    assert _counts(path, names) == before
    second = sw.generate(small_spec(10), seed=2)
    second.to_db(url, if_exists="truncate")
    assert _counts(path, names) == second.stats.rows


def test_append_continues_ids(target: tuple[str, Path]) -> None:
    url, path = target
    first = sw.generate(small_spec(30), seed=1)
    assert existing_max_ids(url, _table_metas(first.plan)) == {}  # no file yet
    first.to_db(url)
    maxes = existing_max_ids(url, _table_metas(first.plan))
    assert maxes == {"parents": 30, "children": first.stats.rows["children"]}
    sw.generate(small_spec(5, first_id=31), seed=2).to_db(url, if_exists="append")
    assert _query(path, "SELECT min(id), max(id), count(*) FROM parents") == [(1, 35, 35)]
