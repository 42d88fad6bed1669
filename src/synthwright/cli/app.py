"""The ``synthwright`` command line (Typer + Rich).

Exit status: 0 ok, 1 a run failed or data broke rules, 2 bad input. Errors are
printed as ``location: message`` lines, never as tracebacks. ``--json`` prints
one machine-readable document on stdout.

Start-up is part of every run, so this module imports only Typer and the error
tree: the facade (``api``, and with it numpy, pyarrow, scipy, duckdb, the spec
models and the catalogue) is imported inside the commands that use it, and
``--help`` never loads it (``tests/unit/cli/test_startup.py`` keeps it so).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import (
    SpecError,
    SynthwrightError,
)
from . import _render
from ._output import emit_json, fail, write_atomic

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="synthwright",
    help="Realistic, rule-true synthetic relational data on demand.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_consoles: dict[str, Console] = {}


def _console(name: str) -> Console:
    """The ``out`` (stdout) or ``err`` (stderr) Rich console, made on first use."""
    if name not in _consoles:
        from rich.console import Console

        _consoles[name] = Console(stderr=name == "err")
    return _consoles[name]


def _out() -> Console:
    return _console("out")


def _err() -> Console:
    return _console("err")


def __getattr__(name: str) -> Any:
    """``app.out`` and ``app.err`` for the command modules: consoles are made on first use."""
    if name in ("out", "err"):
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_emit_json = emit_json
_fail = fail

FORMATS = ("parquet", "csv", "jsonl", "json", "sql", "xlsx", "xml", "arango", "pdf", "docx")


def _looks_like_prompt(source: str) -> bool:
    path = Path(source)
    if path.exists() or source.endswith((".yaml", ".yml", ".json")):
        return False
    return " " in source.strip()


def _load(source: str, as_json: bool) -> Any:
    if _looks_like_prompt(source):
        msg = 'this command takes a spec file; plan from words with `synthwright plan "..."`'
        raise _fail(SpecError(msg, "spec"), as_json)
    from .. import api
    from ..truth.bundled import resolve_source  # a bare name is a bundled spec (`examples`)

    try:
        return api.load_spec(resolve_source(source))
    except SpecError as exc:
        raise _fail(exc, as_json) from None


def _plan(prompt: str, config: Any, as_json: bool) -> Any:
    """Plan a spec from words (agent when an LLM is configured, else offline rules)."""
    from ..errors import LLMError
    from ..planner.agent import plan_auto
    from ..spec import spec_to_yaml

    if not prompt.strip():
        raise _fail(SpecError("the prompt is empty", "prompt"), as_json)
    try:
        result = plan_auto(prompt, config=config)
    except LLMError as exc:
        raise _fail(exc, as_json) from None
    except SpecError as exc:
        raise _fail(exc, as_json) from None
    if not as_json:
        _err().print(f"[bold]Planned from words[/] ({result.source}); spec used:", highlight=False)
        _err().print(spec_to_yaml(result.spec), highlight=False, markup=False, soft_wrap=True)
        for line in result.assumptions:
            _err().print(f"  assumed: {line}", highlight=False, markup=False, soft_wrap=True)
        for q in result.questions:
            default = f" (default: {q.default})" if q.default else ""
            _err().print(f"  open question: {q.text}{default}", highlight=False, markup=False)
    return result


@app.command()
def generate(
    spec: str = typer.Argument(..., help="Spec file (YAML/JSON), or a quoted prompt."),
    rows: int | None = typer.Option(None, "--rows", help="Rows for every root table."),
    scale: float | None = typer.Option(None, "--scale", help="Multiply root row counts."),
    seed: int | None = typer.Option(None, "--seed", help="Overrides the spec's seed."),
    out_target: str = typer.Option(
        "out", "--out", help="Output directory, or an object-store URL (s3://bucket/prefix/)."
    ),
    fmt: str | None = typer.Option(None, "--format", help="|".join(FORMATS) + " (default parquet)"),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL (sqlite:///x.db, duckdb:///x.duckdb, postgresql://, mysql://).",
    ),
    if_exists: str = typer.Option("fail", "--if-exists", help="fail|replace|append|truncate"),
    dialect: str = typer.Option("postgres", "--dialect", help="SQL dialect for --format sql."),
    verify: bool = typer.Option(False, "--verify", help="Re-check every rule on the output."),
    llm: str | None = typer.Option(
        None, "--llm", help="openai|anthropic|none (planning, llm columns)."
    ),
    model: str | None = typer.Option(None, "--model", help="LLM model name."),
    allow_data_to_llm: bool = typer.Option(
        False, "--allow-data-to-llm", help="Allow sample/user data in LLM prompts."
    ),
    max_llm_tokens: int | None = typer.Option(
        None, "--max-llm-tokens", help="Token budget for llm text columns."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    preset: str | None = typer.Option(None, "--preset", help="A preset of the spec (presets:)."),
    nest: list[str] | None = typer.Option(
        None, "--nest", help="PARENT.CHILD[.GRANDCHILD]: embed children (json, jsonl, xml)."
    ),
    doc_rows: int = typer.Option(50, "--doc-rows", help="Rows per table in pdf/docx output."),
    workers: int | None = typer.Option(
        None, "--workers", help="Generate on N local worker processes (Dask): DIR/T/part-*.parquet."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Generate on an existing Dask cluster (tcp://host:8786)."
    ),
) -> None:
    """Generate data from a spec (a file, a bundled name, or a quoted prompt) into files or a database."""
    import contextlib

    from .. import api
    from ..spec import spec_to_yaml
    from .cmd_llm import config_from_options, usage_line

    if workers is not None or scheduler is not None:
        _refuse_unpartitioned(workers, scheduler, fmt, db, nest, out_target, as_json)

    out_dir = Path(out_target)
    out_url = out_target if "://" in out_target else None  # s3://..., written by sinks.cloud
    if fmt is not None and fmt not in FORMATS:
        raise _fail(
            SpecError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", "--format"),
            as_json,
        )
    if if_exists not in ("fail", "replace", "append", "truncate"):
        raise _fail(SpecError("one of fail, replace, append, truncate", "--if-exists"), as_json)
    if rows is not None and rows < 0:
        raise _fail(SpecError("must be >= 0", "--rows"), as_json)
    if nest and (db or (fmt or "parquet") not in ("json", "jsonl", "xml")):
        raise _fail(SpecError("--nest works with --format json, jsonl or xml", "--nest"), as_json)
    if scale is not None and not 0 < scale < float("inf"):  # NaN too; 0 used to mean "unscaled"
        raise _fail(SpecError(f"must be a finite number above 0, got {scale}", "--scale"), as_json)
    config = config_from_options(llm, model, allow_data_to_llm, as_json)
    planned = None
    if _looks_like_prompt(spec):
        planned = _plan(spec, config, as_json)
        loaded = planned.spec
        if fmt is None and planned.output_format in FORMATS:
            fmt = planned.output_format
        elif fmt is None and planned.output_format in ("sqlite", "duckdb") and not db:
            ext = "db" if planned.output_format == "sqlite" else "duckdb"
            db = f"{planned.output_format}:///{out_dir / f'{loaded.name}.{ext}'}"
            out_dir.mkdir(parents=True, exist_ok=True)
    else:
        loaded = _load(spec, as_json)
    planting = None  # truth records (SPEC.md section 4): planted before, written with the data
    if preset is not None or loaded.truth:
        from .cmd_truth import plan_truth

        planting = plan_truth(
            loaded, preset=preset, seed=seed, rows=rows, scale=scale, as_json=as_json
        )
        loaded, seed, rows, scale = planting.spec, planting.seed, None, None
    fmt = fmt or "parquet"
    llm_report: dict[str, Any] = {}
    if workers is not None or scheduler is not None:
        _refuse_unpartitioned(workers, scheduler, fmt, db, nest, out_target, as_json)
    with _render.progress(enabled=not as_json) as on_progress, contextlib.ExitStack() as stack:
        try:
            client = None
            if workers is not None or scheduler is not None:
                from ..scale import connect  # dask: only when workers are asked for

                client = stack.enter_context(connect(workers, scheduler))
            ds = api.generate(
                loaded, seed=seed, rows=rows, scale=scale, on_progress=on_progress, client=client
            )
            if config.enabled and _has_llm_columns(loaded):
                llm_report = _fill_llm_text(ds, config, max_llm_tokens, allow_data_to_llm)
            options: dict[str, Any] = {"dialect": dialect} if fmt == "sql" else {}
            if nest:
                options["nest"] = list(nest)
            if fmt in ("pdf", "docx"):
                options["doc_rows"] = doc_rows
            if planting is not None:
                from .cmd_truth import write_with_truth

                written = write_with_truth(
                    planting,
                    ds,
                    out_dir=out_dir,
                    fmt=fmt,
                    options=options,
                    db=db,
                    if_exists=if_exists,
                )
            elif db:
                written = ds.to_db(db, if_exists=if_exists)
            else:
                written = ds.write(out_url or out_dir, format=fmt, **options)
        except SynthwrightError as exc:  # the status is the class's: 2 bad input, 1 failed run
            raise _fail(exc, as_json) from None
    from ._history import record_quietly

    session_id = None
    if planned is not None:
        from ..planner.sessions import save_session

        if not db and out_url is None:
            write_atomic(out_dir / "spec.yaml", spec_to_yaml(loaded))
            written.append(str(out_dir / "spec.yaml"))
        session_id = save_session(spec, planned, status="generated").id
    record_quietly(  # where this run went: `synthwright sessions runs`
        lambda note: typer.echo(note, err=True),
        spec=loaded.name or "spec",
        source="prompt" if planned is not None else spec,
        target=db or out_url or str(out_dir),
        format=None if db else fmt,
        seed=ds.seed,
        rows=ds.stats.rows,
        written=written,
        session_id=session_id,
    )
    findings: list[Any] = []
    if verify and not db and out_url is None:
        findings = api.check(str(out_dir), loaded)
    stats = ds.stats
    usage = llm_report.get("usage") or (planned.usage if planned is not None else {})
    if as_json:
        _emit_json(
            {
                "ok": not findings,
                "rows": stats.rows,
                "seconds": round(stats.seconds, 3),
                "rows_per_second": round(stats.rows_per_second),
                "defects": stats.defects or None,
                "written": written,
                "findings": [f.__dict__ for f in findings],
                "planned": planned.source if planned is not None else None,
                "llm": llm_report or None,
                "usage": usage or None,
            }
        )
    else:
        _render.run_summary(_out(), stats, written)
        _defect_lines(stats.defects, "injected defects (quality:)")
        if usage and usage.get("calls"):
            _out().print(usage_line(usage), highlight=False)
        if verify:
            _render.findings(_out(), findings)
    if findings:
        raise typer.Exit(1)


def _refuse_unpartitioned(
    workers: int | None,
    scheduler: str | None,
    fmt: str | None,
    db: str | None,
    nest: list[str] | None,
    out_target: str,
    as_json: bool,
) -> None:
    """Refuse (exit 2, before anything is written) what workers cannot write in parts."""
    if workers is not None and scheduler is not None:
        raise _fail(SpecError("give --workers or --scheduler, not both", "--workers"), as_json)
    if workers is not None and workers < 1:
        raise _fail(SpecError(f"must be at least 1, got {workers}", "--workers"), as_json)
    flag = "--workers" if workers is not None else "--scheduler"
    if db:
        raise _fail(
            SpecError(
                f"{flag} writes files (parquet, csv or jsonl parts); loading a database in "
                "parallel (COPY into staging tables) is not implemented: drop "
                f"{flag} to load it from one process",
                "--db",
            ),
            as_json,
        )
    if fmt is not None and fmt not in ("parquet", "csv", "jsonl"):
        raise _fail(
            SpecError(
                f"--format {fmt} cannot be written in parts; {flag} writes parquet, csv or jsonl",
                "--format",
            ),
            as_json,
        )
    if nest:
        raise _fail(SpecError(f"--nest is not written in parts by {flag}", "--nest"), as_json)
    if "://" in out_target:
        raise _fail(
            SpecError(f"{flag} writes into a directory, not an object-store URL yet", "--out"),
            as_json,
        )


def _has_quality(spec: Any) -> bool:
    return any(t.quality is not None for t in spec.tables.values())


def _defect_lines(defects: dict[str, dict[str, int]], title: str) -> None:
    """``quality:`` defects per table and kind, one line per table (none: nothing)."""
    shown = {t: kinds for t, kinds in defects.items() if kinds}
    if not shown:
        return
    _out().print(f"{title}:", highlight=False, markup=False)
    for table, kinds in shown.items():
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
        _out().print(f"  {table}: {parts}", highlight=False, markup=False)


def _has_llm_columns(spec: Any) -> bool:
    from ..spec import TypeColumn

    return any(
        isinstance(col, TypeColumn) and col.type == "llm"
        for table in spec.tables.values()
        for col in table.columns.values()
    )


def _fill_llm_text(ds: Any, config: Any, max_tokens: int | None, allow: bool) -> dict[str, Any]:
    """Replace offline template text of `type: llm` columns with the configured LLM's text."""
    from ..llm import DataPolicy, fill_llm_columns, make_client

    tables, report = fill_llm_columns(
        ds.materialize(),
        ds.spec,
        make_client(config),
        max_tokens_total=max_tokens,
        policy=DataPolicy(allow_data_to_llm=allow or config.allow_data_to_llm),
    )
    ds.replace_tables(tables)
    return report


