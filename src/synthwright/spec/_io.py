"""Reading and writing spec documents (YAML or JSON) and the JSON Schema.

Pure functions over text and dicts; errors are the libraries' own (yaml,
json, pydantic) and are translated into located SpecErrors by the caller.

The reader is stricter than ``yaml.safe_load`` in two ways a spec needs:
a key given twice in one mapping is refused (YAML would silently keep the
last one, so ``rows: 10`` then ``rows: 20`` meant 20), and nesting deeper
than `MAX_DEPTH` is refused (PyYAML's composer recurses, so a hostile
``[[[[...`` blew the interpreter's stack). Both raise ``yaml.YAMLError``
with the line and column, as any other malformed document does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from ._models import Spec
from ._params import document_types

__all__ = [
    "MAX_DEPTH",
    "json_schema",
    "parse_text",
    "spec_from_data",
    "spec_to_data",
    "spec_to_json",
    "spec_to_yaml",
]

MAX_DEPTH = 64  # a real spec (and a profiled one) nests about 10 levels deep
_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(ConstructorError):
    """A key given twice in one mapping (``code`` is the problem code the loader reports)."""

    code = "duplicate_key"


class TooDeepError(ComposerError):
    """A document nested deeper than `MAX_DEPTH`."""

    code = "too_deep"


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and documents nested over `MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise TooDeepError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels; a spec never is", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *base` may be overridden by design
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                seen = first.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if seen is not None:
                raise DuplicateKeyError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key!r} (first given on line {seen.line + 1})",
                    key_node.start_mark,
                )
            first[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def parse_text(text: str) -> Any:
    """Parse YAML (a superset of JSON) into plain Python data; see the module docstring."""
    try:
        return yaml.load(text, Loader=_SpecLoader)  # a SafeLoader subclass: no arbitrary objects
    except RecursionError as exc:  # a path the depth bound did not cover: still refused
        raise TooDeepError(None, None, f"nested deeper than {MAX_DEPTH} levels") from exc


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


def json_schema(
    types: Mapping[str, tuple[str, type[BaseModel]]] | None = None,
) -> dict[str, Any]:
    """JSON Schema of spec v1; with ``types`` (name -> (summary, parameter model)) per-type blocks.

    The catalogue's export (``catalog.json_schema()``, kept as a golden file
    by the tests) passes every registered type; the blocks document what each
    type takes and accept the same documents as the schema without them.
    """
    schema = _accept_short_forms(Spec.model_json_schema())
    return document_types(schema, types) if types else schema


def _accept_short_forms(schema: dict[str, Any]) -> dict[str, Any]:
    """Let the schema accept the short forms the models do.

    Pydantic documents a model as its fields only, but before-validators also
    take ``dist: lognormal`` and ``dist: {normal: {std: 3}}`` (the forms users
    write and specs dump) and a bare literal as a truth predicate
    (``extension: pdf``); the schema refused them, so an editor using it
    flagged every bundled example.
    """
    defs = schema.get("$defs", {})
    added: dict[str, Any] = {}

    def short_forms(node: dict[str, Any]) -> dict[str, Any]:
        mapping: dict[str, str] = node["discriminator"]["mapping"]
        objects = []
        for family, ref in sorted(mapping.items()):
            model = ref.rsplit("/", 1)[-1]
            params = f"{model}Params"
            if params not in added:
                body = json.loads(json.dumps(defs[model]))
                body["properties"].pop("kind", None)
                body["title"] = params
                added[params] = body
            objects.append(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [family],
                    "properties": {
                        family: {"anyOf": [{"$ref": f"#/$defs/{params}"}, {"type": "null"}]}
                    },
                }
            )
        return {"anyOf": [node, {"enum": sorted(mapping)}, *objects]}

    def walk(node: Any) -> Any:
        if node == {"$ref": "#/$defs/Predicate"}:  # a literal is a predicate: ``extension: pdf``
            return {"anyOf": [node, {"type": ["string", "number", "boolean"]}]}
        if isinstance(node, dict):
            found = node.get("discriminator", {}).get("mapping", {})
            if found and all(ref.endswith("Dist") for ref in found.values()):
                return short_forms(node)
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result = dict(walk(schema))
    result["$defs"] = {**result.get("$defs", {}), **added}
    return result
