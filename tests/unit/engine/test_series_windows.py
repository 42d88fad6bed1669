"""`series.gaps` and `series.anomalies`: missing steps at the asked rate, labelled anomaly windows."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.errors import SpecError

EVERY_US = 15 * 60 * 1_000_000


def _spec(
    *,
    devices: int = 40,
    steps: int = 2_000,
    gaps: dict[str, Any] | None = None,
    anomalies: list[dict[str, Any]] | None = None,
    signal: dict[str, Any] | None = None,
) -> dict[str, Any]:
    series: dict[str, Any] = {"time": "at", "start": "2024-01-01", "every": "15m"}
    if gaps is not None:
        series["gaps"] = gaps
    if anomalies is not None:
        series["anomalies"] = anomalies
    return {
        "version": 1,
        "seed": 21,
        "tables": {
            "devices": {"rows": devices, "columns": {"id": {"type": "id"}}},
            "readings": {
                "per_parent": {
                    "table": "devices",
                    "dist": {"uniform": {}},
                    "min": steps,
                    "max": steps,
                },
                "series": series,
                "emit_scenario_column": True,
                "columns": {
                    "id": {"type": "id"},
                    "device_id": {"ref": "devices.id"},
                    "at": {"type": "datetime"},
                    "temp": {"type": "float", "signal": signal or {"level": 10}},
                    "hum": {"type": "float", "signal": {"level": 50}},
                },
            },
        },
    }


def _by_device(t: pa.Table) -> dict[int, dict[str, np.ndarray]]:
    dev = t.column("device_id").to_numpy()
    cols = {
        "step": (t.column("at").cast(pa.int64()).to_numpy() - t.column("at")[0].value) // EVERY_US,
        "temp": t.column("temp").to_numpy(),
        "hum": t.column("hum").to_numpy(),
        "label": np.array(t.column("_scenario").to_pylist(), dtype=object),
    }
    return {int(d): {k: v[dev == d] for k, v in cols.items()} for d in np.unique(dev)}


def _missing_share(t: pa.Table) -> tuple[float, int]:
    missing = spanned = 0
    for s in _by_device(t).values():
        assert (np.diff(s["step"]) >= 1).all()  # time still moves forward, a step or more
        spanned += int(s["step"][-1]) + 1
        missing += int(s["step"][-1]) + 1 - len(s["step"])
    return missing / spanned, spanned


@pytest.mark.parametrize("length", [1, 4])
def test_gap_rate_within_sampling_error(length: int) -> None:
    t = sw.generate(_spec(gaps={"rate": 0.05, "length": length}))["readings"]
    assert t.num_rows == 40 * 2_000  # gaps remove steps, not rows
    share, spanned = _missing_share(t)
    windows = spanned / length  # independent draws: one per window
    assert abs(share - 0.05) < 4 * np.sqrt(0.05 * 0.95 / windows), share
    if length > 1:  # missing steps come in runs of the asked length (or longer)
        runs = []
        for s in _by_device(t).values():
            jumps = np.diff(s["step"]) - 1
            runs += jumps[jumps > 0].tolist()
        assert min(runs) >= 1 and np.mean(runs) >= length


def test_outage_window_has_no_rows_for_anyone() -> None:
    window = {"start": "2024-01-03T00:00:00", "end": "2024-01-03T06:00:00"}
    t = sw.generate(_spec(devices=5, steps=500, gaps={"windows": [window]}))["readings"]
    at = t.column("at").cast(pa.int64()).to_numpy()
    lo = np.datetime64("2024-01-03T00:00:00", "us").astype(np.int64)
    hi = np.datetime64("2024-01-03T06:00:00", "us").astype(np.int64)
    assert not ((at >= lo) & (at < hi)).any()
    for s in _by_device(t).values():
        assert len(s["step"]) == 500
        assert (np.diff(s["step"]) > 1).sum() == 1  # one jump over the outage
        assert int(np.diff(s["step"]).max()) == 6 * 4 + 1


def test_gaps_are_deterministic_across_blocks() -> None:
    spec = _spec(devices=4, steps=40_000, gaps={"rate": 0.1, "length": 3})  # three blocks
    a = sw.generate(spec)["readings"]
    assert a.equals(sw.generate(spec)["readings"])
    share, _ = _missing_share(a)
    assert abs(share - 0.1) < 0.01
    other = json.loads(json.dumps(spec))
    other["seed"] = 22
    assert not sw.generate(other)["readings"].column("at").equals(a.column("at"))


def test_shift_and_spike_rows_are_labelled_and_moved_by_the_size() -> None:
    anomalies = [
        {"kind": "shift", "rate": 0.04, "length": "2h", "size": 5, "name": "offset"},
        {"kind": "spike", "rate": 0.01, "size": -30, "columns": ["temp"]},
    ]
    t = sw.generate(_spec(anomalies=anomalies))["readings"]
    temp, hum = t.column("temp").to_numpy(), t.column("hum").to_numpy()
    label = np.array(t.column("_scenario").to_pylist(), dtype=object)
    shifted, spiked, clean = label == "offset", label == "spike", label == None  # noqa: E711
    n = t.num_rows
    for share, rate, windows in ((shifted, 0.04, n / 8), (spiked, 0.01, n)):
        got = share.mean()
        # a spike on a shifted step is labelled spike: the shift's share loses a little
        assert abs(got - rate) < 4 * np.sqrt(rate * (1 - rate) / windows) + 0.01 * rate, got
    assert np.allclose(temp[clean], 10) and np.allclose(hum[clean], 50)
    both = spiked & (np.abs(temp - (10 + 5 - 30)) < 1e-9)  # a spike inside a shift window
    assert np.allclose(temp[shifted], 15) and np.allclose(hum[shifted], 55)
    assert np.allclose(temp[spiked & ~both], -20)  # spikes apply to temp only
    assert set(np.round(hum[spiked], 9)) <= {50.0, 55.0}
    for s in _by_device(t).values():  # a shift lasts whole windows of 8 steps (hum: no spikes)
        edges = np.flatnonzero(np.diff(np.r_[0, np.isclose(s["hum"], 55), 0].astype(int)))
        starts, ends = edges[::2], edges[1::2]
        whole = (starts > 0) & (ends < len(s["hum"]))  # not cut by the series' start or end
        assert ((ends - starts)[whole] % 8 == 0).all()


def test_drift_ramps_to_its_size_over_the_window_with_noise_unchanged() -> None:
    signal = {"level": 10, "seasonality": [{"period": "1d", "amplitude": 2}], "noise": 0.5}
    drift = [{"kind": "drift", "rate": 0.05, "length": 4, "size": 8}]
    base = sw.generate(_spec(devices=10, signal=signal))["readings"]
    t = sw.generate(_spec(devices=10, signal=signal, anomalies=drift))["readings"]
    label = np.array(t.column("_scenario").to_pylist(), dtype=object)
    diff = t.column("temp").to_numpy() - base.column("temp").to_numpy()
    assert np.allclose(diff[label == None], 0)  # noqa: E711 - same noise, same seasonality
    assert set(np.round(diff[label == "drift"], 9)) == {2.0, 4.0, 6.0, 8.0}
    assert abs((label == "drift").mean() - 0.05) < 0.01


def test_anomalies_need_the_scenario_column_and_signal_columns() -> None:
    spec = _spec(anomalies=[{"kind": "shift", "rate": 0.1, "size": 1}])
    spec["tables"]["readings"]["emit_scenario_column"] = False
    with pytest.raises(SpecError, match="emit_scenario_column") as err:
        sw.generate(spec).materialize()
    assert err.value.problems[0].location == "tables.readings.series.anomalies"
    spec = _spec(anomalies=[{"kind": "shift", "rate": 0.1, "size": 1, "columns": ["at"]}])
    with pytest.raises(SpecError, match="signal columns"):
        sw.generate(spec).materialize()
    with pytest.raises(SpecError, match="spike is one step"):
        sw.load_spec(_spec(anomalies=[{"kind": "spike", "rate": 0.1, "size": 1, "length": 3}]))
    twice = [{"kind": "shift", "rate": 0.1, "size": 1}, {"kind": "shift", "rate": 0.1, "size": 2}]
    with pytest.raises(SpecError, match="own name"):
        sw.load_spec(_spec(anomalies=twice))
    with pytest.raises(SpecError, match="whole number of steps"):
        sw.generate(_spec(gaps={"rate": 0.1, "length": "20m"})).materialize()


def test_entity_column_makes_one_series_per_value() -> None:
    spec = {
        "version": 1,
        "seed": 4,
        "tables": {
            "readings": {
                "rows": 3_000,
                "series": {"time": "at", "start": "2024-01-01", "every": "1h", "entity": "device"},
                "columns": {
                    "device": {"type": "category", "values": {"a": 0.5, "b": 0.3, "c": 0.2}},
                    "at": {"type": "datetime"},
                    "v": {"type": "float", "signal": {"level": 1, "trend": 1}},
                },
            }
        },
    }
    t = sw.generate(spec)["readings"]
    device = np.array(t.column("device").to_pylist(), dtype=object)
    at = t.column("at").cast(pa.int64()).to_numpy()
    v = t.column("v").to_numpy()
    for name in ("a", "b", "c"):
        steps = (at[device == name] - at[device == name][0]) // 3_600_000_000
        assert (steps == np.arange(len(steps))).all()  # consecutive hours per device
        assert np.allclose(v[device == name], 1 + steps)  # trend counted per device
    bad = json.loads(json.dumps(spec))
    bad["tables"]["readings"]["series"]["entity"] = "nope"
    with pytest.raises(SpecError, match="unknown column") as err:
        sw.generate(bad).materialize()
    assert err.value.problems[0].location == "tables.readings.series.entity"
