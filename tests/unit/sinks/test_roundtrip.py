"""Every format a sink writes reads back through ``check`` with zero findings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import synthwright as sw
from synthwright.cli import app
from synthwright.quality.read import FILE_FORMATS
from synthwright.sinks import FORMATS
from tests.conftest import shop_spec


def test_check_reads_every_written_format() -> None:
    assert set(FORMATS) <= set(FILE_FORMATS)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("parquet", {}),
        ("csv", {}),
        ("jsonl", {}),
        ("json", {}),
        ("xlsx", {}),
        ("xml", {}),
        ("sql", {"dialect": "postgres"}),
        ("sql", {"dialect": "mysql"}),
        ("sql", {"dialect": "sqlite"}),
        ("sql", {"dialect": "duckdb"}),
    ],
)
def test_written_then_checked_clean(tmp_path: Path, fmt: str, options: dict[str, str]) -> None:
    spec = shop_spec(120)
    out = tmp_path / "out"
    sw.generate(spec, seed=3).write(out, format=fmt, **options)
    assert sw.check(str(out), spec) == []


@pytest.mark.parametrize("fmt", ["xml", "sql"])
def test_cli_check_of_xml_and_sql(tmp_path: Path, fmt: str) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(shop_spec(60)))
    runner = CliRunner()
    out = tmp_path / "out"
    made = runner.invoke(app, ["generate", str(spec_file), "--format", fmt, "--out", str(out)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(app, ["check", str(out), "--spec", str(spec_file)])
    assert checked.exit_code == 0, checked.output
    assert "0 violations" in checked.output


def test_violations_in_xml_and_sql_are_found(tmp_path: Path) -> None:
    spec = shop_spec(40)
    for fmt in ("xml", "sql"):
        out = tmp_path / fmt
        sw.generate(spec, seed=1).write(out, format=fmt)
        text = (out / f"products.{fmt}").read_text()
        code = "P-" if fmt == "xml" else "'P-"
        first = text.index(code)
        (out / f"products.{fmt}").write_text(
            text[:first] + text[first:].replace(code, code + "X", 1)
        )
        found = sw.check(str(out), spec)
        assert [(f.location, f.rule) for f in found] == [
            ("tables.products.columns.code", "pattern")
        ], fmt


def test_check_reads_a_database_url(tmp_path: Path) -> None:
    spec = shop_spec(50)
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    sw.generate(spec, seed=2).to_db(url)
    assert sw.check(url, spec) == []
    duck = f"duckdb:///{tmp_path / 'shop.duckdb'}"
    sw.generate(spec, seed=2).to_db(duck)
    assert sw.check(duck, spec) == []
