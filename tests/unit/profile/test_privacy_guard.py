"""Rows drawn from a fit of few-valued columns seldom copy a real row seen once."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from synthwright.profile import generate_from_profile, profile_tables
from synthwright.profile.report import quality_report


def _survey(n: int = 3000, seed: int = 1) -> pa.Table:
    """Answers in bands: ages and years as band middles (17.5, 22, ...), ratings 1-5."""
    rng = np.random.default_rng(seed)
    age = rng.choice([17.5, 22.0, 27.0, 32.0, 37.0, 42.0], n)
    years = np.clip(age - 17 + rng.choice([-5.0, -2.5, 0.0, 2.5], n), 0.5, None)
    rating = rng.integers(1, 6, n)
    religious = rng.integers(1, 5, n)
    kids = rng.choice([0.0, 1.0, 2.0, 3.0, 5.5], n)
    return pa.table(
        {"age": age, "years": years, "rating": rating, "religious": religious, "kids": kids}
    )


def test_guard_smooths_band_columns_and_keeps_copies_rare() -> None:
    real = _survey()
    fitted = profile_tables({"survey": real})
    cols = fitted.profiles["survey"].columns
    smoothed = [c for c, cp in cols.items() if cp.smooth]
    assert smoothed and all(not cols[c].integer for c in smoothed)
    assert any(
        note.startswith("survey:") and "between the sample's values" in note
        for note in fitted.notes
    )
    out = generate_from_profile(fitted, seed=2)
    report = quality_report({"survey": real}, out)
    (priv,) = report.privacy
    assert priv.unique_copies <= 0.01
    assert report.column_shapes is not None and report.column_shapes > 0.8
    ratings = out["survey"].column("rating").to_pylist()
    assert set(ratings) <= {1, 2, 3, 4, 5}  # whole numbers stay whole
