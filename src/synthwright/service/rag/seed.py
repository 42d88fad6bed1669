"""`synthwright rag seed`: the bundled patterns, defect patterns and production samples.

The examples are data files next to this module (``data/*.yaml``), so the
knowledge is reviewable and extendable without code. Defect patterns apply to
every entity (``entity: "*"``) and are stored under each registry entity so a
search stays one indexed lookup. Seeding twice adds nothing: items are keyed
by their content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .store import Item, Store

__all__ = ["DATA", "bundled_items", "seed"]

DATA = Path(__file__).parent / "data"


def bundled_items(entities: list[str]) -> list[Item]:
    """Every bundled item; ``*`` items copied to each of `entities`."""
    out: list[Item] = []
    for path in sorted(DATA.glob("*.yaml")):
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in doc["items"]:
            targets = entities if raw["entity"] == "*" else [raw["entity"]]
            for entity in targets:
                out.append(Item(doc["kind"], entity, raw["text"], raw["payload"]))
    return out


def seed(store: Store, entities: list[str]) -> dict[str, int]:
    """Fill the store with the bundled items; counts of new ones, by kind."""
    added: dict[str, int] = {}
    items = bundled_items(entities)
    for kind in sorted({i.kind for i in items}):
        added[kind] = store.add([i for i in items if i.kind == kind])
    return added
