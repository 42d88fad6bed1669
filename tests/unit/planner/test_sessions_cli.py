"""Sessions in SQLite and the ``plan`` / ``sessions`` commands, driven through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

import synthwright as sw
from synthwright.cli.cmd_plan import register
from synthwright.planner import plan_offline
from synthwright.planner.sessions import get_session, list_sessions, resume_session, save_session

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SYNTHWRIGHT_DATA_DIR", str(folder))
    return folder


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def test_save_list_get_resume(data_dir: Path) -> None:
    prompt = "customers and their orders"
    result = plan_offline(prompt)
    saved = save_session(prompt, result)
    assert saved.status == "open"
    assert (data_dir / "sessions.db").exists()
    assert [s.id for s in list_sessions()] == [saved.id]
    again = get_session(saved.id[:6])
    assert again.prompt == prompt and again.spec_yaml == saved.spec_yaml
    assert {q.key for q in again.open_questions()} == {"rows.customers", "per_parent.orders"}
    session, replanned = resume_session(saved.id, {"rows.customers": "42"})
    assert session.answers == {"rows.customers": "42"}
    assert replanned.spec.tables["customers"].rows == 42
    session, _ = resume_session(saved.id, {"per_parent.orders": "2-3"})
    assert session.status == "complete"
    assert session.answers == {"rows.customers": "42", "per_parent.orders": "2-3"}
    assert [t.get("answers") for t in session.transcript if t.get("answers")] == [
        {"rows.customers": "42"},
        {"per_parent.orders": "2-3"},
    ]
    assert yaml.safe_load(get_session(saved.id).spec_yaml)["tables"]["customers"]["rows"] == 42


def test_plan_non_interactive_prints_yaml_and_assumptions() -> None:
    res = runner.invoke(_app(), ["plan", "200 patients with appointments"])
    assert res.exit_code == 0, res.output
    assert "tables:" in res.stdout and "patients:" in res.stdout
    assert "assumptions" in res.stderr and "per_parent.appointments" in res.stderr
    spec = sw.load_spec(res.stdout)
    assert spec.tables["patients"].rows == 200


def test_plan_interactive_then_resume_by_id(tmp_path: Path) -> None:
    out = tmp_path / "spec.yaml"
    res = runner.invoke(
        _app(),
        [
            "plan",
            "customers with some details, each with orders",
            "--interactive",
            "-o",
            str(out),
            "--json",
        ],
        input="name, email and age\n321\n1-3\n",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout[res.stdout.index("{") :])
    assert doc["status"] == "complete"
    assert doc["answers"] == {
        "fields.customers": "name, email and age",
        "rows.customers": "321",
        "per_parent.orders": "1-3",
    }
    spec = sw.load_spec(out)
    assert list(spec.tables["customers"].columns) == [
        "id",
        "first_name",
        "last_name",
        "email",
        "age",
    ]
    assert spec.tables["customers"].rows == 321
    pp = spec.tables["orders"].per_parent
    assert pp is not None and (pp.min, pp.max) == (1, 3)

    listed = runner.invoke(_app(), ["sessions", "list", "--json"])
    (entry,) = json.loads(listed.stdout)
    assert entry["id"] == doc["session"]
    shown = runner.invoke(_app(), ["sessions", "show", doc["session"]])
    assert shown.exit_code == 0 and "answer rows.customers = 321" in shown.stdout

    resumed = runner.invoke(
        _app(), ["sessions", "resume", doc["session"], "--answer", "rows.customers=50"]
    )
    assert resumed.exit_code == 0, resumed.output
    assert sw.load_spec(resumed.stdout).tables["customers"].rows == 50
    assert get_session(doc["session"]).answers["rows.customers"] == "50"


def test_resume_interactive_asks_open_questions() -> None:
    first = runner.invoke(_app(), ["plan", "students and courses with enrolments", "--json"])
    sid = json.loads(first.stdout)["session"]
    res = runner.invoke(
        _app(), ["sessions", "resume", sid, "--interactive", "--json"], input="700\n30\n\n"
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout[res.stdout.index("{") :])
    assert doc["answers"]["rows.students"] == "700"
    assert doc["spec"]["tables"]["students"]["rows"] == 700
    assert doc["spec"]["tables"]["courses"]["rows"] == 30
    assert doc["answers"]["per_parent.enrolments"] == "1-6"  # Enter keeps the default


def test_bad_input_is_located_and_exits_2(tmp_path: Path) -> None:
    app = _app()
    empty = runner.invoke(app, ["plan", "  "])
    assert empty.exit_code == 2 and "prompt: describe the data" in empty.stderr
    missing = runner.invoke(app, ["sessions", "show", "nope"])
    assert missing.exit_code == 2 and "session: no session 'nope'" in missing.stderr
    bad = runner.invoke(app, ["plan", "customers", "--answer", "oops"])
    assert bad.exit_code == 2 and "--answer: expected KEY=VALUE" in bad.stderr
    nowhere = runner.invoke(app, ["plan", "customers", "-o", str(tmp_path / "no" / "s.yaml")])
    assert nowhere.exit_code == 2 and "-o: folder" in nowhere.stderr
    assert not (tmp_path / "no").exists()
    assert "Traceback" not in empty.output + missing.output + bad.output + nowhere.output
