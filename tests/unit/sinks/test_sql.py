"""SQL scripts: types, quoting per dialect, and scripts that really run (with keys)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from synthwright.errors import SinkError
from synthwright.sinks import FileSink, ForeignKey, TableMeta, sql

from .conftest import NAMES, TABLES, orders_batches, write_all


@pytest.mark.parametrize(
    "dialect, quoted",
    [("postgres", '"we""ird"'), ("sqlite", '"we""ird"'), ("duckdb", '"we""ird"'),
     ("mysql", "`we\"ird`")],
)  # fmt: skip
def test_identifier_quoting(dialect: str, quoted: str) -> None:
    assert sql.quote_ident('we"ird', dialect) == quoted
    assert sql.quote_ident("a`b", "mysql") == "`a``b`"


def test_string_literals_per_dialect() -> None:
    arr = pa.array(["it's", "back\\slash", None, "new\nline"])
    assert sql.sql_literals(arr, "postgres").to_pylist() == [
        "'it''s'",
        "'back\\slash'",
        "NULL",
        "'new\nline'",
    ]
    assert sql.sql_literals(arr, "mysql").to_pylist()[:2] == ["'it''s'", "'back\\\\slash'"]


def test_other_literals() -> None:
    assert sql.sql_literals(pa.array([True, None, False]), "postgres").to_pylist() == [
        "TRUE",
        "NULL",
        "FALSE",
    ]
    assert sql.sql_literals(pa.array([True, False]), "sqlite").to_pylist() == ["1", "0"]
    dec = pa.array([Decimal("1.10"), Decimal("-0.05")], pa.decimal128(5, 2))
    assert sql.sql_literals(dec, "duckdb").to_pylist() == ["1.10", "-0.05"]
    floats = pa.array([float("nan"), float("inf"), float("-inf"), 2.5])
    assert sql.sql_literals(floats, "sqlite").to_pylist() == ["NULL", "9e999", "-9e999", "2.5"]
    assert sql.sql_literals(floats, "postgres").to_pylist()[2] == (
        "CAST('-Infinity' AS DOUBLE PRECISION)"
    )
    with pytest.raises(SinkError, match="MySQL cannot store NaN"):
        sql.sql_literals(floats, "mysql")


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (pa.int64(), ("BIGINT", "BIGINT", "INTEGER", "BIGINT")),
        (pa.float64(), ("DOUBLE PRECISION", "DOUBLE", "REAL", "DOUBLE")),
        (
            pa.decimal128(10, 2),
            ("NUMERIC(10,2)", "DECIMAL(10,2)", "NUMERIC(10,2)", "DECIMAL(10,2)"),
        ),
        (pa.bool_(), ("BOOLEAN", "TINYINT(1)", "INTEGER", "BOOLEAN")),
        (pa.string(), ("TEXT", "TEXT", "TEXT", "VARCHAR")),
        (pa.timestamp("us"), ("TIMESTAMP", "DATETIME(6)", "TEXT", "TIMESTAMP")),
        (pa.date32(), ("DATE", "DATE", "TEXT", "DATE")),
        (pa.time64("us"), ("TIME", "TIME(6)", "TEXT", "TIME")),
        (pa.duration("ms"), ("BIGINT", "BIGINT", "INTEGER", "BIGINT")),
        (pa.dictionary(pa.int8(), pa.string()), ("TEXT", "TEXT", "TEXT", "VARCHAR")),
    ],
)
def test_column_types(dtype: pa.DataType, expected: tuple[str, ...]) -> None:
    assert tuple(sql.column_type(dtype, d) for d in sql.DIALECTS) == expected


def test_mysql_key_strings_are_indexable_and_unknown_types_refused() -> None:
    assert sql.column_type(pa.string(), "mysql", in_key=True) == "VARCHAR(255)"
    with pytest.raises(SinkError, match="no sqlite column type"):
        sql.column_type(pa.list_(pa.int64()), "sqlite")


def test_create_table_has_all_keys() -> None:
    ddl = sql.create_table(TABLES[1], "postgres")
    assert '"id" BIGINT NOT NULL' in ddl
    assert 'PRIMARY KEY ("id")' in ddl
    assert 'FOREIGN KEY ("customer_id") REFERENCES "customers" ("id")' in ddl
    assert 'UNIQUE ("email")' in sql.create_table(TABLES[0], "postgres")
    assert sql.create_table(TABLES[0], "mysql").endswith("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")


def test_inserts_hold_at_most_1000_rows() -> None:
    meta = TableMeta("t", pa.schema([("x", pa.int64())]))
    batch = pa.RecordBatch.from_pydict({"x": list(range(2500))}, meta.schema)
    statements = list(sql.insert_statements(meta, batch, "sqlite"))
    assert len(statements) == 3
    assert statements[0].count("\n(") == 1000 and statements[2].count("\n(") == 500
    assert all(s.endswith(");\n") for s in statements)
    con = sqlite3.connect(":memory:")
    con.executescript(sql.create_table(meta, "sqlite") + "".join(statements))
    assert con.execute("SELECT count(*), sum(x) FROM t").fetchone() == (2500, sum(range(2500)))


def _scripts(tmp_path: Path, dialect: str) -> list[str]:
    write_all(FileSink(tmp_path, "sql", dialect=dialect))
    return [(tmp_path / f"{t.name}.sql").read_bytes().decode("utf-8") for t in TABLES]


def test_sqlite_script_runs_and_enforces_keys(tmp_path: Path) -> None:
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys = ON")
    for script in _scripts(tmp_path, "sqlite"):
        con.executescript(script)
    assert [r[0] for r in con.execute("SELECT name FROM customers ORDER BY id")] == NAMES
    assert con.execute("SELECT created, balance FROM customers WHERE id = 1").fetchone() == (
        "2024-01-02T03:04:05.123456",
        12.3,
    )
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (4,)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO orders VALUES (99, 12345, 1.00)")  # no such customer
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO customers (id, email) VALUES (99, 'u0@example.com')")


def test_duckdb_script_runs_and_enforces_keys(tmp_path: Path) -> None:
    con = duckdb.connect()
    for script in _scripts(tmp_path, "duckdb"):
        con.execute(script)
    rows = con.execute(
        "SELECT name, balance, created, CAST(seen AS VARCHAR), wait FROM customers ORDER BY id"
    )
    got = rows.fetchall()
    assert [r[0] for r in got] == NAMES
    assert got[0][1] == Decimal("12.30") and str(got[0][2]) == "2024-01-02 03:04:05.123456"
    assert got[0][4] == 1_500_000
    totals = con.execute("SELECT total FROM orders ORDER BY id").fetchall()
    assert [t[0] for t in totals] == [b["total"] for b in pa.Table.from_batches(orders_batches())
                                      .to_pylist()]  # fmt: skip
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO orders VALUES (99, 12345, 1.00)")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO customers (id, email) VALUES (1, 'x')")


def test_literals_are_built_per_column_not_per_cell() -> None:
    # a large batch goes through quickly because nothing loops per cell in Python
    meta = TableMeta("t", pa.schema([("s", pa.string()), ("n", pa.float64())]))
    n = 200_000
    batch = pa.RecordBatch.from_pydict({"s": ["it's"] * n, "n": [0.5] * n}, meta.schema)
    text = "".join(sql.insert_statements(meta, batch, "postgres"))
    assert text.count("('it''s', 0.5)") == n


def test_self_referencing_scripts_run_with_forward_references(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("boss", pa.int64())])
    meta = TableMeta(
        "staff", schema, primary_key="id", foreign_keys=(ForeignKey("boss", "staff", "id"),)
    )
    batch = pa.RecordBatch.from_pydict({"id": [1, 2, 3], "boss": [3, 1, None]}, schema)
    for dialect in ("sqlite", "duckdb", "mysql", "postgres"):
        with FileSink(tmp_path / dialect, "sql", dialect=dialect).session([meta]) as s:
            s.write_batch("staff", batch)
    script = {d: (tmp_path / d / "staff.sql").read_text() for d in sql.DIALECTS}
    assert "DEFERRABLE INITIALLY DEFERRED" in script["postgres"]
    assert "SET FOREIGN_KEY_CHECKS = 0;" in script["mysql"]
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(script["sqlite"])
    assert con.execute("SELECT count(*) FROM staff").fetchone() == (3,)
    dcon = duckdb.connect()
    dcon.execute(script["duckdb"])
    assert dcon.execute("SELECT count(*) FROM staff").fetchone() == (3,)
