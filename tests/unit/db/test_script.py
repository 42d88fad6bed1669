"""SQL scripts of every dialect read back into text columns, exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from synthwright.db import read_script
from synthwright.sinks import ForeignKey, TableMeta
from synthwright.sinks.sql import SqlScriptWriter

NAMES = ["Ada", 'it\'s; \\ "x"', "line\nINSERT INTO t VALUES (1);", "", None, "Zoë 🚀"]
SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("na;me", pa.string()),
        pa.field("amount", pa.decimal128(30, 2)),
        pa.field("ok", pa.bool_()),
        pa.field("at", pa.timestamp("us", tz="UTC")),
        pa.field("parent", pa.int64()),
    ]
)
META = TableMeta(
    "t",
    SCHEMA,
    primary_key="id",
    foreign_keys=(ForeignKey("parent", "t", "id"),),
    unique=(("id", "amount"),),
)


def _batch() -> pa.RecordBatch:
    n = len(NAMES)
    return pa.RecordBatch.from_pydict(
        {
            "id": list(range(1, n + 1)),
            "na;me": NAMES,
            "amount": [Decimal("123456789012345678901234567.10")] * (n - 1) + [None],
            "ok": [True, False, None, True, False, True],
            "at": [dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)] * n,
            "parent": [None, 1, 1, 2, 3, 1],
        },
        SCHEMA,
    )


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite", "duckdb"])
def test_every_dialect_reads_back_exactly(tmp_path: Path, dialect: str) -> None:
    file = tmp_path / "t.sql"
    writer = SqlScriptWriter(file, META, dialect)
    writer.write(_batch())
    writer.write(_batch().slice(0, 2))
    writer.close()
    table = read_script(file)
    assert table.column_names == SCHEMA.names
    assert table.column("na;me").to_pylist() == NAMES + NAMES[:2]
    assert table.column("amount").to_pylist()[0] == "123456789012345678901234567.10"
    assert table.column("parent").to_pylist()[:2] == [None, "1"]
    assert table.column("ok").to_pylist()[2] is None


def test_special_floats_and_empty_scripts(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("x", pa.float64())])
    meta = TableMeta("f", schema)
    for dialect in ("postgres", "sqlite", "duckdb"):
        file = tmp_path / f"f_{dialect}.sql"
        writer = SqlScriptWriter(file, meta, dialect)
        writer.write(pa.RecordBatch.from_pydict({"x": [float("inf"), -float("inf"), 1.5]}, schema))
        writer.close()
        assert read_script(file).column("x").to_pylist() == ["inf", "-inf", "1.5"], dialect
    empty = tmp_path / "empty.sql"
    SqlScriptWriter(empty, META, "mysql").close()
    table = read_script(empty)
    assert table.column_names == SCHEMA.names and table.num_rows == 0


def test_a_script_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "odd.sql"
    file.write_text("INSERT INTO t (a, b) VALUES (1);\n")
    with pytest.raises(ValueError, match="1 values for 2 columns"):
        read_script(file)
