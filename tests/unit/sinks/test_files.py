"""FileSink: every format read back with an independent reader, and atomicity."""

from __future__ import annotations

import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from synthwright.errors import SinkError
from synthwright.sinks import FORMATS, FileSink, TableMeta, _xlsx, files, open_sink

from .conftest import (
    NAMES,
    TABLES,
    customers_batch,
    customers_rows,
    orders_batches,
    snapshot,
    write_all,
)

ISO = {
    "created": "2024-01-02T03:04:05.123456",
    "seen": "2024-05-06T07:08:09.000000+00:00",
    "birthday": "1990-05-17",
    "wake": "07:30:00.000000",
}


def test_every_format_writes_one_file_per_table(tmp_path: Path) -> None:
    for fmt in FORMATS:
        out = tmp_path / fmt
        written = write_all(FileSink(out, fmt))
        assert written == [str(out / f"customers.{fmt}"), str(out / f"orders.{fmt}")]
        assert sorted(os.listdir(out)) == [f"customers.{fmt}", f"orders.{fmt}"]


def test_parquet_round_trip_is_exact(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "parquet"))
    table = pq.read_table(tmp_path / "customers.parquet")
    assert table.schema.equals(TABLES[0].schema)
    assert table.to_pylist() == pa.Table.from_batches([customers_batch()]).to_pylist()
    assert pq.read_table(tmp_path / "orders.parquet").num_rows == 4


def test_csv_round_trip(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "csv"))
    opts = pacsv.ParseOptions(newlines_in_values=True)
    conv = pacsv.ConvertOptions(
        column_types={"balance": pa.decimal128(12, 2), "name": pa.string()},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    table = pacsv.read_csv(tmp_path / "customers.csv", parse_options=opts, convert_options=conv)
    rows = customers_rows()
    assert table.column("name").to_pylist() == NAMES  # null empty, "" kept apart
    assert table.column("balance").to_pylist() == rows["balance"]
    assert table.column("active").to_pylist() == rows["active"]
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    assert ISO["created"] in text and ISO["seen"] in text
    assert ",1500000," in text  # durations as microseconds
    orders = pacsv.read_csv(tmp_path / "orders.csv")
    assert orders.column("id").to_pylist() == [1, 2, 3, 4]


def _check_json_rows(rows: list[dict[str, Any]]) -> None:
    want = customers_rows()
    assert [r["name"] for r in rows] == NAMES
    assert [r["balance"] for r in rows] == want["balance"]
    assert [r["active"] for r in rows] == want["active"]
    assert [r["tier"] for r in rows] == want["tier"]
    assert rows[0]["created"] == ISO["created"] and rows[0]["seen"] == ISO["seen"]
    assert dt.datetime.fromisoformat(rows[0]["seen"]).tzinfo is not None
    assert rows[0]["birthday"] == ISO["birthday"] and rows[0]["wake"] == ISO["wake"]
    assert rows[0]["wait"] == 1_500_000 and rows[3]["score"] == 1e20


def test_jsonl_round_trip(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "jsonl"))
    lines = (tmp_path / "customers.jsonl").read_text(encoding="utf-8").splitlines()
    _check_json_rows([json.loads(line, parse_float=Decimal) for line in lines])
    orders = (tmp_path / "orders.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in orders] == [1, 2, 3, 4]


def test_json_is_one_array_per_table_across_batches(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "json"))
    _check_json_rows(json.loads((tmp_path / "customers.json").read_text(), parse_float=Decimal))
    orders = json.loads((tmp_path / "orders.json").read_text(), parse_float=Decimal)
    assert [o["total"] for o in orders] == [
        Decimal("10.00"),
        Decimal("0.01"),
        Decimal("99999999.99"),
        Decimal("-5.50"),
    ]


