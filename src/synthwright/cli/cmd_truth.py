"""``synthwright evaluate`` and ``synthwright examples``, and the truth steps of ``generate``.

``evaluate`` scores a system under test -- a results file, or SQL run on
generated files or a database -- against a ``truth.json``; ``examples``
lists the bundled specs that ``generate NAME`` takes. ``generate`` calls
:func:`plan_truth` and :func:`write_with_truth` when a spec has a truth
section or ``--preset`` is given, so that planted rows, data and manifest
come from one run and are written together.

Everything heavy (the truth package, numpy, pyarrow, duckdb) is imported
inside the commands: ``--help`` stays light (``tests/unit/cli/test_startup.py``).
Exit status: 0 ok, 1 a failed run, 2 bad input (a bad manifest, results
file, SQL or spec).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..errors import DataError, Problem, SpecError, SynthwrightError
from ._output import emit_json, fail, write_atomic

__all__ = ["check_truth", "plan_truth", "register", "write_with_truth"]

_EVALUATE_HELP = """Score a system's answers against a truth manifest (precision, recall, F1).

The system under test is a results file (--results R.jsonl: lines
{"query": NAME, "keys": [...]}) or SQL per query (--sql Q.yaml: NAME -> SQL
whose first column is the key) run on --data DIR or --db URL. Prints each
query's scores, the macro and micro averages, and which predicates the
system ignored (the near misses it returned). Empty sets: nothing expected
and nothing returned scores 1.0; one side empty scores 0.0 (never NaN).
--qrels and --run write TREC files for ir-measures / trec_eval.
"""


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr)


def plan_truth(
    spec: Any,
    *,
    preset: str | None,
    seed: int | None,
    rows: int | None,
    scale: float | None,
    as_json: bool,
) -> Any:
    """The planting ``generate`` runs (preset applied, scaled, planted); located errors exit 2."""
    from ..truth import prepare

    try:
        return prepare(spec, seed=seed, rows=rows, scale=scale, preset=preset)
    except SpecError as exc:
        raise fail(exc, as_json) from None


def write_with_truth(
    planting: Any,
    dataset: Any,
    *,
    out_dir: Path,
    fmt: str,
    options: dict[str, Any],
    db: str | None,
    if_exists: str,
) -> list[str]:
    """Write the data and ``truth.json`` all or nothing (see ``synthwright.truth.run``)."""
    from ..truth import TruthRun
    from ..truth.run import manifest_path

    run = TruthRun(planting, dataset)
    if db:
        return run.to_db(db, if_exists=if_exists, manifest=manifest_path(out_dir, db))
    return run.write(out_dir, format=fmt, **options)


def check_truth(spec: Any, as_json: bool) -> None:
    """Refuse (exit 2) a spec whose truth set, or a preset's, cannot be planted."""
    from ..truth import apply_preset, plant

    problems: list[Problem] = []
    seed = spec.seed if spec.seed is not None else 0
    try:
        plant(spec, seed=seed)
    except SpecError as exc:
        problems += exc.problems
    for name, preset in (spec.presets or {}).items():
        try:
            plant(apply_preset(spec, name), seed=seed)
        except SpecError as exc:
            for p in exc.problems:
                if preset.truth is not None and p.location.startswith("truth."):
                    moved = Problem(f"presets.{name}.{p.location}", p.message, p.code)
                elif p.location.startswith(("truth", "presets")):
                    moved = Problem(p.location, f"with preset {name}: {p.message}", p.code)
                else:
                    moved = p
                if moved not in problems:
                    problems.append(moved)
    if problems:
        raise fail(SpecError(problems), as_json)


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _show(report: Any) -> None:
    from rich.table import Table

    out = _console()
    table = Table(title="truth evaluation", title_justify="left")
    for head in ("query", "table", "expected", "returned", "precision", "recall", "F1"):
        left = head in ("query", "table")
        table.add_column(head, justify="left" if left else "right", overflow="fold")
    for q in report.queries:
        name = q.name + (" (no results)" if q.missing else "")
        table.add_row(
            name,
            q.table,
            str(len(q.expected)),
            str(len(q.returned)),
            _fmt(q.precision),
            _fmt(q.recall),
            _fmt(q.f1),
        )
    for label, avg in (("macro", report.macro), ("micro", report.micro)):
        table.add_row(
            f"[bold]{label}[/]",
            "",
            "",
            "",
            _fmt(avg["precision"]),
            _fmt(avg["recall"]),
            _fmt(avg["f1"]),
        )
    out.print(table)
    for q in report.queries:
        if not q.near_misses:
            continue
        parts = ", ".join(f"{c} {g}/{n}" for c, (g, n) in q.near_misses.items())
        out.print(
            f"{q.name}: near misses returned, by the predicate they fail: {parts}",
            highlight=False,
            markup=False,
        )
        for column in q.ignored:
            got, total = q.near_misses[column]
            out.print(
                f"  -> the {column} predicate is ignored or loosened: {got} of {total} rows "
                f"that fail only {column} were returned",
                highlight=False,
                markup=False,
            )
        others = len(q.false_positives) - sum(g for g, _ in q.near_misses.values())
        if others > 0:
            out.print(f"  {others} other wrong keys returned", highlight=False, markup=False)
    if report.unknown:
        out.print(
            f"results for queries the manifest lacks (not scored): {', '.join(report.unknown)}",
            highlight=False,
            markup=False,
        )


