"""Pydantic models of the ``profile:`` section of a table (spec v1, later key).

A profile is what was *fitted* from sample data: per column a marginal
distribution (a named family, empirical quantiles, or category weights with
an ``other`` share standing for the rare categories that are never copied),
per relation the child-count distribution, and per table one Gaussian
copula (a correlation matrix over the normal scores of the modelled
columns, optionally conditioned on the parent table's copula).

These models are plain data like the rest of the spec (``extra="forbid"``,
a ``kind`` discriminator per marginal; ``TableSpec.profile`` holds one) and
import only the spec package. Import them from ``synthwright.spec``, which
re-exports them; this module is private.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._models import TypeColumn

__all__ = [
    "CategoryMarginal",
    "ColumnProfile",
    "CopulaProfile",
    "FamilyMarginal",
    "GivenProfile",
    "LinkProfile",
    "Marginal",
    "PlaceProfile",
    "QuantileMarginal",
    "RunSlot",
    "ShapeSlot",
    "ShapeTemplate",
    "StringShape",
    "TableProfile",
    "WordSlot",
    "children_column",
    "missing_column",
]

Scalar = str | int | float | bool


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class QuantileMarginal(_Model):
    """Empirical quantiles at equally spaced probabilities 0, 1/(k-1), ..., 1.

    Sampling interpolates linearly between them. Datetimes and dates are ISO
    strings, numbers stay numbers, so the section stays readable.
    """

    kind: Literal["quantiles"] = "quantiles"
    points: list[float] | list[str] = Field(min_length=2)


class FamilyMarginal(_Model):
    """A named family fitted by maximum likelihood, chosen by the KS statistic.

    ``params`` are scipy.stats' (``loc``, ``scale`` and the shape ``s``, ``a``,
    ``b``); draws are truncated to [min, max] by inverse CDF, never clipped.
    """

    kind: Literal["family"] = "family"
    family: Literal["normal", "lognormal", "exponential", "uniform", "beta", "gamma"]
    params: dict[str, float]
    min: float
    max: float
    ks: float = Field(ge=0.0, le=1.0, description="KS statistic of the fit on the sample")


class CategoryMarginal(_Model):
    """Weighted categories in copula order, plus the share of rare ones.

    Categories seen fewer than k times in the sample are never written here;
    their share is ``other`` and those rows get values from ``other_column``
    (a generator of the type catalogue), so rare real values never leak.
    """

    kind: Literal["categories"] = "categories"
    values: list[Scalar]
    weights: list[float]
    other: float = Field(default=0.0, ge=0.0, le=1.0)
    other_column: TypeColumn | None = None

    @model_validator(mode="after")
    def _aligned(self) -> CategoryMarginal:
        if len(self.values) != len(self.weights):
            raise ValueError("values and weights must have the same length")
        if any(w < 0 for w in self.weights):
            raise ValueError("weights must be >= 0")
        if sum(self.weights) + self.other <= 0:
            raise ValueError("weights and other must add up to more than 0")
        return self


Marginal = Annotated[
    QuantileMarginal | FamilyMarginal | CategoryMarginal, Field(discriminator="kind")
]


class GivenProfile(_Model):
    """A column's distribution within each category of another column of the row.

    Kept where the category says most of the column (seats follow an aircraft
    model; a model belongs to its manufacturer): a Gaussian copula blurs such
    a dependence over neighbouring categories. ``marginals[i]`` is the
    column's distribution where ``column`` is ``values[i]`` (quantiles for a
    number, frequencies for a category). Generation draws from it with the
    row's own copula uniform, so its rank against the other columns is kept;
    rows of categories not listed use the column's ``marginal``.
    """

    column: str
    strength: float = Field(
        ge=0.0,
        le=1.0,
        description="correlation ratio (numbers) or uncertainty coefficient (categories)",
    )
    values: list[Scalar]
    marginals: list[Marginal]

    @model_validator(mode="after")
    def _aligned(self) -> GivenProfile:
        if len(self.values) != len(self.marginals):
            raise ValueError("values and marginals must have the same length")
        return self


class ShapeSlot(_Model):
    """One character position of a template: its frequent literal characters and their shares.

    The rest of the position's share (``1 - sum(weights)``) is drawn uniformly
    from the position's class in the template's shape (a digit, an upper- or a
    lower-case letter); a position whose shape character is no class is that
    character.
    """

    chars: str = ""
    weights: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _aligned(self) -> ShapeSlot:
        if len(self.chars) != len(self.weights):
            raise ValueError("chars and weights must have the same length")
        if any(w < 0 for w in self.weights) or sum(self.weights) > 1 + 1e-3:
            raise ValueError("weights must be >= 0 and add up to at most 1")
        return self


class RunSlot(_Model):
    """A run of letters of a template (``AY`` of ``N813AY``) learned as a whole.

    ``values`` are the run's frequent spellings with their shares; the rest
    of the share keeps the per-position draw. An operator's tail ``AA`` or
    ``DL`` stays whole instead of becoming ``DA``.
    """

    start: int = Field(ge=0)
    values: list[str]
    weights: list[float]

    @model_validator(mode="after")
    def _aligned(self) -> RunSlot:
        if len(self.values) != len(self.weights) or len({len(v) for v in self.values}) > 1:
            raise ValueError("one weight per value, every value of the run's length")
        return self


class ShapeTemplate(_Model):
    """Values of one shape (``9`` a digit, ``A`` upper, ``a`` lower, others literal)."""

    shape: str = Field(min_length=1)
    weight: float = Field(gt=0.0)
    slots: list[ShapeSlot]
    runs: list[RunSlot] = Field(default_factory=list)

    @model_validator(mode="after")
    def _aligned(self) -> ShapeTemplate:
        if len(self.slots) != len(self.shape):
            raise ValueError("one slot per character of the shape")
        return self


class WordSlot(_Model):
    """The words at one place of a multi-word value (first, middle or last word).

    ``words`` are the words seen at least k times there, with their shares;
    the rest of the share is filled from ``filler``: a catalogue pool
    (``city`` and ``surname`` names, English ``word``s) in the place's letter
    case, or the column's character templates (``shape``).
    """

    words: list[str] = Field(default_factory=list)
    weights: list[float] = Field(default_factory=list)
    filler: Literal["city", "surname", "word", "shape"] = "shape"
    case: Literal["title", "lower", "upper", "keep"] = "keep"
    country: str | None = Field(default=None, description="ISO code the city filler keeps to")

    @model_validator(mode="after")
    def _aligned(self) -> WordSlot:
        if len(self.words) != len(self.weights):
            raise ValueError("words and weights must have the same length")
        return self


class StringShape(_Model):
    """How a string column's values look, learned without keeping a rare value.

    ``templates`` are per-shape character models of whole values (a tail number ``N###AA``
    keeps its ``N``, its digits and its frequent two-letter tails); values of
    several words also have ``words``: the count of words (``counts[i]`` is
    the share of values of ``i + 1`` words) and, per place, the frequent
    words and a filler for the rest. Generation is vectorised per template
    and per word count.
    """

    templates: list[ShapeTemplate] = Field(min_length=1)
    tokens: list[ShapeTemplate] = Field(
        default_factory=list, description="templates of single words (the `shape` filler)"
    )
    counts: list[float] = Field(default_factory=list)
    first: WordSlot | None = None
    middle: WordSlot | None = None
    last: WordSlot | None = None


class PlaceProfile(_Model):
    """Columns of a table that name one place; generated together so they agree.

    The state and country come from the copula (their frequent values), the
    coordinates too (drawn within the row's state where ``given`` holds
    them); the city is the catalogue's city of that country and state
    nearest the row's coordinates (population-weighted without them), so no
    row says "Tyler, AK" at 64 N. ``country_code`` is the ISO code all rows
    share when the table has no country column.
    """

    city: str
    state: str | None = None
    country: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    country_code: str = "US"
    state_format: Literal["code", "name"] = "code"


ColumnKind = Literal[
    "numeric",
    "datetime",
    "date",
    "bool",
    "categorical",
    "key",
    "semantic",
    "text",
    "string",
    "empty",
]


class ColumnProfile(_Model):
    """What the sample says about one column (statistics plus the fitted marginal)."""

    kind: ColumnKind
    dtype: str = Field(description="Arrow type of the sample column")
    semantic: str | None = Field(default=None, description="catalogue type the values look like")
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    null_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    distinct: int = Field(default=0, ge=0)
    unique: bool = False
    min: Scalar | None = None
    max: Scalar | None = None
    decimals: int | None = Field(default=None, ge=0, description="round draws to this")
    integer: bool = False
    pattern: str | None = Field(default=None, description="regex most values match")
    length: list[int] | None = Field(default=None, description="min and max string length")
    format: str | None = Field(default=None, description="strptime format of date strings")
    resolution: Literal["us", "s", "m", "h", "d"] | None = Field(
        default=None, description="datetimes are multiples of this unit"
    )
    marginal: Marginal | None = None
    given: GivenProfile | None = Field(
        default=None, description="the column's distribution within each category of another"
    )
    shape: StringShape | None = Field(
        default=None, description="how values other than the frequent ones are made"
    )
    smooth: bool = Field(
        default=False,
        description="draw between the sample's values, not on them (so rows copy no real one)",
    )


class LinkProfile(_Model):
    """A foreign key found by value inclusion, with its child-count distribution.

    ``counts`` is the distribution of children per parent row (including
    parents without children); the parent's copula carries it as the column
    ``children_column(child, column)`` so counts follow the parent's values.
    """

    column: str
    parent: str
    parent_column: str
    inclusion: float = Field(ge=0.0, le=1.0, description="share of child values found in parent")
    coverage: float = Field(ge=0.0, le=1.0, description="share of parent keys that have children")
    null_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    primary: bool = Field(default=False, description="the link that lays out the table's rows")
    ratio: float = Field(ge=0.0, description="child rows per parent row in the sample")
    counts: Marginal
    shares: list[float] | None = Field(
        default=None,
        description="share of the children per row of a reference parent (its data's order)",
    )


class CopulaProfile(_Model):
    """Correlation of normal scores over ``columns`` (+ the parent's ``given`` columns).

    The matrix is over ``columns + given`` in that order; generation draws
    the table's scores conditioned on the parent row's scores.
    """

    columns: list[str]
    parent: str | None = None
    given: list[str] = Field(default_factory=list)
    correlation: list[list[float]]

    @model_validator(mode="after")
    def _square(self) -> CopulaProfile:
        size = len(self.columns) + len(self.given)
        if len(self.correlation) != size or any(len(row) != size for row in self.correlation):
            raise ValueError(f"correlation must be {size}x{size} (columns + given)")
        if self.given and self.parent is None:
            raise ValueError("given columns need a parent")
        return self


class TableProfile(_Model):
    """The ``profile:`` section of one table."""

    sample_rows: int = Field(ge=0, description="rows profiled")
    source_rows: int | None = Field(default=None, ge=0, description="rows in the source")
    primary_key: str | None = None
    columns: dict[str, ColumnProfile]
    links: list[LinkProfile] = Field(default_factory=list)
    copula: CopulaProfile | None = None
    reference: bool | None = Field(
        default=None,
        description=(
            "a reference table (codes and their names, no individuals): reproduced as it is, "
            "so its children keep the real distribution over its keys; None: as detected"
        ),
    )
    places: list[PlaceProfile] = Field(default_factory=list)
    data: dict[str, list[Scalar | None]] | None = Field(
        default=None,
        description="a reference table's rows, column by column (surrogate keys left out)",
    )

    @model_validator(mode="after")
    def _reference_data(self) -> TableProfile:
        if self.reference and self.data is None:
            raise ValueError(
                "reference: true needs the table's rows in data; profile the table with "
                "reference={table: True} to keep them"
            )
        if self.data is not None and len({len(v) for v in self.data.values()}) > 1:
            raise ValueError("every column of data must have the same number of rows")
        return self

    def is_reference(self) -> bool:
        """Whether the table is reproduced as it is (its rows are kept and not overridden)."""
        return bool(self.reference) and self.data is not None

    def link(self, column: str) -> LinkProfile | None:
        """The link of a foreign-key column, if any."""
        return next((lk for lk in self.links if lk.column == column), None)

    def primary_link(self) -> LinkProfile | None:
        return next((lk for lk in self.links if lk.primary), None)


def missing_column(column: str) -> str:
    """Name of the pseudo column in a table's copula that says whether `column` is null."""
    return f"missing:{column}"


def children_column(child: str, column: str) -> str:
    """Name of the pseudo column in a parent's copula that counts one link's children."""
    return f"children:{child}.{column}"


def dump(model: BaseModel) -> dict[str, Any]:
    """Plain data without None values (what goes into YAML)."""
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return data
