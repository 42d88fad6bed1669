"""``generate --workers N``: the same data as one process, refusals before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthwright.cli.app import app

from .conftest import hashes

SPEC = """
version: 1
seed: 3
tables:
  customers:
    rows: 70000
    columns:
      id: {type: id}
      name: {type: first_name}
  orders:
    per_parent: {table: customers, min: 0, max: 3}
    columns:
      id: {type: id}
      customer_id: {ref: customers.id}
      amount: {type: float, min: 0, max: 10}
"""


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "-2"], "--workers"),
        (["--workers", "2", "--scheduler", "tcp://x:1"], "--workers"),
        (["--workers", "2", "--format", "xlsx"], "--format"),
        (["--workers", "2", "--format", "sql"], "--format"),
        (["--workers", "2", "--db", "sqlite:///x.db"], "--db"),
        (["--scheduler", "tcp://127.0.0.1:1", "--format", "xml"], "--format"),
        (["--workers", "2", "--out", "s3://bucket/x/"], "--out"),
    ],
)
def test_what_workers_cannot_write_is_refused_first(
    spec_file: Path, tmp_path: Path, extra: list[str], where: str
) -> None:
    out = tmp_path / "out"
    args = ["generate", str(spec_file), *extra]
    if "--out" not in extra:
        args += ["--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert where in result.output
    assert not out.exists()


def test_db_refusal_names_the_limitation(spec_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    args = ["generate", str(spec_file), "--workers", "2", "--db", f"sqlite:///{db}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "not implemented" in result.output
    assert not db.exists()


def test_two_workers_write_the_same_content_and_check_passes(
    spec_file: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    one = runner.invoke(app, ["generate", str(spec_file), "--out", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    args = ["generate", str(spec_file), "--out", str(tmp_path / "two"), "--workers", "2"]
    two = runner.invoke(app, [*args, "--verify", "--json"])
    assert two.exit_code == 0, two.output
    assert (tmp_path / "two" / "orders" / "part-00000.parquet").is_file()
    tables = ["customers", "orders"]
    assert hashes(tmp_path / "two", tables) == hashes(tmp_path / "one", tables)
    checked = runner.invoke(app, ["check", str(tmp_path / "two"), "--spec", str(spec_file)])
    assert checked.exit_code == 0, checked.output


def test_scheduler_runs_on_an_existing_cluster(
    cluster: object, spec_file: Path, tmp_path: Path
) -> None:
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    runner = CliRunner()
    one = runner.invoke(app, ["generate", str(spec_file), "--out", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    args = ["generate", str(spec_file), "--out", str(tmp_path / "two"), "--scheduler", address]
    two = runner.invoke(app, args)
    assert two.exit_code == 0, two.output
    tables = ["customers", "orders"]
    assert hashes(tmp_path / "two", tables) == hashes(tmp_path / "one", tables)


def test_an_unreachable_scheduler_is_bad_input(spec_file: Path, tmp_path: Path) -> None:
    args = ["generate", str(spec_file), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(app, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "--scheduler" in result.output
    assert not (tmp_path / "o").exists()
