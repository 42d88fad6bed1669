"""What the parser reads from a request: plain records, no behaviour.

Table names here are the planner's internal keys: a known entity's key
(``book_loans``) or, for a word the lexicon does not know, its plural in
snake case (``stock_levels``). The builder renames them to the words the
request used when it assembles the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Constraint", "Count", "Link", "Mention", "Relation", "Request", "TimeRule"]


@dataclass
class Count:
    """A per-parent count: ``lo``..``hi`` with an optional mean (``about 3``)."""

    lo: int
    hi: int | None
    mean: float | None = None
    text: str = ""
    open_low: bool = False  # "up to 5": the lower bound was not said


@dataclass
class Mention:
    """A table the request names, at a position of the normalised text."""

    table: str
    word: str
    start: int
    known: bool


@dataclass
class Relation:
    """``child`` rows belong to ``parent`` rows; ``count`` is per parent.

    ``kind`` is ``owns`` (the parent has so many children: ``per_parent``) or
    ``belongs`` (each child names one parent: a plain foreign key, the
    child's own row count stays).
    """

    parent: str
    child: str
    count: Count | None
    pos: int
    kind: str = "owns"


@dataclass
class Link:
    """A foreign-key column the request names: ``manager`` of employees is an employee."""

    table: str
    column: str
    target: str
    pos: int
    null_rate: float | None = None


@dataclass
class Constraint:
    """A rule on a field: kind is range, values, unique, percent, null or window."""

    kind: str
    field: str | None
    pos: int
    table: str | None = None
    lo: float | None = None
    hi: float | None = None
    values: list[str] | dict[str, float] | None = None
    only: bool = False
    text: str = ""
    at_least: bool = False
    unit: str | None = None


@dataclass
class TimeRule:
    """``field`` happens after ``anchor`` (a field phrase, or None: the table's own time),
    at most ``within`` later (``30d``), at least ``gap`` later."""

    field: str
    anchor: str | None
    pos: int
    table: str | None = None
    within: str | None = None
    gap: str | None = None
    text: str = ""


@dataclass
class Request:
    """Everything read from one prompt."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    junctions: dict[str, list[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)
    vague: set[str] = field(default_factory=set)
    constraints: list[Constraint] = field(default_factory=list)
    time_rules: list[TimeRule] = field(default_factory=list)
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    currency: str | None = None
    output_format: str | None = None
    seed: int | None = None
    words: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[str]:
        """Tables in order of first mention."""
        seen: list[str] = []
        for m in sorted(self.mentions, key=lambda m: m.start):
            if m.table not in seen:
                seen.append(m.table)
        return seen
