"""``synthwright plan "prompt"`` and ``synthwright sessions list|show|resume|runs``.

``plan`` turns words into a spec. Without ``--interactive`` every question is
answered with its stated default and every assumption is listed (on stderr,
so stdout stays plain YAML); with it, each question is asked in the terminal
and the request is planned again with the answers. The final spec is printed
(or written atomically with ``-o``) and the conversation is saved as a
session that ``sessions resume ID`` continues. ``sessions runs`` lists where
each ``generate`` went (directory, redacted database URL or bucket, format;
see ``cli._history``), and ``sessions show ID`` the runs of that session.

Exit status: 0 ok, 2 bad input (empty prompt, unknown session, bad
``--answer``, unwritable ``-o``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from ..errors import DataError, SpecError
from ._output import emit_json, fail, show_spec, write_atomic

if TYPE_CHECKING:  # the planner and the spec models load when a command runs, not at --help
    from ..planner import PlanResult, Question
    from ..planner.sessions import Session

__all__ = ["register"]

Planner = Callable[..., "PlanResult"]
_out = Console()
_err = Console(stderr=True)
_MAX_ROUNDS = 3


_emit_json = emit_json


_fail = fail


def _parse_answers(pairs: list[str] | None) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SpecError(f"expected KEY=VALUE (a question key), got {pair!r}", "--answer")
        answers[key.strip()] = value.strip()
    return answers


def _ask(questions: list[Question], answers: dict[str, str]) -> dict[str, str]:
    """Ask each open question on the terminal; Enter keeps the default."""
    asked: dict[str, str] = {}
    for q in questions:
        if q.key in answers:
            continue
        text = q.text
        if q.choices:
            text += f" [{' / '.join(q.choices)}]"
        reply = typer.prompt(text, default=q.default or "", show_default=bool(q.default), err=True)
        asked[q.key] = str(reply).strip() or (q.default or "")
    return asked


def _converse(
    planner: Planner, prompt: str, answers: dict[str, str], interactive: bool
) -> tuple[PlanResult, dict[str, str], list[dict[str, Any]]]:
    """Plan; in interactive mode ask and re-plan until nothing new is asked."""
    transcript: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    result = planner(prompt, answers=answers)
    for _ in range(_MAX_ROUNDS):
        open_questions = [q for q in result.questions if q.key not in answers]
        if not interactive or not open_questions:
            break
        transcript.append({"role": "planner", "questions": [q.__dict__ for q in open_questions]})
        asked = _ask(open_questions, answers)
        transcript.append({"role": "user", "answers": asked})
        answers = {**answers, **asked}
        result = planner(prompt, answers=answers)
    return result, answers, transcript


def _report(result: PlanResult, answers: dict[str, str]) -> None:
    """Assumptions and the defaults used for unanswered questions, on stderr."""
    if result.assumptions:
        _err.print(f"[bold]assumptions[/] ({len(result.assumptions)}):", highlight=False)
        for line in result.assumptions:
            _err.print(f"  - {line}", highlight=False, markup=False, soft_wrap=True)
    open_questions = [q for q in result.questions if q.key not in answers]
    if open_questions:
        _err.print(
            f"[bold]questions answered with defaults[/] ({len(open_questions)}; answer with "
            "--interactive or `sessions resume ID --answer KEY=VALUE`):",
            highlight=False,
        )
        for q in open_questions:
            _err.print(
                f"  {q.key}: {q.text} -> {q.default}", highlight=False, markup=False, soft_wrap=True
            )


def _finish(
    session: Session,
    result: PlanResult,
    answers: dict[str, str],
    output: Path | None,
    as_json: bool,
) -> None:
    from ..spec import spec_to_data, spec_to_yaml

    text = spec_to_yaml(result.spec)
    if output is not None:
        try:
            write_atomic(output, text)
        except DataError as exc:
            raise _fail(exc, as_json, "The spec could not be written") from None
        except OSError as exc:
            problem = DataError(f"cannot write {str(output)!r}: {exc.strerror or exc}", "-o")
            raise _fail(problem, as_json, "The spec could not be written") from None
    if as_json:
        _emit_json(
            {
                "ok": True,
                "session": session.id,
                "status": session.status,
                "source": result.source,
                "spec": spec_to_data(result.spec),
                "spec_yaml": text,
                "assumptions": result.assumptions,
                "questions": [q.__dict__ for q in result.questions],
                "answers": answers,
                "output_format": result.output_format,
                "usage": result.usage,
                "written": str(output) if output is not None else None,
            }
        )
        return
    show_spec(text, output, len(result.spec.tables))
    _report(result, answers)
    _err.print(f"session {session.id} ({session.status})", highlight=False)


def register(app: typer.Typer, planner: Planner | None = None) -> None:
    """Add ``plan`` and the ``sessions`` group; ``planner`` defaults to the offline one."""

    def chosen() -> Planner:
        if planner is not None:
            return planner
        from ..planner import plan_offline

        return plan_offline

    @app.command()
    def plan(
        prompt: str = typer.Argument(..., help="What data you need, in words."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write the spec here."),
        interactive: bool = typer.Option(
            False, "--interactive", "-i", help="Ask the clarifying questions in the terminal."
        ),
        answer: list[str] | None = typer.Option(
            None, "--answer", help="KEY=VALUE answer to a question (repeatable)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Plan a spec from words; list every assumption; save the session."""
        from ..planner.sessions import save_session

        if not prompt.strip():
            raise _fail(SpecError("describe the data you need", "prompt"), as_json)
        try:
            answers = _parse_answers(answer)
            result, answers, transcript = _converse(chosen(), prompt, answers, interactive)
            session = save_session(prompt, result, answers=answers, transcript=transcript)
        except SpecError as exc:
            raise _fail(exc, as_json) from None
        _finish(session, result, answers, output, as_json)

    sessions = typer.Typer(
        help="Planning sessions (list, show, resume) and the runs history (runs).",
        no_args_is_help=True,
    )

    @sessions.command("list")
    def list_(
        limit: int = typer.Option(50, "--limit", help="At most this many, newest first."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List saved planning sessions, newest first."""
        from ..planner.sessions import list_sessions

        try:
            found = list_sessions(limit)
        except SpecError as exc:
            raise _fail(exc, as_json) from None
        if as_json:
            _emit_json(
                [
                    {k: s.to_dict()[k] for k in ("id", "created", "updated", "status", "prompt")}
                    for s in found
                ]
            )
            return
        if not found:
            _out.print('no sessions yet: run `synthwright plan "..."`', highlight=False)
            return
        for s in found:
            prompt = s.prompt if len(s.prompt) <= 60 else s.prompt[:57] + "..."
            _out.print(
                f"{s.id}  {s.updated}  {s.status:<8}  {prompt}", highlight=False, markup=False
            )

    @sessions.command("show")
    def show(
        session_id: str = typer.Argument(..., help="Session id (or a unique prefix)."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Show a session: prompt, answers, open questions, assumptions and the spec."""
        from ..planner.sessions import get_session
        from ._history import list_runs

        try:
            s = get_session(session_id)
            runs = list_runs(session_id=s.id)
        except SpecError as exc:
            raise _fail(exc, as_json) from None
        if as_json:
            _emit_json({**s.to_dict(), "runs": [r.to_dict() for r in runs]})
            return
        _out.print(f"session {s.id} ({s.status}, {s.source}) created {s.created}", highlight=False)
        _out.print(f"prompt: {s.prompt}", highlight=False, markup=False)
        for key, value in s.answers.items():
            _out.print(f"answer {key} = {value}", highlight=False, markup=False)
        for q in s.open_questions():
            _out.print(
                f"open {q.key}: {q.text} (default {q.default})", highlight=False, markup=False
            )
        for line in s.assumptions:
            _out.print(f"assumed: {line}", highlight=False, markup=False)
        for run in runs:
            _out.print(f"run {_run_line(run)}", highlight=False, markup=False, soft_wrap=True)
        sys.stdout.write(s.spec_yaml)

    @sessions.command("resume")
    def resume(
        session_id: str = typer.Argument(..., help="Session id (or a unique prefix)."),
        answer: list[str] | None = typer.Option(
            None, "--answer", help="KEY=VALUE answer to a question (repeatable)."
        ),
        interactive: bool = typer.Option(
            False, "--interactive", "-i", help="Ask the open questions in the terminal."
        ),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write the spec here."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Continue a session with more answers and plan again."""
        from ..planner.sessions import get_session, resume_session

        try:
            given = _parse_answers(answer)
            s = get_session(session_id)
            if interactive:
                merged = {**s.answers, **given}
                given.update(_ask(s.open_questions(), merged))
            session, result = resume_session(s.id, given, planner=chosen())
            for _ in range(_MAX_ROUNDS):  # answers can raise new questions
                fresh = [q for q in result.questions if q.key not in session.answers]
                if not interactive or not fresh:
                    break
                session, result = resume_session(
                    s.id, _ask(fresh, session.answers), planner=chosen()
                )
        except SpecError as exc:
            raise _fail(exc, as_json) from None
        _finish(session, result, session.answers, output, as_json)

    @sessions.command("runs")
    def runs_(
        limit: int = typer.Option(50, "--limit", help="At most this many, newest first."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List where each generate run went (destination, format, rows), newest first."""
        from ._history import list_runs

        try:
            found = list_runs(limit)
        except SpecError as exc:
            raise _fail(exc, as_json) from None
        if as_json:
            _emit_json([r.to_dict() for r in found])
            return
        if not found:
            _out.print("no runs yet: run `synthwright generate SPEC`", highlight=False)
            return
        for run in found:
            _out.print(_run_line(run), highlight=False, markup=False, soft_wrap=True)

    app.add_typer(sessions, name="sessions")


def _run_line(run: Any) -> str:
    """``id  when  spec  rows  kind format -> destination`` for one run record."""
    shape = f"{run.kind} {run.format}" if run.format else run.kind
    return f"{run.id}  {run.at}  {run.spec}  {run.total_rows} rows  {shape} -> {run.destination}"
