"""``synthwright rag``: the test-data service's retrieval store.

``rag seed`` fills the store with the bundled patterns (successful requests
and their records, 20 per entity), defect patterns and production samples;
seeding twice adds nothing. ``rag stats`` counts what is stored. The store is
the one the service uses: ``--rag-url`` / ``SYNTHWRIGHT_RAG_URL`` (unset: the
embedded SQLite file in the user data dir; ``postgresql://...``: shared).
Imports stay inside the commands so ``--help`` loads nothing heavy.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from ._output import fail

if TYPE_CHECKING:
    from ..service.rag import Store

__all__ = ["register"]

rag_app = typer.Typer(
    help="The service's retrieval store (patterns, defect patterns, production samples).",
    no_args_is_help=True,
)
_TITLE = "Cannot use the retrieval store"


def _open(url: str | None, as_json: bool) -> tuple[Store, list[str]]:
    from ..errors import SpecError

    try:
        from ..service.rag import open_store
        from ..service.registry import Registry
        from ..service.settings import load_settings

        settings = load_settings(rag_url=url)
        store = open_store(settings.rag_url)
        entities = Registry.load(settings.schema_dir).names()
    except ImportError as exc:
        missing = SpecError(
            f"the service needs extra packages ({exc.name}): pip install 'synthwright[service]'",
            "rag",
        )
        raise fail(missing, as_json, _TITLE) from None
    except Exception as exc:
        raise fail(
            SpecError(f"{type(exc).__name__}: {exc}", "--rag-url"), as_json, _TITLE
        ) from None
    if store is None:
        raise fail(SpecError("retrieval is off (none)", "--rag-url"), as_json, _TITLE)
    return store, entities


@rag_app.command("seed")
def seed_cmd(
    rag_url: str | None = typer.Option(
        None, "--rag-url", help="sqlite:///file, memory or postgresql://... (default: embedded)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Counts as JSON."),
) -> None:
    """Fill the store with the bundled examples (idempotent)."""
    from ..service.rag import seed

    store, entities = _open(rag_url, as_json)
    try:
        added = seed(store, entities)
        total = {k: store.count(k) for k in added}
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps({"added": added, "stored": total}))
        return
    for kind in added:
        typer.echo(f"{kind}: {added[kind]} added, {total[kind]} stored")


@rag_app.command("stats")
def stats_cmd(
    rag_url: str | None = typer.Option(None, "--rag-url", help="The store (default: embedded)."),
) -> None:
    """Items stored, by kind."""
    from ..service.rag import KINDS

    store, _ = _open(rag_url, False)
    try:
        for kind in KINDS:
            typer.echo(f"{kind}: {store.count(kind)}")
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add ``rag seed`` / ``rag stats`` to the main app."""
    app.add_typer(rag_app, name="rag")