def register(app: typer.Typer) -> None:
    """Add ``evaluate`` and ``examples`` to a Typer app."""

    @app.command(help=_EVALUATE_HELP)
    def evaluate(
        truth_file: Path = typer.Argument(..., help="The truth.json written beside the data."),
        results: Path | None = typer.Option(None, "--results", help="Results, JSON lines."),
        sql: Path | None = typer.Option(None, "--sql", help="YAML: query name -> SQL."),
        data: Path | None = typer.Option(None, "--data", help="Folder of generated files."),
        db: str | None = typer.Option(None, "--db", help="Database URL the SQL runs on."),
        qrels: Path | None = typer.Option(None, "--qrels", help="Write TREC qrels here."),
        run: Path | None = typer.Option(None, "--run", help="Write the answers as a TREC run."),
        run_name: str = typer.Option("synthwright", "--run-name", help="Run tag in --run."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        from ..truth import evaluate as ev
        from ..truth.system import read_queries, run_queries

        try:
            if (results is None) == (sql is None):
                raise DataError("give --results FILE or --sql FILE (one of them)", "--results")
            if sql is not None and (data is None) == (db is None):
                raise DataError("--sql runs on --data DIR or --db URL (one of them)", "--sql")
            if results is not None and (data is not None or db is not None):
                raise DataError("--data and --db go with --sql, not --results", "--data")
            manifest = ev.read_manifest(truth_file)
            if results is not None:
                answers = ev.read_results(results)
            else:
                assert sql is not None
                answers = run_queries(read_queries(sql), data=data, db_url=db)
            report = ev.evaluate(manifest, answers)
            if qrels is not None:
                write_atomic(qrels, ev.qrels_text(manifest), "--qrels")
            if run is not None:
                write_atomic(run, ev.run_text(answers, run_name), "--run")
        except SynthwrightError as exc:
            raise fail(exc, as_json) from None
        if as_json:
            emit_json(report.to_dict())
        else:
            _show(report)

    @app.command()
    def examples(
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """The bundled specs: `synthwright generate NAME [--preset P]` takes one by name."""
        from ..truth.bundled import describe_bundled

        try:
            items = describe_bundled()
        except SynthwrightError as exc:
            raise fail(exc, as_json) from None
        if as_json:
            emit_json(items)
            return
        from rich.table import Table

        table = Table(title="bundled specs", title_justify="left")
        for head in ("name", "tables (rows)", "presets", "description"):
            table.add_column(head)
        for item in items:
            tables = ", ".join(
                f"{t} {n}" if n is not None else t for t, n in item["tables"].items()
            )
            table.add_row(
                item["name"], tables, ", ".join(item["presets"]) or "-", item["description"]
            )
        _console().print(table)
