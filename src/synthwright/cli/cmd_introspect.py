"""``synthwright introspect URL [-o spec.yaml]``: read a database schema into a spec.

Prints the spec as YAML (or writes it atomically with ``-o``) followed by
notes on what had to be adapted. Exit status: 0 ok, 1 the spec could not be
built, 2 bad input (bad URL, unreachable database, unknown table, unwritable
output). Credentials in the URL never appear in any output.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ..errors import DataError, SpecError
from ._output import emit_json, fail, show_spec, write_atomic

__all__ = ["register"]

_NOT_WRITTEN = "The spec could not be written"
_err = Console(stderr=True)
_emit_json = emit_json


_fail = fail
_UNREADABLE = "The database cannot be read"


def introspect(
    url: str = typer.Argument(..., help="sqlite:///x.db, duckdb:///x.duckdb, postgresql://..."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the spec here."),
    rows: int = typer.Option(1000, "--rows", help="Row count of every root table."),
    table: list[str] | None = typer.Option(
        None, "--table", help="Only this table (repeatable); referenced tables come along."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Read an existing database schema into a spec (types, keys, checks, semantic types)."""
    from ..introspect import inspect_database

    if rows < 0:
        raise _fail(DataError("must be >= 0", "--rows"), as_json)
    try:
        result = inspect_database(url, tables=table or None, rows=rows)
    except DataError as exc:
        raise _fail(exc, as_json, _UNREADABLE) from None
    except SpecError as exc:  # a sound database we could not turn into a spec: our failure
        raise _fail(exc, as_json, status=1) from None
    text = result.to_yaml()
    if output is not None:
        try:
            write_atomic(output, text)
        except DataError as exc:
            raise _fail(exc, as_json, _NOT_WRITTEN) from None
        except OSError as exc:
            problem = DataError(f"cannot write {str(output)!r}: {exc.strerror or exc}", "-o")
            raise _fail(problem, as_json, _NOT_WRITTEN) from None
    if as_json:
        _emit_json(
            {
                "ok": True,
                "tables": list(result.spec.tables),
                "spec": result.to_data(),
                "notes": result.notes,
                "written": str(output) if output is not None else None,
            }
        )
        return
    show_spec(text, output, len(result.spec.tables))
    if result.notes:
        _err.print(f"[bold]notes[/] ({len(result.notes)}):", highlight=False)
        for note in result.notes:
            _err.print(f"  {note}", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``introspect`` to the command line."""
    app.command("introspect")(introspect)
