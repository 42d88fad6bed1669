"""MySQL/MariaDB sink against the real server: staging tables, one RENAME, nothing left over."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

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


# -- leftovers of killed loads: owner-tokened staging tables, swept by the next load ------
def _staging(url: str) -> list[str]:
    return sorted(t for t in mysql_counts(url) if t.startswith("_sw_"))


def _final(url: str) -> dict[str, int]:
    return {t: n for t, n in mysql_counts(url).items() if not t.startswith("_sw_")}


def _start_load(url: str, tmp_path: Path, rows: int = 20_000) -> subprocess.Popen[str]:
    """``synthwright generate --db URL --if-exists replace`` in a child process."""
    spec = tmp_path / "big.yaml"
    spec.write_text(yaml.safe_dump(shop_spec(rows)))
    command = [sys.executable, "-m", "synthwright", "generate", str(spec), "--db", url,
               "--if-exists", "replace"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_until_staged(url: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Return once the child's load has created its staging tables (it is mid-load)."""
    deadline = time.monotonic() + timeout
    while not _staging(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the load never reached its staging tables: {proc.communicate()[0]}")
        time.sleep(0.02)
    time.sleep(0.3)  # some rows in


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_load_changes_nothing_and_leftovers_are_swept(
    mysql_url: str, tmp_path: Path, signum: int
) -> None:
    sw.generate(small_spec(20), seed=1).to_db(mysql_url)
    sw.generate(shop_spec(30), seed=1).to_db(mysql_url)
    before = _final(mysql_url)
    proc = _start_load(mysql_url, tmp_path)
    _wait_until_staged(mysql_url, proc)
    proc.send_signal(signum)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode != 0, output
    assert "Traceback" not in output
    assert _final(mysql_url) == before  # all or nothing: the old tables, untouched
    left = _staging(mysql_url)
    if signum == signal.SIGKILL:
        assert left, "SIGKILL cannot be caught: the staging tables are still there"
    elif proc.returncode != -signum:  # caught (Ctrl-C always; SIGTERM where the CLI handles it)
        assert left == [], output
    sink = MySqlSink(mysql_url, if_exists="replace")
    ds = sw.generate(shop_spec(10), seed=2)
    ds._to_sink(sink)  # the next load sweeps what the dead one left
    assert sorted(sink.swept) == left
    assert _staging(mysql_url) == []
    assert _final(mysql_url)["customers"] == 10 and _final(mysql_url)["parents"] == 20


def test_a_live_load_keeps_its_staging_tables(mysql_url: str) -> None:
    from synthwright.api import _table_metas

    first = sw.generate(small_spec(15), seed=1)
    live = MySqlSink(mysql_url)
    live.open(_table_metas(first.plan))  # holds its lock, staging tables made
    staged = _staging(mysql_url)
    assert len(staged) == 2
    other = MySqlSink(mysql_url, if_exists="replace")
    other_ds = sw.generate(shop_spec(5), seed=3)
    other_ds._to_sink(other)  # a concurrent load sweeps only the dead
    assert other.swept == [] and _staging(mysql_url) == staged
    tables = first.materialize()
    for name in first.table_names:
        for batch in tables[name].to_batches():
            live.write_batch(name, batch)
    live.close()
    assert _staging(mysql_url) == [] and _final(mysql_url)["parents"] == 15


def test_untokened_staging_tables_are_swept_by_age(mysql_url: str) -> None:
    from synthwright import db
    from synthwright.sinks.mysql import sweep_staging

    mysql_query(mysql_url, "CREATE TABLE `_sw_1a2b3c4d_1_customers` (id BIGINT)")
    con = db.connect(mysql_url, location="test")
    try:
        assert sweep_staging(con) == []  # young: maybe a live load of an older version
        assert sweep_staging(con, stale_after=-1) == ["_sw_1a2b3c4d_1_customers"]
    finally:
        con.close()
    assert _staging(mysql_url) == []


def test_names_mysql_cannot_keep_are_refused_before_anything_changes(mysql_url: str) -> None:
    from synthwright.sinks import SinkInputError

    spec = small_spec(5)
    spec["tables"]["c" * 60] = spec["tables"].pop("children")  # its FK name would be 67 chars
    with pytest.raises(SinkInputError, match="_ibfk_1"):
        sw.generate(spec).to_db(mysql_url)
    assert mysql_counts(mysql_url) == {}


def test_bad_charset_is_located_bad_input(mysql_db: str) -> None:
    from synthwright.sinks import SinkInputError

    with pytest.raises(SinkInputError, match="unknown MySQL charset 'nope'") as info:
        sw.generate(small_spec(5)).to_db(mysql_db + "?charset=nope")
    assert info.value.problems[0].location == "sinks.mysql"


def test_check_reads_the_loaded_database_by_url(mysql_url: str) -> None:
    spec = shop_spec(200)
    sw.generate(spec, seed=4).to_db(mysql_url)
    assert sw.check(mysql_url, spec) == []
