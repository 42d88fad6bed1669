"""Reading and writing spec documents (YAML or JSON) and the JSON Schema.

Pure functions over text and dicts; errors are the libraries' own (yaml,
json, pydantic) and are translated into located SpecErrors by the caller.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ._models import Spec


def parse_text(text: str) -> Any:
    """Parse YAML (a superset of JSON) into plain Python data."""
    return yaml.safe_load(text)


def spec_from_data(data: Any) -> Spec:
    """Validate plain data into a :class:`Spec` (raises pydantic.ValidationError)."""
    return Spec.model_validate(data)


def spec_to_data(spec: Spec) -> dict[str, Any]:
    """The spec as plain data, without defaults, ready for YAML or JSON."""
    data: dict[str, Any] = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"version": 1, **data}
    return data


def spec_to_yaml(spec: Spec) -> str:
    """The spec as a YAML document that loads back to an equal spec."""
    return yaml.safe_dump(spec_to_data(spec), sort_keys=False, allow_unicode=True)


def spec_to_json(spec: Spec) -> str:
    return json.dumps(spec_to_data(spec), indent=2, ensure_ascii=False)


def json_schema() -> dict[str, Any]:
    """JSON Schema of spec v1 (kept as a golden file by the tests)."""
    return Spec.model_json_schema()
