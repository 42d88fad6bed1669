"""The run history in the session store: where each generate went, never a secret."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import typer
from typer.testing import CliRunner

from synthwright.cli._history import destination_kind, list_runs, record_quietly, record_run
from synthwright.cli.cmd_plan import register
from synthwright.planner import plan_offline
from synthwright.planner.sessions import data_dir, save_session

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def _record(target: str, fmt: str | None, **extra: object) -> object:
    return record_run(
        spec="shop",
        source="shop.yaml",
        target=target,
        format=fmt,
        seed=7,
        rows={"customers": 10, "orders": 25},
        written=[target.rstrip("/") + "/customers.csv"],
        **extra,  # type: ignore[arg-type]
    )


def test_each_kind_of_destination_is_kept_and_listed_newest_first(tmp_path: Path) -> None:
    _record(str(tmp_path / "out"), "csv")
    _record("postgresql://bob:hunter2secret@db.example/shop", None)
    _record("s3://bucket/runs/today/", "parquet")
    runs = list_runs()
    assert [r.kind for r in runs] == ["cloud", "database", "files"]
    cloud, database, files = runs
    assert cloud.destination == "s3://bucket/runs/today/" and cloud.format == "parquet"
    assert database.destination == "postgresql://***@db.example/shop"
    assert files.destination == str((tmp_path / "out").resolve()) and files.format == "csv"
    assert files.rows == {"customers": 10, "orders": 25} and files.total_rows == 35
    assert files.seed == 7 and files.spec == "shop" and files.source == "shop.yaml"
    assert list_runs(limit=1) == [cloud]
    stored = sqlite3.connect(data_dir() / "sessions.db").execute("SELECT * FROM runs").fetchall()
    assert "hunter2secret" not in repr(stored) and "bob" not in repr(stored)


def test_kinds() -> None:
    assert destination_kind("out/") == "files"
    assert destination_kind("duckdb:///x.duckdb") == "database"
    assert destination_kind("mysql+pymysql://u@h/d") == "database"
    assert destination_kind("gs://bucket/p") == "cloud"


def test_a_planned_runs_session_lists_its_runs() -> None:
    session = save_session("customers and orders", plan_offline("customers and orders"))
    _record("s3://bucket/planned", "jsonl", session_id=session.id)
    _record("elsewhere", "csv")
    assert [r.destination for r in list_runs(session_id=session.id)] == ["s3://bucket/planned"]
    shown = runner.invoke(_app(), ["sessions", "show", session.id])
    assert shown.exit_code == 0, shown.output
    assert "cloud jsonl -> s3://bucket/planned" in shown.output
    assert "elsewhere" not in shown.output
    as_json = json.loads(runner.invoke(_app(), ["sessions", "show", session.id, "--json"]).output)
    assert [r["destination"] for r in as_json["runs"]] == ["s3://bucket/planned"]


def test_sessions_runs_command() -> None:
    empty = runner.invoke(_app(), ["sessions", "runs"])
    assert empty.exit_code == 0 and "no runs yet" in empty.output
    _record("mysql://root:pw@localhost/test", None)
    _record("s3://bucket/x/", "csv")
    out = runner.invoke(_app(), ["sessions", "runs"])
    lines = out.output.strip().splitlines()
    assert "shop  35 rows  cloud csv -> s3://bucket/x/" in lines[0]
    assert lines[1].endswith("database -> mysql://***@localhost/test")
    data = json.loads(runner.invoke(_app(), ["sessions", "runs", "--json", "--limit", "1"]).output)
    assert [r["destination"] for r in data] == ["s3://bucket/x/"]


def test_an_unwritable_store_is_a_warning(tmp_path: Path, monkeypatch: object) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SYNTHWRIGHT_DATA_DIR", str(blocker / "data"))  # type: ignore[attr-defined]
    notes: list[str] = []
    got = record_quietly(
        notes.append,
        spec="s",
        source="s.yaml",
        target="out",
        format="csv",
        seed=None,
        rows={},
        written=[],
    )
    assert got is None and len(notes) == 1 and "not in the history" in notes[0]


def test_generate_records_where_it_went(tmp_path: Path) -> None:
    from synthwright.cli.app import app

    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "version": 1,
                "name": "tiny",
                "seed": 3,
                "tables": {"t": {"rows": 5, "columns": {"id": {"type": "id"}}}},
            }
        )
    )
    out = tmp_path / "out"
    first = runner.invoke(app, ["generate", str(spec), "--out", str(out), "--format", "csv"])
    assert first.exit_code == 0, first.output
    db = f"sqlite:///{tmp_path / 'x.db'}"
    second = runner.invoke(app, ["generate", str(spec), "--db", db, "--seed", "8"])
    assert second.exit_code == 0, second.output
    runs = list_runs()
    assert [(r.kind, r.destination, r.format, r.seed) for r in runs] == [
        ("database", db, None, 8),
        ("files", str(out.resolve()), "csv", 3),
    ]
    assert runs[1].written == [str(out / "t.csv")] and runs[1].rows == {"t": 5}
    assert runs[0].spec == "tiny" and runs[0].source == str(spec)
    listed = runner.invoke(app, ["sessions", "runs"])
    assert f"files csv -> {out.resolve()}" in listed.output
