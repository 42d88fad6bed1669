"""Distributed generation gives the content of one process, for any number of workers."""

from __future__ import annotations

import itertools
import os
import signal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synthwright as sw
from synthwright.api import _table_metas
from synthwright.engine.generate import BLOCK_SIZE
from synthwright.errors import GenerationError
from synthwright.scale.partitioned import PartitionedSink
from synthwright.scale.runner import block_ranges, write_partitioned
from synthwright.sinks._stale import TMP_PREFIX

from .conftest import hashes, read_table

# customers just over one block; orders per customer, so both tables cross block
# boundaries; a self-reference (one task), scenarios, a unique column and a check
BIG: dict[str, Any] = {
    "version": 1,
    "seed": 11,
    "tables": {
        "customers": {
            "rows": BLOCK_SIZE + 1_234,
            "columns": {
                "id": {"type": "id"},
                "email": {"type": "email", "unique": True},
                "tier": {"type": "category", "values": ["a", "b", "c"]},
                "signup": {"type": "datetime", "min": "2023-01-01", "max": "2024-01-01"},
            },
        },
        "orders": {
            "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 2}}, "max": 6},
            "columns": {
                "id": {"type": "id"},
                "customer_id": {"ref": "customers.id"},
                "placed_at": {"type": "datetime", "after": "customers.signup", "within": "30d"},
                "amount": {"type": "decimal", "min": 1, "max": 500, "scale": 2},
                "double": {"expr": "amount * 2"},
                "tier": {"expr": "customers.tier"},
            },
            "checks": ["placed_at >= customers.signup"],
        },
        "staff": {
            "rows": 3_000,
            "columns": {
                "id": {"type": "id"},
                "boss": {"ref": "staff.id", "null_rate": 0.1},
                "name": {"type": "first_name"},
            },
        },
    },
    "scenarios": {
        "orders": [{"name": "huge", "count": 7, "set": {"amount": {"min": 400}}}],
        "customers": [{"name": "gold", "share": 0.01, "set": {"tier": "a"}}],
    },
}


def _single(spec: Any, out: Path, fmt: str = "parquet") -> list[str]:
    return sw.generate(spec).write(out, format=fmt)


def _many(client: Any, spec: Any, out: Path, n: int | None = None, fmt: str = "parquet") -> Any:
    """Write ``spec`` on the first ``n`` workers of the shared cluster (all: None)."""
    workers = sorted(client.scheduler_info()["workers"])[:n] if n else None
    ds = sw.generate(spec)
    metas = _table_metas(ds.plan)
    return write_partitioned(client, ds.spec, ds.plan, ds.seed, metas, out, fmt, workers=workers)


def test_block_ranges_are_whole_blocks_covering_every_row() -> None:
    for total in (0, 1, BLOCK_SIZE, BLOCK_SIZE + 1, 50 * BLOCK_SIZE + 7):
        for threads in (1, 2, 3, 100):
            ranges = block_ranges(total, threads)
            assert ranges[0][0] == 0
            assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
            assert ranges[-1][1] * BLOCK_SIZE >= total > (ranges[-1][1] - 1) * BLOCK_SIZE or (
                total == 0 and ranges == [(0, 0)]
            )


def test_one_two_three_workers_give_the_single_process_content(client: Any, tmp_path: Path) -> None:
    spec = sw.load_spec(BIG)
    _single(spec, tmp_path / "one")
    expected = hashes(tmp_path / "one", list(spec.tables))
    for n in (1, 2, 3):
        out = tmp_path / f"w{n}"
        written, _ = _many(client, spec, out, n)
        assert written == [str(out / t) for t in spec.tables]
        assert hashes(out, list(spec.tables)) == expected, f"{n} workers"
        assert len(list((out / "orders").glob("part-*.parquet"))) >= 2  # really split
        assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]
    assert sw.check(str(tmp_path / "w3"), spec) == []  # check reads the parts


def test_stats_are_those_of_one_process(client: Any, tmp_path: Path) -> None:
    spec = sw.load_spec(BIG)
    one = sw.generate(spec)
    one.write(tmp_path / "one")
    many = sw.generate(spec, client=client)
    many.write(tmp_path / "many")
    assert many.stats.rows == one.stats.rows


def test_csv_and_jsonl_parts_read_back_like_one_file(client: Any, tmp_path: Path) -> None:
    spec = sw.load_spec(BIG)
    for fmt in ("csv", "jsonl"):
        _single(spec, tmp_path / f"one-{fmt}", fmt)
        sw.generate(spec, client=client).write(tmp_path / f"many-{fmt}", format=fmt)
        assert (tmp_path / f"many-{fmt}" / "orders" / f"part-00000.{fmt}").is_file()
        from synthwright.quality import read_tables

        a = read_tables(tmp_path / f"one-{fmt}", spec)
        b = read_tables(tmp_path / f"many-{fmt}", spec)
        for name in spec.tables:
            assert a[name].equals(b[name]), (fmt, name)


def test_a_new_run_replaces_flat_files_and_old_parts(client: Any, tmp_path: Path) -> None:
    spec = sw.load_spec(BIG)
    out = tmp_path / "out"
    _single(spec, out)  # a previous single-process run left customers.parquet ...
    (out / "keep.txt").write_text("a user's file")
    sw.generate(spec, client=client, seed=5).write(out)
    assert not (out / "customers.parquet").exists()  # readers would have found it first
    assert (out / "keep.txt").read_text() == "a user's file"
    again = sw.generate(spec, seed=5)
    assert read_table(out / "customers").equals(again["customers"])


