"""The type catalogue: one vectorised generator per ``type:`` value.

Importing this package registers every built-in type: each module of it named
``base_*.py`` (base types) or ``semantic_*.py`` (semantic types, by domain)
is imported, and its ``@register`` classes fill the registry; a new module so
named needs no other edit. Third-party types come from the entry-point group
``synthwright.column_types`` on the first look-up (``_registry``). The spec
is told where the types' parameter models are (``spec.use_type_params``).
"""

import pkgutil
from importlib import import_module
from typing import Any

from .. import spec as _spec
from ._base import COMMON_PARAMS, BlockContext, Generator, make_rng, stable_hash
from ._params import TypeParams
from ._registry import ENTRY_POINT_GROUP, all_generators, get, names, params_model, register

TYPE_MODULE_PREFIXES = ("base_", "semantic_")

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith(TYPE_MODULE_PREFIXES):
        import_module(f"{__name__}.{_module.name}")

_spec.use_type_params(params_model)


def json_schema() -> dict[str, Any]:
    """The spec's JSON Schema with, per registered type, the parameters it takes."""
    return _spec.json_schema({g.name: (g.summary, g.Params) for g in all_generators()})


__all__ = [
    "COMMON_PARAMS",
    "ENTRY_POINT_GROUP",
    "BlockContext",
    "Generator",
    "TypeParams",
    "all_generators",
    "get",
    "json_schema",
    "make_rng",
    "names",
    "params_model",
    "register",
    "stable_hash",
]
