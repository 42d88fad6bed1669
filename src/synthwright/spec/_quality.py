"""The ``quality:`` key of a table: labelled defects injected on purpose.

Test data for data-quality tooling needs known flaws: duplicate records,
outliers, typos and missing values, each labelled so a test can tell what
was planted from what is broken. The model lives in its own module (beside
``_models``, which hooks it into ``TableSpec``) and imports nothing of the
project, like the rest of the spec package.

Example (YAML)::

    quality:
      duplicates: 0.02                      # 2% extra rows repeating others under new keys
      outliers: {rate: 0.01, columns: [amount]}
      typos: {rate: 0.03, columns: [name]}
      nulls: {email: 0.05}
      emit_defects: true                    # adds `_defect`: e.g. "typo:name;null:email"

or ``quality: {accuracy: 0.95}``: 5% of rows get one defect, spread over the
four kinds (explicit keys win over what ``accuracy`` implies).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DEFECT_COLUMN", "DEFECT_KINDS", "QualitySpec", "RatedColumns"]

# The label column of `emit_defects: true`: defects of a row, `kind` or `kind:column`,
# joined by ';' (null for a clean row). Reserved like `_scenario`.
DEFECT_COLUMN = "_defect"
DEFECT_KINDS = ("duplicate", "outlier", "typo", "null")

_Rate = Field(ge=0.0, le=1.0)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RatedColumns(_Model):
    """A share of rows and the columns a defect may hit (all eligible ones if absent)."""

    rate: float = _Rate
    columns: list[str] | None = None


class QualitySpec(_Model):
    """Defects to inject into a table after generation (see the module docstring)."""

    duplicates: float | None = Field(default=None, ge=0.0, le=1.0)
    outliers: RatedColumns | None = None
    typos: RatedColumns | None = None
    nulls: dict[str, float] = Field(default_factory=dict)
    accuracy: float | None = Field(default=None, ge=0.0, le=1.0)
    emit_defects: bool = False

    @model_validator(mode="after")
    def _rates(self) -> QualitySpec:
        for name, rate in self.nulls.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"nulls.{name}: a rate lies in [0, 1], got {rate}")
        return self

    def resolved(self) -> QualitySpec:
        """The explicit settings, with ``accuracy`` spread where a kind is not set.

        ``accuracy: a`` means about ``1 - a`` of the rows carry a defect: a
        quarter of that error each for duplicates, outliers and typos, and the
        last quarter as nulls (spread over eligible columns by the injector,
        marked here by the ``"*"`` key).
        """
        if self.accuracy is None:
            return self
        error = 1.0 - self.accuracy
        part = error / 4
        return self.model_copy(
            update={
                "duplicates": self.duplicates if self.duplicates is not None else part,
                "outliers": self.outliers or RatedColumns(rate=part),
                "typos": self.typos or RatedColumns(rate=part),
                "nulls": self.nulls or {"*": part},
                "accuracy": None,
            }
        )

    def named_columns(self) -> list[tuple[str, str]]:
        """(location, column) for every column named, to check that it exists."""
        out = [(f"nulls.{c}", c) for c in self.nulls if c != "*"]
        for key, rated in (("outliers", self.outliers), ("typos", self.typos)):
            if rated is not None and rated.columns:
                out += [(f"{key}.columns", c) for c in rated.columns]
        return out
