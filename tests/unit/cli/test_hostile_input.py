"""Hostile input on the command line: refused with a location and exit 2 (or 1), never a traceback.

Most cases go through Typer's runner (fast); the ones that need the real entry
point -- the safety net in ``main``, a taken port, a server start -- run
``python -m synthwright`` as a subprocess.
"""

from __future__ import annotations

import codecs
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from synthwright.cli import app

runner = CliRunner()


def spec_file(tmp_path: Path, columns: dict[str, Any], **table: Any) -> Path:
    path = tmp_path / "spec.yaml"
    body = {"rows": 10, **table, "columns": {"id": {"type": "id"}, **columns}}
    path.write_text(yaml.safe_dump({"version": 1, "tables": {"t": body}}))
    return path


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def refused(result: Result, status: int, *located: str) -> None:
    """Exit `status`, each `located` text in the output, no traceback, no stray exception."""
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in located:
        assert text in result.output, result.output


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "synthwright", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- far-future datetime bounds ----------------------------------------------------------


@pytest.mark.parametrize(
    "column",
    [
        {"type": "datetime", "min": "0001-01-01", "max": "9999-12-31"},
        {"type": "date", "min": "9999-12-31", "max": "9999-12-31"},
        {"type": "datetime", "min": "9999-12-31", "max": "9999-12-31", "dist": "normal"},
    ],
)
def test_far_future_bounds_are_valid_and_generate(tmp_path: Path, column: dict[str, Any]) -> None:
    spec = spec_file(tmp_path, {"d": column})
    assert invoke("validate", str(spec)).exit_code == 0
    result = invoke("generate", str(spec), "--out", str(tmp_path / "out"), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("column", "where"),
    [
        ({"type": "datetime", "min": "2020-01-01", "max": "20000-01-01"}, "columns.d.max"),
        ({"type": "date", "min": "20000-01-01", "max": "20001-01-01"}, "columns.d.min"),
        ({"type": "datetime", "min": "-0001-01-01"}, "columns.d.min"),
    ],
)
def test_a_year_past_9999_is_refused_where_it_is_written(
    tmp_path: Path, column: dict[str, Any], where: str
) -> None:
    spec = spec_file(tmp_path, {"d": column})
    refused(invoke("validate", str(spec)), 2, f"tables.t.{where}:")


# -- expressions and checks ----------------------------------------------------------------


def test_an_aggregate_in_a_row_expr_is_refused(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, {"x": {"type": "int"}, "y": {"expr": "sum(x)"}})
    refused(invoke("validate", str(spec)), 2, "tables.t.columns.y.expr:")
    out = tmp_path / "out"
    refused(invoke("generate", str(spec), "--out", str(out)), 2, "tables.t.columns.y.expr:")
    assert not out.exists()


@pytest.mark.parametrize("check", ["null", "NULL", "1"])
def test_a_constant_non_boolean_check_is_refused(tmp_path: Path, check: str) -> None:
    spec = spec_file(tmp_path, {}, checks=[check])
    refused(invoke("validate", str(spec)), 2, "tables.t.checks[0]:")


def test_a_constant_false_check_fails_located_and_writes_nothing(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, {}, checks=["1 = 0"])
    out = tmp_path / "out"
    result = invoke("generate", str(spec), "--out", str(out))
    assert result.exit_code in (1, 2), result.output
    refused(result, result.exit_code, "tables.t.checks[0]")
    assert not out.exists()


# -- YAML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        "version: 1\ntables: " + "{a: " * 3000 + "1" + "}" * 3000,
        "version: 1\ntables:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200)),
    ],
)
def test_deeply_nested_yaml_is_refused_with_line_and_column(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    result = invoke("validate", str(path))
    refused(result, 2, f"{path}:", "nested deeper than 64 levels")


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "version: 1\ntables:\n  t:\n    rows: 10\n    rows: 20\n    columns:\n      id: {type: id}\n"
    )
    result = invoke("validate", str(path), "--json")
    assert result.exit_code == 2
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["code"] == "spec_invalid"
    (problem,) = doc["problems"]
    assert problem["location"] == f"{path}:5:5" and problem["code"] == "duplicate_key"
    assert "duplicate key 'rows' (first given on line 4)" in problem["message"]


def test_merge_keys_may_still_override(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text(
        "version: 1\n"
        "base: &base {type: int, min: 0, max: 9}\n"
        "tables:\n"
        "  t:\n"
        "    rows: 5\n"
        "    columns:\n"
        "      id: {type: id}\n"
        "      n: {<<: *base, max: 5}\n"
    )
    result = invoke("validate", str(path))
    # `base` is not a spec key: refused for that, not for the merge
    refused(result, 2, "base: unknown key 'base'")
    assert "duplicate" not in result.output


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ({"rows": True}, "tables.t.rows"),
        ({"rows": False}, "tables.t.rows"),
    ],
)
def test_true_is_not_a_row_count(tmp_path: Path, table: dict[str, Any], where: str) -> None:
    path = tmp_path / "spec.yaml"
    body = {**table, "columns": {"id": {"type": "id"}}}
    path.write_text(yaml.safe_dump({"version": 1, "tables": {"t": body}}))
    refused(invoke("validate", str(path)), 2, f"{where}: expected a whole number")


