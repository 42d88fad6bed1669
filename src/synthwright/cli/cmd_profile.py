"""``synthwright profile`` and ``synthwright report``: sample -> spec, and fidelity/privacy.

Exit status as everywhere: 0 ok, 1 a failed run, 2 bad input (unreadable
data, a bad spec). Errors are printed one per line as ``location: message``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from ..errors import DataError, SpecError
from ._output import emit_json, fail, write_atomic

__all__ = ["register"]

_out = Console()
_err = Console(stderr=True)


_emit_json = emit_json
_fail = fail


def register(app: typer.Typer) -> None:
    """Add ``profile`` and ``report`` to a Typer app."""

    @app.command()
    def profile(
        samples: list[str] = typer.Argument(
            ..., help="Files (CSV, Parquet, JSON/JSONL, xlsx), directories or a database URL."
        ),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write the spec here."),
        max_rows: int = typer.Option(200_000, "--max-rows", help="Rows sampled per table."),
        rare: int = typer.Option(5, "--rare", help="Categories seen fewer times are not copied."),
        nested: bool = typer.Option(
            False,
            "--nested-categories",
            help="Keep categories drawn within another category (model within manufacturer) "
            "even where the privacy guard finds they copy real rows.",
        ),
        name: str = typer.Option("profiled", "--name", help="Name of the dataset in the spec."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Profile sample data into a spec with fitted profile: sections."""
        from rich.table import Table

        from ..profile import profile as run_profile

        if max_rows < 1:
            raise _fail(SpecError("must be at least 1", "--max-rows"), as_json)
        if rare < 1:
            raise _fail(SpecError("must be at least 1", "--rare"), as_json)
        try:
            fitted = run_profile(
                samples, max_rows=max_rows, rare_k=rare, name=name, nested_categories=nested
            )
            text = fitted.to_yaml()
            if output is not None:
                write_atomic(output, text)
        except (DataError, SpecError) as exc:
            raise _fail(exc, as_json) from None
        summary: dict[str, dict[str, Any]] = {
            name: {
                "rows": p.source_rows if p.source_rows is not None else p.sample_rows,
                "sampled": p.sample_rows,
                "primary_key": p.primary_key,
                "links": [f"{lk.column} -> {lk.parent}.{lk.parent_column}" for lk in p.links],
                "columns": {c: cp.semantic or cp.kind for c, cp in p.columns.items()},
            }
            for name, p in fitted.profiles.items()
        }
        if as_json:
            _emit_json(
                {
                    "ok": True,
                    "written": str(output) if output else None,
                    "tables": summary,
                    "notes": fitted.notes,
                }
            )
            return
        if output is None:
            sys.stdout.write(text)
            return
        view = Table(title=f"profiled -> {output}")
        for head in ("table", "rows", "key", "links", "columns"):
            view.add_column(head)
        for table, info in summary.items():
            view.add_row(
                table,
                str(info["rows"]),
                str(info["primary_key"] or "-"),
                "\n".join(info["links"]) or "-",
                str(len(info["columns"])),
            )
        _out.print(view)
        for note in fitted.notes:
            _out.print(f"note: {note}", highlight=False, markup=False)

    @app.command()
    def report(
        real: str = typer.Option(
            ..., "--real", help="Real data: files, a directory or a database URL."
        ),
        synthetic: str = typer.Option(..., "--synthetic", help="Synthetic data, same table names."),
        html: Path | None = typer.Option(None, "--html", help="Write an offline HTML report here."),
        spec: Path | None = typer.Option(
            None, "--spec", help="The profiled spec (names keys and links)."
        ),
        holdout: str | None = typer.Option(
            None, "--holdout", help="Real rows kept out of profiling."
        ),
        max_rows: int = typer.Option(200_000, "--max-rows", help="Rows read per table."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Fidelity (shapes, pair trends, cardinality, integrity) and privacy of synthetic data."""
        from rich.table import Table

        from ..profile import ProfiledSpec, read_sample
        from ..profile.html import render_html
        from ..profile.report import quality_report

        try:
            fitted = ProfiledSpec.from_yaml(spec) if spec is not None else None
            real_tables = read_sample(real, max_rows=max_rows).tables
            syn_tables = read_sample(synthetic, max_rows=max_rows).tables
            hold = read_sample(holdout, max_rows=max_rows).tables if holdout else None
            result = quality_report(real_tables, syn_tables, spec=fitted, holdout=hold)
            if html is not None:
                write_atomic(html, render_html(result), "--html")
        except (DataError, SpecError) as exc:
            raise _fail(exc, as_json) from None
        if as_json:
            _emit_json({"ok": True, **result.to_dict(), "html": str(html) if html else None})
            return
        view = Table(title="fidelity")
        view.add_column("score")
        view.add_column("value", justify="right")
        for key, value in result.summary().items():
            view.add_row(key.replace("_", " "), "-" if value is None else f"{value:.3f}")
        _out.print(view)
        priv = Table(title="privacy")
        heads = ("table", "DCR median", "closer to training", "exact copies", "of unique rows")
        for head in (*heads, "rare leaked"):
            priv.add_column(head, justify="right")
        for p in result.privacy:
            priv.add_row(
                p.table,
                "-" if p.dcr_median is None else f"{p.dcr_median:.3f}",
                "-" if p.closer_to_training is None else f"{p.closer_to_training:.3f}",
                f"{p.exact_copies:.2%}",
                f"{p.unique_copies:.2%}",
                f"{p.rare_leaked}/{p.rare_categories}",
            )
        _out.print(priv)
        if html is not None:
            _out.print(f"wrote {html}", highlight=False)
