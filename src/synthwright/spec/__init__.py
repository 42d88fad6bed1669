"""The dataset spec: pydantic models and YAML/JSON I/O. Imports nothing of the project.

Everything public is re-exported here, the fitted ``profile:`` models too
(``TableProfile``, marginals, the copula): the profiler, the facade and
readers of a profiled spec import them from ``synthwright.spec``, never from
the private modules behind it.
"""

from ._io import json_schema, parse_text, spec_from_data, spec_to_data, spec_to_json, spec_to_yaml
from ._models import (
    DIST_KINDS,
    BetaDist,
    Column,
    Dist,
    ExponentialDist,
    ExprColumn,
    LognormalDist,
    NormalDist,
    Override,
    PerParent,
    PoissonDist,
    RefColumn,
    Scenario,
    Spec,
    TableSpec,
    TypeColumn,
    UniformDist,
    ZipfDist,
    parse_duration,
)
from ._params import use_type_params
from ._profile import (
    CategoryMarginal,
    ColumnProfile,
    CopulaProfile,
    FamilyMarginal,
    GivenProfile,
    LinkProfile,
    Marginal,
    QuantileMarginal,
    TableProfile,
    children_column,
    missing_column,
)

# The label column a table gets with `emit_scenario_column` (which scenario made each
# row). Reserved: no spec may name a column so. One constant here, at the lowest layer,
# so that the engine, the checker, the profiler and the service agree on it.
SCENARIO_COLUMN = "_scenario"

TableSpec.model_rebuild(_types_namespace={"TableProfile": TableProfile})
Spec.model_rebuild()

__all__ = [
    "DIST_KINDS",
    "SCENARIO_COLUMN",
    "BetaDist",
    "CategoryMarginal",
    "Column",
    "ColumnProfile",
    "CopulaProfile",
    "Dist",
    "ExponentialDist",
    "ExprColumn",
    "FamilyMarginal",
    "GivenProfile",
    "LinkProfile",
    "LognormalDist",
    "Marginal",
    "NormalDist",
    "Override",
    "PerParent",
    "PoissonDist",
    "QuantileMarginal",
    "RefColumn",
    "Scenario",
    "Spec",
    "TableProfile",
    "TableSpec",
    "TypeColumn",
    "UniformDist",
    "ZipfDist",
    "children_column",
    "json_schema",
    "missing_column",
    "parse_duration",
    "parse_text",
    "spec_from_data",
    "spec_to_data",
    "spec_to_json",
    "spec_to_yaml",
    "use_type_params",
]
