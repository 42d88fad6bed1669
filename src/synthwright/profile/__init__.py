"""Sample -> look-alike data: profile real data, generate from the fit, report fidelity.

::

    from synthwright.profile import profile, generate_from_profile, quality_report
    fitted = profile(["data/"])                 # ProfiledSpec: spec + profile per table
    open("spec.yaml", "w").write(fitted.to_yaml())
    tables = generate_from_profile(fitted, seed=7)
    report = quality_report(real, tables, spec=fitted)
"""

from ..spec import (
    CategoryMarginal,
    ColumnProfile,
    CopulaProfile,
    FamilyMarginal,
    LinkProfile,
    QuantileMarginal,
    TableProfile,
)
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
