"""The type registry: ``type:`` name -> generator instance.

Adding a type is adding a Generator subclass decorated with ``@register``:
built-in types in a module of this package named ``base_*.py`` or
``semantic_*.py`` (imported by the package, no list to keep), third-party
types through the entry-point group ``synthwright.column_types``
(``name = "package.module"`` or ``"package.module:GeneratorClass"``), loaded
on the first look-up that needs them (a listing, or a name no built-in type
has), so that importing the catalogue and generating built-in types cost no
scan of the installed distributions. The catalogue (``synthwright types``)
is read from here.
"""

from __future__ import annotations

import warnings
from typing import TypeVar

from ._base import Generator
from ._params import TypeParams

ENTRY_POINT_GROUP = "synthwright.column_types"

_REGISTRY: dict[str, Generator] = {}
_PLUGINS: list[bool] = []  # [True] once the entry points were loaded

G = TypeVar("G", bound=type[Generator])


def register(cls: G) -> G:
    """Class decorator: make the generator available under ``cls.name``."""
    if cls.name in _REGISTRY:
        raise ValueError(f"type {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def _load_plugins() -> None:
    """Import every ``synthwright.column_types`` entry point once; a broken one is skipped."""
    if _PLUGINS:
        return
    _PLUGINS.append(True)
    from importlib.metadata import entry_points  # here: only a look-up of the catalogue pays

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()  # a module registers its types as it is imported
            is_type = isinstance(loaded, type) and issubclass(loaded, Generator)
            if is_type and type(_REGISTRY.get(loaded.name)) is not loaded:
                register(loaded)
        except Exception as exc:  # a plugin must not take the built-in catalogue down with it
            warnings.warn(
                f"column type plugin {entry.name!r} ({entry.value}) not loaded: {exc}",
                RuntimeWarning,
                stacklevel=2,
            )


def get(name: str) -> Generator | None:
    """The generator for a type name, or None when there is none.

    A built-in name is answered without the entry points: a spec of built-in
    types never pays for the scan of the installed distributions.
    """
    gen = _REGISTRY.get(name)
    if gen is None and not _PLUGINS:
        _load_plugins()
        gen = _REGISTRY.get(name)
    return gen


def names() -> list[str]:
    """Every registered type name, in registration order."""
    _load_plugins()
    return list(_REGISTRY)


def all_generators() -> list[Generator]:
    _load_plugins()
    return list(_REGISTRY.values())


def params_model(name: str) -> type[TypeParams] | None:
    """The parameter model of a type (the spec's resolver, ``spec.use_type_params``)."""
    gen = get(name)
    return None if gen is None else gen.Params
