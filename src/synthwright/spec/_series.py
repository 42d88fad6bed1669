"""Time series: ``series:`` on a table and ``signal:`` on its float columns.

Sensor readings, metrics and prices are not independent draws: each entity
(a device, a store) has its own series with regular steps, a level, a
trend, seasonal cycles and autocorrelated noise. The models live here,
beside ``_models`` which hooks them into ``TableSpec`` and ``TypeColumn``;
the engine (``engine/series.py``) fills the values after generation.

Example (YAML)::

    readings:
      per_parent: {table: devices, dist: {uniform: {}}, min: 96, max: 96}
      series: {time: at, start: "2024-01-01", every: 15m}
      columns:
        at:    {type: datetime}
        temp:  {type: float, signal: {level: 20, trend: 0.001,
                seasonality: [{period: 1d, amplitude: 3}], noise: 0.3, ar: 0.6}}

A period is a number of steps or a duration (``1d`` at ``every: 15m`` is 96 steps).
The entities are the parent rows of a ``per_parent`` table, or the values of
the column ``series.entity`` names (a profile of a single table of readings
with a device column uses that), or else the table is one series.

Gaps and anomalies (real sensors drop readings and misbehave)::

      series:
        time: at
        start: "2024-01-01"
        every: 15m
        gaps:
          rate: 0.02          # share of each entity's steps with no row
          length: 4           # steps per gap (or a duration: 1h)
          windows: [{start: "2024-01-03T00:00", end: "2024-01-03T06:00"}]  # no rows at all
        anomalies:
          - {kind: shift, rate: 0.01, length: 1d, size: 5, name: sensor_offset}
          - {kind: spike, rate: 0.002, size: 12}
          - {kind: drift, rate: 0.01, length: 8h, size: -4, columns: [temp]}
      emit_scenario_column: true   # anomalies are labelled there

- ``gaps``: a gap removes steps, not rows -- an entity keeps its row count
  and its timestamps skip the missing steps. ``rate`` is the expected share
  of steps missing: each entity's time axis is cut into windows of
  ``length`` steps (at an offset of its own) and each window is missing with
  probability ``rate``. ``windows`` are stretches ``[start, end)`` in which no
  entity has a row (an outage of the collector).
- ``anomalies``: windows of ``length`` steps on the same kind of grid, each
  hit with probability ``rate`` (so ``rate`` is the expected share of an
  entity's steps inside such a window). ``shift`` adds ``size`` on every
  step of the window, ``drift`` ramps from ``size / length`` to ``size``,
  ``spike`` adds ``size`` on one step (its ``length`` is 1). They apply to
  the ``signal`` columns named in ``columns`` (default: all of them), and
  every row inside a window carries the anomaly's ``name`` (default its
  kind) in the table's ``_scenario`` column, which the table must emit.

Which steps are missing or anomalous is a hash of (seed, table, entity,
window): the same for every run with that seed, whatever the block size.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["AnomalySpec", "GapSpec", "GapWindow", "Seasonality", "SeriesSpec", "SignalSpec"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class GapWindow(_Model):
    """A stretch of time ``[start, end)`` in which no entity has a row."""

    start: str
    end: str


class GapSpec(_Model):
    """Missing steps: a share of each entity's steps, in gaps of ``length``, and outages."""

    rate: float = Field(default=0.0, ge=0.0, lt=1.0)  # expected share of steps missing
    length: int | str = 1  # steps per gap, or a duration
    windows: list[GapWindow] = Field(default_factory=list)


class AnomalySpec(_Model):
    """Windows of ``length`` steps where the signal misbehaves, labelled ``name`` in ``_scenario``."""

    kind: Literal["shift", "spike", "drift"]
    rate: float = Field(gt=0.0, le=1.0)  # expected share of an entity's steps in such windows
    size: float  # added on each step (shift), reached at the end (drift), on the step (spike)
    length: int | str = 1  # steps, or a duration
    name: str | None = None  # the scenario label; default the kind
    columns: list[str] = Field(default_factory=list)  # signal columns; default all

    @model_validator(mode="after")
    def _one_step_spike(self) -> AnomalySpec:
        if self.kind == "spike" and self.length not in (1, "1"):
            raise ValueError("a spike is one step: leave length out (or use shift)")
        return self

    @property
    def label(self) -> str:
        return self.name or self.kind


class SeriesSpec(_Model):
    """Consecutive timestamps in ``time``: per parent entity (a per_parent table) or per table."""

    time: str
    start: str
    every: str  # a duration: 15m, 1h, 1d
    # the column naming each row's entity (a device id drawn as a category); default the
    # per_parent link, and with neither the table is one series
    entity: str | None = None
    gaps: GapSpec | None = None
    anomalies: list[AnomalySpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_labels(self) -> SeriesSpec:
        labels = [a.label for a in self.anomalies]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise ValueError(f"anomalies: give each its own name ({', '.join(twice)} twice)")
        return self


class Seasonality(_Model):
    """One cycle: its period (steps, or a duration) and amplitude (half the swing)."""

    period: float | str
    amplitude: float = 1.0


class SignalSpec(_Model):
    """level + trend * step + seasonal cycles (phase-shifted per entity) + AR(1) noise."""

    level: float = 0.0
    trend: float = 0.0  # per step
    seasonality: list[Seasonality] = Field(default_factory=list)
    noise: float = Field(default=0.0, ge=0.0)  # standard deviation of the innovations
    ar: float = Field(default=0.0, gt=-1.0, lt=1.0)  # AR(1) coefficient of the noise
