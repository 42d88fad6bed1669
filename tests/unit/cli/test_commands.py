"""The command line: exit codes, located messages, no tracebacks, real output."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from synthwright.cli import app
from tests.conftest import EXAMPLES, shop_spec

runner = CliRunner()


def write_spec(tmp_path: Path, spec: dict, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec))
    return path


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    good = runner.invoke(app, ["validate", str(EXAMPLES / "shop.yaml")])
    assert good.exit_code == 0 and "valid" in good.output
    spec = shop_spec()
    spec["tables"]["orders"]["columns"]["total"] = {"expr": "subtotl + tax"}
    spec["tables"]["customers"]["columns"]["first_name"] = {"type": "first_nam"}
    bad = runner.invoke(app, ["validate", str(write_spec(tmp_path, spec))])
    assert bad.exit_code == 2
    assert (
        "tables.orders.columns.total.expr: unknown column 'subtotl' (did you mean 'subtotal'?)"
        in bad.output
    )
    assert "tables.customers.columns.first_name.type: unknown type 'first_nam'" in bad.output
    assert "Traceback" not in bad.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("version: 1\ntables: [a\n", "malformed YAML"),
        ("- just\n- a list\n", "a spec is a mapping"),
        (
            "version: 1\ntables:\n  t:\n    rows: 5\n    columns:\n      x: {type: int, mn: 3}\n",
            "did you mean 'min'",
        ),
    ],
)
def test_malformed_specs_exit_2_without_traceback(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_missing_spec_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such spec file" in result.output


def test_prompt_plans_generates_and_saves_the_spec(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "generate",
            "200 customers with name and email, each has 1-3 orders",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["planned"] == "offline"
    assert report["rows"]["customers"] == 200
    saved = yaml.safe_load((out / "spec.yaml").read_text())
    assert set(saved["tables"]) >= {"customers", "orders"}
    assert runner.invoke(app, ["check", str(out), "--spec", str(out / "spec.yaml")]).exit_code == 0


def test_validate_refuses_a_prompt() -> None:
    result = runner.invoke(app, ["validate", "500 customers with orders"])
    assert result.exit_code == 2 and "plan from words" in result.output


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "json", "sql", "xml", "xlsx"])
def test_generate_every_format(tmp_path: Path, fmt: str) -> None:
    spec = write_spec(tmp_path, shop_spec(rows=50))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["generate", str(spec), "--out", str(out), "--format", fmt, "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows"]["customers"] == 50
    files = sorted(p.name for p in out.iterdir())
    assert any(name.startswith("orders.") for name in files)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temp files left"


def test_generate_then_check_then_tamper(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, shop_spec(rows=80))
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["generate", str(spec), "--out", str(out), "--seed", "5"]).exit_code == 0
    )
    ok = runner.invoke(app, ["check", str(out), "--spec", str(spec)])
    assert ok.exit_code == 0, ok.output
    assert "0 violations" in ok.output
    orders = pq.read_table(out / "orders.parquet")
    customers = pq.read_table(out / "customers.parquet")
    pq.write_table(customers.slice(0, 40), out / "customers.parquet")  # orphan some orders
    del orders
    bad = runner.invoke(app, ["check", str(out), "--spec", str(spec), "--json"])
    assert bad.exit_code == 1
    findings = json.loads(bad.output)["findings"]
    assert any(f["rule"] == "foreign_key" and "orders" in f["location"] for f in findings)


def test_rows_and_seed_options(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, shop_spec())
    a = runner.invoke(
        app, ["generate", str(spec), "--rows", "20", "--out", str(tmp_path / "a"), "--json"]
    )
    runner.invoke(
        app, ["generate", str(spec), "--rows", "20", "--out", str(tmp_path / "b"), "--json"]
    )
    assert json.loads(a.output)["rows"]["customers"] == 20
    assert pq.read_table(tmp_path / "a" / "orders.parquet").equals(
        pq.read_table(tmp_path / "b" / "orders.parquet")
    )


def test_generate_to_duckdb(tmp_path: Path) -> None:
    import duckdb

    spec = write_spec(tmp_path, shop_spec(rows=30))
    db = tmp_path / "shop.duckdb"
    result = runner.invoke(app, ["generate", str(spec), "--db", f"duckdb:///{db}"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db))
    assert con.execute("select count(*) from customers").fetchone() == (30,)
    again = runner.invoke(app, ["generate", str(spec), "--db", f"duckdb:///{db}"])
    assert again.exit_code != 0 and "customers" in again.output


def test_types_catalogue_and_detail() -> None:
    listing = runner.invoke(app, ["types", "--json"])
    assert listing.exit_code == 0
    names = {t["name"] for t in json.loads(listing.output)}
    required = {
        "id",
        "int",
        "float",
        "decimal",
        "bool",
        "category",
        "string",
        "text",
        "date",
        "datetime",
        "time",
        "duration",
        "uuid",
        "json",
        "first_name",
        "last_name",
        "full_name",
        "username",
        "email",
        "phone",
        "street_address",
        "city",
        "state",
        "postal_code",
        "country",
        "country_code",
        "latitude",
        "longitude",
        "company",
        "job_title",
        "url",
        "domain",
        "ipv4",
        "ipv6",
        "mac_address",
        "user_agent",
        "iban",
        "credit_card",
        "currency_code",
        "price",
        "sku",
        "product_name",
        "color",
        "file_name",
        "file_path",
        "mime_type",
        "file_extension",
        "sha256",
        "isbn",
    }
    assert required <= names
    detail = runner.invoke(app, ["types", "email", "--json"])
    info = json.loads(detail.output)
    assert len(info["examples"]) == 5 and all("@" in e for e in info["examples"])
    unknown = runner.invoke(app, ["types", "emial"])
    assert unknown.exit_code == 2 and "did you mean 'email'" in unknown.output


def test_preview_prints_tables_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = write_spec(tmp_path, shop_spec())
    result = runner.invoke(app, ["preview", str(spec), "--rows", "3", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["customers"]) == 3
    assert not (tmp_path / "out").exists()


def test_unmet_check_exits_1_and_leaves_no_output(tmp_path: Path) -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 100,
                "columns": {"a": {"type": "int", "min": 0, "max": 9}},
                "checks": ["a % 2 = 0"],
            }
        }
    }
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["generate", str(write_spec(tmp_path, spec)), "--out", str(out)])
    assert result.exit_code == 1
    assert "tables.t.checks[0]" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
