"""Truth records and presets in the spec (SPEC.md section 4): the shape of what users write.

``truth:`` names queries per table: a ``match`` of predicates over the
table's columns, how many matching rows to plant (``count``) and how many
``near_misses`` (rows that fail exactly one predicate). ``now:`` is the
instant relative times (``"-5d"``) refer to; it has a fixed default so that
output never depends on the wall clock. ``presets:`` name sets of row
counts, and optionally their own truth sets, that ``--preset NAME`` applies.

These models only say what may be written. Whether a truth set can be
planted (columns exist, values fit the column, rows fit the table) needs the
whole spec and the type catalogue: ``synthwright.truth`` decides it and
refuses with locations such as ``truth.files[0].match.extension``.

This module imports nothing of the project (not even ``_models``, which
imports it), so the spec package stays free of cycles.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

__all__ = [
    "DEFAULT_NOW",
    "Predicate",
    "Preset",
    "TruthQuery",
    "parse_now",
    "relative_offset",
]

#: The instant relative times refer to when a spec sets no ``now:`` (fixed, so runs repeat).
DEFAULT_NOW = "2024-06-30T12:00:00"

TruthScalar = str | int | float | bool

_RELATIVE_RE = re.compile(r"^\s*([+-])\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_RELATIVE_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def relative_offset(text: str) -> dt.timedelta | None:
    """The offset of a relative time (``-5d``, ``+2h``, ``-1w``), or None for anything else."""
    match = _RELATIVE_RE.match(text)
    if match is None:
        return None
    seconds = float(match.group(2)) * _RELATIVE_SECONDS[match.group(3)]
    return dt.timedelta(seconds=seconds if match.group(1) == "+" else -seconds)


def parse_now(text: str) -> dt.datetime:
    """``now:`` as a naive UTC datetime (an offset, if given, is converted to UTC)."""
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def _iso(value: Any) -> Any:
    """YAML reads an unquoted ``2024-06-30`` as a date: keep it as the ISO text it was."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Predicate(_Model):
    """One predicate of a ``match``: a literal, ``{like}``, ``{min, max}``, ``{in: [...]}`` or ``{sql}``.

    A literal is written bare (``extension: pdf``, or ``{eq: pdf}``).
    ``min``/``max`` are inclusive and take numbers,
    ISO dates and times, or times relative to ``now`` (``"-5d"``). ``like`` is
    SQL LIKE (``%`` any run, ``_`` one character, case-sensitive). ``sql`` is
    a boolean DuckDB expression over the column it is written under. It dumps
    back in the short form it was written in.
    """

    eq: TruthScalar | None = None
    like: str | None = None
    min: TruthScalar | None = None
    max: TruthScalar | None = None
    in_: list[TruthScalar] | None = Field(default=None, alias="in")
    sql: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _literal_form(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: _iso(v) for k, v in data.items()}
        if isinstance(data, list):
            raise ValueError("a list is not a predicate; write {in: [...]}")
        if data is None:
            raise ValueError("a predicate cannot be null; match missing values with {sql: ...}")
        return {"eq": _iso(data)}

    @field_validator("in_")
    @classmethod
    def _in_not_empty(cls, value: list[Any] | None) -> list[Any] | None:
        if value is not None and not value:
            raise ValueError("in needs at least one value")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Predicate:
        given = [k for k in ("like", "in_", "sql") if getattr(self, k) is not None]
        ranged = self.min is not None or self.max is not None
        if self.is_literal:
            if given or ranged:
                raise ValueError("a literal (eq) is a predicate of its own; drop the other keys")
            return self
        if len(given) + ranged != 1:
            raise ValueError(
                "a predicate is one of: a literal, {like: ...}, {min: ..., max: ...}, "
                "{in: [...]}, {sql: ...}"
            )
        for name in ("min", "max"):
            if isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be a number, a date/time or a relative time")
        return self

    @property
    def is_literal(self) -> bool:
        """Whether this is a literal (``eq``)."""
        return self.eq is not None

    @property
    def kind(self) -> str:
        """``eq``, ``like``, ``in``, ``sql`` or ``range``."""
        if self.is_literal:
            return "eq"
        if self.like is not None:
            return "like"
        if self.in_ is not None:
            return "in"
        if self.sql is not None:
            return "sql"
        return "range"

    @model_serializer(mode="plain")
    def _short_form(self) -> Any:
        if self.is_literal:
            return self.eq
        if self.in_ is not None:
            return {"in": self.in_}
        return {
            k: getattr(self, k)
            for k in ("like", "min", "max", "sql")
            if getattr(self, k) is not None
        }


class TruthQuery(_Model):
    """A named query over one table: what matches, and how many rows to plant around it."""

    name: str = Field(min_length=1)
    description: str | None = None
    match: dict[str, Predicate]
    count: int = Field(default=1, ge=0)
    near_misses: int = Field(default=0, ge=0)

    @field_validator("count", "near_misses", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {str(value).lower()}")
        return value

    @field_validator("match")
    @classmethod
    def _not_empty(cls, value: dict[str, Predicate]) -> dict[str, Predicate]:
        if not value:
            raise ValueError("match needs at least one predicate")
        return value


class Preset(_Model):
    """A named set of row counts (root tables) and, optionally, the truth set that goes with it."""

    description: str | None = None
    rows: dict[str, int] = Field(default_factory=dict)
    truth: dict[str, list[TruthQuery]] | None = None

    @field_validator("rows", mode="before")
    @classmethod
    def _counts(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for table, n in value.items():
                if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    raise ValueError(f"rows of {table!r} must be a whole number >= 0, got {n!r}")
        return value


def check_now(value: Any) -> Any:
    """``now:`` is an ISO datetime (YAML's unquoted timestamps are accepted as such)."""
    value = _iso(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"now must be an ISO datetime, got {value!r}")
    try:
        parse_now(value)
    except ValueError as exc:
        raise ValueError(
            f"now must be an ISO datetime (2024-06-30T12:00:00), got {value!r}"
        ) from exc
    return value
