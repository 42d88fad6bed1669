"""``synthwright provision run|serve``: a company's website -> a demo warehouse (SPEC.md section 6).

``run`` checks every option before any work (bad input exits 2, located,
nothing written), then runs the checkpointed job into ``--out`` (its state
in ``DIR/.provision/state.sqlite``): a rerun with unchanged inputs reuses
every finished stage, and a killed run resumes at the stage that did not
finish. ``serve`` starts the API and dashboard. Only Typer is imported at
start-up; the pipeline, the engine, httpx and FastAPI load in the command.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import typer

from ._output import emit_json, fail

__all__ = ["provision_app", "register"]

provision_app = typer.Typer(
    name="provision",
    help="Website -> demo warehouse: research, data model, load, golden queries, demo script.",
    no_args_is_help=True,
)


def _problems(
    url: str | None, out: Path | None, db: str | None, max_pages: int, scale: float | None
) -> tuple[str | None, list[Any]]:
    """The normalised URL and every problem with the options (each located)."""
    from ..errors import Problem, SynthwrightError

    problems: list[Problem] = []
    normalised = None
    if url is not None:
        from ..provision.fetch import normalise_url

        try:
            normalised = normalise_url(url, "URL")
        except SynthwrightError as exc:
            problems.extend(exc.problems)
    if not 1 <= max_pages <= 500:
        problems.append(Problem("--max-pages", f"must be between 1 and 500, got {max_pages}"))
    if scale is not None and not (math.isfinite(scale) and 0 < scale <= 100):
        problems.append(
            Problem("--scale", f"must be a number above 0 and at most 100, got {scale}")
        )
    if db is not None:
        from ..provision.warehouse import check_url

        try:
            check_url(db)
        except SynthwrightError as exc:
            problems.extend(exc.problems)
    if out is not None:
        if out.exists() and not out.is_dir():
            problems.append(Problem("--out", f"{str(out)!r} exists and is not a folder"))
        elif not out.exists() and not _creatable(out):
            problems.append(Problem("--out", f"the folder {str(out.parent)!r} does not exist"))
    return normalised, problems


def _creatable(path: Path) -> bool:
    parent = path.resolve().parent
    while not parent.exists():
        parent = parent.parent
    return parent.is_dir()


def _llm_client(llm: str | None, model: str | None, as_json: bool) -> tuple[Any, Any]:
    from ..llm import LLMConfigError, resolve_config

    try:
        config = resolve_config(llm, model)
    except LLMConfigError as exc:
        raise fail(exc, as_json) from None
    if not config.enabled:
        return config, None
    from ..llm import make_client

    return config, make_client(config)


def _printer(enabled: bool) -> Any:
    """Stage transitions as lines on stderr (a terminal only)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        return None

    def show(event: dict[str, Any]) -> None:
        status = event.get("status")
        if status in ("done", "reused") or event.get("phase") in ("completed", "failed"):
            console.print(
                f"[{event.get('progress', 0):5.1f}%] {event.get('phase')}: {status}",
                highlight=False,
                markup=False,
            )

    return show


