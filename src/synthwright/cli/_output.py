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

from ..errors import DataError, SynthwrightError

err = Console(stderr=True)

_TITLES = {
    "SpecError": "The spec has problems",
    "DataError": "The data cannot be read",
    "GenerationError": "Generation failed",
    "SinkError": "Output could not be written",
    "SinkInputError": "Output could not be written",
    "LLMError": "The LLM call failed",
    "LLMConfigError": "The LLM configuration is unusable",
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


def fail(exc: SynthwrightError, code: int, as_json: bool, title: str | None = None) -> typer.Exit:
    """Print every problem of an error as ``location: message``; return the Exit to raise."""
    kind = type(exc).__name__
    if as_json:
        problems = [{"location": p.location, "message": p.message} for p in exc.problems]
        emit_json({"ok": False, "error": kind, "problems": problems})
    else:
        heading = title or _TITLES.get(kind, "Error")
        err.print(f"[bold red]{heading}[/] ({len(exc.problems)}):", highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    return typer.Exit(code)


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