@app.command()
def preview(
    spec: str = typer.Argument(..., help="Spec file (YAML/JSON)."),
    rows: int = typer.Option(10, "--rows", help="Rows to show per root table."),
    seed: int | None = typer.Option(None, "--seed"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a few generated rows of every table; writes nothing."""
    from .. import api

    if rows < 0:
        raise _fail(SpecError(f"must be >= 0, got {rows}", "--rows"), as_json)
    loaded = _load(spec, as_json)
    if loaded.truth:
        # a preview's few rows cannot hold the truth sets: show the tables without them, say so
        loaded = loaded.model_copy(update={"truth": None})
        if not as_json:
            typer.echo("note: truth records are not planted in a preview", err=True)
    try:
        ds = api.generate(loaded, seed=seed, rows=rows)
        tables = ds.materialize()
    except SynthwrightError as exc:
        raise _fail(exc, as_json) from None
    if as_json:
        _emit_json({name: t.slice(0, rows).to_pylist() for name, t in tables.items()})
        return
    for name in ds.table_names:
        _render.table(_out(), name, tables[name], rows)


@app.command()
def validate(
    spec: str = typer.Argument(..., help="Spec file (YAML/JSON)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Check a spec; list every problem with its location (exit 2 if any)."""
    loaded = _load(spec, as_json)
    if loaded.truth or loaded.presets:
        from .cmd_truth import check_truth

        check_truth(loaded, as_json)
    if as_json:
        _emit_json({"ok": True, "tables": list(loaded.tables)})
    else:
        _out().print(
            f"[green]ok[/]: {spec} is valid ({len(loaded.tables)} tables)", highlight=False
        )


@app.command()
def check(
    data: str = typer.Argument(
        ..., help="Directory of generated files, a .duckdb/.db file, or a database URL."
    ),
    spec: str = typer.Option(..., "--spec", help="The spec the data must satisfy."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Check data against every rule, key and constraint of a spec (exit 1 on findings)."""
    from .. import api

    loaded = _load(spec, as_json)
    try:
        findings = api.check(data, loaded)
        planted = api.defects(data, loaded) if _has_quality(loaded) else {}
    except SynthwrightError as exc:
        raise _fail(exc, as_json) from None
    if as_json:
        result = {"ok": not findings, "findings": [f.__dict__ for f in findings]}
        _emit_json({**result, "defects": planted} if planted else result)
    else:
        _render.findings(_out(), findings)
        _defect_lines(planted, "labelled defects (not violations)")
    if findings:
        raise typer.Exit(1)


@app.command()
def types(
    name: str | None = typer.Argument(None, help="A type to describe in full."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The type catalogue: every type with its parameters (and examples for one type)."""
    from .. import catalog

    if name is None:
        gens = catalog.all_generators()
        if as_json:
            _emit_json([_render.type_info(g) for g in gens])
        else:
            _render.catalogue(_out(), gens)
        return
    gen = catalog.get(name)
    if gen is None:
        import difflib

        close = difflib.get_close_matches(name, catalog.names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _fail(SpecError(f"unknown type {name!r}{hint}", "types"), as_json)
    info = _render.type_info(gen, examples=True)
    if as_json:
        _emit_json(info)
    else:
        _render.type_detail(_out(), info)


@app.command()
def demo(
    out_dir: Path = typer.Option(Path("out"), "--out", help="Output directory."),
    seed: int | None = typer.Option(None, "--seed"),
) -> None:
    """Generate the bundled shop example into ./out (Parquet + DuckDB) and check it."""
    from importlib import resources

    from .. import api

    text = (resources.files("synthwright") / "examples" / "shop.yaml").read_text(encoding="utf-8")
    spec = api.load_spec(text)
    _out().print(
        f"[bold]synthwright demo[/]: {spec.name} ({len(spec.tables)} tables) -> {out_dir}/"
    )
    started = time.perf_counter()
    try:
        with _render.progress(enabled=True) as on_progress:
            ds = api.generate(spec, seed=seed, on_progress=on_progress)
            ds.materialize()
        written = ds.write(out_dir, format="parquet")
        db_path = out_dir / f"{spec.name}.duckdb"
        written += ds.to_db(f"duckdb:///{db_path}", if_exists="replace")
    except SynthwrightError as exc:
        raise _fail(exc, False) from None
    _render.run_summary(_out(), ds.stats, written)
    findings = api.check(ds, spec)
    _out().print(f"total time incl. writing: {time.perf_counter() - started:.2f} s")
    _render.findings(_out(), findings)
    if findings:
        raise typer.Exit(1)


def _register_commands() -> None:
    """Commands that live in their own modules (one module per command group)."""
    from . import cmd_introspect, cmd_llm, cmd_plan, cmd_profile, cmd_serve

    cmd_introspect.register(app)
    cmd_profile.register(app)
    cmd_serve.register(app)
    cmd_llm.register(app)
    cmd_plan.register(app, planner=_auto_planner)
    from . import cmd_tasks

    cmd_tasks.register(app)
    from . import cmd_provision

    cmd_provision.register(app)
    from . import cmd_truth

    cmd_truth.register(app)
    from . import cmd_rag

    cmd_rag.register(app)


def _auto_planner(prompt: str, *, answers: dict[str, str] | None = None) -> Any:
    from ..planner.agent import plan_auto

    return plan_auto(prompt, answers=answers)


_register_commands()


def main() -> None:
    """Console entry point: a signal is a clean exit, and no traceback ever reaches the user.

    Every command already renders its own errors (exit 2 or 1, located); this is
    the net under them. SIGINT/SIGTERM/SIGHUP stop the run through the same abort
    paths an error takes (`_signals`), exiting 128 + the signal's number. Anything
    that still escapes is a bug: one located line asking for a report, exit 1.
    """
    import sys

    from ._output import render_error
    from ._signals import Interrupted, handled, received

    def stopped(signum: int) -> SystemExit:
        name = Interrupted(signum).name
        _err().print(
            f"stopped by {name}: the run was abandoned and its partial output removed",
            highlight=False,
        )
        return SystemExit(128 + signum)

    try:
        with handled():
            app()
    except Interrupted as exc:
        raise stopped(exc.signum) from None
    except SystemExit as exc:
        # a library caught our signal's exception and raised its own error, which a
        # command rendered: the run was still stopped by the signal
        signum = received()
        if signum is not None and exc.code != 128 + signum:
            raise stopped(signum) from None
        raise
    except BrokenPipeError:  # `synthwright ... | head`: the reader left; not an error of ours
        raise SystemExit(1) from None
    except Exception as exc:  # the safety net; each known class is fixed where it starts
        signum = received()
        if signum is not None:  # e.g. DuckDB's "Query interrupted"
            raise stopped(signum) from None
        raise SystemExit(render_error(exc, "--json" in sys.argv[1:])) from None