@provision_app.command("run")
def run(
    url: str = typer.Argument(..., help="The company's website (http or https)."),
    out: Path = typer.Option(Path("demo"), "--out", help="Output folder (default ./demo)."),
    db: str | None = typer.Option(
        None, "--db", help="Warehouse URL (default duckdb:///DIR/warehouse.duckdb)."
    ),
    max_pages: int = typer.Option(20, "--max-pages", help="Pages to read at most."),
    scale: float = typer.Option(1.0, "--scale", help="Multiply the row counts."),
    llm: str | None = typer.Option(None, "--llm", help="openai | anthropic | none (offline)."),
    model: str | None = typer.Option(None, "--model", help="LLM model name."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> None:
    """Read a website and provision a demo warehouse, golden queries and a demo script."""
    from ..errors import SpecError, SynthwrightError

    normalised, problems = _problems(url, out, db, max_pages, scale)
    if problems:
        raise fail(SpecError(problems), as_json, "Cannot provision")
    assert normalised is not None
    config, client = _llm_client(llm, model, as_json)
    from ..provision import Cancelled, provision

    started = time.perf_counter()
    try:
        summary = provision(
            normalised,
            out,
            db_url=db,
            max_pages=max_pages,
            scale=scale,
            client=client,
            llm=config.provider if client is not None else None,
            model=config.model if client is not None else None,
            on_event=_printer(not as_json),
        )
    except SynthwrightError as exc:
        raise fail(exc, as_json) from None
    except Cancelled:
        raise fail(SynthwrightError("the job was cancelled", "provision"), as_json) from None
    finally:
        if client is not None:
            client.close()
    _report(summary, out, time.perf_counter() - started, as_json)


def _report(summary: dict[str, Any], out: Path, seconds: float, as_json: bool) -> None:
    outputs = summary["outputs"]
    research = outputs["research"]["summary"]
    golden = outputs["golden"]["summary"]
    files = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    document = {
        "ok": True,
        "job_id": summary["job_id"],
        "out": str(out),
        "company_name": research["company_name"],
        "business_domain": research["business_domain"],
        "golden_queries": len(golden["kept"]),
        "dropped_queries": golden["dropped"],
        "warehouse": outputs["load"]["summary"]["url"],
        "rows": outputs["load"]["summary"]["rows"],
        "stages": summary["stages"],
        "files": files,
        "seconds": round(seconds, 3),
    }
    if as_json:
        emit_json(document)
        return
    from rich.console import Console

    console = Console()
    console.print(
        f"[bold]{research['company_name']}[/] ({research['business_domain']}): "
        f"{len(golden['kept'])} golden queries, {sum(document['rows'].values())} rows "
        f"in {len(document['rows'])} tables, {seconds:.1f} s",
        highlight=False,
    )
    for stage in summary["stages"]:
        console.print(
            f"  {stage['stage']:<9} {stage['status']:<7} {stage.get('seconds', 0):.2f} s",
            highlight=False,
        )
    console.print(f"wrote {', '.join(files)} in {out}", highlight=False, markup=False)


@provision_app.command("serve")
def serve(
    port: int = typer.Option(8090, "--port", help="HTTP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    data_dir: Path = typer.Option(
        Path("provision-data"), "--data-dir", help="Jobs and their files."
    ),
    max_jobs: int = typer.Option(2, "--max-jobs", help="Jobs running at once (the rest queue)."),
    max_pages: int = typer.Option(20, "--max-pages", help="Default pages per job."),
    scale: float = typer.Option(1.0, "--scale", help="Default row-count scale."),
    db: str | None = typer.Option(
        None, "--db", help="One warehouse URL for every job (default: DuckDB per job)."
    ),
    llm: str | None = typer.Option(None, "--llm", help="openai | anthropic | none (offline)."),
    model: str | None = typer.Option(None, "--model", help="LLM model name."),
    as_json: bool = typer.Option(False, "--json", help="Errors as JSON."),
) -> None:
    """Serve the provisioning API and dashboard (jobs resume after a restart)."""
    from ..errors import Problem, SpecError

    _, problems = _problems(None, data_dir, db, max_pages, scale)
    if not 1 <= max_jobs <= 32:
        problems.append(Problem("--max-jobs", f"must be between 1 and 32, got {max_jobs}"))
    if not 0 < port < 65536:
        problems.append(Problem("--port", f"must be 1-65535, got {port}"))
    elif not _port_free(host, port):
        problems.append(Problem("--port", f"{host}:{port} is taken or cannot be bound"))
    if problems:
        raise fail(SpecError(problems), as_json, "Cannot serve")
    config, client = _llm_client(llm, model, as_json)
    if client is not None:
        client.close()
    factory = None
    if config.enabled:
        from ..llm import make_client

        def factory() -> Any:
            return make_client(config)

    import uvicorn

    from ..provision.web import create_app

    app = create_app(
        data_dir,
        max_jobs=max_jobs,
        client_factory=factory,
        max_pages=max_pages,
        scale=scale,
        db_url=db,
    )
    typer.echo(f"synthwright provision: http://{host}:{port}/ (data in {data_dir})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _port_free(host: str, port: int) -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        return True
    except OSError:
        return False


def register(app: typer.Typer) -> None:
    """Add ``provision`` to `app`."""
    app.add_typer(provision_app, name="provision")
