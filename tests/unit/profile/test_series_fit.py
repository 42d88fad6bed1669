"""Profiling a time-series sample fits `series:`/`signal:`; look-alikes keep the seasonality."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.profile import profile_tables
from synthwright.profile.series import fit_table
from synthwright.profile.to_spec import ProfiledSpec

PERIOD = 96  # a day of 15-minute steps


def _sample(gaps: dict[str, Any] | None = None, devices: int = 4) -> pa.Table:
    series: dict[str, Any] = {"time": "at", "start": "2024-03-01", "every": "15m"}
    if gaps:
        series["gaps"] = gaps
    spec = {
        "version": 1,
        "seed": 5,
        "tables": {
            "devices": {"rows": devices, "columns": {"id": {"type": "id"}}},
            "readings": {
                "per_parent": {
                    "table": "devices",
                    "dist": {"uniform": {}},
                    "min": 1152,
                    "max": 1152,
                },
                "series": series,
                "columns": {
                    "id": {"type": "id"},
                    "device_id": {"ref": "devices.id"},
                    "at": {"type": "datetime"},
                    "temp": {
                        "type": "float",
                        "signal": {
                            "level": 20,
                            "trend": 0.002,
                            "seasonality": [{"period": "1d", "amplitude": 3}],
                            "noise": 0.4,
                            "ar": 0.6,
                        },
                    },
                    "status": {"type": "category", "values": {"ok": 0.9, "warn": 0.1}},
                },
            },
        },
    }
    t = sw.generate(spec)["readings"].drop_columns(["id"])
    # as read from a file: plain strings (the profiler takes a dictionary column for text)
    return t.set_column(3, "status", t.column("status").cast(pa.string()))


def _seasonality(y: np.ndarray) -> tuple[float, float]:
    """Autocorrelation at the period and the sine amplitude of a detrended series."""
    k = np.arange(len(y))
    z = y - np.polyval(np.polyfit(k, y, 1), k)
    z = z - z.mean()
    acf = float(np.dot(z[:-PERIOD], z[PERIOD:]) / np.dot(z, z))
    design = np.column_stack([np.sin(2 * np.pi * k / PERIOD), np.cos(2 * np.pi * k / PERIOD)])
    coef, *_ = np.linalg.lstsq(design, z, rcond=None)
    return acf, float(np.hypot(*coef))


@pytest.fixture(scope="module")
def profiled() -> ProfiledSpec:
    return profile_tables({"readings": _sample()})


def test_the_fit_recovers_the_signal(profiled: ProfiledSpec) -> None:
    table = profiled.spec.tables["readings"]
    assert table.series is not None
    assert (table.series.time, table.series.every, table.series.entity) == (
        "at",
        "15m",
        "device_id",
    )
    assert table.series.start == "2024-03-01T00:00:00"
    signal = table.columns["temp"].signal  # type: ignore[union-attr]
    assert signal is not None
    assert abs(signal.level - 20) < 0.5 and abs(signal.trend - 0.002) < 0.0005
    assert [s.period for s in signal.seasonality] == [PERIOD]
    assert abs(signal.seasonality[0].amplitude - 3) < 0.3
    assert abs(signal.ar - 0.6) < 0.1 and abs(signal.noise - 0.4) < 0.1
    assert any("time series every 15m per device_id" in n for n in profiled.notes)


def test_look_alike_series_keep_their_seasonality(profiled: ProfiledSpec) -> None:
    again = ProfiledSpec.from_yaml(profiled.to_yaml())  # the profile as a file says the same
    out = sw.generate(again.to_data())
    t = out["readings"]
    assert t.num_rows == 4 * 1152
    dev = np.asarray(t.column("device_id").to_pylist())
    temp = t.column("temp").to_numpy()
    at = t.column("at").cast(pa.int64()).to_numpy()
    assert len(np.unique(dev)) == 4
    for d in np.unique(dev):
        assert (np.diff(at[dev == d]) == 15 * 60 * 1_000_000).all()  # consecutive per device
        acf, amplitude = _seasonality(temp[dev == d])
        assert acf > 0.6, acf  # autocorrelation at the period recovered
        assert abs(amplitude - 3) <= 0.2 * 3, amplitude  # amplitude within 20%
    status = np.asarray(t.column("status").to_pylist())
    assert 0.05 < (status == "warn").mean() < 0.15  # other columns still from the profile


def test_a_sample_with_gaps_is_still_a_series() -> None:
    fit = fit_table(_sample(gaps={"rate": 0.03}))
    assert fit is not None and fit.every == "15m" and fit.entity == "device_id"
    assert fit.signals["temp"]["seasonality"][0]["period"] == PERIOD


def test_one_series_without_an_entity_and_tables_that_are_not_series() -> None:
    one = _sample(devices=1).drop_columns(["device_id"])
    fit = fit_table(one)
    assert fit is not None and fit.entity is None
    shuffled = one.take(pa.array(np.random.default_rng(1).permutation(one.num_rows)))
    assert fit_table(shuffled) is not None  # order does not matter, the steps do
    rng = np.random.default_rng(2)
    irregular = pa.table(
        {
            "at": pa.array(np.sort(rng.integers(0, 10**12, 500)), pa.timestamp("us")),
            "v": rng.normal(size=500),
        }
    )
    assert fit_table(irregular) is None
    plain = profile_tables({"t": pa.table({"x": rng.normal(size=300), "n": np.arange(300)})})
    assert plain.spec.tables["t"].series is None
