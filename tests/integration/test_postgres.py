"""PostgreSQL sink against the real server: one transaction, COPY, keys built after the rows."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

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


def test_a_300_character_table_name_is_refused_not_truncated(pg_url: str) -> None:
    from synthwright.sinks import SinkInputError

    spec = small_spec(5)
    spec["tables"]["p" * 300] = spec["tables"].pop("parents")
    spec["tables"]["children"]["per_parent"]["table"] = "p" * 300
    spec["tables"]["children"]["columns"]["parent_id"]["ref"] = "p" * 300 + ".id"
    with pytest.raises(SinkInputError, match="at most 63 bytes") as info:
        sw.generate(spec).to_db(pg_url)
    assert info.value.problems[0].location == "sinks.postgres"
    assert pg_counts(pg_url) == {}


def test_the_server_repeating_the_login_is_scrubbed(pg_db: str) -> None:
    from synthwright.sinks import SinkInputError

    rest = pg_db.split("@", 1)[1]
    with pytest.raises(SinkInputError) as info:
        sw.generate(small_spec(5)).to_db(f"postgresql://sw_ghost_role:Pa55w0rdX@{rest}")
    text = str(info.value)
    assert "does not exist" in text and "sw_ghost_role" not in text and "Pa55w0rdX" not in text


def _copying(url: str) -> bool:
    rows = pg_query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND query LIKE 'COPY%' AND pid <> pg_backend_pid()",
    )
    return bool(rows[0][0])


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_signal_mid_load_changes_nothing(pg_url: str, tmp_path: Path, signum: int) -> None:
    from tests.conftest import shop_spec

    sw.generate(shop_spec(30), seed=1).to_db(pg_url)
    before = pg_counts(pg_url)
    spec = tmp_path / "big.yaml"
    spec.write_text(yaml.safe_dump(shop_spec(20_000)))
    command = [sys.executable, "-m", "synthwright", "generate", str(spec), "--db", pg_url,
               "--if-exists", "replace"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not _copying(pg_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the load never started copying: {proc.communicate()[0]}")
        time.sleep(0.02)
    proc.send_signal(signum)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode != 0 and "Traceback" not in output
    deadline = time.monotonic() + 30
    while pg_counts(pg_url) != before and time.monotonic() < deadline:
        time.sleep(0.1)  # the server notices the dead connection and rolls back
    assert pg_counts(pg_url) == before


def test_check_reads_the_loaded_database_by_url(pg_url: str) -> None:
    from tests.conftest import shop_spec

    spec = shop_spec(200)
    sw.generate(spec, seed=4).to_db(pg_url)
    assert sw.check(pg_url, spec) == []