def test_booleans_are_refused_for_per_parent_and_scenario_counts(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    spec = {
        "version": 1,
        "tables": {
            "p": {"rows": 3, "columns": {"id": {"type": "id"}}},
            "c": {
                "per_parent": {"table": "p", "min": True, "max": 2},
                "columns": {"id": {"type": "id"}, "p_id": {"ref": "p.id"}},
            },
        },
        "scenarios": {"p": [{"name": "x", "count": True}]},
    }
    path.write_text(yaml.safe_dump(spec))
    refused(
        invoke("validate", str(path)),
        2,
        "tables.c.per_parent.min: expected a whole number",
        "scenarios.p[0].count: expected a whole number",
    )


# -- sizes and flags ------------------------------------------------------------------------


def test_a_trillion_rows_is_valid_but_refused_before_anything_is_allocated(
    tmp_path: Path,
) -> None:
    spec = spec_file(tmp_path, {}, rows=1_000_000_000_000)
    assert invoke("validate", str(spec)).exit_code == 0
    out = tmp_path / "out"
    result = invoke("generate", str(spec), "--out", str(out), "--json")
    assert result.exit_code == 2, result.output
    doc = json.loads(result.output)
    (problem,) = doc["problems"]
    assert problem["location"] == "tables.t.rows" and problem["code"] == "too_large"
    assert "1,000,000,000,000 rows" in problem["message"]
    assert not out.exists()


@pytest.mark.parametrize("scale", ["nan", "-1", "0", "inf", "-inf"])
def test_scale_must_be_finite_and_positive(tmp_path: Path, scale: str) -> None:
    spec = spec_file(tmp_path, {})
    out = tmp_path / "out"
    refused(invoke("generate", str(spec), "--out", str(out), "--scale", scale), 2, "--scale:")
    assert not out.exists()


def test_negative_rows_are_refused(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, {})
    refused(invoke("preview", str(spec), "--rows", "-5"), 2, "--rows: must be >= 0")
    refused(invoke("generate", str(spec), "--rows", "-5"), 2, "--rows: must be >= 0")


def test_the_api_refuses_the_same_scales() -> None:
    import synthwright as sw
    from synthwright.errors import SpecError

    spec = {"version": 1, "tables": {"t": {"rows": 4, "columns": {"id": {"type": "id"}}}}}
    for scale in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(SpecError, match="scale: must be a finite number above 0"):
            sw.generate(spec, scale=scale)
    assert sw.generate(spec, scale=0.5).materialize()["t"].num_rows == 2


# -- profile input ----------------------------------------------------------------------------


def test_a_ragged_csv_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n6\n")
    refused(
        invoke("profile", str(path)), 2, f"{path}:3: line 3 has 3 fields where the header has 2"
    )


def test_a_ragged_tsv_with_quoted_fields_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.tsv"
    path.write_text('a\tb\n"x\ty"\t2\n1\t2\n4\n')
    refused(invoke("profile", str(path)), 2, f"{path}:4:")


def test_a_one_column_csv_still_profiles(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("word\nalpha\nbeta\ngamma\n")
    result = invoke("profile", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.output)["tables"]["one"]["columns"]) == ["word"]


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_unicode_csvs_are_decoded_by_their_byte_order_mark(
    tmp_path: Path, bom: bytes, encoding: str
) -> None:
    path = tmp_path / "sample.csv"
    path.write_bytes(bom + "n,name\n1,Zoë\n2,Łukasz\n3,Ærø\n".encode(encoding))
    result = invoke("profile", str(path), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert list(doc["tables"]["sample"]["columns"]) == ["n", "name"]


# -- serve -----------------------------------------------------------------------------------


def test_serve_refuses_a_taken_port_located(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run_cli("serve", "--http-port", str(port), "--grpc-port", "0", cwd=tmp_path)
        grpc = run_cli("serve", "--http-port", "0", "--grpc-port", str(port), cwd=tmp_path)
    for result, flag in ((done, "--http-port"), (grpc, "--grpc-port")):
        assert result.returncode == 2, result.stderr
        assert f"{flag}: port {port} on 127.0.0.1 is already in use" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("url", ["not-a-url", "http://localhost:6379", "redis//x"])
def test_serve_refuses_a_malformed_redis_url(tmp_path: Path, url: str) -> None:
    pytest.importorskip("uvicorn")
    result = run_cli(
        "serve", "--http-port", "0", "--grpc-port", "0", "--redis-url", url, "--json", cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    doc = json.loads(result.stdout)
    assert doc["problems"][0]["location"] == "--redis-url"
    assert url not in result.stdout  # a URL can hold a password: it is never echoed
    assert "Traceback" not in result.stderr


# -- the safety net ----------------------------------------------------------------------------


def test_an_unexpected_error_is_one_located_line_and_exit_1(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, {})
    code = (
        "import sys, synthwright.api as api\n"
        "def boom(*a, **k):\n"
        "    raise KeyError('simulated fault')\n"
        "api.load_spec = boom\n"
        "from synthwright.cli.app import main\n"
        "sys.argv = ['synthwright', 'validate', sys.argv[1]] + sys.argv[2:]\n"
        "main()\n"
    )
    for extra in ([], ["--json"]):
        result = subprocess.run(
            [sys.executable, "-c", code, str(spec), *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        shown = result.stdout if extra else result.stderr
        assert "KeyError: 'simulated fault'" in shown and "please report" in shown
        if extra:
            doc = json.loads(result.stdout)
            assert doc["code"] == "internal_error"
            assert doc["problems"][0]["location"].startswith("synthwright/")
