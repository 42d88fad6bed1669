"""The lexicon: what words mean, as data files read by every part that reads words.

Field names and their synonyms, catalogue types and typical values; entities
with their usual fields, relations and the context that tells shared words
apart; countries, currencies, units and formats. The planner, the profiler,
introspection and the LLM agent's context all read these files (under
``data/``), so a new domain is a data file, not code. Singular and plural
come from ``inflect`` (:func:`singular`, :func:`plural`).

This package sits low (it may import only the spec, errors and third-party
libraries), so every layer above can use it.
"""

from ._index import (
    candidates,
    choose_entity,
    column_type,
    entities,
    entity,
    entity_forms,
    field,
    field_for,
    fields,
    fields_of_kind,
    name_hints,
    vocab,
)
from ._inflect import plural, singular
from ._load import Entity, Field, Parent

__all__ = [
    "Entity",
    "Field",
    "Parent",
    "candidates",
    "choose_entity",
    "column_type",
    "entities",
    "entity",
    "entity_forms",
    "field",
    "field_for",
    "fields",
    "fields_of_kind",
    "name_hints",
    "plural",
    "singular",
    "vocab",
]
