"""Understanding an English data request, without a model.

``parse_request`` turns a prompt into a ``Request``: which tables are meant
(entity mentions, known or not), how many rows, how tables relate, listed
fields, constraints (ranges, units, value lists, uniqueness, shares, missing
values, currencies), time rules and windows, countries and the output
format. It only reads the text; deciding what the spec looks like is the
builder's job (``planner/build``).

The text is normalised first (``normalise``) so every extractor sees
numbers as digits and ranges as ``A..B``. Each extractor is a module with
one job; they run in a fixed order over one shared :class:`State` and mark
what they consumed.
"""

from __future__ import annotations

from ...errors import SpecError
from .belonging import read_belonging
from .counts import parse_count, read_counted_mentions, read_counts
from .fields import read_field_lists
from .meta import (
    merge_compound_names,
    read_countries,
    read_known_mentions,
    read_output_and_seed,
    read_table_of,
)
from .model import Constraint, Count, Link, Mention, Relation, Request, TimeRule
from .normalise import normalise
from .ranges import read_currency, read_ranges
from .relations import read_junctions, read_relations
from .state import State, table_name
from .temporal import read_time_pairs, read_time_rules, read_windows
from .values import read_percents, read_uniques, read_value_lists

__all__ = [
    "MAX_PROMPT_CHARS",
    "Constraint",
    "Count",
    "Link",
    "Mention",
    "Relation",
    "Request",
    "TimeRule",
    "check_prompt",
    "normalise",
    "parse_count",
    "parse_request",
    "table_name",
]

# prompts longer than this are refused (the extractors scan per mention)
MAX_PROMPT_CHARS = 20_000


def parse_request(prompt: str) -> Request:
    """Read everything the planner can use from one English prompt."""
    st = State(normalise(prompt), prompt)
    read_output_and_seed(st)
    read_junctions(st)
    read_field_lists(st)
    read_counted_mentions(st)
    read_relations(st)
    read_belonging(st)
    read_counts(st)
    read_table_of(st)
    read_field_lists(st, unknown=True)
    read_known_mentions(st)
    read_ranges(st)
    read_value_lists(st)
    read_uniques(st)
    read_percents(st)
    read_currency(st)
    read_countries(st)
    read_windows(st)
    read_time_rules(st)
    read_time_pairs(st)
    merge_compound_names(st)
    return st.req


def check_prompt(prompt: str) -> None:
    """Refuse a prompt longer than MAX_PROMPT_CHARS (SpecError at ``prompt``).

    A request is a paragraph; every extractor scans per mention, so an
    unbounded prompt is unbounded work before anything is said.
    """
    if len(prompt) > MAX_PROMPT_CHARS:
        raise SpecError(
            f"the prompt is {len(prompt)} characters long; at most {MAX_PROMPT_CHARS} are "
            "planned (describe the data in fewer words, or write a spec)",
            "prompt",
        )
