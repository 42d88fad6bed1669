"""The sink registry (by URL scheme and by format), and refusals before anything changes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.errors import SinkError, SinkInputError
from synthwright.sinks import _BY_SCHEME as BY_SCHEME
from synthwright.sinks import (
    FORMATS,
    FileSink,
    MemorySink,
    TableMeta,
    open_sink,
    register_sink,
    registered,
)
from synthwright.sinks.postgres import PostgresSink
from synthwright.sinks.sql import SqlScriptWriter


def test_every_builtin_scheme_and_format_is_registered() -> None:
    found = registered()
    assert {"sqlite", "duckdb", "postgresql", "postgres", "mysql", "mariadb"} <= set(
        found["schemes"]
    )
    # arango, pdf, docx: sinks of their own (sinks/arango.py, sinks/pdf.py, sinks/docx.py)
    assert found["formats"] == [*FORMATS, "arango", "pdf", "docx"]
    assert isinstance(open_sink("postgresql+psycopg://u@h/d"), PostgresSink)
    assert isinstance(open_sink(".", format="xml"), FileSink)


def test_a_new_scheme_is_one_registration() -> None:
    made: list[str] = []

    @register_sink(scheme="memdb")
    def memdb(url: str, **options: object) -> MemorySink:
        made.append(url)
        return MemorySink()

    try:
        assert isinstance(open_sink("memdb://anything"), MemorySink)
        assert made == ["memdb://anything"]
        with pytest.raises(SinkInputError, match="also registered: memdb"):
            open_sink("nosuch://u:pw@h/d")
    finally:
        del BY_SCHEME["memdb"]
    with pytest.raises(ValueError):
        register_sink(scheme="a", format="b")


def test_database_options_with_a_directory_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(SinkInputError, match="not a database URL: '\\*\\*\\*@db/x'"):
        open_sink("bob:pw@db/x", if_exists="replace")
    with pytest.raises(SinkError, match="unknown format 'yaml'"):
        open_sink(str(tmp_path), format="yaml")


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "duckdb:///", "sqlite:///:memory:"])
def test_a_database_without_a_file_is_refused(url: str) -> None:
    with pytest.raises(SinkInputError, match="names no database file"):
        sw.generate({"tables": {"t": {"rows": 2, "columns": {"id": {"type": "id"}}}}}).to_db(url)


_LONG = "t" * 300


@pytest.mark.parametrize(
    ("url", "name", "message"),
    [
        ("postgresql://u@127.0.0.1:1/d", _LONG, "at most 63 bytes: table 'tttt"),
        ("postgresql://u@127.0.0.1:1/d", "é" * 32, "is 64 bytes"),
        ("mysql://u@127.0.0.1:1/d", "m" * 65, "at most 64 characters"),
    ],
)
def test_names_too_long_are_refused_before_connecting(url: str, name: str, message: str) -> None:
    meta = TableMeta(name, pa.schema([pa.field("id", pa.int64())]), primary_key="id")
    with pytest.raises(SinkInputError, match=message):  # not "cannot connect": nothing was tried
        open_sink(url).open([meta])


def test_long_column_names_and_mysql_foreign_key_names() -> None:
    from synthwright.sinks import ForeignKey
    from synthwright.sinks._base import check_names

    column = TableMeta("t", pa.schema([pa.field("c" * 64, pa.int64())]))
    with pytest.raises(SinkInputError, match=r"column 't'\.'cccc"):
        check_names([column], "postgres", "sinks.postgres")
    check_names([column], "mysql", "sinks.mysql")  # 64 characters is MySQL's limit
    parent = TableMeta("p", pa.schema([pa.field("id", pa.int64())]), primary_key="id")
    child = TableMeta(
        "c" * 60,
        pa.schema([pa.field("id", pa.int64()), pa.field("pid", pa.int64())]),
        foreign_keys=(ForeignKey("pid", "p", "id"),),
    )
    with pytest.raises(SinkInputError, match="_ibfk_1"):
        check_names([parent, child], "mysql", "sinks.mysql")
    check_names([parent, child], "sqlite", "sinks.sqlite")  # no limit there


def test_sql_scripts_refuse_names_the_target_would_mangle(tmp_path: Path) -> None:
    meta = TableMeta(_LONG, pa.schema([pa.field("id", pa.int64())]))
    with pytest.raises(SinkInputError, match="at most 63 bytes"):
        SqlScriptWriter(tmp_path / "x.sql", meta, "postgres")
    SqlScriptWriter(tmp_path / "y.sql", meta, "sqlite").close()
