"""`--out s3://bucket/prefix/`: every file format, all or nothing, against moto's S3 server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import synthwright as sw
from synthwright.errors import SinkError

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

SPEC: dict[str, Any] = {
    "version": 1,
    "name": "shop",
    "seed": 4,
    "tables": {
        "customers": {
            "rows": 200,
            "columns": {"id": {"type": "id"}, "name": {"type": "full_name"}},
        },
        "orders": {
            "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 2}}, "max": 5},
            "columns": {
                "id": {"type": "id"},
                "customer_id": {"ref": "customers.id"},
                "total": {"type": "decimal", "min": 1, "max": 99, "scale": 2},
            },
        },
    },
}
BUCKET = "synthwright-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The standard chain, pointed at moto: environment credentials and AWS_ENDPOINT_URL."""
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-never-printed")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint})
    if not fs.exists(BUCKET):
        fs.mkdir(BUCKET)
    fs.invalidate_cache()
    return fs


def _keys(fs: Any, prefix: str) -> list[str]:
    fs.invalidate_cache()
    if not fs.exists(prefix):
        return []
    return sorted(p.rsplit("/", 1)[1] for p in fs.find(prefix, withdirs=False))


@pytest.fixture(scope="module")
def ds() -> Any:
    data = sw.generate(SPEC)
    data.materialize()
    return data


@pytest.mark.parametrize(
    "fmt", ["parquet", "csv", "jsonl", "json", "xml", "sql", "xlsx", "pdf", "docx"]
)
def test_every_format_lands_under_the_prefix(s3: Any, ds: Any, fmt: str) -> None:
    if fmt == "xlsx":
        pytest.importorskip("xlsxwriter")
    if fmt in ("pdf", "docx"):
        pytest.importorskip("reportlab" if fmt == "pdf" else "docx")
    prefix = f"{BUCKET}/runs/{fmt}"
    written = ds.write(f"s3://{prefix}/", format=fmt)
    assert all(w.startswith(f"s3://{prefix}/") for w in written)
    expected = [f"shop.{fmt}"] if fmt in ("pdf", "docx") else [f"customers.{fmt}", f"orders.{fmt}"]
    assert _keys(s3, prefix) == expected  # and no temporary prefix left behind


def test_round_trip_of_the_data(s3: Any, ds: Any, tmp_path: Path) -> None:
    prefix = f"{BUCKET}/rt"
    ds.write(f"s3://{prefix}", format="jsonl")
    s3.get(f"{prefix}/orders.jsonl", str(tmp_path / "orders.jsonl"))
    rows = [json.loads(x) for x in (tmp_path / "orders.jsonl").read_text().splitlines()]
    assert len(rows) == ds["orders"].num_rows
    s3.get(f"{prefix}/customers.jsonl", str(tmp_path / "customers.jsonl"))
    assert sw.check(str(tmp_path), SPEC) == []


def test_nested_to_s3(s3: Any, ds: Any) -> None:
    prefix = f"{BUCKET}/nested"
    ds.write(f"s3://{prefix}/", format="json", nest=["customers.orders"])
    assert _keys(s3, prefix) == ["customers.json"]
    records = json.loads(s3.cat_file(f"{prefix}/customers.json"))
    assert sum(len(r["orders"]) for r in records) == ds["orders"].num_rows


def test_a_failure_mid_run_leaves_nothing_at_the_prefix(s3: Any) -> None:
    """Generation fails after customers were written: nothing is uploaded at all."""
    bad = json.loads(json.dumps(SPEC))
    bad["tables"]["orders"]["columns"]["total"] = {"expr": "1 / 0 + 'x'"}
    prefix = f"{BUCKET}/failed-gen"
    with pytest.raises(Exception):  # noqa: B017 - the engine's own error
        sw.generate(bad).write(f"s3://{prefix}/", format="csv")
    assert _keys(s3, prefix) == []


def test_a_failed_upload_leaves_nothing_and_keeps_what_was_there(
    s3: Any, ds: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = f"{BUCKET}/failed-copy"
    s3.pipe(f"{prefix}/customers.csv", b"old,data\n")  # an earlier run's file
    from synthwright.sinks import cloud

    real = cloud._filesystem

    class Flaky:
        """The real file system, but the copy of orders.csv to its final key fails."""

        def __init__(self, fs: Any) -> None:
            self.fs = fs

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fs, name)

        def copy(self, src: str, dst: str) -> Any:
            if ".previous" not in dst and dst.endswith("/orders.csv"):
                raise OSError("connection reset by peer")
            return self.fs.copy(src, dst)

    def flaky(url: str) -> tuple[Any, str]:
        fs, path = real(url)
        return Flaky(fs), path

    monkeypatch.setattr(cloud, "_filesystem", flaky)
    with pytest.raises(SinkError, match="connection reset"):
        ds.write(f"s3://{prefix}/", format="csv")
    monkeypatch.undo()
    assert _keys(s3, prefix) == ["customers.csv"]
    assert s3.cat_file(f"{prefix}/customers.csv") == b"old,data\n"  # put back


def test_a_batch_refused_mid_stream_leaves_nothing(s3: Any, ds: Any) -> None:
    from synthwright.api import _table_metas
    from synthwright.sinks import open_sink

    prefix = f"{BUCKET}/refused"
    sink = open_sink(f"s3://{prefix}/", format="parquet")
    sink.open(_table_metas(ds.plan))
    sink.write_batch("customers", ds["customers"].to_batches()[0])
    with pytest.raises(SinkError):
        sink.write_batch("orders", ds["customers"].to_batches()[0])  # wrong columns
    assert _keys(s3, prefix) == []


def test_cli_out_s3_and_no_secret_printed(s3: Any, tmp_path: Path) -> None:
    from synthwright.cli.app import app

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    res = CliRunner().invoke(
        app, ["generate", str(spec), "--out", f"s3://{BUCKET}/cli/", "--format", "csv", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["written"] == [
        f"s3://{BUCKET}/cli/customers.csv",
        f"s3://{BUCKET}/cli/orders.csv",
    ]
    assert "testing-secret" not in res.output and "testing-key-id" not in res.output
    assert _keys(s3, f"{BUCKET}/cli") == ["customers.csv", "orders.csv"]
