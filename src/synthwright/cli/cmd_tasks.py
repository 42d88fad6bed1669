"""``synthwright tasks ...``: training and evaluation data for agents (SPEC.md section 5).

Every command checks its options and input before any work (bad input exits
2, located, nothing written), runs the pipeline in :mod:`synthwright.tasks`,
and writes its output atomically: records to ``-o`` (``.jsonl``, ``.json``
or ``.parquet``; JSONL on stdout without ``-o``), the relations to
``--graph`` (``.cypher`` or ``.graphml``). ``--json`` prints a summary
document (with the records inline when there is no ``-o``). Only Typer is
imported at start-up; the pipeline, the engine and the LLM SDKs load inside
the command that runs.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from ._output import fail

__all__ = ["register", "tasks_app"]

tasks_app = typer.Typer(
    name="tasks",
    help="Training and evaluation data for agents: problems, dialogues, checks, dedup.",
    no_args_is_help=True,
)

_OUT = typer.Option(None, "-o", "--out", help="Output file (.jsonl, .json or .parquet).")
_SEED = typer.Option(0, "--seed", help="Seed: the same seed gives the same records.")
_LLM = typer.Option(None, "--llm", help="openai | anthropic | none (default: offline templates).")
_MODEL = typer.Option(None, "--model", help="LLM model name.")
_GRAPH = typer.Option(None, "--graph", help="Also write the relations (.cypher or .graphml).")
_RESUME = typer.Option(
    False, "--resume", help="Continue an interrupted LLM run from its checkpoint."
)
_BATCH = typer.Option(None, "--batch-size", help="Records per checkpointed batch.", hidden=True)
_JSON = typer.Option(False, "--json", help="Machine-readable summary on stdout.")


_fail = fail  # the one rendering of errors (status from errors.exit_status)


class _Ctx:
    """What every command shares: options checked up front, the client, the clock."""

    def __init__(
        self,
        command: str,
        out: Path | None,
        graph: Path | None,
        as_json: bool,
        *,
        seed: int = 0,
        llm: str | None = None,
        model: str | None = None,
        resume: bool = False,
        batch_size: int | None = None,
        offline_only: bool = False,
    ) -> None:
        from ..errors import DataError, SpecError

        self.command = command
        self.out = out
        self.graph = graph
        self.as_json = as_json
        self.started = time.perf_counter()
        self.client: Any = None
        problems: list[Any] = []
        if out is not None and out.suffix.lower() not in (".jsonl", ".json", ".parquet"):
            problems.append(DataError("use .jsonl, .json or .parquet", "-o"))
        if graph is not None and graph.suffix.lower() not in (".cypher", ".cql", ".graphml"):
            problems.append(DataError("use .cypher or .graphml", "--graph"))
        for path, where in ((out, "-o"), (graph, "--graph")):
            if path is not None and not (path.parent if str(path.parent) else Path(".")).is_dir():
                problems.append(DataError(f"folder {str(path.parent)!r} does not exist", where))
        if resume and out is None:
            problems.append(
                SpecError("needs -o: the checkpoint lives beside the output", "--resume")
            )
        if batch_size is not None and batch_size < 1:
            problems.append(SpecError("must be >= 1", "--batch-size"))
        if problems:
            raise _fail(SpecError([p for e in problems for p in e.problems]), as_json)
        if not offline_only:
            from ..llm import LLMConfigError, resolve_config

            try:
                config = resolve_config(llm, model)
            except LLMConfigError as exc:
                raise _fail(exc, as_json) from None
            if config.enabled:
                from ..llm import make_client

                self.client = make_client(config)
        from ..tasks import Run

        self.run = Run(seed=seed, client=self.client, out=out, resume=resume, batch_size=batch_size)

    def refuse(self, message: str, location: str) -> typer.Exit:
        """Bad input: the located message, exit 2 (raise what this returns)."""
        from ..errors import SpecError

        return _fail(SpecError(message, location), self.as_json)

    def guard(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn``; bad input exits 2, a failed model call exits 1, both located."""
        from ..errors import SynthwrightError

        try:
            return fn(*args, **kwargs)
        except SynthwrightError as exc:  # the class says which: 2 bad input, 1 a failed run
            raise _fail(exc, self.as_json) from None

    def read(self, source: str) -> list[Any]:
        from ..tasks.io import parse_models, read_rows
        from ..tasks.models import ProblemRecord

        return self.guard(lambda: parse_models(read_rows(source), ProblemRecord))  # type: ignore[no-any-return]

    def finish(
        self,
        rows: list[dict[str, Any]],
        *,
        graph: Any = None,
        result: Any = None,
        extra: dict[str, Any] | None = None,
        side_files: list[tuple[Path, str]] | None = None,
        exit_code: int = 0,
    ) -> None:
        """Write the output and the graph (atomically), print the summary, close the client."""
        import sys

        from ..tasks.graph import write_graph
        from ..tasks.io import jsonl_text, write_atomic, write_records

        written: list[str] = []

        def write_all() -> None:
            if self.out is not None:
                write_records(self.out, rows)
                written.append(str(self.out))
            for path, text in side_files or []:

                def put(tmp: str, text: str = text) -> None:
                    Path(tmp).write_text(text, encoding="utf-8")

                write_atomic(path, put)
                written.append(str(path))
            if self.graph is not None and graph is not None:
                write_graph(graph, self.graph)
                written.append(str(self.graph))

        self.guard(write_all)
        if result is not None and result.checkpoint is not None:
            result.checkpoint.finish()
        seconds = time.perf_counter() - self.started
        usage = self.client.usage.to_dict() if self.client is not None else None
        if self.client is not None:
            self.client.close()
        levels: dict[str, int] = {}
        for row in rows:
            if "complexity" in row:
                levels[row["complexity"]] = levels.get(row["complexity"], 0) + 1
        summary: dict[str, Any] = {
            "ok": exit_code == 0,
            "command": self.command,
            "records": len(rows),
            "levels": levels or None,
            "seconds": round(seconds, 3),
            "records_per_second": round(len(rows) / seconds) if seconds > 0 else None,
            "fingerprint": getattr(result, "fingerprint", None) or None,
            "resumed_batches": getattr(result, "resumed_batches", 0),
            "written": written,
            "usage": usage,
            **(extra or {}),
        }
        if self.as_json:
            from ._output import emit_json

            if self.out is None:
                summary["items"] = rows
            emit_json(summary)
        else:
            from rich.console import Console

            if self.out is None:
                sys.stdout.write(jsonl_text(rows))
            console = Console(stderr=True)
            parts = [f"[green]{self.command}[/]: {len(rows)} records in {seconds:.2f} s"]
            if levels:
                parts.append("(" + ", ".join(f"{k} {v}" for k, v in levels.items()) + ")")
            console.print(" ".join(parts), highlight=False)
            for key in ("pass", "fail", "dropped", "clusters"):
                if key in summary:
                    console.print(f"  {key}: {summary[key]}", highlight=False)
            for path in written:
                console.print(f"  wrote {path}", highlight=False)
            if usage and usage.get("calls"):
                from .cmd_llm import usage_line

                console.print("  " + usage_line(usage), highlight=False)
        if exit_code:
            raise typer.Exit(exit_code)