def test_json_escapes_control_characters_and_non_finite_floats(tmp_path: Path) -> None:
    schema = pa.schema([("s", pa.string()), ("f", pa.float64())])
    meta = TableMeta("t", schema)
    weird = ["a\x00b\x1fc\u2028", "tab\there"]
    batch = pa.RecordBatch.from_pydict({"s": weird, "f": [float("nan"), float("inf")]}, schema)
    for fmt in ("json", "jsonl"):
        with FileSink(tmp_path / fmt, fmt).session([meta]) as s:
            s.write_batch("t", batch)
        text = (tmp_path / fmt / f"t.{fmt}").read_text()
        rows = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
        assert [r["s"] for r in rows] == weird
        assert [r["f"] for r in rows] == [None, None]


def test_empty_tables_are_valid_files(tmp_path: Path) -> None:
    for fmt in FORMATS:
        with FileSink(tmp_path / fmt, fmt).session(TABLES):
            pass
    assert json.loads((tmp_path / "json" / "orders.json").read_text()) == []
    assert (tmp_path / "jsonl" / "orders.jsonl").read_text() == ""
    assert pq.read_table(tmp_path / "parquet" / "orders.parquet").num_rows == 0
    assert ET.parse(tmp_path / "xml" / "orders.xml").getroot().findall("row") == []


NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def test_xml_round_trip(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "xml"))
    root = ET.parse(tmp_path / "customers.xml").getroot()
    assert root.tag == "table" and root.get("name") == "customers"
    rows = root.findall("row")
    names = [None if r.find("name").get(NIL) == "true" else (r.find("name").text or "")
             for r in rows]  # fmt: skip
    assert names == NAMES  # \r\n survives (written as &#13;), empty != null
    assert rows[0].find("created").text == ISO["created"]
    assert rows[0].find("balance").text == "12.30"
    assert rows[1].find("created").get(NIL) == "true"
    assert len(ET.parse(tmp_path / "orders.xml").getroot().findall("row")) == 4


def test_xml_refuses_what_it_cannot_represent(tmp_path: Path) -> None:
    bad_name = TableMeta("t", pa.schema([("has space", pa.int64())]))
    with pytest.raises(SinkError, match="XML element names"):
        FileSink(tmp_path / "a", "xml").open([bad_name])
    assert not (tmp_path / "a").exists()
    meta = TableMeta("t", pa.schema([("s", pa.string())]))
    sink = FileSink(tmp_path / "b", "xml")
    sink.open([meta])
    with pytest.raises(SinkError, match="control characters"):
        sink.write_batch("t", pa.RecordBatch.from_pydict({"s": ["bell\x07"]}))
    assert not (tmp_path / "b").exists()


