"""Parameters a column type declares beyond the shared vocabulary of ``TypeColumn``.

``TypeColumn``'s fields are the parameter words several built-in types share
(``min``, ``values``, ``dist``, ...), each defined once, with one shape. A
type states which of them it takes, and may declare words of its own, in its
parameter model (a pydantic model next to its generator, ``catalog``). The
spec cannot import the catalogue (it sits above the spec), so the catalogue
hands the spec a *resolver* from type name to that model (`use_type_params`);
the column then validates a word outside the shared vocabulary through the
named type's model and keeps it, validated, among the model's extras. Without
a resolver (the catalogue not imported) only the shared vocabulary is known,
which is all a built-in type uses.

The JSON Schema gains one ``if type = T then ...`` block per type
(`document_types`): the parameters the type takes, each a ``$ref`` to the one
definition of the word, so the schema documents per-type parameters while
accepting exactly the documents the bare column schema accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = ["Resolver", "document_types", "use_type_params", "with_own_params"]

Resolver = Callable[[str], "type[BaseModel] | None"]
_RESOLVER: list[Resolver] = []


def use_type_params(resolver: Resolver | None) -> None:
    """Set (or, with None, clear) the type name -> parameter model lookup."""
    _RESOLVER[:] = [] if resolver is None else [resolver]


def _model_of(type_name: Any) -> type[BaseModel] | None:
    if not _RESOLVER or not isinstance(type_name, str):
        return None
    return _RESOLVER[0](type_name)


def _details(exc: ValidationError, type_name: str = "") -> list[InitErrorDetails]:
    """A ValidationError's errors as details that re-raise with type, message and context kept.

    With ``type_name`` (errors of a type's model), a missing word is worded as
    the compiler words it when no word of the type's own was given at all.
    """
    out = []
    for err in exc.errors():
        msg = err["msg"]
        if type_name and err["type"] == "missing":
            msg = f"type {type_name!r} needs the parameter {'.'.join(map(str, err['loc']))!r}"
        out.append(
            InitErrorDetails(
                type=PydanticCustomError(err["type"], msg, err.get("ctx")),
                loc=err["loc"],
                input=err["input"],
            )
        )
    return out


def with_own_params(
    title: str, data: dict[str, Any], declared: Collection[str], handler: Callable[[Any], Any]
) -> Any:
    """Validate a column whose keys go beyond ``declared``: each is a word of its type, or unknown.

    Every problem (the shared fields', the type's own words', unknown keys as
    pydantic's ``extra_forbidden``) is raised together, each at its key.
    """
    model = _model_of(data.get("type"))
    own_fields = model.model_fields if model is not None else {}
    own = {k: v for k, v in data.items() if k not in declared and k in own_fields}
    # pydantic's own error type, so that the loader words it as every unknown key; `words`
    # adds the type's own words to the ones its did-you-mean picks from
    unknown = PydanticCustomError(
        "extra_forbidden", "Extra inputs are not permitted", {"words": sorted(own_fields)}
    )
    errors = [
        InitErrorDetails(type=unknown, loc=(key,), input=value)
        for key, value in data.items()
        if key not in declared and key not in own_fields
    ]
    column = None
    try:
        column = handler({k: v for k, v in data.items() if k in declared})
    except ValidationError as exc:
        errors = _details(exc) + errors
    validated: dict[str, Any] = {}
    if model is not None and own:
        try:
            params = model.model_validate(own)
        except ValidationError as exc:
            errors += _details(exc, data["type"])
        else:
            validated = {key: getattr(params, key) for key in own}
    if errors or column is None:
        raise ValidationError.from_exception_data(title, errors)
    column.__pydantic_extra__.update(validated)
    return column


def document_types(
    schema: dict[str, Any], types: Mapping[str, tuple[str, type[BaseModel]]]
) -> dict[str, Any]:
    """Add to a spec schema, per type name -> (summary, parameter model), what the type takes."""
    column = schema["$defs"]["TypeColumn"]
    props: dict[str, Any] = column["properties"]
    blocks = []
    for name, (summary, model) in sorted(types.items()):
        own = model.model_json_schema(ref_template="#/$defs/{model}")
        schema["$defs"].update(own.pop("$defs", {}))
        taken: dict[str, Any] = {}
        for word, word_schema in own.get("properties", {}).items():
            if word not in props:  # a word of this type alone: defined beside the shared ones
                word_schema.pop("title", None)
                props[word] = {**word_schema, "description": f"a parameter of type {name!r}"}
            taken[word] = {"$ref": f"#/$defs/TypeColumn/properties/{word}"}
        then: dict[str, Any] = {
            "description": f"{name}: {summary}".rstrip(": "),
            "properties": taken,
        }
        if own.get("required"):
            then["required"] = own["required"]
        blocks.append(
            {"if": {"properties": {"type": {"const": name}}, "required": ["type"]}, "then": then}
        )
    props["type"] = {**props["type"], "examples": sorted(types)}
    column["allOf"] = blocks
    return schema
