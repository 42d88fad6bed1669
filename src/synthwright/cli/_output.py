"""What every command prints the same way: JSON documents, located errors, atomic files."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from ..errors import DataError, Problem, SynthwrightError, exit_status

err = Console(stderr=True)

_TITLES = {  # by error code: what failed, as the heading over the problem lines
    "spec_invalid": "The spec has problems",
    "data_invalid": "The data cannot be read",
    "generation_failed": "Generation failed",
    "sink_failed": "Output could not be written",
    "sink_input": "Output could not be written",
    "llm_failed": "The LLM call failed",
    "llm_config": "The LLM configuration is unusable",
    "internal_error": "Unexpected error",
}


def emit_json(data: Any) -> None:
    """One JSON document on stdout (``--json``)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def show_spec(text: str, output: Path | None, tables: int) -> None:
    """A spec a command made: its YAML on stdout, or one line saying where it was written."""
    if output is None:
        sys.stdout.write(text)
    else:
        Console().print(f"[green]wrote[/] {output} ({tables} tables)", highlight=False)


def internal_error(exc: BaseException) -> SynthwrightError:
    """An exception that is not ours to raise, as one located error asking for a report.

    The location is the innermost synthwright frame of the traceback (``file:line in
    function``), so a report names where it broke without the user pasting a traceback.
    """
    where = "synthwright"
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        path = frame.f_code.co_filename.replace(os.sep, "/")
        if "/synthwright/" in path:
            short = path[path.rindex("/synthwright/") + 1 :]
            where = f"{short}:{tb.tb_lineno} in {frame.f_code.co_name}"
        tb = tb.tb_next
    message = f"{type(exc).__name__}: {exc}".rstrip(": ")
    report = "this is a bug in synthwright; please report it with the command that ran"
    error = SynthwrightError([Problem(where, f"{message} ({report})", "internal_error")])
    error.code = "internal_error"
    return error


def render_error(exc: BaseException, as_json: bool, title: str | None = None) -> int:
    """Print an error the one way every command does; return its exit status.

    Each problem is a ``location: message`` line on stderr (under a heading naming
    what failed), or with ``--json`` one document on stdout with the error's class,
    its stable `code` and every problem's location, message and code. An exception
    from outside the error tree is shown as :func:`internal_error`. The status is
    `synthwright.errors.exit_status` (2 bad input, 1 a failed run).
    """
    error = exc if isinstance(exc, SynthwrightError) else internal_error(exc)
    if as_json:
        emit_json({"ok": False, **error.to_dict()})
    else:
        heading = title or _TITLES.get(error.code, "Error")
        err.print(f"[bold red]{heading}[/] ({len(error.problems)}):", highlight=False)
        for problem in error.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    return exit_status(error)


def fail(
    exc: SynthwrightError, as_json: bool, title: str | None = None, *, status: int | None = None
) -> typer.Exit:
    """Render `exc` (see `render_error`) and return the ``typer.Exit`` to raise.

    The status is the error's own; `status` overrides it only where a command knows
    better (``introspect``: a spec it could not build from a sound database is its
    own failed run, 1, not the user's bad spec).
    """
    code = render_error(exc, as_json, title)
    return typer.Exit(code if status is None else status)


def write_atomic(path: Path, text: str, location: str = "-o") -> None:
    """Write ``text`` through a temporary file in the same folder, then rename: all or nothing.

    Raises:
        DataError: the folder does not exist or cannot be written (bad input).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"folder {str(folder)!r} does not exist", location)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}", location) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise DataError(f"cannot write {path}: {exc.strerror or exc}", location) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
