"""Pydantic models of the dataset spec, version 1 (SPEC.md section 1).

The spec is data: these models say what is allowed to be written, nothing
about how it is generated. Shape checks live here (types of fields, ranges of
numbers); checks that need the type catalogue or the whole spec (unknown
columns, capacity) live in the engine's compiler, which collects every
problem with its location.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    FiniteFloat,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._dist_names import FAMILIES, DistParameterError, canonical_params, document_aliases
from ._params import with_own_params
from ._quality import QualitySpec
from ._series import SeriesSpec, SignalSpec
from ._truth import Preset, TruthQuery, check_now

if TYPE_CHECKING:
    from ._profile import TableProfile

Scalar = str | int | float | bool


def _finite_bound(value: Any) -> Any:
    """NaN or an infinity as min/max would reach the output as NaN: refuse it here."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"min/max must be finite numbers, got {value}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


Bound = Annotated[int | float | str, AfterValidator(_finite_bound)]


def _not_bool(value: Any) -> Any:
    """``rows: true`` would pass as 1 (bool is an int to pydantic): a count is a number."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {str(value).lower()}")
    return value


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)\s*$")
_DURATION_SECONDS = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "y": 365 * 86400,
}


def parse_duration(text: str) -> float:
    """Seconds in a duration like ``365d``, ``12h``, ``30m``, ``45s``, ``2w``."""
    match = _DURATION_RE.match(text)
    if not match:
        raise ValueError(f"bad duration {text!r}: use a number and one of ms, s, m, h, d, w, y")
    return float(match.group(1)) * _DURATION_SECONDS[match.group(2)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- distributions -----------------------------------------------------------
#
# Each family accepts numpy's and scipy.stats' names for its parameters (the
# table in ``_dist_names``); a before-validator maps them to one canonical
# name, so the engine reads one field and a dumped spec has one form.


def _document_dist(schema: dict[str, Any], cls: type[Any]) -> None:
    kind = cls.model_fields["kind"].default
    if kind in FAMILIES:
        document_aliases(kind, schema)


class _DistBase(_Model):
    """Dumps in the short form users write: ``lognormal`` or ``{normal: {std: 3}}``."""

    model_config = ConfigDict(json_schema_extra=_document_dist)

    kind: str

    @model_validator(mode="before")
    @classmethod
    def _canonical_names(cls, data: Any) -> Any:
        kind = cls.model_fields["kind"].default
        if not isinstance(data, dict) or kind not in FAMILIES:
            return data
        try:
            return canonical_params(kind, data)
        except DistParameterError as exc:
            # a type of its own, so the loader can locate it at `dist.<family>`
            raise PydanticCustomError(
                "dist_parameter", "{detail}", {"detail": str(exc), "family": exc.family}
            ) from None

    @model_serializer(mode="wrap")
    def _short_form(self, handler: Any) -> Any:
        params = {k: v for k, v in handler(self).items() if k != "kind" and v is not None}
        return {self.kind: params} if params else self.kind


class UniformDist(_DistBase):
    """Every value in [min, max] equally likely.

    ``min``/``max`` here (or numpy's ``low``/``high``) narrow the range of the
    column or per_parent holding the dist: that model folds them into its own
    bounds at validation, so the samplers see one range and the dumped spec
    carries it once, on the column.
    """

    kind: Literal["uniform"] = "uniform"
    min: Bound | None = None
    max: Bound | None = None

    @model_validator(mode="after")
    def _ordered(self) -> UniformDist:
        lo, hi = self.min, self.max
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            raise ValueError(f"uniform min ({self.min}) is greater than max ({self.max})")
        return self


class NormalDist(_DistBase):
    """Normal, truncated to [min, max]; defaults: centre of the range, range/6."""

    kind: Literal["normal"] = "normal"
    mean: FiniteFloat | None = None
    std: FiniteFloat | None = Field(default=None, gt=0)


class LognormalDist(_DistBase):
    """Lognormal (mu, sigma of the underlying normal), truncated to [min, max].

    Defaults put the median at the geometric centre of the range. numpy's
    ``mean`` is mu (of the underlying normal, not of the values); scipy's
    ``scale`` is e^mu.
    """

    kind: Literal["lognormal"] = "lognormal"
    mu: FiniteFloat | None = None
    sigma: FiniteFloat | None = Field(default=None, gt=0)


class ExponentialDist(_DistBase):
    """Exponential from min with the given mean (``scale``); default range/5."""

    kind: Literal["exponential"] = "exponential"
    scale: FiniteFloat | None = Field(default=None, gt=0)


class PoissonDist(_DistBase):
    """Poisson counts with mean ``lam``, truncated to [min, max]."""

    kind: Literal["poisson"] = "poisson"
    lam: FiniteFloat = Field(gt=0)


class ZipfDist(_DistBase):
    """Zipf over ranks (P(k) ~ k^-a) on a finite range; few values get most rows."""

    kind: Literal["zipf"] = "zipf"
    a: FiniteFloat = Field(default=1.2, gt=0)


class BetaDist(_DistBase):
    """Beta(a, b) stretched over [min, max]."""

    kind: Literal["beta"] = "beta"
    a: FiniteFloat = Field(gt=0)
    b: FiniteFloat = Field(gt=0)


Dist = Annotated[
    UniformDist | NormalDist | LognormalDist | ExponentialDist | PoissonDist | ZipfDist | BetaDist,
    Field(discriminator="kind"),
]
DIST_KINDS = ("uniform", "normal", "lognormal", "exponential", "poisson", "zipf", "beta")


def _normalise_dist(value: Any) -> Any:
    """Accept ``lognormal``, ``{normal: {mean: 1}}`` or ``{kind: normal, mean: 1}``."""
    if isinstance(value, str):
        return {"kind": value}
    if isinstance(value, dict) and "kind" not in value and len(value) == 1:
        ((kind, params),) = value.items()
        if params is None:
            params = {}
        if isinstance(params, dict):
            return {"kind": kind, **params}
    return value


class _HasDist(_Model):
    @field_validator("dist", mode="before", check_fields=False)
    @classmethod
    def _dist_forms(cls, value: Any) -> Any:
        return _normalise_dist(value)


def _narrow(own: Any, given: Any, *, name: str, upper: bool) -> Any:
    """A range bound narrowed by a uniform's ``min``/``max``.

    Numbers intersect; other bounds (dates, times) cannot be compared safely
    as text, so they must agree when both are given.
    """
    if given is None:
        return own
    if own is None or own == given:
        return given
    if _is_number(own) and _is_number(given):
        return min(own, given) if upper else max(own, given)
    raise ValueError(
        f"uniform {name} {given!r} and the range's {name} {own!r} differ; give the bound once"
    )


def _fold_uniform(lo: Any, hi: Any, dist: UniformDist) -> tuple[Any, Any]:
    """The range [lo, hi] narrowed by ``dist``'s bounds, which are then cleared.

    Clearing keeps one canonical form: the narrowed range lives on the
    column or per_parent, and ``dist`` dumps as plain ``uniform``.
    """
    new_lo = _narrow(lo, dist.min, name="min", upper=False)
    new_hi = _narrow(hi, dist.max, name="max", upper=True)
    if _is_number(new_lo) and _is_number(new_hi) and new_lo > new_hi:
        raise ValueError(
            f"uniform [{dist.min}, {dist.max}] does not overlap the range [{lo}, {hi}]"
        )
    dist.min = dist.max = None
    return new_lo, new_hi


# --- columns -----------------------------------------------------------------


class _ColumnBase(_HasDist):
    null_rate: float = Field(default=0.0, ge=0.0, lt=1.0)
    unique: bool = False
    description: str | None = None


def _no_extra_in_schema(schema: dict[str, Any]) -> None:
    schema["additionalProperties"] = False  # a word of a type's own is documented per type


class TypeColumn(_ColumnBase):
    """A column drawn from the type catalogue (``synthwright types``).

    The fields below are the shared parameter vocabulary: each word is
    defined once here and a type's parameter model (next to its generator)
    says which it takes; the compiler refuses the others. A word of one
    type's own is validated by that type's model and kept among the extras
    (``_params``); any other key is refused as unknown.
    """

    model_config = ConfigDict(extra="allow", json_schema_extra=_no_extra_in_schema)

    type: str
    min: Bound | None = None
    max: Bound | None = None
    signal: SignalSpec | None = None  # a float column of a `series:` table (_series.py)
    values: list[Scalar] | dict[str, float] | None = None
    dist: Dist | None = None
    p: float | None = Field(default=None, ge=0.0, le=1.0)
    pattern: str | None = None
    regex: str | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    scale: int | None = Field(default=None, ge=0, le=18)
    precision: int | None = Field(default=None, ge=1, le=38)
    format: str | None = None
    locale: str | None = None
    after: str | None = None
    before: str | None = None
    within: str | None = None
    unit: Literal["words", "sentences", "paragraphs"] | None = None
    keys: dict[str, str] | None = None
    prompt: str | None = None
    template: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    domains: list[str] | None = None

    @field_validator("within")
    @classmethod
    def _within_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @field_validator("values")
    @classmethod
    def _values_not_empty(cls, value: Any) -> Any:
        if value is not None and len(value) == 0:
            raise ValueError("values must not be empty")
        if isinstance(value, dict) and any(w < 0 for w in value.values()):
            raise ValueError("weights in values must be >= 0")
        if isinstance(value, dict) and not all(math.isfinite(w) for w in value.values()):
            raise ValueError("weights in values must be finite numbers")
        if isinstance(value, dict) and sum(value.values()) <= 0:
            raise ValueError("weights in values must add up to more than 0")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _own_params(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict) and not data.keys() <= _VOCABULARY:
            return with_own_params(cls.__name__, data, _VOCABULARY, handler)
        return handler(data)

    @model_validator(mode="after")
    def _uniform_narrows_range(self) -> TypeColumn:
        if isinstance(self.dist, UniformDist) and (
            self.dist.min is not None or self.dist.max is not None
        ):
            self.min, self.max = _fold_uniform(self.min, self.max, self.dist)
        return self


_VOCABULARY = frozenset(TypeColumn.model_fields)  # read once: the class property is not cheap


class RefColumn(_ColumnBase):
    """A foreign key: ``ref: table.column``; parents drawn uniformly or by zipf.

    ``distinct_from: other`` names another ref of this table to the same key:
    no row points both at the same parent (a transfer between two different
    accounts, a relationship between two different files). The draw is the
    ref's own distribution given that it differs from the other's parent.
    """

    ref: str
    dist: Annotated[UniformDist | ZipfDist, Field(discriminator="kind")] | None = None
    distinct_from: str | None = None

    @field_validator("ref")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if value.count(".") != 1 or not all(value.split(".")):
            raise ValueError(f"ref must be 'table.column', got {value!r}")
        return value

    @model_validator(mode="after")
    def _uniform_has_no_range(self) -> RefColumn:
        if isinstance(self.dist, UniformDist) and (
            self.dist.min is not None or self.dist.max is not None
        ):
            raise ValueError("a ref draws from every parent row: its uniform takes no min/max")
        return self


class ExprColumn(_Model):
    """A derived value: an SQL expression over this row and its parents' rows."""

    expr: str
    description: str | None = None


def _column_kind(value: Any) -> str:
    if isinstance(value, dict):
        present = [k for k in ("type", "ref", "expr") if k in value]
        return present[0] if len(present) == 1 else "invalid"
    if isinstance(value, BaseModel):
        return {TypeColumn: "type", RefColumn: "ref", ExprColumn: "expr"}.get(
            type(value), "invalid"
        )
    return "invalid"


class _InvalidColumn(_Model):
    """Stands for a column with none or several of type/ref/expr; always refused."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, value: Any) -> Any:
        if isinstance(value, dict):
            present = [k for k in ("type", "ref", "expr") if k in value]
            if present:
                raise ValueError(f"a column has exactly one of type, ref, expr; got {present}")
        raise ValueError("a column needs one of 'type:', 'ref:' or 'expr:'")


Column = Annotated[
    Annotated[TypeColumn, Tag("type")]
    | Annotated[RefColumn, Tag("ref")]
    | Annotated[ExprColumn, Tag("expr")]
    | Annotated[_InvalidColumn, Tag("invalid")],
    Discriminator(_column_kind),
]


# --- tables ------------------------------------------------------------------


class PerParent(_HasDist):
    """How many child rows each parent row gets."""

    table: str
    dist: Dist | None = None
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=0)

    _whole = field_validator("min", "max", mode="before")(_not_bool)

    @model_validator(mode="after")
    def _min_le_max(self) -> PerParent:
        if isinstance(self.dist, UniformDist):
            for name in ("min", "max"):
                bound = getattr(self.dist, name)
                if bound is not None and (
                    not _is_number(bound) or bound != int(bound) or bound < 0
                ):
                    raise ValueError(f"per_parent uniform {name} must be a whole number >= 0")
            lo, hi = _fold_uniform(self.min, self.max, self.dist)
            self.min, self.max = int(lo), None if hi is None else int(hi)
        if self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.max is None and (self.dist is None or self.dist.kind in ("uniform", "zipf")):
            raise ValueError("per_parent needs max when dist is uniform, zipf or absent")
        return self


class TableSpec(_Model):
    """One table: a row count (root) or per-parent counts (child), and columns."""

    rows: int | None = Field(default=None, ge=0)
    per_parent: PerParent | None = None
    columns: dict[str, Column]
    unique: list[str] | list[list[str]] | None = None
    checks: list[str] = Field(default_factory=list)
    emit_scenario_column: bool = False
    description: str | None = None
    profile: TableProfile | None = None  # fitted from sample data by `synthwright profile`
    # rows already in the target database: not generated; children of this run point at
    # them (with `--db URL --if-exists append`)
    existing: bool = False
    quality: QualitySpec | None = None  # labelled defects injected after generation
    series: SeriesSpec | None = None  # consecutive timestamps per parent (_series.py)

    _whole = field_validator("rows", mode="before")(_not_bool)

    @model_validator(mode="after")
    def _one_size(self) -> TableSpec:
        if self.existing:
            if self.rows is not None or self.per_parent is not None:
                raise ValueError("an existing table takes neither 'rows' nor 'per_parent'")
            if not self.columns:
                raise ValueError("a table needs at least one column")
            return self
        if self.rows is None and self.per_parent is None:
            raise ValueError("a table needs 'rows' or 'per_parent'")
        if self.rows is not None and self.per_parent is not None:
            raise ValueError("a table has 'rows' or 'per_parent', not both")
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for where, name in self.quality.named_columns() if self.quality else []:
            if name not in self.columns:
                raise ValueError(f"quality.{where}: unknown column {name!r}")
        if self.quality is not None and "_defect" in self.columns:
            raise ValueError("'_defect' is reserved for the labels of quality:")
        if self.series is not None and self.series.time not in self.columns:
            raise ValueError(f"series.time: unknown column {self.series.time!r}")
        return self

    def unique_sets(self) -> list[list[str]]:
        """Composite uniqueness rules as lists of column names."""
        if not self.unique:
            return []
        if all(isinstance(item, str) for item in self.unique):
            return [list(self.unique)]  # type: ignore[arg-type]
        return [list(item) for item in self.unique]  # type: ignore[arg-type]


# --- scenarios ---------------------------------------------------------------


class Override(_Model):
    """A constraint map in a scenario's ``set``: narrows the column for those rows."""

    min: Bound | None = None
    max: Bound | None = None
    values: list[Scalar] | dict[str, float] | None = None
    null_rate: float | None = Field(default=None, ge=0.0, le=1.0)


class Scenario(_Model):
    """Extra rows (``count``) or a share of the rows that get ``set`` values."""

    name: str
    count: int | None = Field(default=None, ge=0)
    share: float | None = Field(default=None, gt=0.0, le=1.0)
    set: dict[str, Override | Scalar | None] = Field(default_factory=dict)
    description: str | None = None

    _whole = field_validator("count", mode="before")(_not_bool)

    @field_validator("set", mode="before")
    @classmethod
    def _maps_are_overrides(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: Override.model_validate(item) if isinstance(item, dict) else item
                for key, item in value.items()
            }
        return value

    @model_validator(mode="after")
    def _count_or_share(self) -> Scenario:
        if (self.count is None) == (self.share is None):
            raise ValueError("a scenario has exactly one of 'count' or 'share'")
        return self


# --- the spec ------------------------------------------------------------------


class Spec(_Model):
    """A whole dataset: tables, their columns and rules, and scenarios."""

    version: Literal[1] = 1
    name: str = "dataset"
    description: str | None = None
    seed: int | None = None
    locale: str = "en_US"
    tables: dict[str, TableSpec]
    scenarios: dict[str, list[Scenario]] = Field(default_factory=dict)
    # truth records and presets (SPEC.md section 4): shapes in _truth.py, planted by
    # synthwright.truth; the engine reads none of them
    now: str | None = None
    truth: dict[str, list[TruthQuery]] | None = None
    presets: dict[str, Preset] | None = None

    _whole = field_validator("seed", mode="before")(_not_bool)
    _now = field_validator("now", mode="before")(check_now)

    @model_validator(mode="after")
    def _has_tables(self) -> Spec:
        if not self.tables:
            raise ValueError("a spec needs at least one table")
        return self

    @model_serializer(mode="wrap")
    def _compact(self, handler: Any) -> Any:
        return _drop_defaults(handler(self))


def _drop_defaults(data: Any) -> Any:
    """Dump without None values, so a dumped spec reads like a written one."""
    if isinstance(data, dict):
        return {k: _drop_defaults(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_drop_defaults(v) for v in data]
    return data
