"""Sample -> look-alike data: profile real data, generate from the fit, report fidelity.

::

    from synthwright.profile import profile, generate_from_profile, quality_report
    fitted = profile(["data/"])                 # ProfiledSpec: spec + profile per table
    open("spec.yaml", "w").write(fitted.to_yaml())
    tables = generate_from_profile(fitted, seed=7)
    report = quality_report(real, tables, spec=fitted)

The names are loaded on first use (PEP 562), so a process that only
generates from a profiled spec never imports the readers (DuckDB) or the
fitting code: ``synthwright generate`` starts faster.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..spec import (
    CategoryMarginal,
    ColumnProfile,
    CopulaProfile,
    FamilyMarginal,
    LinkProfile,
    QuantileMarginal,
    TableProfile,
)

if TYPE_CHECKING:
    from ._pipeline import profile, profile_tables
    from .generate import generate_from_profile
    from .read import DEFAULT_MAX_ROWS, Sample, read_sample
    from .to_spec import ProfiledSpec

__all__ = [
    "DEFAULT_MAX_ROWS",
    "CategoryMarginal",
    "ColumnProfile",
    "CopulaProfile",
    "FamilyMarginal",
    "LinkProfile",
    "ProfiledSpec",
    "QuantileMarginal",
    "Sample",
    "TableProfile",
    "generate_from_profile",
    "profile",
    "profile_tables",
    "read_sample",
]

_LAZY = {
    "profile": "._pipeline",
    "profile_tables": "._pipeline",
    "generate_from_profile": ".generate",
    "DEFAULT_MAX_ROWS": ".read",
    "Sample": ".read",
    "read_sample": ".read",
    "ProfiledSpec": ".to_spec",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
