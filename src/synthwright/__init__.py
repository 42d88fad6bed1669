"""synthwright: realistic, rule-true synthetic relational data on demand.

>>> import synthwright as sw
>>> ds = sw.generate({"tables": {"t": {"rows": 3, "columns": {"id": {"type": "id"}}}}})
>>> ds["t"].column("id").to_pylist()
[1, 2, 3]
"""

from .api import Dataset, RunStats, check, generate, load_spec, plan, validate
from .errors import DataError, GenerationError, Problem, SinkError, SpecError, SynthwrightError
from .spec import Spec

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "Dataset",
    "GenerationError",
    "Problem",
    "RunStats",
    "SinkError",
    "Spec",
    "SpecError",
    "SynthwrightError",
    "__version__",
    "check",
    "generate",
    "load_spec",
    "plan",
    "validate",
]
