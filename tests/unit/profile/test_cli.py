"""``synthwright profile`` and ``synthwright report`` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from synthwright.cli.cmd_profile import register
from synthwright.profile import ProfiledSpec, generate_from_profile

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _write(tables: dict[str, pa.Table], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def test_profile_then_report(shop_tables: dict[str, pa.Table], tmp_path: Path) -> None:
    real = _write(shop_tables, tmp_path / "real")
    spec_path = tmp_path / "spec.yaml"
    result = runner.invoke(_app(), ["profile", str(real), "-o", str(spec_path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["ok"] and doc["tables"]["orders"]["links"] == ["customer_id -> customers.id"]
    fitted = ProfiledSpec.from_yaml(spec_path)
    synthetic = _write(generate_from_profile(fitted, seed=1), tmp_path / "syn")
    html = tmp_path / "report.html"
    args = ["report", "--real", str(real), "--synthetic", str(synthetic), "--spec", str(spec_path)]
    result = runner.invoke(_app(), [*args, "--html", str(html), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["overall"] > 0.8 and doc["integrity"] == 1.0
    assert "<svg" in html.read_text()
    plain = runner.invoke(_app(), args)
    assert plain.exit_code == 0 and "fidelity" in plain.output


def test_profile_prints_yaml_without_output(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": [1, 2, 3], "v": [0.5, 1.5, 2.5]}), tmp_path / "t.parquet")
    result = runner.invoke(_app(), ["profile", str(tmp_path / "t.parquet")])
    assert result.exit_code == 0
    assert "profile:" in result.output and "tables:" in result.output


def test_bad_input_exits_2_with_locations(tmp_path: Path) -> None:
    result = runner.invoke(
        _app(), ["profile", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "s.yaml")]
    )
    assert result.exit_code == 2
    assert "sample." in result.output and "no such file" in result.output
    assert not (tmp_path / "s.yaml").exists()
    result = runner.invoke(
        _app(), ["report", "--real", str(tmp_path / "x"), "--synthetic", str(tmp_path), "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.output)["ok"] is False
