"""read_tables: every sink format reads back to tables that pass the checks."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from synthwright.errors import DataError
from synthwright.quality import check_tables, read_tables
from synthwright.spec import Spec

from .shop import clean_tables


def _cell(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _write(folder: Path, fmt: str) -> Path:
    tables = clean_tables()
    if fmt in ("duckdb", "sqlite"):
        target = folder / f"shop.{'duckdb' if fmt == 'duckdb' else 'db'}"
        if fmt == "duckdb":
            con = duckdb.connect(str(target))
            for name, table in tables.items():
                con.register("src", table)
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM src")
                con.unregister("src")
            con.close()
        else:
            lite = sqlite3.connect(target)
            for name, table in tables.items():
                cols = ", ".join(table.column_names)
                lite.execute(f"CREATE TABLE {name} ({cols})")
                rows = [
                    tuple(
                        str(v) if isinstance(v, Decimal | dt.datetime) else v for v in row.values()
                    )
                    for row in table.to_pylist()
                ]
                marks = ", ".join("?" * table.num_columns)
                lite.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            lite.commit()
            lite.close()
        return target
    if fmt == "workbook":
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, table in tables.items():
            sheet = book.create_sheet(name)
            sheet.append(table.column_names)
            for row in table.to_pylist():
                sheet.append([_cell(v) for v in row.values()])
        book.save(folder / "shop.xlsx")
        return folder / "shop.xlsx"
    for name, table in tables.items():
        file = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, file)
        elif fmt == "csv":
            pacsv.write_csv(table, file)
        elif fmt in ("jsonl", "json"):
            con = duckdb.connect()
            con.register("src", table)
            array = ", ARRAY true" if fmt == "json" else ""
            con.execute(f"COPY src TO '{file}' (FORMAT json{array})")
            con.close()
        elif fmt == "xlsx":
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(table.column_names)
            for row in table.to_pylist():
                sheet.append([_cell(v) for v in row.values()])
            book.save(file)
    return folder


@pytest.mark.parametrize(
    "fmt", ["parquet", "csv", "jsonl", "json", "xlsx", "workbook", "duckdb", "sqlite"]
)
def test_every_format_reads_back_clean(tmp_path: Path, spec: Spec, fmt: str) -> None:
    path = _write(tmp_path, fmt)
    tables = read_tables(path, spec)
    assert set(tables) == {"customers", "orders", "favourites"}
    assert tables["customers"].schema.field("signup_at").type == pa.timestamp("us")
    assert tables["orders"].schema.field("subtotal").type == pa.decimal128(18, 2)
    assert tables["customers"].schema.field("vip").type == pa.bool_()
    assert check_tables(tables, spec) == []


def test_json_array_and_ndjson_under_json(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "jsonl")
    for file in tmp_path.glob("*.jsonl"):
        file.rename(file.with_suffix(".json"))
    assert check_tables(read_tables(tmp_path, spec), spec) == []


def test_csv_keeps_empty_strings_and_na(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "csv")
    (tmp_path / "favourites.csv").write_text(
        '"customer_id","product","note"\n1,"tea",""\n1,"cake",\n2,"tea","NA"\n'
    )
    notes = read_tables(tmp_path, spec)["favourites"].column("note").to_pylist()
    assert notes == ["", None, "NA"]


def test_violations_survive_reading(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "csv")
    text = (tmp_path / "orders.csv").read_text().replace('"shipped"', '"lost"')
    (tmp_path / "orders.csv").write_text(text)
    found = check_tables(read_tables(tmp_path, spec), spec)
    assert [(f.location, f.rule, f.examples) for f in found] == [
        ("tables.orders.columns.status", "values", ("'lost'",))
    ]


def test_decimal_with_too_many_places_is_a_scale_finding(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "csv")
    text = (tmp_path / "orders.csv").read_text().replace("12.34", "12.345")
    (tmp_path / "orders.csv").write_text(text)
    found = check_tables(read_tables(tmp_path, spec), spec)
    assert ("tables.orders.columns.subtotal", "scale") in [(f.location, f.rule) for f in found]


def test_csv_column_that_cannot_be_cast(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "csv")
    text = (tmp_path / "customers.csv").read_text().replace("\n", "\n", 1)
    lines = text.splitlines()
    lines[2] = lines[2].replace(",40,", ",forty,")
    (tmp_path / "customers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        read_tables(tmp_path, spec)
    assert [p.location for p in caught.value.problems] == ["data.customers.age"]
    assert "forty" in str(caught.value)


def test_every_problem_is_listed(tmp_path: Path, spec: Spec) -> None:
    _write(tmp_path, "parquet")
    (tmp_path / "favourites.parquet").unlink()
    (tmp_path / "orders.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError) as caught:
        read_tables(tmp_path, spec)
    problems = caught.value.problems
    assert [p.location for p in problems] == ["data.orders", "data.favourites"]
    assert "cannot read" in problems[0].message
    assert "favourites" in problems[1].message
    assert caught.value.__cause__ is None or not isinstance(
        caught.value.__cause__, pa.ArrowException
    )


def test_missing_table_in_database(tmp_path: Path, spec: Spec) -> None:
    target = tmp_path / "x.duckdb"
    con = duckdb.connect(str(target))
    con.execute("CREATE TABLE customers (id BIGINT)")
    con.close()
    with pytest.raises(DataError) as caught:
        read_tables(target, spec)
    assert [p.location for p in caught.value.problems] == ["data.orders", "data.favourites"]


def test_path_that_is_not_data(tmp_path: Path, spec: Spec) -> None:
    with pytest.raises(DataError):
        read_tables(tmp_path / "nowhere", spec)


def test_expr_columns_from_text_take_their_sql_type(tmp_path: Path, spec: Spec) -> None:
    """5.35 + 0.43 != 5.78 in floats: tax and total must come back as decimals."""
    _write(tmp_path, "csv")
    text = (tmp_path / "orders.csv").read_text()
    text = text.replace("12.34", "5.35").replace("0.99", "0.43").replace("13.33", "5.78")
    (tmp_path / "orders.csv").write_text(text)
    tables = read_tables(tmp_path, spec)
    assert pa.types.is_decimal(tables["orders"].schema.field("total").type)
    assert check_tables(tables, spec) == []
