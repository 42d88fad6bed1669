"""Database URLs: which sink each scheme gets, and credentials never shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from synthwright.db import parse_url, redact
from synthwright.errors import SinkError
from synthwright.sinks import DatabaseSink, SinkInputError, open_sink
from synthwright.sinks._server import tsv_bytes
from synthwright.sinks.mysql import MySqlSink
from synthwright.sinks.postgres import PostgresSink


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("postgresql://u:pw@h/db", PostgresSink),
        ("postgres://u@h:5433/db", PostgresSink),
        ("postgresql+psycopg://u@h/db", PostgresSink),
        ("mysql://u:pw@h/db", MySqlSink),
        ("mysql+pymysql://u@h:3307/db", MySqlSink),
        ("mariadb://u@h/db", MySqlSink),
        ("sqlite:///x.db", DatabaseSink),
        ("duckdb:///x.duckdb", DatabaseSink),
    ],
)
def test_schemes_pick_their_sink_without_connecting(url: str, kind: type) -> None:
    sink = open_sink(url, if_exists="truncate")
    assert isinstance(sink, kind)
    assert "pw" not in getattr(sink, "url", "")


def test_unknown_scheme_lists_the_supported_ones_without_credentials() -> None:
    with pytest.raises(SinkInputError, match=r"postgresql://.*mysql://.*sqlite:///") as info:
        open_sink("oracle://bob:s3cret@db.example/shop")
    assert "s3cret" not in str(info.value) and "bob" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:s3cret@h", "no database"),
        ("mysql://u:s3cret@h/db?sslx=1", "unknown option"),
        ("mysql://u:s3cret@h:notaport/db", "not a valid database URL"),
    ],
)
def test_bad_mysql_urls_are_bad_input(url: str, message: str) -> None:
    with pytest.raises(SinkInputError, match=message) as info:
        open_sink(url)
    assert "s3cret" not in str(info.value)


def test_bad_if_exists_is_bad_input() -> None:
    for url in ("postgresql://h/db", "mysql://h/db", "sqlite:///x.db"):
        with pytest.raises(SinkInputError, match="if_exists"):
            open_sink(url, if_exists="merge")


def test_sink_input_error_is_a_sink_error() -> None:
    assert issubclass(SinkInputError, SinkError)


def test_parse_url_unquotes_and_redacts() -> None:
    parsed = parse_url("postgresql://me:p%40ss@host:5433/my%20db?sslmode=require", location="loc")
    assert (parsed.user, parsed.password, parsed.host, parsed.port) == ("me", "p@ss", "host", 5433)
    assert parsed.database == "my db" and parsed.options == {"sslmode": "require"}
    assert "p%40ss" not in parsed.redacted and "p@ss" not in repr(parsed)


def test_scrub_removes_every_form_of_credentials() -> None:
    text = "failed: postgresql://me:hunter22@h/db password=hunter22 and 'hunter22' again"
    out = redact(text, ["hunter22"])
    assert "hunter22" not in out and "me:" not in out


def test_tsv_escapes_and_nulls() -> None:
    schema = pa.schema(
        [
            ("s", pa.string()),
            ("b", pa.bool_()),
            ("d", pa.decimal128(6, 2)),
            ("t", pa.timestamp("us", tz="UTC")),
            ("w", pa.duration("us")),
        ]
    )
    batch = pa.RecordBatch.from_pydict(
        {
            "s": ["a\tb\\c\nd\re", None],
            "b": [True, None],
            "d": [Decimal("1.50"), None],
            "t": [dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), None],
            "w": [dt.timedelta(seconds=2), None],
        },
        schema,
    )
    pg = tsv_bytes(batch, "postgres").decode()
    assert pg == (
        "a\\tb\\\\c\\nd\\re\tt\t1.50\t2024-01-02 03:04:05.000000+00\t2000000\n"
        "\\N\t\\N\t\\N\t\\N\t\\N\n"
    )
    my = tsv_bytes(batch.slice(0, 1), "mysql").decode()
    assert my == "a\\tb\\\\c\\nd\\re\t1\t1.50\t2024-01-02 03:04:05.000000\t2000000\n"


def test_mysql_refuses_nan() -> None:
    batch = pa.RecordBatch.from_pydict({"x": [float("nan")]})
    with pytest.raises(SinkError, match="NaN"):
        tsv_bytes(batch, "mysql")
