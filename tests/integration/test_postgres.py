"""PostgreSQL sink against the real server: one transaction, COPY, keys built after the rows."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

import synthwright as sw

from ._databases import pg_counts, pg_db, pg_query, pg_tables, pg_url
from ._server_cases import ServerCases, assert_refused_without_secret, small_spec

__all__ = ["pg_db", "pg_url"]  # fixtures used by the cases


class TestPostgres(ServerCases):
    @pytest.fixture
    def url(self, pg_url: str) -> str:
        return pg_url

    @pytest.fixture
    def counts(self) -> Any:
        return pg_counts

    @pytest.fixture
    def tables(self) -> Any:
        return pg_tables

    @pytest.fixture
    def execute(self) -> Any:
        return pg_query

    def test_foreign_key_columns_are_indexed(self, url: str) -> None:
        sw.generate(small_spec()).to_db(url)
        indexes = pg_query(url, "SELECT indexdef FROM pg_indexes WHERE tablename = 'children'")
        assert any("(parent_id)" in row[0] for row in indexes)

    def test_self_reference_is_deferrable(self, url: str) -> None:
        from tests.conftest import shop_spec

        sw.generate(shop_spec(50)).to_db(url)
        rows = pg_query(
            url,
            "SELECT condeferrable FROM pg_constraint "
            "WHERE conrelid = 'customers'::regclass AND contype = 'f'",
        )
        assert rows == [(True,)]

    def test_nan_and_infinity_round_trip(self, url: str, execute: Any) -> None:
        from synthwright.sinks import TableMeta, open_sink

        schema = pa.schema([pa.field("x", pa.float64())])
        batch = pa.RecordBatch.from_pydict({"x": [float("nan"), float("inf"), -1e-300]}, schema)
        with open_sink(url).session([TableMeta("f", schema)]) as s:
            s.write_batch("f", batch)
        assert pg_query(url, "SELECT x::text FROM f") == [("NaN",), ("Infinity",), ("-1e-300",)]

    def test_unknown_role_and_unreachable_port_hide_the_password(self, pg_db: str) -> None:
        host = pg_db.split("@", 1)[1].split("/", 1)[0]
        assert_refused_without_secret(f"postgresql://nosuchrole:Pa55w0rdX@{host}/x", "Pa55w0rdX")
        assert_refused_without_secret("postgresql://postgres:Pa55w0rdX@127.0.0.1:1/x", "Pa55w0rdX")

    def test_unknown_database(self, pg_db: str) -> None:
        from synthwright.sinks import SinkInputError

        with pytest.raises(SinkInputError, match="does not exist"):
            sw.generate(small_spec(5)).to_db(pg_db.rsplit("/", 1)[0] + "/sw_no_such_db")