# The options every generating command takes, in the order --help shows them
# after the command's own; `_command` adds the ones a command names.
_SHARED: dict[str, tuple[Any, Any]] = {
    "out": (Path | None, _OUT),
    "seed": (int, _SEED),
    "llm": (str | None, _LLM),
    "model": (str | None, _MODEL),
    "graph": (Path | None, _GRAPH),
    "resume": (bool, _RESUME),
    "batch_size": (int | None, _BATCH),
    "as_json": (bool, _JSON),
}
_ALL = tuple(_SHARED)


def _command(
    name: str, shared: tuple[str, ...] = _ALL, *, offline_only: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``fn(ctx, **own)`` as ``tasks <name>`` with the `shared` options added.

    The shared options are checked (and the client made) in one `_Ctx` before
    ``fn`` runs; ``fn`` states only its own arguments and what it does with them.
    """

    def register_command(fn: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]  # past ctx
        added = [
            inspect.Parameter(
                key,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=_SHARED[key][1],
                annotation=_SHARED[key][0],
            )
            for key in shared
        ]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> None:
            options = {key: kwargs.pop(key) for key in shared}
            out, graph, as_json = options.pop("out"), options.pop("graph"), options.pop("as_json")
            ctx = _Ctx(name, out, graph, as_json, offline_only=offline_only, **options)
            fn(ctx, **kwargs)

        params = [*own, *added]
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return tasks_app.command(name)(command)

    return register_command


def _progress(ctx: _Ctx) -> Any:
    from . import _render

    return _render.progress(enabled=not ctx.as_json)


def _run(ctx: _Ctx, fn: Any, *args: Any) -> Any:
    with _progress(ctx) as on_progress:
        if on_progress is not None:
            ctx.run.on_progress = lambda done, total: on_progress("records", done, total)
        return ctx.guard(fn, *args, ctx.run)


def _graph(result: Any, inputs: list[Any] | None = None) -> Any:
    from ..tasks.graph import build_graph

    return build_graph(
        [*(inputs or []), *result.records],
        interactions=result.interactions,
        bases=result.bases,
        matrices=result.matrices,
    )


def _rows(records: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in records]


def _finish_records(ctx: _Ctx, result: Any, inputs: list[Any] | None = None, **extra: Any) -> None:
    """Write a run's problem records with their relations and print the summary."""
    ctx.finish(_rows(result.records), graph=_graph(result, inputs), result=result, extra=extra)


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


@_command("variations")
def variations(
    ctx: _Ctx,
    base: str = typer.Argument(..., help="The base problem, in words."),
    domain: str = typer.Option(..., "--domain", help="A domain (see `synthwright tasks domains`)."),
    levels: str = typer.Option("simple,medium,complex", "--levels", help="Levels to vary to."),
    per_level: int = typer.Option(3, "--per-level", help="Variations per level."),
) -> None:
    """Variations of a base problem at several complexity levels (each keeps its subject)."""
    from ..tasks import run_variations

    _finish_records(ctx, _run(ctx, run_variations, base, domain, _split(levels), per_level))


@_command("dataset")
def dataset(
    ctx: _Ctx,
    domain: str = typer.Option(..., "--domain", help="A domain, several (a,b) or 'all'."),
    size: int = typer.Option(..., "--size", help="Number of records."),
    mix: str = typer.Option(
        "simple=0.3,medium=0.5,complex=0.2", "--mix", help="Complexity mix (met exactly)."
    ),
) -> None:
    """A dataset of problems whose complexity mix is met exactly (quotas, not draws)."""
    from ..tasks import LEVELS, parse_mix, run_dataset

    shares = ctx.guard(parse_mix, mix, LEVELS)
    _finish_records(ctx, _run(ctx, run_dataset, domain, size, shares))


@_command("matrix")
def matrix(
    ctx: _Ctx,
    domain: str = typer.Option(..., "--domain", help="A domain."),
    dim: list[str] = typer.Option(
        [], "--dim", help="NAME=v1,v2 (repeatable; default: the domain's)."
    ),
    level: str = typer.Option(
        "medium", "--level", help="Level of every cell (unless a 'complexity' dim)."
    ),
    per_cell: int = typer.Option(1, "--per-cell", help="Records per combination."),
) -> None:
    """A problem for every combination of the dimensions, each exactly once."""
    from ..tasks import run_matrix

    result = _run(ctx, run_matrix, domain, dim, level, per_cell)
    _finish_records(ctx, result, cells=len(result.records) // per_cell)


@_command("adversarial")
def adversarial(
    ctx: _Ctx,
    file: str = typer.Argument(
        ..., help="Problem records (.jsonl, .json, .parquet, or - for stdin)."
    ),
    capability: str = typer.Option(..., "--capability", help="The capability the traps aim at."),
    difficulty: str = typer.Option(
        "hard", "--difficulty", help="easy | medium | hard (1, 2, 3 traps)."
    ),
) -> None:
    """Adversarial copies of problems, with traps aimed at a capability."""
    from ..tasks import run_adversarial

    inputs = ctx.read(file)
    _finish_records(ctx, _run(ctx, run_adversarial, inputs, capability, difficulty), inputs)


@_command("expand")
def expand(
    ctx: _Ctx,
    file: str = typer.Argument(..., help="Problem records (.jsonl, .json, .parquet, or -)."),
    factors: str = typer.Option(
        "time,resources,stakeholders,constraints", "--factors", help="Factors to add."
    ),
) -> None:
    """Each problem under each factor (and all of them together)."""
    from ..tasks import run_expand

    inputs = ctx.read(file)
    _finish_records(ctx, _run(ctx, run_expand, inputs, _split(factors)), inputs)


@_command("interactions")
def interactions(
    ctx: _Ctx,
    file: str = typer.Argument(..., help="Problem records (.jsonl, .json, .parquet, or -)."),
    per_problem: int = typer.Option(10, "--per-problem", help="Dialogues per problem."),
) -> None:
    """Multi-turn dialogues (user, agent, tool) about each problem, with outcomes in a fixed mix."""
    from ..tasks import run_interactions

    inputs = ctx.read(file)
    result = _run(ctx, run_interactions, inputs, per_problem)
    rows = [i.to_dict() for i in result.interactions]
    outcomes: dict[str, int] = {}
    for row in rows:
        outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
    ctx.finish(rows, graph=_graph(result, inputs), result=result, extra={"outcomes": outcomes})


@_command("verify", ("out", "seed", "llm", "model", "graph", "as_json"))
def verify(
    ctx: _Ctx,
    file: str = typer.Argument(..., help="Problem records (.jsonl, .json, .parquet, or -)."),
    min_score: float = typer.Option(0.8, "--min-score", help="Score a record needs to pass (0-1)."),
) -> None:
    """Quality scores and a verdict per record: rule checks, plus an LLM judge when configured."""
    from ..tasks.io import read_rows
    from ..tasks.models import ProblemRecord
    from ..tasks.verify import verify_rows

    if not 0 <= min_score <= 1:
        raise ctx.refuse("must be between 0 and 1", "--min-score")
    rows = ctx.guard(read_rows, file)
    judge = None
    if ctx.client is not None:
        from ..tasks.llm_ops import judge_records

        client = ctx.client

        def judge(records: list[Any]) -> list[dict[str, Any]]:
            return judge_records(client, records)

    scored, summary = ctx.guard(verify_rows, rows, min_score=min_score, judge=judge)
    graph_obj = None
    if ctx.graph is not None:
        from ..tasks.graph import build_graph

        valid = [
            ProblemRecord.model_validate(r) for r in scored if r["quality"]["checks"].get("schema")
        ]
        graph_obj = build_graph(valid)
    ctx.finish(
        scored,
        graph=graph_obj,
        extra={"pass": summary["pass"], "fail": summary["fail"], "min_score": min_score},
        exit_code=1 if summary["fail"] else 0,
    )


@_command("dedup", ("out", "graph", "as_json"), offline_only=True)
def dedup(
    ctx: _Ctx,
    file: str = typer.Argument(..., help="Problem records (.jsonl, .json, .parquet, or -)."),
    threshold: float = typer.Option(
        0.9, "--threshold", help="3-gram Jaccard at which two records are duplicates."
    ),
    clusters: Path | None = typer.Option(
        None, "--clusters", help="Where to write the clusters (default: beside -o)."
    ),
) -> None:
    """Near-duplicates out: clusters first, one canonical member kept (independent of input order)."""
    import json

    from ..tasks import dedup as run_dedup
    from ..tasks.graph import build_graph

    if not 0 < threshold <= 1:
        raise ctx.refuse("must be in (0, 1]", "--threshold")
    inputs = ctx.read(file)
    found = ctx.guard(run_dedup, inputs, threshold=threshold)
    where = clusters
    if where is None and ctx.out is not None:
        where = ctx.out.with_name(ctx.out.stem + ".clusters.json")
    side = []
    if where is not None:
        body = {
            "threshold": threshold,
            "clusters": found.clusters,
            "duplicate_of": found.duplicate_of,
        }
        side.append((where, json.dumps(body, indent=1, ensure_ascii=False) + "\n"))
    dropped = [r for r in inputs if r.problem_id in found.duplicate_of]
    graph_obj = build_graph(found.kept, duplicate_of=found.duplicate_of, dropped=dropped)
    ctx.finish(
        _rows(found.kept),
        graph=graph_obj,
        side_files=side,
        extra={
            "input": len(inputs),
            "dropped": len(inputs) - len(found.kept),
            "clusters": len(found.clusters),
        },
    )


@tasks_app.command("domains")
def domains(as_json: bool = _JSON) -> None:
    """The bundled domains, capabilities (for adversarial) and factors (for expand)."""
    from ..tasks import domain_names, load_domain
    from ..tasks.mutate import CAPABILITIES, FACTORS

    found = [load_domain(n) for n in domain_names()]
    if as_json:
        from ._output import emit_json

        items = [{"name": d.name, "title": d.title, "tables": d.table_names} for d in found]
        emit_json({"domains": items, "capabilities": list(CAPABILITIES), "factors": list(FACTORS)})
        return
    lines = [f"{d.name}: {d.title} (tables: {', '.join(d.table_names)})" for d in found]
    lines += [f"capabilities: {', '.join(CAPABILITIES)}", f"factors: {', '.join(FACTORS)}"]
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add ``tasks ...`` to the main app."""
    app.add_typer(tasks_app, name="tasks")
