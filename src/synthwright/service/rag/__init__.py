"""Retrieval for the test-data service: the store, its bundled seed, and its use.

A package inside `service` (not a layer of its own): nothing but the service
and its `rag` command use it. See `store` for why retrieval is lexical (BM25).
"""

from __future__ import annotations

from .seed import bundled_items, seed
from .store import KINDS, Item, PostgresStore, SQLiteStore, Store, open_store

__all__ = [
    "KINDS",
    "Item",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "bundled_items",
    "open_store",
    "seed",
]
