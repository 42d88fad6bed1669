"""`series:` and `signal:`: consecutive steps per entity, seasonality recovered."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.errors import GenerationError, SpecError

STEPS = 96 * 12  # twelve days of 15-minute readings per device


def _spec(signal: dict[str, Any] | None = None, steps: int = STEPS) -> dict[str, Any]:
    return {
        "version": 1,
        "seed": 9,
        "tables": {
            "devices": {"rows": 4, "columns": {"id": {"type": "id"}}},
            "readings": {
                "per_parent": {
                    "table": "devices",
                    "dist": {"uniform": {}},
                    "min": steps,
                    "max": steps,
                },
                "series": {"time": "at", "start": "2024-01-01", "every": "15m"},
                "columns": {
                    "id": {"type": "id"},
                    "device_id": {"ref": "devices.id"},
                    "at": {"type": "datetime"},
                    "temp": {
                        "type": "float",
                        "signal": signal
                        or {
                            "level": 20,
                            "trend": 0.001,
                            "seasonality": [{"period": "1d", "amplitude": 3}],
                            "noise": 0.4,
                            "ar": 0.6,
                        },
                    },
                },
            },
        },
    }


@pytest.fixture(scope="module")
def readings() -> pa.Table:
    return sw.generate(_spec())["readings"]


def _per_device(t: pa.Table) -> dict[int, dict[str, np.ndarray]]:
    dev = t.column("device_id").to_numpy()
    at = t.column("at").cast(pa.int64()).to_numpy()
    temp = t.column("temp").to_numpy()
    return {int(d): {"at": at[dev == d], "temp": temp[dev == d]} for d in np.unique(dev)}


def test_consecutive_timestamps_per_device(readings: pa.Table) -> None:
    for series in _per_device(readings).values():
        assert len(series["at"]) == STEPS
        assert (np.diff(series["at"]) == 15 * 60 * 1_000_000).all()
        assert readings.column("at")[0].as_py().isoformat() == "2024-01-01T00:00:00"


def test_seasonality_recovered_per_device(readings: pa.Table) -> None:
    phases = []
    for series in _per_device(readings).values():
        y = series["temp"]
        steps = np.arange(len(y))
        detrended = y - np.polyval(np.polyfit(steps, y, 1), steps)
        z = detrended - detrended.mean()
        acf = float(np.dot(z[:-96], z[96:]) / np.dot(z, z))
        assert acf > 0.6, acf  # autocorrelation at the period
        half = float(np.dot(z[:-48], z[48:]) / np.dot(z, z))
        assert half < -0.3, half  # and anti-correlated half a period away
        design = np.column_stack([np.sin(2 * np.pi * steps / 96), np.cos(2 * np.pi * steps / 96)])
        coef, *_ = np.linalg.lstsq(design, z, rcond=None)
        amplitude = float(np.hypot(*coef))
        assert abs(amplitude - 3) <= 0.2 * 3, amplitude  # within 20%
        phases.append(float(np.arctan2(coef[1], coef[0])))
        slope = np.polyfit(steps, y, 1)[0]
        assert abs(slope - 0.001) < 0.0005
    assert len({round(p, 1) for p in phases}) == len(phases)  # each device its own phase


def test_ar_noise_is_autocorrelated() -> None:
    t = sw.generate(_spec({"level": 5, "noise": 1.0, "ar": 0.8}, steps=4000))["readings"]
    y = next(iter(_per_device(t).values()))["temp"]
    z = y - y.mean()
    lag1 = float(np.dot(z[:-1], z[1:]) / np.dot(z, z))
    assert abs(lag1 - 0.8) < 0.05
    assert abs(y.mean() - 5) < 0.5


def test_deterministic_and_independent_of_block_size() -> None:
    spec = _spec(steps=40_000)  # 160k rows: three engine blocks, series continue across them
    a = sw.generate(spec)["readings"]
    b = sw.generate(spec)["readings"]
    assert a.equals(b)
    for series in _per_device(a).values():
        assert (np.diff(series["at"]) == 15 * 60 * 1_000_000).all()


def test_a_signal_needs_a_float_column() -> None:
    spec = _spec()
    spec["tables"]["readings"]["columns"]["at"] = {"type": "datetime"}
    spec["tables"]["readings"]["columns"]["n"] = {"type": "int", "signal": {"level": 1}}
    with pytest.raises(GenerationError, match="float"):
        sw.generate(spec).materialize()


def test_unknown_time_column_refused() -> None:
    spec = _spec()
    spec["tables"]["readings"]["series"]["time"] = "when"
    with pytest.raises(SpecError, match=r"series\.time"):
        sw.load_spec(spec)
