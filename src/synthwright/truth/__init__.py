"""Truth records: planted rows a query must find, an exact manifest, and scoring.

A pack on the engine (ARCHITECTURE.md): the ``truth:`` section of a spec is
turned into scenarios (:func:`plant`), the facade generates the data, and
:func:`build_manifest` lists, per query, the key of every row that matches
-- planted or not -- with the near misses and the predicate each one fails.
:mod:`.evaluate` scores a system's answers against that manifest.

Usage::

    from synthwright import truth
    run = truth.generate("file_index", preset="basic", seed=7)
    run.manifest["queries"][0]["expected"]
    run.write("out/")                # the tables and truth.json, all or nothing
"""

from .manifest import MANIFEST_VERSION, build_manifest, manifest_text
from .plant import Planting, QueryPlan, Role, plant
from .run import TruthRun, apply_preset, execute, generate, prepare

__all__ = [
    "MANIFEST_VERSION",
    "Planting",
    "QueryPlan",
    "Role",
    "TruthRun",
    "apply_preset",
    "build_manifest",
    "execute",
    "generate",
    "manifest_text",
    "plant",
    "prepare",
]
