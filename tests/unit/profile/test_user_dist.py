"""A `dist:` the user edits onto a profiled column is what that column follows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.profile import ProfiledSpec, generate_from_profile, profile_tables

from .conftest import known_table


def _ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x)).astype(np.float64)


def _spearman(table: pa.Table, a: str, b: str) -> float:
    x = np.asarray(table.column(a).to_numpy(zero_copy_only=False), dtype=float)
    y = np.asarray(table.column(b).to_numpy(zero_copy_only=False), dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    return float(np.corrcoef(_ranks(x[ok]), _ranks(y[ok]))[0, 1])


@pytest.fixture(scope="module")
def profiled() -> dict[str, object]:
    return profile_tables({"t": known_table(4000)}).to_data()


def _edited(data: dict[str, object], column: str, **changes: object) -> dict[str, object]:
    import copy

    out = copy.deepcopy(data)
    out["tables"]["t"]["columns"][column].update(changes)  # type: ignore[index]
    return out


def test_an_edited_dist_is_followed_and_keeps_the_copula_correlation(
    profiled: dict[str, object],
) -> None:
    # the sample's x is N(50, 10); the user asks for N(120, 4) instead
    data = _edited(profiled, "x", dist={"normal": {"mean": 120, "std": 4}}, min=0, max=300)
    fitted = ProfiledSpec.from_data(data)
    out = generate_from_profile(fitted, seed=9)["t"]
    x = np.asarray(out.column("x").to_numpy(), dtype=float)
    n = len(x)
    assert x.mean() == pytest.approx(120, abs=4 * 4 / np.sqrt(n))  # 4 standard errors
    assert x.std() == pytest.approx(4, rel=4 / np.sqrt(2 * n))
    # the copula's dependence survives the new marginal (the sample's is about 0.68)
    real = _spearman(known_table(4000), "x", "y")
    assert _spearman(out, "x", "y") == pytest.approx(real, abs=0.05)
    assert sw.check({"t": out}, fitted.spec) == []


def test_an_edited_dist_goes_through_the_facade_too(profiled: dict[str, object]) -> None:
    data = _edited(profiled, "z", dist={"exponential": {"scale": 7}}, min=0, max=1000)
    z = np.asarray(sw.generate(data, seed=2).materialize()["t"].column("z").to_numpy(), float)
    assert z.mean() == pytest.approx(7, rel=4 / np.sqrt(len(z)))
    assert z.min() >= 0


def test_the_written_dist_leaves_the_fitted_marginal_alone(profiled: dict[str, object]) -> None:
    # z is lognormal(3, 0.5); the spec's dist is the profile's own: the fit stays in charge
    out = generate_from_profile(ProfiledSpec.from_data(profiled), seed=9)["t"]
    z = np.asarray(out.column("z").to_numpy(), dtype=float)
    sample = np.asarray(known_table(4000).column("z").to_numpy(), dtype=float)
    assert np.quantile(z, 0.9) == pytest.approx(np.quantile(sample, 0.9), rel=0.05)


def test_a_dist_on_a_category_column_is_refused_with_its_location(
    profiled: dict[str, object],
) -> None:
    data = _edited(profiled, "active", dist="normal")  # a flag: nothing to shape
    with pytest.raises(sw.SpecError) as info:
        generate_from_profile(ProfiledSpec.from_data(data), seed=1)
    assert "tables.t.columns.active.dist" in [p.location for p in info.value.problems]
