"""``synthwright tasks``: output files, --json summaries, exit 2 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from synthwright.cli import app

runner = CliRunner()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_dataset_verify_dedup_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "ds.jsonl"
    made = runner.invoke(
        app,
        ["tasks", "dataset", "--domain", "hr", "--size", "10", "-o", str(out), "--graph",
         str(tmp_path / "g.cypher"), "--seed", "4", "--json"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output)
    assert summary["records"] == 10 and summary["levels"] == {
        "simple": 3,
        "medium": 5,
        "complex": 2,
    }
    assert summary["written"] == [str(out), str(tmp_path / "g.cypher")]
    records = _lines(out)
    assert all(
        r["seed"] == 4 and r["config_fingerprint"] == summary["fingerprint"] for r in records
    )
    checked = runner.invoke(
        app, ["tasks", "verify", str(out), "-o", str(tmp_path / "v.parquet"), "--json"]
    )
    assert checked.exit_code == 0 and json.loads(checked.output)["pass"] == 10
    table = pq.read_table(tmp_path / "v.parquet")
    assert table.num_rows == 10 and "quality" in table.column_names
    deduped = runner.invoke(
        app, ["tasks", "dedup", str(tmp_path / "v.parquet"), "-o", str(tmp_path / "d.jsonl")]
    )
    assert deduped.exit_code == 0, deduped.output
    clusters = json.loads((tmp_path / "d.clusters.json").read_text())
    assert clusters["clusters"] == [] and len(_lines(tmp_path / "d.jsonl")) == 10


def test_stdout_and_stdin(tmp_path: Path) -> None:
    made = runner.invoke(app, ["tasks", "variations", "Cut overtime in the warehouse", "--domain", "logistics",
                               "--levels", "simple", "--per-level", "2"])  # fmt: skip
    lines = [json.loads(x) for x in made.stdout.splitlines() if x.startswith("{")]
    assert made.exit_code == 0 and len(lines) == 2
    piped = runner.invoke(
        app, ["tasks", "interactions", "-", "--per-problem", "2", "--json"], input=made.stdout
    )
    summary = json.loads(piped.stdout)
    assert piped.exit_code == 0 and summary["records"] == 4 and len(summary["items"]) == 4


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    cases = [
        (["tasks", "dataset", "--domain", "finanse", "--size", "3"], "did you mean 'finance'"),
        (
            ["tasks", "dataset", "--domain", "hr", "--size", "3", "--mix", "simple=a"],
            "--mix: simple",
        ),
        (
            [
                "tasks",
                "dataset",
                "--domain",
                "hr",
                "--size",
                "3",
                "--graph",
                str(tmp_path / "g.txt"),
            ],
            "--graph",
        ),
        (["tasks", "dataset", "--domain", "hr", "--size", "-1"], "--size: must be >= 0"),
        (["tasks", "matrix", "--domain", "hr", "--dim", "oops"], "--dim[0]"),
        (
            ["tasks", "adversarial", str(tmp_path / "none.jsonl"), "--capability", "tool_use"],
            "no such file",
        ),
        (["tasks", "expand", "-", "--factors", "weather"], "unknown factor"),
        (["tasks", "dataset", "--domain", "hr", "--size", "3", "--resume"], "--resume: needs -o"),
        (
            [
                "tasks",
                "dataset",
                "--domain",
                "hr",
                "--size",
                "3",
                "-o",
                str(tmp_path / "no" / "x.jsonl"),
            ],
            "does not exist",
        ),
    ]
    for argv, message in cases:
        result = runner.invoke(
            app,
            [*argv, "-o", str(out)] if "-o" not in argv and "--resume" not in argv else argv,
            input="",
        )
        assert result.exit_code == 2, (argv, result.output)
        assert message in result.output and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_records_are_located(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"problem_id": "a"}\nnot json\n')
    result = runner.invoke(app, ["tasks", "adversarial", str(path), "--capability", "robustness"])
    assert result.exit_code == 2 and f"{path}:2: not valid JSON" in result.output
    path.write_text('{"problem_id": "a", "domain": "hr"}\n')
    result = runner.invoke(app, ["tasks", "expand", str(path), "--json"])
    problems = json.loads(result.output)["problems"]
    assert result.exit_code == 2 and {p["location"] for p in problems} == {f"{path}:1"}
    assert any(p["message"].startswith("problem_statement:") for p in problems)


def test_verify_fails_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"problem_id": "a", "domain": "hr"}\n')
    result = runner.invoke(app, ["tasks", "verify", str(path), "--json"])
    assert result.exit_code == 1 and json.loads(result.output)["fail"] == 1


def test_domains_lists_twelve() -> None:
    result = runner.invoke(app, ["tasks", "domains", "--json"])
    data = json.loads(result.output)
    assert len(data["domains"]) >= 12 and "prompt_injection" in data["capabilities"]
