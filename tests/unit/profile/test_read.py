"""Reading samples: every format, databases, and bad input refused or profiled, never a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from synthwright.errors import DataError
from synthwright.profile import generate_from_profile, profile, read_sample


def test_formats_and_directory(tmp_path: Path) -> None:
    table = pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"], "v": [1.5, 2.5, None]})
    pq.write_table(table, tmp_path / "p.parquet")
    pacsv.write_csv(table, tmp_path / "c.csv")
    (tmp_path / "j.jsonl").write_text('{"id": 1, "v": 2}\n{"id": 2, "v": 3}\n')
    (tmp_path / "a.json").write_text('[{"id": 1}, {"id": 2}]')
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    sheet = book.add_worksheet("x")
    for r, row in enumerate([["id", "when"], [1, "2024-01-02"], [2, "2024-03-04"]]):
        sheet.write_row(r, 0, row)
    book.close()
    sample = read_sample(tmp_path)
    assert set(sample.tables) == {"p", "c", "j", "a", "x"}
    assert sample.tables["c"].schema.field("v").type == pa.float64()
    assert sample.tables["x"].num_rows == 2


def test_databases(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    con.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, score REAL)")
    con.executemany(
        "INSERT INTO users VALUES (?, ?)", [(i, f"u{i}@example.com") for i in range(1, 101)]
    )
    con.executemany(
        "INSERT INTO posts VALUES (?, ?, ?)", [(i, 1 + i % 100, i / 7) for i in range(1, 301)]
    )
    con.commit()
    con.close()
    fitted = profile(f"sqlite:///{db}")
    assert [lk.parent for lk in fitted.profiles["posts"].links] == ["users"]
    dd = tmp_path / "d.duckdb"
    dcon = duckdb.connect(str(dd))
    dcon.execute("CREATE TABLE t AS SELECT range AS id, range % 7 AS k FROM range(5000)").fetchall()
    dcon.close()
    sample = read_sample(f"duckdb:///{dd}", max_rows=1000)
    assert sample.tables["t"].num_rows == 1000 and sample.source_rows["t"] == 5000


def test_unreadable_missing_and_unknown_files(tmp_path: Path) -> None:
    garbage = tmp_path / "bad.parquet"
    garbage.write_bytes(b"\x00\x01 not parquet at all")
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError) as info:
        read_sample([garbage, tmp_path / "missing.csv", unknown, empty, "sqlite:///nope.db"])
    locations = [p.location for p in info.value.problems]
    assert len(locations) == 5
    assert all(loc.startswith("sample.") for loc in locations)
    messages = " | ".join(p.message for p in info.value.problems)
    assert "cannot read" in messages and "empty" in messages and "unknown file type" in messages


def test_mixed_encodings_are_decoded(tmp_path: Path) -> None:
    file = tmp_path / "people.csv"
    file.write_bytes(
        b"name,city\n"
        + "Jürgen,München\n".encode()
        + "Zoë,Orléans\n".encode("latin-1")
        + b"Ann,Paris\n"
    )
    sample = read_sample(file)
    assert sample.tables["people"].column("city").to_pylist() == ["München", "Orléans", "Paris"]
    assert any("Windows-1252" in note for note in sample.notes)


def test_empty_table_and_all_null_column(tmp_path: Path) -> None:
    (tmp_path / "header_only.csv").write_text("a,b\n")
    fitted = profile(tmp_path / "header_only.csv")
    assert fitted.spec.tables["header_only"].rows == 0
    assert generate_from_profile(fitted)["header_only"].num_rows == 0
    nulls = pa.table({"id": pa.array(range(50)), "gone": pa.nulls(50, pa.string())})
    pq.write_table(nulls, tmp_path / "n.parquet")
    fitted = profile(tmp_path / "n.parquet")
    assert fitted.profiles["n"].columns["gone"].kind == "empty"
    out = generate_from_profile(fitted)["n"]
    assert out.column("gone").null_count == 50


def test_ten_thousand_categories(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    labels = [f"label-{i}" for i in range(10_000)]
    picked = [labels[i] for i in rng.integers(0, 10_000, 40_000)]
    pq.write_table(pa.table({"tag": picked}), tmp_path / "tags.parquet")
    fitted = profile(tmp_path / "tags.parquet")
    col = fitted.profiles["tags"].columns["tag"]
    assert col.kind in ("string", "categorical")
    out = generate_from_profile(fitted, rows=1000)["tags"]
    assert out.num_rows == 1000


def test_million_rows_are_sampled(tmp_path: Path) -> None:
    n = 1_000_000
    rng = np.random.default_rng(1)
    table = pa.table({"id": np.arange(n), "v": rng.normal(size=n), "k": rng.integers(0, 5, n)})
    pacsv.write_csv(table, tmp_path / "big.csv")
    fitted = profile(tmp_path / "big.csv", max_rows=20_000)
    prof = fitted.profiles["big"]
    assert prof.sample_rows == 20_000 and prof.source_rows == n
    assert fitted.spec.tables["big"].rows == n
    assert any("20000 of 1000000" in note for note in fitted.notes)
    again = profile(tmp_path / "big.csv", max_rows=20_000)
    assert again.profiles == fitted.profiles  # the sample is repeatable
