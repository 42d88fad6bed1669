"""``synthwright serve``: the HTTP + gRPC test-data service in one process.

Flags win over ``SYNTHWRIGHT_*`` environment variables, which win over the
defaults (see `synthwright.service.settings`). Bad settings exit 2 with
``location: message`` lines; SIGTERM/SIGINT shut down gracefully (exit 0).
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from ..errors import Problem, SpecError, SynthwrightError
from ._output import fail

__all__ = ["register"]

err = Console(stderr=True)


_fail = fail
_TITLE = "Cannot serve"


def register(app: typer.Typer) -> None:
    """Add ``serve`` to `app`."""

    @app.command()
    def serve(
        http_port: int | None = typer.Option(None, "--http-port", help="HTTP port (default 8081)."),
        grpc_port: int | None = typer.Option(None, "--grpc-port", help="gRPC port (default 9001)."),
        host: str | None = typer.Option(None, "--host", help="Interface (default 127.0.0.1)."),
        redis_url: str | None = typer.Option(
            None,
            "--redis-url",
            help="Redis for the response cache and the value pools shared by replicas.",
        ),
        max_records: int | None = typer.Option(None, "--max-records", help="Unary limit (1000)."),
        timeout: float | None = typer.Option(None, "--timeout", help="Per-request seconds (30)."),
        llm: str | None = typer.Option(
            None, "--llm", help="LLM provider openai|anthropic|none (as for every command)."
        ),
        model: str | None = typer.Option(None, "--model", help="The LLM's model name."),
        llm_fallback: str | None = typer.Option(
            None, "--llm-fallback", help="A second provider tried when the first fails."
        ),
        llm_writer: str | None = typer.Option(
            None, "--llm-writer", help="A user-code LLM writer as module:callable."
        ),
        tracing: str | None = typer.Option(None, "--tracing", help="otlp|console|none."),
        otlp_endpoint: str | None = typer.Option(None, "--otlp-endpoint", help="OTLP/HTTP URL."),
        schema_dir: str | None = typer.Option(None, "--schema-dir", help="Extra schema files."),
        log_level: str | None = typer.Option(None, "--log-level", help="debug|info|warning|error."),
        as_json: bool = typer.Option(False, "--json", help="Errors as JSON."),
    ) -> None:
        """Serve test data over HTTP (FastAPI) and gRPC until SIGTERM/SIGINT."""

        from pydantic import ValidationError

        try:
            from ..service import load_settings
            from ..service.logging import configure_logging
        except ImportError as exc:  # the service extra is not installed
            missing = SpecError(
                f"the service needs extra packages ({exc.name}): pip install 'synthwright[service]'",
                "serve",
            )
            raise _fail(missing, as_json, _TITLE) from None
        if llm and ":" in llm:  # the old meaning of --llm, still accepted
            err.print(
                "[yellow]deprecated:[/] --llm module:callable is now --llm-writer "
                "(SYNTHWRIGHT_LLM_WRITER); --llm names a provider"
            )
            llm_writer, llm = llm_writer or llm, None
        try:
            llm_config = _llm_config(llm, model, llm_fallback)
        except SynthwrightError as exc:
            raise _fail(exc, as_json, _TITLE) from None
        try:
            settings = load_settings(
                http_port=http_port,
                grpc_port=grpc_port,
                host=host,
                redis_url=redis_url,
                max_records_unary=max_records,
                request_timeout_s=timeout,
                llm_writer=llm_writer,
                tracing=tracing,
                otlp_endpoint=otlp_endpoint,
                schema_dir=schema_dir,
                log_level=log_level,
            )
        except ValidationError as exc:
            problems = [
                Problem("--" + ".".join(str(p) for p in e["loc"]).replace("_", "-"), e["msg"])
                for e in exc.errors()
            ]
            raise _fail(SpecError(problems), as_json, _TITLE) from None
        refused = _preflight(settings)
        if refused:
            raise _fail(SpecError(refused), as_json, _TITLE) from None
        configure_logging(settings.log_level)
        from ..service.server import serve as run

        try:
            _event_loop_runner()(run(settings, llm_config=llm_config))
        except SynthwrightError as exc:
            raise _fail(exc, as_json, _TITLE) from None
        except SystemExit as exc:  # uvicorn's own exit 3: its port was taken after the preflight
            if type(exc) is not SystemExit or exc.code in (None, 0):
                raise  # a signal (`cli._signals.Interrupted`) or a clean stop
            problem = SpecError(
                "the HTTP server could not start (is the port free?)", "--http-port"
            )
            raise _fail(problem, as_json, _TITLE) from None
        except (OSError, RuntimeError) as exc:  # gRPC's "Failed to bind", the same race
            where = "--grpc-port" if "bind" in str(exc).lower() else "serve"
            raise _fail(SpecError(str(exc), where), as_json, _TITLE) from None


def _llm_config(llm: str | None, model: str | None, fallback: str | None) -> Any:
    """The one LLM configuration of the CLI, the agent and the service (llm.config).

    A ``module:callable`` left in ``SYNTHWRIGHT_LLM`` by an older deployment is
    the writer's old spelling: it is moved to the writer with a deprecation note
    rather than refusing to start.
    """
    import os

    from ..llm.config import resolve_config

    env = dict(os.environ)
    old = env.get("SYNTHWRIGHT_LLM", "")
    if ":" in old and llm is None:
        err.print(
            "[yellow]deprecated:[/] SYNTHWRIGHT_LLM=module:callable is now SYNTHWRIGHT_LLM_WRITER"
        )
        env.setdefault("SYNTHWRIGHT_LLM_WRITER", old)
        os.environ.setdefault("SYNTHWRIGHT_LLM_WRITER", old)
        env.pop("SYNTHWRIGHT_LLM")
    return resolve_config(llm, model, fallback=fallback, env=env)


def _event_loop_runner() -> Any:
    """uvloop's runner when installed (lower per-request overhead), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        import asyncio

        return asyncio.run
    return uvloop.run


def _preflight(settings: Any) -> list[Problem]:
    """What would stop the servers at start, found before anything starts, each located.

    A taken or privileged port and a malformed Redis URL were a traceback (or
    uvicorn's bare exit 3) half-way through start-up; checking them first names
    the flag to change. A port can still be taken in the moment between this
    check and the bind: `serve` translates that failure too.
    """
    import errno
    import socket

    problems: list[Problem] = []
    for flag, port in (("--http-port", settings.http_port), ("--grpc-port", settings.grpc_port)):
        if not port:
            continue  # 0: the system picks a free one
        try:
            infos = socket.getaddrinfo(settings.host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            problems.append(Problem("--host", f"cannot listen on {settings.host!r}: {exc}"))
            break
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    text = f"port {port} on {settings.host} is already in use"
                elif exc.errno == errno.EACCES:
                    text = f"no permission to listen on port {port} (below 1024 needs privileges)"
                else:
                    flag, text = "--host", f"cannot listen on {settings.host}:{port}: {exc}"
                problems.append(Problem(flag, text))
    url = settings.redis_url
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        problems.append(
            Problem("--redis-url", "not a Redis URL: use redis://, rediss:// or unix://")
        )
    return problems
