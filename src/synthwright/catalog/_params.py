"""A column type's parameter model: which words of the spec it takes, and words of its own.

A type states its parameters in one of two ways, in its own file:

* ``params = ("min", "max", "dist")``: words of the shared vocabulary
  (``spec.TypeColumn``'s fields); `params_model` builds the model from the one
  definition of each word, so the type restates no shape or bound;
* ``class Params(TypeParams): ...``: a pydantic model, for a type with words
  of its own (a plugin's ``word: str``), optionally with shared words too
  (``min: int | None = None``), which it may narrow.

The compiler validates a column's parameters through its type's model
(``Generator.param_problems``), so a word the type does not take is refused
where it is written, and the spec validates a type's own words through it at
load time.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..spec import TypeColumn

__all__ = ["COMMON_PARAMS", "TypeParams", "model_problems", "params_model", "words_problems"]

# words every type column takes (column-level, not the type's): never in a type's model
COMMON_PARAMS = ("null_rate", "unique", "description", "locale")
_NOT_PARAMS = frozenset(COMMON_PARAMS) | {"type", "signal"}  # signal: engine/series.py


class TypeParams(BaseModel):
    """Base of every type's parameter model: a word it does not declare is refused."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


def check_words(type_name: str, words: Iterable[str]) -> frozenset[str]:
    """The words, each one of the shared vocabulary (else ValueError, when the class is made)."""
    fields = TypeColumn.model_fields
    for word in words:
        if word not in fields or word in _NOT_PARAMS:
            raise ValueError(f"type {type_name!r}: {word!r} is not a shared parameter word")
    return frozenset(words)


@functools.cache
def params_model(type_name: str, words: tuple[str, ...]) -> type[TypeParams]:
    """The parameter model of a type that takes these words of the shared vocabulary.

    Made on first use, not when the type's class is: pydantic builds a model in
    milliseconds, which the catalogue's import would pay for every type,
    while compiling a spec needs only the set of words (`words_problems`).
    """
    check_words(type_name, words)
    fields = TypeColumn.model_fields
    defs: dict[str, Any] = {
        word: (fields[word].annotation, copy.copy(fields[word])) for word in words
    }
    title = "".join(part.title() for part in type_name.split("_")) + "Params"
    return create_model(title, __base__=TypeParams, **defs)


def given_params(col: TypeColumn) -> dict[str, Any]:
    """The parameters a column was written with (shared words and its type's own)."""
    given = {
        word: getattr(col, word)
        for word in col.model_fields_set
        if word not in _NOT_PARAMS and getattr(col, word) is not None
    }
    given.update(col.model_extra or {})
    return given


def _not_taken(type_name: str, takes: Iterable[str], word: str) -> str:
    listed = ", ".join(sorted(takes)) or "no parameters"
    return f"parameter {word!r} does not apply to type {type_name!r} (it takes: {listed})"


def words_problems(type_name: str, words: frozenset[str], col: TypeColumn) -> list[tuple[str, str]]:
    """(word, message) for each parameter of ``col`` outside the words its type takes.

    For a type made of shared words: the spec has validated their shapes, so
    only a word the type does not take can be wrong.
    """
    return [
        (word, _not_taken(type_name, words, word))
        for word in [*col.model_fields_set, *(col.model_extra or ())]
        if word not in words and word not in _NOT_PARAMS and getattr(col, word) is not None
    ]


def model_problems(
    type_name: str, model: type[TypeParams], col: TypeColumn
) -> list[tuple[str, str]]:
    """(word, message) for each parameter of ``col`` its type's model refuses; empty when fine."""
    try:
        model.model_validate(given_params(col))
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            word = ".".join(str(part) for part in err["loc"])
            if err["type"] == "extra_forbidden":
                message = _not_taken(type_name, model.model_fields, word)
            elif err["type"] == "missing":
                message = f"type {type_name!r} needs the parameter {word!r}"
            else:
                message = err["msg"].removeprefix("Value error, ")
            out.append((word, message))
        return out
    return []
