"""synthwright: realistic, rule-true synthetic relational data on demand.

>>> import synthwright as sw
>>> ds = sw.generate({"tables": {"t": {"rows": 3, "columns": {"id": {"type": "id"}}}}})
>>> ds["t"].column("id").to_pylist()
[1, 2, 3]
"""

from typing import TYPE_CHECKING, Any

from .errors import DataError, GenerationError, Problem, SinkError, SpecError, SynthwrightError

if TYPE_CHECKING:
    from .api import Dataset, RunStats, check, generate, load_spec, plan, validate
    from .spec import Spec

_LAZY = {
    "Dataset": "api",
    "RunStats": "api",
    "check": "api",
    "generate": "api",
    "load_spec": "api",
    "plan": "api",
    "validate": "api",
    "Spec": "spec",
}


def __getattr__(name: str) -> Any:
    """The facade is imported on first use, so `import synthwright` stays fast."""
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'synthwright' has no attribute {name!r}")


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
