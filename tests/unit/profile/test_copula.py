"""Correlations survive: the copula recovers them and generation reproduces them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from synthwright.profile import generate_from_profile, profile_tables
from synthwright.profile.copula import conditional, nearest_correlation, sample_scores


def _corr(table: pa.Table, a: str, b: str) -> float:
    x = np.asarray(table.column(a).to_numpy(), dtype=float)
    y = np.asarray(table.column(b).to_numpy(), dtype=float)
    return float(np.corrcoef(x, y)[0, 1])


def test_profile_recovers_correlation(known: pa.Table) -> None:
    cop = profile_tables({"t": known}).profiles["t"].copula
    assert cop is not None
    i, j = cop.columns.index("x"), cop.columns.index("y")
    assert cop.correlation[i][j] == pytest.approx(0.7, abs=0.04)
    k = cop.columns.index("z")
    assert abs(cop.correlation[i][k]) < 0.06


def test_generation_reproduces_marginals_and_correlation(known: pa.Table) -> None:
    fitted = profile_tables({"t": known})
    out = generate_from_profile(fitted, seed=11)["t"]
    assert out.num_rows == known.num_rows
    assert out.schema.field("x").type == pa.float64()
    assert _corr(out, "x", "y") == pytest.approx(_corr(known, "x", "y"), abs=0.05)
    x = out.column("x").to_numpy()
    assert x.mean() == pytest.approx(50, abs=0.6) and x.std() == pytest.approx(10, abs=0.6)
    plan = out.column("plan").cast(pa.string())
    pro = pc.equal(plan, "pro")
    hi = np.asarray(pc.greater(out.column("x"), 55).to_numpy(zero_copy_only=False))
    share_pro_hi = np.asarray(pro.to_numpy(zero_copy_only=False))[hi].mean()
    share_pro_lo = np.asarray(pro.to_numpy(zero_copy_only=False))[~hi].mean()
    assert share_pro_hi > share_pro_lo + 0.3  # the category follows x
    score_nulls = out.column("score").null_count / out.num_rows
    assert score_nulls == pytest.approx(0.1, abs=0.02)
    assert set(pc.unique(plan).to_pylist()) >= {"pro", "free", "team"}
    assert not {"secret-a", "secret-b", "secret-c"} & set(plan.to_pylist())


def test_generation_is_deterministic(known: pa.Table) -> None:
    fitted = profile_tables({"t": known.slice(0, 2000)})
    a = generate_from_profile(fitted, seed=3)["t"]
    b = generate_from_profile(fitted, seed=3)["t"]
    c = generate_from_profile(fitted, seed=4)["t"]
    assert a.equals(b)
    assert not a.column("x").equals(c.column("x"))
    bigger = generate_from_profile(fitted, seed=3, rows=5000)["t"]
    assert bigger.num_rows == 5000


def test_nearest_correlation_and_conditional_sampling() -> None:
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    fixed = nearest_correlation(bad)
    assert np.linalg.eigvalsh(fixed).min() > 0
    assert np.allclose(np.diag(fixed), 1.0)
    corr = np.array([[1.0, 0.8], [0.8, 1.0]])
    cond = conditional(corr, 1)
    given = np.random.default_rng(0).standard_normal((20000, 1))
    z = sample_scores(cond, 20000, np.random.default_rng(1), given)
    assert np.corrcoef(z[:, 0], given[:, 0])[0, 1] == pytest.approx(0.8, abs=0.05)
    assert z.std() == pytest.approx(1.0, abs=0.05)


def test_within_range_keeps_atoms_at_the_bounds_and_cuts_inside() -> None:
    """Rain is 0 on most days: a range starting at 0 must keep those days."""
    from synthwright.profile.copula import from_uniform, within_range
    from synthwright.spec._profile import ColumnProfile, QuantileMarginal

    points = [0.0] * 90 + list(np.linspace(0.01, 1.2, 11))
    marginal = QuantileMarginal(points=points)
    prof = ColumnProfile(kind="numeric", dtype="float64", marginal=marginal)
    u = np.linspace(0.0, 1.0, 1001)
    assert np.array_equal(within_range(u, marginal, prof, 0.0, 1.2), u)  # the data's own range
    cut = from_uniform(within_range(u, marginal, prof, 0.0, 0.5), marginal, prof)
    assert cut.max() <= 0.5 + 1e-12 and (cut == 0).mean() > 0.9
    above = from_uniform(within_range(u, marginal, prof, 0.2, None), marginal, prof)
    assert above.min() >= 0.2 - 1e-12 and above.max() == pytest.approx(1.2)


def test_stratified_scores_keep_ranks_and_spread_evenly() -> None:
    from scipy import special

    from synthwright.profile.copula import stratify

    rng = np.random.default_rng(3)
    cond = conditional(np.array([[1.0, 0.8], [0.8, 1.0]]), 2)
    z = sample_scores(cond, 400, rng)
    s = stratify(z, np.random.default_rng(4))
    for j in range(2):  # every row keeps its rank in every column
        assert (np.argsort(z[:, j]) == np.argsort(s[:, j])).all()
    u = np.sort(special.ndtr(s), axis=0)
    lower = np.arange(400)[:, None] / 400
    assert ((u >= lower - 1e-9) & (u <= lower + 1 / 400 + 1e-9)).all()  # one per stratum
    plain = np.sort(special.ndtr(z), axis=0)
    assert np.abs(u - lower).max() < np.abs(plain - lower).max()


def test_small_samples_reproduce_category_shares_closely(known: pa.Table) -> None:
    fitted = profile_tables({"t": known})
    out = generate_from_profile(fitted, seed=5, rows=300)["t"]
    real = pc.value_counts(known.column("plan")).to_pylist()
    share = {r["values"]: r["counts"] / known.num_rows for r in real if r["counts"] > 100}
    drawn = {
        r["values"]: r["counts"] / 300 for r in pc.value_counts(out.column("plan")).to_pylist()
    }
    for value, p in share.items():  # sampling noise alone would be about 0.03
        assert drawn.get(value, 0.0) == pytest.approx(p, abs=0.012)


def test_smooth_columns_put_no_atom_on_their_smallest_or_largest_value() -> None:
    from synthwright.profile.copula import from_uniform
    from synthwright.spec import ColumnProfile, QuantileMarginal

    points = [17.5] * 40 + [22.0] * 60 + [27.0] * 60 + [32.0] * 41  # few values, big end steps
    marginal = QuantileMarginal(points=points)
    cp = ColumnProfile(kind="numeric", dtype="double", smooth=True)
    x = from_uniform(np.random.default_rng(1).random(20_000), marginal, cp)
    assert x.min() >= 17.5 and x.max() <= 32.0
    for value in (17.5, 22.0, 27.0, 32.0):  # drawn between the sample's values, not on them
        assert (x == value).mean() < 0.001
    assert (x <= 22.0).mean() == pytest.approx((40 + 30) / 201, abs=0.02)  # mass kept
