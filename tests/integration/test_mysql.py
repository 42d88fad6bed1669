"""MySQL/MariaDB sink against the real server: staging tables, one RENAME, nothing left over."""

from __future__ import annotations

from typing import Any

import pytest

import synthwright as sw
from synthwright.sinks.mysql import MySqlSink
from tests.conftest import shop_spec

from ._databases import mysql_counts, mysql_db, mysql_query, mysql_tables, mysql_url
from ._server_cases import ServerCases, assert_refused_without_secret, small_spec

__all__ = ["mysql_db", "mysql_url"]  # fixtures used by the cases


def _execute(url: str, statement: str) -> Any:
    return mysql_query(url, statement)


class TestMySql(ServerCases):
    @pytest.fixture
    def url(self, mysql_url: str) -> str:
        return mysql_url

    @pytest.fixture
    def counts(self) -> Any:
        def no_staging_left(url: str) -> dict[str, int]:
            found = mysql_counts(url)
            assert not [t for t in found if t.startswith("_sw_")], found
            return found

        return no_staging_left

    @pytest.fixture
    def tables(self) -> Any:
        return mysql_tables

    @pytest.fixture
    def execute(self) -> Any:
        return _execute

    @pytest.mark.parametrize("method", ["insert", "load_data"])
    def test_both_load_methods_give_the_same_rows(self, url: str, method: str) -> None:
        ds = sw.generate(shop_spec(120), seed=4)
        sink = MySqlSink(url, if_exists="replace", method=method)
        ds._to_sink(sink)
        assert mysql_counts(url) == ds.stats.rows
        assert sw.check(mysql_tables(url, {t.name: t.schema() for t in ds.plan.tables}),
                        shop_spec(120)) == []  # fmt: skip

    def test_keys_reference_the_final_tables(self, url: str) -> None:
        sw.generate(shop_spec(30)).to_db(url)
        sw.generate(shop_spec(20)).to_db(url, if_exists="replace")
        rows = mysql_query(
            url,
            "SELECT table_name, referenced_table_name FROM "
            "information_schema.referential_constraints WHERE constraint_schema = DATABASE()",
        )
        assert sorted(rows) == [
            ("customers", "customers"),
            ("order_items", "orders"),
            ("order_items", "products"),
            ("orders", "customers"),
            ("reviews", "customers"),
            ("reviews", "products"),
        ]

    def test_replace_refuses_when_an_outside_table_references_ours(self, url: str) -> None:
        from synthwright.sinks import SinkInputError

        sw.generate(small_spec()).to_db(url)
        mysql_query(
            url, "CREATE TABLE notes (pid BIGINT, FOREIGN KEY (pid) REFERENCES parents(id))"
        )
        with pytest.raises(SinkInputError, match="'notes' has a foreign key to 'parents'"):
            sw.generate(small_spec()).to_db(url, if_exists="replace")

    def test_nan_is_refused_before_anything_is_written(self, url: str) -> None:
        import pyarrow as pa

        from synthwright.errors import SinkError
        from synthwright.sinks import TableMeta, open_sink

        schema = pa.schema([pa.field("x", pa.float64())])
        batch = pa.RecordBatch.from_pydict({"x": [float("nan")]}, schema)
        with (
            pytest.raises(SinkError, match="NaN"),
            open_sink(url).session([TableMeta("f", schema)]) as s,
        ):
            s.write_batch("f", batch)
        assert mysql_counts(url) == {}

    def test_wrong_password_and_unreachable_port_hide_the_password(self, mysql_db: str) -> None:
        rest = mysql_db.split("@", 1)[1]
        assert_refused_without_secret(f"mysql://root:Pa55w0rdX@{rest}", "Pa55w0rdX")
        assert_refused_without_secret("mysql://root:Pa55w0rdX@127.0.0.1:1/test", "Pa55w0rdX")

    def test_unknown_database(self, mysql_db: str) -> None:
        from synthwright.sinks import SinkInputError

        with pytest.raises(SinkInputError, match=r"(?i)unknown database"):
            sw.generate(small_spec(5)).to_db(mysql_db.rsplit("/", 1)[0] + "/sw_no_such_db")
