"""The type catalogue: one vectorised generator per ``type:`` value.

Importing this package registers every built-in type. Base types live in
``base_*`` modules, semantic types in modules named by their domain.
"""

from importlib import import_module

from ._base import COMMON_PARAMS, BlockContext, Generator, make_rng, stable_hash
from ._registry import all_generators, get, names, register

# Imported to register their generators (the registry is filled at import).
_MODULES = (
    "base_numeric",
    "base_text",
    "semantic_person",
    "semantic_place",
    "semantic_internet",
    "semantic_commerce",
    "semantic_files",
)
for _name in _MODULES:
    import_module(f"{__name__}.{_name}")

__all__ = [
    "COMMON_PARAMS",
    "BlockContext",
    "Generator",
    "all_generators",
    "get",
    "make_rng",
    "names",
    "register",
    "stable_hash",
]
