"""``synthwright introspect`` on a Typer app built here (the lead wires the real one)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

import synthwright as sw
from synthwright.cli.cmd_introspect import register

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps `introspect` a subcommand
        """Unused."""

    return app


@pytest.fixture
def url(tmp_path: Path) -> str:
    path = tmp_path / "shop.db"
    con = sqlite3.connect(path)
    con.executescript((FIXTURES / "shop_schema.sqlite.sql").read_text())
    con.close()
    return f"sqlite:///{path}"


def test_prints_yaml_that_loads(app: typer.Typer, url: str) -> None:
    result = CliRunner().invoke(app, ["introspect", url, "--rows", "20"])
    assert result.exit_code == 0, result.output
    spec = sw.load_spec(result.stdout)
    assert spec.tables["customers"].rows == 20


def test_writes_file_atomically(app: typer.Typer, url: str, tmp_path: Path) -> None:
    target = tmp_path / "spec.yaml"
    result = CliRunner().invoke(app, ["introspect", url, "-o", str(target), "--table", "orders"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(target.read_text())
    assert "orders" in data["tables"] and "reviews" not in data["tables"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert "wrote" in result.stdout


def test_json_output(app: typer.Typer, url: str) -> None:
    result = CliRunner().invoke(app, ["introspect", url, "--json", "--table", "customers"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["tables"] == ["customers"]
    assert doc["spec"]["tables"]["customers"]["columns"]["email"]["type"] == "email"


@pytest.mark.parametrize(
    "args",
    [
        ["postgresql://alice:hunter22@127.0.0.1:1/nowhere"],
        ["mysql://alice:hunter22@127.0.0.1:1/nowhere"],
        ["ftp://alice:hunter22@host/x"],
        ["sqlite:///no/such/file.db"],
    ],
)
def test_bad_input_exits_2_without_credentials(app: typer.Typer, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["introspect", *args])
    assert result.exit_code == 2
    assert "hunter22" not in result.output and "alice" not in result.output
    assert "Traceback" not in result.output


def test_unknown_table_and_bad_output(app: typer.Typer, url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["introspect", url, "--table", "nope"])
    assert result.exit_code == 2 and "--table: unknown table 'nope'" in result.output
    result = runner.invoke(app, ["introspect", url, "-o", str(tmp_path / "no" / "x.yaml")])
    assert result.exit_code == 2 and "-o:" in result.output
    result = runner.invoke(app, ["introspect", url, "--json", "--rows", "-1"])
    assert result.exit_code == 2 and json.loads(result.stdout)["ok"] is False
