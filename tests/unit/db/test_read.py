"""Reader: list, check presence, read and sample tables of SQLite and DuckDB files."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from synthwright import db
from synthwright.errors import DataError


@pytest.fixture(params=["sqlite", "duckdb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    path = tmp_path / f"x.{request.param}"
    con: Any = sqlite3.connect(path) if request.param == "sqlite" else duckdb.connect(str(path))
    con.execute("CREATE TABLE Items (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(8,2))")
    for i in range(1, 501):
        con.execute(f"INSERT INTO Items VALUES ({i}, 'item {i}', {i}.25)")
    con.execute("CREATE VIEW cheap AS SELECT * FROM Items WHERE price < 10")
    con.commit()
    con.close()
    return f"{request.param}:///{path}"


def test_tables_presence_and_reads(url: str) -> None:
    with db.Reader(url, location="data") as reader:
        assert reader.tables() == ["Items"]  # base tables only
        assert reader.present(["items", "cheap", "nope"]) == {"items", "cheap"}  # case-insensitive
        assert reader.count("Items") == 500
        table = reader.read("Items", ["id", "name"])
        assert table.column_names == ["id", "name"] and table.num_rows == 500
        assert table.column("name")[0].as_py() == "item 1"


def test_samples_are_bounded_and_repeatable(url: str) -> None:
    with db.Reader(url, location="data") as reader:
        first, total = reader.sample("Items", 50)
        again, _ = reader.sample("Items", 50)
        whole, _ = reader.sample("Items", 1000)
    assert total == 500 and first.num_rows == 50 and whole.num_rows == 500
    assert first.equals(again)


def test_missing_file_and_table_are_located(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such database file") as info:
        db.Reader(f"sqlite:///{tmp_path / 'none.db'}", location="data.x")
    assert info.value.problems[0].location == "data.x"
    path = tmp_path / "y.db"
    sqlite3.connect(path).close()
    with db.Reader(f"sqlite:///{path}", location="data") as reader, pytest.raises(DataError):
        reader.read("nope")


def test_loose_arrays_fall_back_to_text() -> None:
    assert db.loose_array([1, 2, None]).type == pa.int64()
    assert db.loose_array([1, "a"]).to_pylist() == ["1", "a"]
    assert db.rows_to_table(["a", "b"], []).num_rows == 0
