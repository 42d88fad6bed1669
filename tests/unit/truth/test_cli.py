"""The command line end to end: generate with truth, evaluate, examples, refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from synthwright.cli import app

runner = CliRunner()

SPEC: dict[str, Any] = {
    "version": 1,
    "name": "docs",
    "seed": 9,
    "tables": {
        "docs": {
            "rows": 60,
            "columns": {
                "id": {"type": "id"},
                "title": {"type": "file_name"},
                "extension": {"type": "file_extension"},
                "mime": {"type": "mime_type"},
                "touched": {"type": "datetime", "min": "2024-01-01", "max": "2024-06-30T12:00:00"},
            },
        }
    },
    "truth": {
        "docs": [
            {
                "name": "recent_pdfs",
                "description": "PDFs touched in the last week",
                "match": {"extension": "pdf", "touched": {"min": "-7d"}},
                "count": 3,
                "near_misses": 4,
            }
        ]
    },
}


def write(tmp_path: Path, data: Any, name: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith(".yaml") else data)
    return path


def generate(tmp_path: Path, *extra: str) -> tuple[Path, dict[str, Any]]:
    spec = write(tmp_path, SPEC, "spec.yaml")
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(spec), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "truth.json").read_text())


def test_generate_writes_the_manifest_beside_the_data(tmp_path: Path) -> None:
    out, manifest = generate(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == ["docs.parquet", "truth.json"]
    q = manifest["queries"][0]
    assert set(q) >= {
        "name",
        "description",
        "table",
        "key",
        "predicates",
        "sql",
        "expected",
        "planted",
        "near_misses",
    }
    assert len(q["planted"]) == 3 and set(q["planted"]) <= set(q["expected"])
    assert {m["violates"] for m in q["near_misses"]} == {"extension", "touched"}
    assert oct((out / "truth.json").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    check = runner.invoke(app, ["check", str(out), "--spec", str(tmp_path / "spec.yaml")])
    assert check.exit_code == 0, check.output


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_evaluate_results_and_sql_on_files_and_a_database(tmp_path: Path) -> None:
    out, manifest = generate(tmp_path)
    q = manifest["queries"][0]
    results = write(
        tmp_path, json.dumps({"query": "recent_pdfs", "keys": q["expected"]}) + "\n", "r.jsonl"
    )
    exact = runner.invoke(
        app, ["evaluate", str(out / "truth.json"), "--results", str(results), "--json"]
    )
    assert exact.exit_code == 0, exact.output
    report = json.loads(exact.output)
    assert report["queries"][0]["f1"] == 1.0 and report["macro"]["f1"] == 1.0
    # a system that ignores the date: it returns the near misses that fail `touched`
    sloppy = {"recent_pdfs": "SELECT id FROM docs WHERE extension = 'pdf'"}
    sql = write(tmp_path, sloppy, "q.yaml")
    on_files = runner.invoke(
        app, ["evaluate", str(out / "truth.json"), "--sql", str(sql), "--data", str(out), "--json"]
    )
    assert on_files.exit_code == 0, on_files.output
    scored = json.loads(on_files.output)["queries"][0]
    assert scored["recall"] == 1.0 and scored["precision"] < 1.0
    assert scored["ignored_predicates"] == ["touched"]
    db = tmp_path / "docs.duckdb"
    loaded = runner.invoke(
        app, ["generate", str(tmp_path / "spec.yaml"), "--db", f"duckdb:///{db}"]
    )
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "truth.json").exists()  # beside the database file
    on_db = runner.invoke(
        app,
        [
            "evaluate",
            str(tmp_path / "truth.json"),
            "--sql",
            str(sql),
            "--db",
            f"duckdb:///{db}",
            "--json",
        ],
    )
    assert on_db.exit_code == 0, on_db.output
    assert json.loads(on_db.output)["queries"][0] == scored
    text = runner.invoke(
        app,
        [
            "evaluate",
            str(out / "truth.json"),
            "--sql",
            str(sql),
            "--data",
            str(out),
            "--qrels",
            str(tmp_path / "qrels"),
            "--run",
            str(tmp_path / "run"),
        ],
    )
    assert text.exit_code == 0 and "the touched predicate is ignored or loosened" in text.output
    assert (tmp_path / "qrels").read_text().count(" 1\n") == len(q["expected"])
    assert (tmp_path / "run").read_text().startswith("recent_pdfs Q0 ")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--results", "missing.jsonl"], "no such file"),
        (["--sql", "q.yaml"], "--sql runs on --data DIR or --db URL"),
        ([], "give --results FILE or --sql FILE"),
        (["--sql", "broken.yaml", "--data", "out"], "sql:recent_pdfs: the query does not run"),
    ],
)
def test_evaluate_refuses_bad_input_with_exit_2(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    out, _ = generate(tmp_path)
    write(tmp_path, {"recent_pdfs": "SELECT id FROM docs"}, "q.yaml")
    write(tmp_path, {"recent_pdfs": "SELEC nothing"}, "broken.yaml")
    os.chdir(tmp_path)
    result = runner.invoke(app, ["evaluate", str(out / "truth.json"), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output


def test_unplantable_truth_exits_2_with_its_location(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(SPEC))
    bad["truth"]["docs"][0]["match"]["extention"] = "pdf"
    bad["truth"]["docs"][0]["count"] = 100
    spec = write(tmp_path, bad, "bad.yaml")
    for command in (["generate", str(spec), "--out", str(tmp_path / "o")], ["validate", str(spec)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert (
            "truth.docs[0].match.extention: unknown column 'extention' (did you mean 'extension'?)"
            in result.output
        )
        assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    as_json = runner.invoke(app, ["generate", str(spec), "--json", "--out", str(tmp_path / "o")])
    assert as_json.exit_code == 2
    assert json.loads(as_json.output)["problems"][0]["location"] == "truth.docs[0].match.extention"


def test_a_failed_write_leaves_neither_data_nor_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synthwright.sinks.files import FileSink

    def broken(self: FileSink) -> list[str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSink, "_commit", broken)
    spec = write(tmp_path, SPEC, "spec.yaml")
    out = tmp_path / "new" / "out"
    result = runner.invoke(app, ["generate", str(spec), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output
    assert not (tmp_path / "new").exists()  # no tables, no truth.json, no temporary file
    existing = tmp_path / "kept"
    existing.mkdir()
    (existing / "truth.json").write_text("old")
    result = runner.invoke(app, ["generate", str(spec), "--out", str(existing)])
    assert result.exit_code == 1
    assert [p.name for p in existing.iterdir()] == ["truth.json"]
    assert (existing / "truth.json").read_text() == "old"


def test_examples_bundled_names_and_presets(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["examples", "--json"])
    assert listed.exit_code == 0
    items = {i["name"]: i for i in json.loads(listed.output)}
    assert items["file_index"]["presets"] == ["basic", "large", "mobile_focus"]
    out = tmp_path / "fi"
    made = runner.invoke(
        app, ["generate", "file_index", "--preset", "mobile_focus", "--out", str(out), "--json"]
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["rows"]["machine_configs"] == 10
    names = [q["name"] for q in json.loads((out / "truth.json").read_text())["queries"]]
    assert names == ["ios_mobile_devices", "san_francisco_opened"]
    unknown = runner.invoke(app, ["generate", "file_idex", "--out", str(tmp_path / "x")])
    assert unknown.exit_code == 2 and "did you mean 'file_index'" in unknown.output
    preset = runner.invoke(
        app, ["generate", "file_index", "--preset", "basc", "--out", str(tmp_path / "x")]
    )
    assert (
        preset.exit_code == 2
        and "--preset: unknown preset 'basc' (did you mean 'basic'?)" in preset.output
    )
    valid = runner.invoke(app, ["validate", "file_index"])
    assert valid.exit_code == 0, valid.output


def test_format_arango(tmp_path: Path) -> None:
    out = tmp_path / "a"
    result = runner.invoke(app, ["generate", "file_index", "--format", "arango", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {
        "storage.jsonl",
        "relationships.jsonl",
        "storage__machine.jsonl",
        "arangoimport.sh",
        "truth.json",
    } <= names
    storage = [json.loads(line) for line in (out / "storage.jsonl").read_text().splitlines()]
    keys = {d["_key"] for d in storage}
    assert all(d["_key"] == str(d["id"]) for d in storage)
    edges = [json.loads(line) for line in (out / "relationships.jsonl").read_text().splitlines()]
    assert edges and all(
        e["_from"].startswith("storage/") and e["_to"].startswith("storage/") for e in edges
    )
    assert all(e["_from"].split("/")[1] in keys and e["_to"].split("/")[1] in keys for e in edges)
    links = [json.loads(line) for line in (out / "storage__machine.jsonl").read_text().splitlines()]
    assert len(links) == len(storage) and links[0]["_to"].startswith("machine_configs/")
    script = (out / "arangoimport.sh").read_text()
    assert script.index("--collection storage ") < script.index("--collection relationships ")
    assert (
        "--collection relationships --create-collection true --create-collection-type edge"
        in script
    )