def test_xlsx_round_trip(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    write_all(FileSink(tmp_path, "xlsx"))
    book = openpyxl.load_workbook(tmp_path / "customers.xlsx")
    assert book.sheetnames == ["customers"]
    rows = list(book.active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    want = customers_rows()
    names = [r[col["name"]] for r in data]
    # OOXML stores CR as _x000D_ (Excel shows a CR; openpyxl leaves the escape)
    assert [n.replace("_x000D_", "\r") if n else n for n in names] == NAMES
    assert [r[col["active"]] for r in data] == want["active"]
    assert [r[col["id"]] for r in data] == want["id"]
    assert data[0][col["created"]] == dt.datetime(2024, 1, 2, 3, 4, 5, 123000)
    assert data[0][col["seen"]] == dt.datetime(2024, 5, 6, 7, 8, 9)
    assert data[0][col["balance"]] == pytest.approx(12.30)
    assert data[0][col["wait"]] == 1_500_000
    assert data[0][col["tier"]] == "gold"


def test_xlsx_strings_stay_strings(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    meta = TableMeta("t", pa.schema([("s", pa.string()), ("d", pa.decimal128(20, 3))]))
    values = ["=1+1", "http://x.org", "007"]
    big = [Decimal("12345678901234567.891")] * 3
    with FileSink(tmp_path, "xlsx").session([meta]) as s:
        s.write_batch("t", pa.RecordBatch.from_pydict({"s": values, "d": big}, meta.schema))
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == values
    assert rows[1][1] == "12345678901234567.891"  # too precise for Excel: exact text


def test_xlsx_row_limit_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xlsx, "EXCEL_MAX_ROWS", 4)
    sink = FileSink(tmp_path / "out", "xlsx")
    sink.open(TABLES)
    with pytest.raises(SinkError, match="Excel's limit") as info:
        sink.write_batch("customers", customers_batch())
    assert "customers.xlsx" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_sql_files_use_the_dialect(tmp_path: Path) -> None:
    write_all(FileSink(tmp_path, "sql", dialect="mysql"))
    text = (tmp_path / "customers.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE `customers`" in text and "'O''Brien, \"the\" \\\\ one'" in text


def test_bad_format_and_dialect(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match="unknown format 'yaml'"):
        FileSink(tmp_path, "yaml")
    with pytest.raises(SinkError, match="dialect 'oracle'"):
        FileSink(tmp_path, "sql", dialect="oracle")


def test_table_names_cannot_escape_the_directory(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match="file name"):
        FileSink(tmp_path / "o", "csv").open([TableMeta("../x", TABLES[1].schema)])
    assert snapshot(tmp_path) == {}


# -- atomicity -----------------------------------------------------------------


def _prepare(out: Path) -> dict[str, bytes]:
    out.mkdir()
    (out / "customers.csv").write_text("old data, keep me\n")
    (out / "notes.txt").write_text("unrelated\n")
    return snapshot(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_write_leaves_directory_exactly_as_before(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    before = _prepare(out)
    (out / f"customers.{fmt}").write_text("old data, keep me\n")
    before = snapshot(out)
    sink = FileSink(out, fmt)
    sink.open(TABLES)
    sink.write_batch("customers", customers_batch())
    sink.write_batch("orders", orders_batches()[0])
    with pytest.raises(SinkError):
        sink.write_batch("orders", customers_batch())  # wrong schema mid-way
    assert snapshot(out) == before
    sink.abort()
    assert snapshot(out) == before


def test_abort_at_any_point_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _prepare(out)
    sink = FileSink(out, "csv")
    sink.abort()  # before open
    sink = FileSink(out, "csv")
    sink.open(TABLES)
    assert any(name.startswith(files.TMP_PREFIX) for name in os.listdir(out))
    sink.write_batch("customers", customers_batch())
    sink.abort()
    sink.abort()
    assert snapshot(out) == before


def test_exception_in_session_removes_a_new_directory(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper"
    with pytest.raises(KeyError), FileSink(out, "parquet").session(TABLES) as s:
        s.write_batch("customers", customers_batch())
        raise KeyError("boom")
    assert snapshot(tmp_path) == {}


def test_success_replaces_existing_files_and_keeps_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _prepare(out)
    write_all(FileSink(out, "csv"))
    assert sorted(os.listdir(out)) == ["customers.csv", "notes.txt", "orders.csv"]
    assert "old data" not in (out / "customers.csv").read_text()


def test_failure_while_moving_restores_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "customers.csv").write_text("old customers\n")
    (out / "orders.csv").write_text("old orders\n")
    before = snapshot(out)
    real_replace = os.replace

    def flaky(src: Any, dst: Any) -> None:
        if Path(src).name == "orders.csv" and Path(src).parent.name.startswith(files.TMP_PREFIX):
            raise PermissionError("disk says no")
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", flaky)
    sink = FileSink(out, "csv")
    sink.open(TABLES)
    sink.write_batch("customers", customers_batch())
    with pytest.raises(SinkError, match="disk says no") as info:
        sink.close()
    assert isinstance(info.value.__cause__, PermissionError)
    assert snapshot(out) == before


def test_open_sink_picks_file_sink(tmp_path: Path) -> None:
    sink = open_sink(str(tmp_path), format="jsonl")
    assert isinstance(sink, FileSink) and sink.format == "jsonl"
    assert isinstance(open_sink(str(tmp_path)), FileSink)