def test_a_broken_rule_fails_the_run_and_leaves_nothing(client: Any, tmp_path: Path) -> None:
    data = {
        "version": 1,
        "tables": {
            "t": {
                "rows": BLOCK_SIZE * 2,
                "columns": {"id": {"type": "id"}, "x": {"type": "int", "min": 0, "max": 9}},
                "checks": ["x % 2 = 0"],
            }
        },
    }
    out = tmp_path / "out"
    with pytest.raises(GenerationError) as err:
        sw.generate(data, client=client).write(out)
    assert err.value.problems[0].location == "tables.t.checks[0]"
    assert not out.exists()  # the directory did not exist before: it is gone again


def test_an_existing_partitioned_sink_aborts_to_nothing(tmp_path: Path) -> None:
    from synthwright.sinks import TableMeta

    sink = PartitionedSink(tmp_path / "out")
    sink.open([TableMeta("t", pa.schema([("a", pa.int64())]))])
    (sink.folder("t") / "part-00000.parquet").write_bytes(b"x")
    sink.abort()
    assert not (tmp_path / "out").exists()


def test_a_killed_worker_is_retried_and_the_content_is_unchanged(
    client: Any, tmp_path: Path
) -> None:
    spec = sw.load_spec(
        {
            "version": 1,
            "tables": {"customers": {**BIG["tables"]["customers"], "rows": BLOCK_SIZE * 48}},
        }
    )
    _single(spec, tmp_path / "one")
    killed: list[int] = []

    def kill_one(table: str, done: int, total: int) -> None:
        if not killed:  # the first part is in: the other workers are mid-part
            busy = [w for w, tasks in client.processing().items() if tasks]
            pids = client.run(os.getpid, workers=busy[:1])
            for pid in pids.values():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    ds = sw.generate(spec, client=client, on_progress=kill_one)
    ds.write(tmp_path / "many")
    assert killed
    assert hashes(tmp_path / "many", ["customers"]) == hashes(tmp_path / "one", ["customers"])


def test_a_killed_worker_without_retries_fails_cleanly(tmp_path: Path) -> None:
    import dask
    from distributed import Client, LocalCluster

    spec = sw.load_spec(
        {"version": 1, "tables": {"t": {**BIG["tables"]["customers"], "rows": BLOCK_SIZE * 48}}}
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "t.parquet").write_bytes(b"the user's old file")
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=50
        ) as cluster,
        Client(cluster) as client,
    ):
        killed: list[int] = []

        def kill_one(table: str, done: int, total: int) -> None:
            if not killed:
                busy = [w for w, tasks in client.processing().items() if tasks]
                for pid in client.run(os.getpid, workers=busy[:1]).values():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

        with pytest.raises(GenerationError) as err:
            sw.generate(spec, client=client, on_progress=kill_one).write(out)
    assert killed
    assert err.value.problems[0].location == "workers"
    assert "died" in str(err.value)
    assert sorted(p.name for p in out.iterdir()) == ["t.parquet"]  # as it was
    assert (out / "t.parquet").read_bytes() == b"the user's old file"


@st.composite
def small_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A root, a child per parent (maybe a grandchild), refs, uniques, scenarios."""
    rows = draw(st.integers(0, 400))
    root: dict[str, Any] = {
        "rows": rows,
        "columns": {
            "id": {"type": "id"},
            "code": {"type": "int", "min": 0, "max": 10 * rows + 10, "unique": True},
            "kind": {"type": "category", "values": ["x", "y", "z"]},
        },
    }
    if draw(st.booleans()):
        root["columns"]["up"] = {"ref": "root.id", "null_rate": 0.2}
    child: dict[str, Any] = {
        "per_parent": {"table": "root", "min": 0, "max": draw(st.integers(2, 4))},
        "columns": {
            "id": {"type": "id"},
            "root_id": {"ref": "root.id"},
            "code": {"expr": "root.code + 1"},
            "v": {"type": "float", "min": 0, "max": 1, "null_rate": 0.1},
        },
    }
    tables: dict[str, Any] = {"root": root, "child": child}
    if draw(st.booleans()):
        tables["grand"] = {
            "per_parent": {"table": "child", "min": 1, "max": 2},
            "columns": {"child_id": {"ref": "child.id"}, "w": {"type": "int", "min": 0, "max": 5}},
        }
    spec: dict[str, Any] = {"version": 1, "seed": draw(st.integers(0, 2**31)), "tables": tables}
    if rows >= 5 and draw(st.booleans()):  # added rows need parents with room
        spec["scenarios"] = {"child": [{"name": "s", "count": 3, "set": {"v": 0.5}}]}
    return spec


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=small_specs(), workers=st.integers(1, 3))
def test_property_any_small_spec_any_worker_count(
    client: Any, tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], workers: int
) -> None:
    tmp = tmp_path_factory.mktemp("p")
    spec = sw.load_spec(data)
    _single(spec, tmp / "one")
    _many(client, spec, tmp / "many", workers)
    assert hashes(tmp / "many", list(spec.tables)) == hashes(tmp / "one", list(spec.tables))


def test_a_database_is_not_loaded_by_workers(client: Any, tmp_path: Path) -> None:
    from synthwright.errors import SpecError

    db = tmp_path / "x.db"
    with pytest.raises(SpecError) as err:
        sw.generate(BIG, client=client).to_db(f"sqlite:///{db}")
    assert err.value.problems[0].location == "--db"
    assert not db.exists()
