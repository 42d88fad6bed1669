"""The error contract: a stable code and exit status per class, one mapping, one rendering."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest
import typer

import synthwright as sw
from synthwright.cli._output import fail, internal_error, render_error
from synthwright.cli._signals import Interrupted
from synthwright.errors import (
    DataError,
    GenerationError,
    LLMConfigError,
    LLMError,
    Problem,
    SinkError,
    SinkInputError,
    SpecError,
    SynthwrightError,
    exit_status,
)
from synthwright.service import RequestError
from synthwright.spec import SCENARIO_COLUMN

SRC = Path(__file__).resolve().parents[2] / "src" / "synthwright"

CONTRACT = [
    (SpecError, "spec_invalid", 2, ValueError),
    (GenerationError, "generation_failed", 1, RuntimeError),
    (SinkError, "sink_failed", 1, OSError),
    (SinkInputError, "sink_input", 2, OSError),
    (DataError, "data_invalid", 2, ValueError),
    (LLMError, "llm_failed", 1, RuntimeError),
    (LLMConfigError, "llm_config", 2, ValueError),
]


@pytest.mark.parametrize(("cls", "code", "status", "builtin"), CONTRACT)
def test_each_class_has_its_code_status_and_builtin(
    cls: type[SynthwrightError], code: str, status: int, builtin: type[Exception]
) -> None:
    exc = cls("what went wrong", "somewhere")
    assert exc.code == code and cls.code == code
    assert exit_status(exc) == status == exc.exit_status
    assert isinstance(exc, builtin) and isinstance(exc, SynthwrightError)
    assert exc.problems == [Problem("somewhere", "what went wrong")]
    assert exc.problems[0].code == code  # a problem without a code takes its error's


def test_codes_are_distinct_and_machine_readable() -> None:
    codes = [code for _, code, _, _ in CONTRACT] + [RequestError.code]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", c) for c in codes)


def test_a_producer_code_is_kept_and_equality_ignores_codes() -> None:
    exc = SpecError([Problem("tables.t.x", "nope", "capacity"), Problem("tables.t.y", "no")])
    assert [p.code for p in exc.problems] == ["capacity", "spec_invalid"]
    assert Problem("a", "b", "one") == Problem("a", "b", "other") == Problem("a", "b")
    assert Problem("a", "b", "capacity").to_dict() == {
        "location": "a",
        "message": "b",
        "code": "capacity",
    }
    assert exc.to_dict()["code"] == "spec_invalid"
    assert str(exc) == "tables.t.x: nope\ntables.t.y: no"


def test_exit_status_maps_signals_exits_and_foreign_errors() -> None:
    assert exit_status(KeyboardInterrupt()) == 130
    assert exit_status(Interrupted(signal.SIGTERM)) == 143
    assert exit_status(Interrupted(signal.SIGHUP)) == 129
    assert exit_status(SystemExit(3)) == 3
    assert exit_status(SystemExit(None)) == 0
    assert exit_status(SystemExit("message")) == 1
    assert exit_status(ValueError("a bug")) == 1
    assert exit_status(MemoryError()) == 1


def test_request_error_joins_the_tree_with_http_and_grpc_status() -> None:
    exc = RequestError("count too large", "count", status=413, code="too_large")
    assert isinstance(exc, SynthwrightError) and isinstance(exc, ValueError)
    assert exc.code == "too_large" and exc.problems[0].code == "too_large"
    assert exc.status == 413 and exc.grpc_status == "INVALID_ARGUMENT"
    assert exit_status(exc) == 2
    timeout = RequestError("over time", status=504, code="timeout")
    assert timeout.grpc_status == "DEADLINE_EXCEEDED"
    fault = RequestError("ours", status=500, code="internal")
    assert fault.grpc_status == "INTERNAL" and exit_status(fault) == 1
    assert RequestError("x").code == "invalid_request"
    # problems carried over from another error keep their own codes
    passed = RequestError(GenerationError("rule unmet", "t").problems, status=422)
    assert passed.problems[0].code == "generation_failed"


def test_render_error_as_json_carries_codes(capsys: pytest.CaptureFixture[str]) -> None:
    exc = SpecError([Problem("tables.t.rows", "expected a whole number", "invalid_value")])
    assert render_error(exc, as_json=True) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "ok": False,
        "error": "SpecError",
        "code": "spec_invalid",
        "problems": [
            {
                "location": "tables.t.rows",
                "message": "expected a whole number",
                "code": "invalid_value",
            }
        ],
    }


def test_render_error_as_lines_and_fail_returns_the_exit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exit_ = fail(SinkInputError("database unreachable", "--db"), as_json=False)
    assert isinstance(exit_, typer.Exit) and exit_.exit_code == 2
    err = capsys.readouterr().err
    assert "Output could not be written (1):" in err
    assert "--db: database unreachable" in err
    assert fail(SpecError("x", "y"), False, status=1).exit_code == 1
    assert fail(GenerationError("x", "y"), False, "Custom title").exit_code == 1
    assert "Custom title (1):" in capsys.readouterr().err


def test_a_foreign_exception_renders_as_one_located_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from synthwright.spec import parse_duration

    try:
        parse_duration(None)  # type: ignore[arg-type]
    except TypeError as exc:
        error = internal_error(exc)
        assert render_error(exc, as_json=False) == 1
    assert error.code == "internal_error"
    (problem,) = error.problems
    assert problem.code == "internal_error"
    # where it broke: the innermost frame inside the package, no traceback needed
    assert re.fullmatch(r"synthwright/spec/_models\.py:\d+ in parse_duration", problem.location)
    assert problem.message.startswith("TypeError: ") and "please report" in problem.message
    err = capsys.readouterr().err
    assert "Unexpected error (1):" in err and "Traceback" not in err


def test_loading_names_its_problems_with_codes(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as unknown:
        sw.load_spec(
            {"version": 1, "tables": {"t": {"rowz": 1, "columns": {"id": {"type": "id"}}}}}
        )
    assert "unknown_key" in {p.code for p in unknown.value.problems}
    dup = tmp_path / "dup.yaml"
    dup.write_text("version: 1\ntables:\n  t:\n    rows: 1\n    rows: 2\n")
    with pytest.raises(SpecError) as twice:
        sw.load_spec(dup)
    (problem,) = twice.value.problems
    assert problem.code == "duplicate_key" and problem.location == f"{dup}:5:5"
    with pytest.raises(SpecError) as deep:
        sw.load_spec("a: " + "[" * 500 + "]" * 500)
    assert deep.value.problems[0].code == "too_deep"


def test_compile_problems_carry_producer_codes() -> None:
    spec = {
        "version": 1,
        "tables": {
            "t": {
                "rows": 100,
                "columns": {
                    "id": {"type": "id"},
                    "b": {"type": "int", "min": 0, "max": 9, "unique": True},
                    "c": {"expr": "nope + 1"},
                },
            }
        },
    }
    with pytest.raises(SpecError) as info:
        sw.load_spec(spec)
    codes = {p.location: p.code for p in info.value.problems}
    assert codes["tables.t.columns.b.unique"] == "capacity"
    assert codes["tables.t.columns.c.expr"] == "unknown_column"


def test_the_planner_repair_matches_codes_not_wording() -> None:
    from synthwright.planner.offline import _Builder

    def data() -> dict:
        cols = {"a": {"type": "int", "unique": True}, "b": {"type": "int"}}
        return {"tables": {"t": {"rows": 10, "columns": cols}}}

    builder = _Builder("10 things", {})
    by_code = data()
    exc = SpecError([Problem("tables.t.columns.a", "cannot be met", "capacity")])
    assert builder._repair(by_code, exc)
    assert by_code["tables"]["t"]["columns"]["a"] == {"type": "int"}  # unique dropped
    by_words = data()
    words = SpecError([Problem("tables.t.columns.a", "unique unique unique", "other")])
    assert builder._repair(by_words, words)
    assert "a" not in by_words["tables"]["t"]["columns"]  # not read as a uniqueness problem
    source = (SRC / "planner" / "offline.py").read_text()
    assert " in msg" not in source


def test_fail_is_defined_once_and_scenario_literal_once() -> None:
    defs = [
        path
        for path in SRC.rglob("*.py")
        if re.search(r"^\s*def _?fail\(", path.read_text(), re.MULTILINE)
    ]
    assert [p.relative_to(SRC).as_posix() for p in defs] == ["cli/_output.py"]
    literal = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if '"_scenario"' in path.read_text()
    ]
    assert literal == ["spec/__init__.py"]
    assert SCENARIO_COLUMN == "_scenario"
