"""Rich rendering for the CLI: progress, tables, the catalogue, findings.

Rich's table and progress modules, pyarrow and the facade are imported by the
functions that draw with them (or only for type checking), so importing the
command line -- and ``--help`` -- does not pay for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import Console

    from ..api import RunStats
    from ..engine.generate import ProgressCallback


@contextmanager
def progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress callback that draws a bar per table on a terminal; None otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.completed:>12,} / {task.total:,} rows"),
        TextColumn("{task.fields[rate]:>14}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    tasks: dict[str, Any] = {}

    def on_progress(table: str, done: int, total: int) -> None:
        if table not in tasks:
            tasks[table] = bar.add_task(table, total=total, rate="")
        task = bar.tasks[tasks[table]]
        elapsed = task.elapsed or 0.0
        rate = f"{done / elapsed:,.0f} rows/s" if elapsed > 0 else ""
        bar.update(tasks[table], completed=done, total=total, rate=rate)

    with bar:
        yield on_progress


def run_summary(console: Console, stats: RunStats, written: list[str]) -> None:
    from rich.table import Table

    table = Table(title="Generated", show_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in stats.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        f"{stats.total_rows:,} rows in {stats.seconds:.2f} s ({stats.rows_per_second:,.0f} rows/s)",
        highlight=False,
    )
    if written:
        console.print("wrote: " + ", ".join(written), highlight=False, soft_wrap=True)


def table(console: Console, name: str, data: pa.Table, rows: int) -> None:
    from rich.table import Table

    view = Table(title=f"{name} ({data.num_rows:,} rows)", show_lines=False)
    for col in data.schema.names:
        view.add_column(col, overflow="ellipsis", no_wrap=True, max_width=28)
    for row in data.slice(0, rows).to_pylist():
        view.add_row(*["∅" if v is None else str(v) for v in row.values()])
    console.print(view)


def findings(console: Console, items: list[Any]) -> None:
    if not items:
        console.print("[green]check: 0 violations[/] (every rule, key and constraint holds)")
        return
    console.print(f"[bold red]check: {len(items)} findings[/]")
    for f in items:
        examples = f" e.g. {', '.join(f.examples)}" if getattr(f, "examples", None) else ""
        console.print(
            f"  {f.location}: [{f.rule}] {f.message} ({f.count} rows){examples}", markup=False
        )


def type_info(gen: Any, examples: bool = False) -> dict[str, Any]:
    info: dict[str, Any] = {
        "name": gen.name,
        "category": gen.category,
        "summary": gen.summary,
        "params": list(gen.params),
        "unique": gen.unique_ok,
        "example": {"type": gen.name, **gen.example},
    }
    if examples:
        info["examples"] = example_values(gen)
    return info


def example_values(gen: Any, n: int = 5) -> list[Any]:
    """A few values made by the type with its example parameters."""
    from ..api import generate

    column = {"type": gen.name, **gen.example}
    spec = {"seed": 1, "tables": {"t": {"rows": n, "columns": {"v": column}}}}
    try:
        return [str(v) for v in generate(spec)["t"].column("v").to_pylist()]
    except Exception as exc:  # the catalogue must still print
        return [f"(no example: {exc})"]


def catalogue(console: Console, gens: list[Any]) -> None:
    from rich.table import Table

    view = Table(title="synthwright types", show_lines=False)
    view.add_column("type", style="bold")
    view.add_column("category")
    view.add_column("parameters")
    view.add_column("unique")
    view.add_column("summary", overflow="fold")
    for g in gens:
        view.add_row(
            g.name, g.category, ", ".join(g.params), "yes" if g.unique_ok else "", g.summary
        )
    console.print(view)


def type_detail(console: Console, info: dict[str, Any]) -> None:
    console.print(f"[bold]{info['name']}[/] ({info['category']})")
    console.print(info["summary"], highlight=False)
    console.print(
        f"parameters: {', '.join(info['params']) or 'none'} (+ null_rate, unique, locale)"
    )
    console.print(f"example spec: {info['example']}", highlight=False, markup=False)
    console.print("example values:")
    for v in info["examples"]:
        console.print(f"  {v}", highlight=False, markup=False)
