"""DatabaseSink on SQLite and DuckDB: round trip, keys, if_exists, all-or-nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from synthwright.errors import SinkError
from synthwright.sinks import DatabaseSink, ForeignKey, TableMeta, open_sink

from .conftest import NAMES, TABLES, customers_batch, orders_batches, write_all

SCHEMES = ["sqlite", "duckdb"]


def _url(tmp_path: Path, scheme: str) -> str:
    return f"{scheme}:///{tmp_path / ('db.' + scheme)}"


def _query(url: str, statement: str) -> list[tuple[Any, ...]]:
    scheme, path = url.split(":///", 1)
    if scheme == "sqlite":
        with sqlite3.connect(path) as con:
            return con.execute(statement).fetchall()
    with duckdb.connect(path) as dcon:
        return dcon.execute(statement).fetchall()


def _tables(url: str) -> list[str]:
    if url.startswith("sqlite"):
        rows = _query(url, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    else:
        rows = _query(url, "SELECT table_name FROM information_schema.tables ORDER BY 1")
    return [r[0] for r in rows]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_round_trip(tmp_path: Path, scheme: str) -> None:
    url = _url(tmp_path, scheme)
    assert write_all(DatabaseSink(url)) == [f"{url}#customers", f"{url}#orders"]
    assert [r[0] for r in _query(url, "SELECT name FROM customers ORDER BY id")] == NAMES
    row = _query(url, "SELECT balance, active, CAST(created AS VARCHAR), wait, tier "
                      "FROM customers WHERE id = 1")[0]  # fmt: skip
    if scheme == "duckdb":
        assert row == (Decimal("12.30"), True, "2024-01-02 03:04:05.123456", 1_500_000, "gold")
    else:
        assert row == (12.3, 1, "2024-01-02T03:04:05.123456", 1_500_000, "gold")
    assert _query(url, "SELECT count(*) FROM orders") == [(4,)]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keys_are_enforced(tmp_path: Path, scheme: str) -> None:
    url = _url(tmp_path, scheme)
    write_all(DatabaseSink(url))
    path = url.split(":///", 1)[1]
    if scheme == "sqlite":
        con = sqlite3.connect(path)
        con.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("INSERT INTO orders VALUES (99, 12345, 1.00)")
        con.close()
    else:
        with duckdb.connect(path) as dcon, pytest.raises(duckdb.ConstraintException):
            dcon.execute("INSERT INTO orders VALUES (99, 12345, 1.00)")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_foreign_key_violation_in_data_rolls_everything_back(tmp_path: Path, scheme: str) -> None:
    url = _url(tmp_path, scheme)
    bad = pa.RecordBatch.from_pydict(
        {"id": [1], "customer_id": [777], "total": [Decimal("1.00")]}, TABLES[1].schema
    )
    sink = DatabaseSink(url)
    sink.open(TABLES)
    sink.write_batch("customers", customers_batch())
    with pytest.raises(SinkError) as info:
        sink.write_batch("orders", bad)
    assert isinstance(info.value.__cause__, sqlite3.Error | duckdb.Error)
    assert "orders" in str(info.value)
    assert not Path(url.split(":///", 1)[1]).exists()  # the new file is gone again


def _existing_db(tmp_path: Path, scheme: str) -> str:
    """A database that already holds the tables with known rows (and an unrelated one)."""
    url = _url(tmp_path, scheme)
    write_all(DatabaseSink(url))
    if scheme == "sqlite":
        with sqlite3.connect(url.split(":///", 1)[1]) as con:
            con.execute("CREATE TABLE other (x INTEGER)")
    else:
        with duckdb.connect(url.split(":///", 1)[1]) as dcon:
            dcon.execute("CREATE TABLE other (x INTEGER)")
    return url


def _state(url: str) -> tuple[list[str], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return (
        _tables(url),
        _query(url, "SELECT id, name FROM customers ORDER BY id"),
        _query(url, "SELECT id FROM orders ORDER BY id"),
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fail_names_the_table_and_leaves_database_untouched(tmp_path: Path, scheme: str) -> None:
    url = _existing_db(tmp_path, scheme)
    before = _state(url)
    with pytest.raises(SinkError, match="table 'customers' already exists"):
        DatabaseSink(url).open(TABLES)
    assert _state(url) == before


@pytest.mark.parametrize("scheme", SCHEMES)
def test_replace_recreates_tables(tmp_path: Path, scheme: str) -> None:
    url = _existing_db(tmp_path, scheme)
    sink = DatabaseSink(url, if_exists="replace")
    with sink.session(TABLES) as s:
        s.write_batch("customers", customers_batch())
        s.write_batch("orders", orders_batches()[1])
    assert _query(url, "SELECT id FROM orders") == [(4,)]
    assert "other" in _tables(url)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_failed_replace_is_rolled_back(tmp_path: Path, scheme: str) -> None:
    url = _existing_db(tmp_path, scheme)
    before = _state(url)
    sink = DatabaseSink(url, if_exists="replace")
    sink.open(TABLES)
    sink.write_batch("customers", customers_batch())
    with pytest.raises(SinkError):
        sink.write_batch("orders", customers_batch())  # wrong schema mid-way
    assert _state(url) == before


@pytest.mark.parametrize("scheme", SCHEMES)
def test_abort_is_rolled_back(tmp_path: Path, scheme: str) -> None:
    url = _existing_db(tmp_path, scheme)
    before = _state(url)
    sink = DatabaseSink(url, if_exists="replace")
    with pytest.raises(ZeroDivisionError), sink.session(TABLES) as s:
        s.write_batch("customers", customers_batch())
        _ = 1 / 0
    assert _state(url) == before
    sink.abort()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_append_adds_rows(tmp_path: Path, scheme: str) -> None:
    url = _url(tmp_path, scheme)
    schema = pa.schema([pa.field("x", pa.int64(), nullable=False)])
    meta = TableMeta("t", schema, primary_key="x")
    for start in (0, 10):
        with DatabaseSink(url, if_exists="append").session([meta]) as s:
            s.write_batch("t", pa.RecordBatch.from_pydict({"x": [start, start + 1]}, schema))
    assert _query(url, "SELECT x FROM t ORDER BY x") == [(0,), (1,), (10,), (11,)]
    with pytest.raises(SinkError), DatabaseSink(url, if_exists="append").session([meta]) as s:
        s.write_batch("t", pa.RecordBatch.from_pydict({"x": [20, 0]}, schema))  # dup key
    assert _query(url, "SELECT count(*) FROM t") == [(4,)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DatabaseSink("postgresql://bob:s3cret@db.example/shop"),
        lambda: open_sink("oracle://bob:s3cret@db.example/shop"),
    ],
)
def test_unsupported_schemes_name_the_supported_ones(make: Callable[[], Any]) -> None:
    with pytest.raises(SinkError, match=r"sqlite:///path\.db and duckdb:///path\.duckdb") as info:
        make()
    assert "s3cret" not in str(info.value) and "bob" not in str(info.value)


def test_bad_if_exists() -> None:
    with pytest.raises(SinkError, match="if_exists"):
        DatabaseSink("sqlite:///x.db", if_exists="merge")


def test_open_sink_picks_database_sink(tmp_path: Path) -> None:
    sink = open_sink(_url(tmp_path, "duckdb"), if_exists="replace")
    assert isinstance(sink, DatabaseSink) and sink.if_exists == "replace"
    with pytest.raises(SinkError, match="format"):
        open_sink(_url(tmp_path, "duckdb"), format="csv")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_foreign_key_to_a_non_key_is_refused_up_front(tmp_path: Path, scheme: str) -> None:
    parent = TableMeta("p", TABLES[1].schema)  # no primary key
    child = TableMeta("c", TABLES[1].schema, foreign_keys=(ForeignKey("customer_id", "p", "id"),))
    url = _url(tmp_path, scheme)
    with pytest.raises(SinkError, match=r"c\.customer_id: references p\.id, which is neither"):
        DatabaseSink(url).open([parent, child])
    assert not (tmp_path / f"db.{scheme}").exists()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_self_reference_may_point_at_later_rows(tmp_path: Path, scheme: str) -> None:
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("boss", pa.int64())])
    meta = TableMeta("staff", schema, primary_key="id",
                     foreign_keys=(ForeignKey("boss", "staff", "id"),))  # fmt: skip
    url = _url(tmp_path, scheme)
    with DatabaseSink(url).session([meta]) as s:
        s.write_batch("staff", pa.RecordBatch.from_pydict({"id": [1, 2], "boss": [3, 1]}, schema))
        s.write_batch("staff", pa.RecordBatch.from_pydict({"id": [3], "boss": [None]}, schema))
    assert _query(url, "SELECT count(*) FROM staff") == [(3,)]


def test_sqlite_self_reference_is_still_checked_at_commit(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("boss", pa.int64())])
    meta = TableMeta("staff", schema, primary_key="id",
                     foreign_keys=(ForeignKey("boss", "staff", "id"),))  # fmt: skip
    url = _url(tmp_path, "sqlite")
    with pytest.raises(SinkError, match="FOREIGN KEY"), DatabaseSink(url).session([meta]) as s:
        s.write_batch("staff", pa.RecordBatch.from_pydict({"id": [1], "boss": [9]}, schema))
    assert not (tmp_path / "db.sqlite").exists()


def test_duckdb_insert_error_is_not_masked(tmp_path: Path) -> None:
    url = _url(tmp_path, "duckdb")
    sink = DatabaseSink(url)
    sink.open(TABLES)
    bad = pa.RecordBatch.from_pydict(
        {"id": [1], "customer_id": [5], "total": [Decimal("1.00")]}, TABLES[1].schema
    )
    with pytest.raises(SinkError, match="foreign key") as info:
        sink.write_batch("orders", bad)
    assert isinstance(info.value.__cause__, duckdb.ConstraintException)
