"""The project's own report agrees with SDMetrics' QualityReport, column by column and pair by pair.

The bench quotes SDMetrics (the scorer SDV users and papers use); the
project's ``quality_report`` claims SDMetrics' definitions. These golden
tests hold it to that on the same data: every column-shape score, every
counted pair-trend score and both averages within 0.01. sdmetrics is in the
``bench`` extra; without it the tests are skipped.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from synthwright.profile.report import quality_report

sdmetrics = pytest.importorskip("sdmetrics", reason="sdmetrics is in the bench extra")
pd = pytest.importorskip("pandas")

TOLERANCE = 0.01


def _tables(n: int, seed: int, shift: float) -> pa.Table:
    """Numbers (correlated), a date, a category tied to a number, a flag; some nulls."""
    rng = np.random.default_rng(seed)
    x = rng.normal(50 + shift, 10, n)
    y = 0.8 * x + rng.normal(0, 6 + shift, n)
    z = rng.lognormal(2 + shift / 20, 0.6, n)
    day = np.datetime64("2023-01-01") + (x * 3 + rng.normal(0, 20, n)).astype(int)
    band = np.where(x + rng.normal(0, 4 + shift, n) > 55, "high", "low").astype(object)
    band[rng.random(n) < 0.2] = "mid"
    flag = rng.random(n) < (0.3 + shift / 100)
    y_null = rng.random(n) < 0.05
    return pa.table(
        {
            "x": pa.array(x),
            "y": pa.array(y, mask=y_null),
            "z": pa.array(z),
            "day": pa.array(day.astype("datetime64[D]"), pa.date32()),
            "band": pa.array(band.tolist(), pa.string()),
            "flag": pa.array(flag),
        }
    )


METADATA: dict[str, Any] = {
    "columns": {
        "x": {"sdtype": "numerical"},
        "y": {"sdtype": "numerical"},
        "z": {"sdtype": "numerical"},
        "day": {"sdtype": "datetime", "datetime_format": "%Y-%m-%d"},
        "band": {"sdtype": "categorical"},
        "flag": {"sdtype": "boolean"},
    }
}


def _sdmetrics(real: pa.Table, syn: pa.Table) -> Any:
    from sdmetrics.reports.single_table import QualityReport

    def frame(t: pa.Table) -> Any:
        df = t.to_pandas()
        df["day"] = pd.to_datetime(df["day"])
        return df

    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(frame(real), frame(syn), METADATA, verbose=False)
    return report


@pytest.fixture(scope="module", params=[(3, 4.0), (5, 12.0)], ids=["close", "far"])
def both(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    seed, shift = request.param
    real, syn = _tables(3000, 1, 0.0), _tables(2500, seed, shift)
    return quality_report({"t": real}, {"t": syn}), _sdmetrics(real, syn)


def test_column_shapes_agree(both: tuple[Any, Any]) -> None:
    ours, theirs = both
    details = theirs.get_details("Column Shapes")
    expected = dict(zip(details["Column"], details["Score"], strict=True))
    got = {c.column: c.score for c in ours.columns}
    assert set(got) == set(expected)
    for column, score in expected.items():
        assert got[column] == pytest.approx(score, abs=TOLERANCE), column
    assert ours.column_shapes == pytest.approx(np.mean(list(expected.values())), abs=TOLERANCE)


def test_pair_trends_agree(both: tuple[Any, Any]) -> None:
    ours, theirs = both
    details = theirs.get_details("Column Pair Trends")
    counted = details[details["Meets Threshold?"].astype(bool)]
    expected = {
        frozenset((a, b)): s
        for a, b, s in zip(counted["Column 1"], counted["Column 2"], counted["Score"], strict=True)
    }
    got = {frozenset((p.a, p.b)): p.score for p in ours.pairs}
    assert set(got) == set(expected)
    assert len(expected) >= 3  # the data has trends of both kinds to compare
    for pair, score in expected.items():
        assert got[pair] == pytest.approx(score, abs=TOLERANCE), sorted(pair)
    average = theirs.get_properties().set_index("Property").loc["Column Pair Trends", "Score"]
    assert ours.pair_trends == pytest.approx(average, abs=TOLERANCE)
    assert ours.overall == pytest.approx(theirs.get_score(), abs=TOLERANCE)
