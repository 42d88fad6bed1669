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
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Seasonality", "SeriesSpec", "SignalSpec"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SeriesSpec(_Model):
    """Consecutive timestamps in ``time``: per parent entity (a per_parent table) or per table."""

    time: str
    start: str
    every: str  # a duration: 15m, 1h, 1d


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
