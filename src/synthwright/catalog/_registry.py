"""The type registry: ``type:`` name -> generator instance.

Adding a type is adding a Generator subclass decorated with ``@register``;
the catalogue (``synthwright types``) is read from here.
"""

from __future__ import annotations

from typing import TypeVar

from ._base import Generator

_REGISTRY: dict[str, Generator] = {}

G = TypeVar("G", bound=type[Generator])


def register(cls: G) -> G:
    """Class decorator: make the generator available under ``cls.name``."""
    if cls.name in _REGISTRY:
        raise ValueError(f"type {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> Generator | None:
    """The generator for a type name, or None when there is none."""
    return _REGISTRY.get(name)


def names() -> list[str]:
    """Every registered type name, in registration order."""
    return list(_REGISTRY)


def all_generators() -> list[Generator]:
    return list(_REGISTRY.values())
