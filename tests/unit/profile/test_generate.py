"""Generation from a profiled spec meets every rule of that spec."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.profile import ProfiledSpec, generate_from_profile, profile_tables
from synthwright.profile.generate import allocate
from synthwright.spec import TypeColumn


def _example(name: str, scale: float, seed: int = 5) -> dict[str, pa.Table]:
    text = (resources.files("synthwright") / "examples" / f"{name}.yaml").read_text("utf-8")
    return sw.generate(text, seed=seed, scale=scale).materialize()


def test_allocate_keeps_bounds_and_total() -> None:
    rng = np.random.default_rng(0)
    weights = rng.lognormal(0, 1.5, 2000)  # heavy tail: proportional shares overshoot
    counts = allocate(5000, weights, 1, 8)
    assert counts.sum() == 5000
    assert counts.min() >= 1 and counts.max() <= 8
    assert np.corrcoef(counts, weights)[0, 1] > 0.3  # still follows the weights
    assert allocate(10, np.ones(3), 0, 2).tolist() == [2, 2, 2]  # total beyond the bounds
    assert allocate(0, np.ones(3), 1, 2).tolist() == [1, 1, 1]
    assert allocate(7, np.array([5.0, 0.0, 0.0])).tolist() == [7, 0, 0]  # unbounded as before


@pytest.mark.parametrize(
    ("name", "scale"),
    [("shop", 0.3), ("shop", 0.1), ("banking", 0.1), ("healthcare", 0.1), ("saas_events", 0.1)],
)
def test_round_trip_meets_every_rule_of_the_written_spec(name: str, scale: float) -> None:
    real = _example(name, scale)
    fitted = profile_tables(real)
    back = ProfiledSpec.from_yaml(fitted.to_yaml())
    spec = sw.load_spec(fitted.to_yaml())  # what `synthwright generate spec.yaml` runs
    for seed in (1, 2):
        assert sw.check(generate_from_profile(back, seed=seed), back.spec) == []
        assert sw.check(sw.generate(spec, seed=seed).materialize(), spec) == []


def test_per_parent_counts_stay_within_the_written_limits() -> None:
    real = _example("shop", 0.3)
    fitted = profile_tables(real)
    pp = fitted.spec.tables["orders"].per_parent
    assert pp is not None and pp.table == "customers" and pp.max is not None
    out = generate_from_profile(fitted, seed=3)
    index = {k: i for i, k in enumerate(out["customers"].column("id").to_pylist())}
    per_customer = np.bincount(
        [index[k] for k in out["orders"].column("customer_id").to_pylist()],
        minlength=out["customers"].num_rows,
    )
    assert pp.min <= per_customer.min() and per_customer.max() <= pp.max
    assert out["orders"].num_rows == pytest.approx(real["orders"].num_rows, rel=0.02)


def test_rare_categories_go_to_the_listed_ones() -> None:
    real = _example("shop", 0.1)  # 50 products, 13 colours, most seen fewer than 5 times
    fitted = profile_tables(real)
    color = fitted.spec.tables["products"].columns["color"]
    marginal = fitted.profiles["products"].columns["color"].marginal
    assert isinstance(color, TypeColumn) and isinstance(color.values, dict)
    assert marginal is not None and getattr(marginal, "other", 0) > 0.2
    out = generate_from_profile(fitted, seed=1)["products"].column("color").to_pylist()
    assert set(out) <= set(color.values)
    assert len(set(out)) == len(color.values)


def test_scenario_labels_are_not_profiled() -> None:
    real = _example("banking", 0.02)
    assert "_scenario" in real["transactions"].column_names
    fitted = profile_tables(real)
    assert "_scenario" not in fitted.spec.tables["transactions"].columns
    assert any("_scenario" in note for note in fitted.notes)


def test_every_category_rare_is_profiled_and_generated() -> None:
    colours = ["Red", "Blue", "Green", "Black", "White", "Teal", "Pink", "Gold"]
    table = pa.table(
        {"id": np.arange(1, 25), "colour": [colours[i % 8] for i in range(24)], "x": range(24)}
    )
    fitted = profile_tables({"t": table})  # every colour seen 3 times: all rare
    out = generate_from_profile(fitted, seed=1)["t"]
    assert out.num_rows == 24
    assert not set(out.column("colour").to_pylist()) & set(colours)  # none copied
    assert sw.check({"t": out}, fitted.spec) == []


def test_missing_values_follow_the_columns_they_depend_on() -> None:
    """No discount without a tier: nulls go where the sample had them, not at random."""
    rng = np.random.default_rng(1)
    n = 5000
    tier = rng.choice(["none", "silver", "gold"], n, p=[0.6, 0.3, 0.1])
    discount = np.where(tier == "none", np.nan, np.round(rng.uniform(5, 20, n), 1))
    real = pa.table({"tier": tier, "discount": pa.array(discount, from_pandas=True)})
    fitted = profile_tables({"t": real})
    copula = fitted.profiles["t"].copula
    assert copula is not None and "missing:discount" in copula.columns
    syn = generate_from_profile(fitted, seed=3)["t"].to_pandas()
    null_share = syn["discount"].isna().groupby(syn["tier"]).mean()
    overall = syn["discount"].isna().mean()
    assert abs(overall - 0.6) < 0.03  # the marginal null rate is kept
    # independent nulls would give ~0.6 in every tier
    assert null_share["none"] > 0.7 and null_share.drop("none").max() < 0.55


def _profiled_data(tables: dict[str, pa.Table]) -> dict[str, object]:
    return profile_tables(tables).to_data()


def _shop_sample(n: int = 3000) -> dict[str, pa.Table]:
    rng = np.random.default_rng(4)
    signup = np.datetime64("2023-01-01") + rng.integers(0, 365 * 86400, n).astype("m8[s]")
    customers = pa.table(
        {"id": np.arange(1, n + 1), "signup_at": pa.array(signup.astype("M8[us]"))}
    )
    m = 3 * n
    owner = rng.integers(1, n + 1, m)
    lag = rng.integers(3600, 200 * 86400, m).astype("m8[s]")
    ordered = signup[owner - 1] + lag
    orders = pa.table(
        {
            "id": np.arange(1, m + 1),
            "customer_id": owner,
            "ordered_at": pa.array(ordered.astype("M8[us]")),
            "price": np.round(rng.lognormal(3, 0.6, m), 2),
            "qty": rng.integers(1, 6, m),
        }
    )
    return {"customers": customers, "orders": orders}


def test_rules_added_to_a_profiled_spec_hold_on_the_fitted_data() -> None:
    """Edit the profiled spec (derived total, relative dates, a check), regenerate: all hold."""
    data = _profiled_data(_shop_sample())
    orders = data["tables"]["orders"]  # type: ignore[index]
    orders["columns"]["ordered_at"]["after"] = "customers.signup_at"
    orders["columns"]["shipped_at"] = {"type": "datetime", "after": "ordered_at", "within": "5d"}
    orders["columns"]["total"] = {"expr": "round(price * qty, 2)"}
    orders.setdefault("checks", []).append("shipped_at >= ordered_at")
    out = sw.generate(data, seed=3).materialize()
    assert sw.check(out, data) == []
    o = out["orders"].to_pandas()
    assert ((o.price * o.qty).round(2) - o.total).abs().max() < 1e-9
    gap = (o.shipped_at - o.ordered_at).dt.total_seconds()
    assert gap.min() >= 0 and gap.max() <= 5 * 86400
    c = out["customers"].to_pandas().set_index("id")
    assert (o.ordered_at.to_numpy() >= c.loc[o.customer_id, "signup_at"].to_numpy()).all()


def test_narrowed_ranges_and_folded_checks_hold_by_construction() -> None:
    """Edit a fitted column's range (or add `qty > 2`): the fitted marginal is truncated."""
    real = _shop_sample(1000)
    data = _profiled_data(real)
    orders = data["tables"]["orders"]  # type: ignore[index]
    orders["columns"]["price"]["max"] = 40
    orders.setdefault("checks", []).append("qty > 2")
    out = sw.generate(data, seed=3).materialize()
    assert sw.check(out, data) == []
    o = out["orders"].to_pandas()
    assert o.price.max() <= 40 and o.qty.min() >= 3
    kept = real["orders"].to_pandas()
    kept = kept[kept.price <= 40]
    # inside the range the fitted shape is kept: the medians agree within 15%
    assert abs(o.price.median() / kept.price.median() - 1) < 0.15


def test_a_rule_the_profile_cannot_meet_stops_the_run() -> None:
    """The engine makes `price` unique by construction; the fitted prices repeat: refused."""
    data = _profiled_data(_shop_sample(1000))
    price = data["tables"]["orders"]["columns"]["price"]  # type: ignore[index]
    price["unique"] = True
    price.pop("dist", None)
    with pytest.raises(sw.GenerationError) as info:
        sw.generate(data, seed=3).materialize()
    assert [p.location for p in info.value.problems] == ["tables.orders.columns.price"]
    assert "the rule and the profile disagree" in str(info.value)


def test_a_number_fixed_by_its_category_follows_it() -> None:
    """Seats follow the aircraft model; a plain Gaussian copula blurs them over neighbours."""
    rng = np.random.default_rng(2)
    models = {f"m{i}": int(s) for i, s in enumerate(rng.integers(20, 400, 25))}
    names = rng.choice(list(models), 4000)
    seats = np.array([models[m] for m in names]) + rng.integers(-2, 3, 4000)
    year = rng.integers(1980, 2014, 4000)
    real = pa.table({"model": names, "seats": seats, "year": year})
    fitted = profile_tables({"planes": real})
    given = fitted.profiles["planes"].columns["seats"].given
    assert given is not None and given.column == "model" and given.strength > 0.95
    assert fitted.profiles["planes"].columns["year"].given is None  # year does not follow model
    syn = generate_from_profile(fitted, seed=4)["planes"].to_pandas()
    off = (syn.seats - syn.model.map(models)).abs()
    assert (off <= 2).mean() > 0.97  # each model keeps its seat count (the sample's +-2)


def _makers(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    makers = {f"k{i}": [f"k{i}-m{j}" for j in range(3)] for i in range(6)}
    maker = rng.choice(list(makers), n)
    return maker, np.array([makers[m][rng.integers(0, 3)] for m in maker])


def _kept(real: pa.Table, nested: bool) -> float:
    fitted = profile_tables({"t": real}, nested_categories=nested)
    syn = generate_from_profile(fitted, seed=2)["t"].to_pandas()
    return float((syn.model.str.split("-").str[0] == syn.maker).mean())


def test_a_model_stays_within_its_maker() -> None:
    maker, model = _makers(5000)
    weight = np.random.default_rng(4).normal(1500, 200, 5000)  # a measurement: no row recurs
    real = pa.table({"maker": maker, "model": model, "weight": weight})
    cols = profile_tables({"t": real}).profiles["t"].columns
    assert cols["model"].given is not None or cols["maker"].given is not None
    assert _kept(real, nested=False) > 0.97  # every model stays with its maker


def test_nested_categories_that_copy_rows_are_dropped_unless_asked() -> None:
    maker, model = _makers(3000)
    color = np.random.default_rng(5).integers(0, 40, 3000).astype(str)  # model x colour: many once
    real = pa.table({"maker": maker, "model": model, "color": color})
    fitted = profile_tables({"t": real})
    cols = fitted.profiles["t"].columns
    assert cols["model"].given is None and cols["maker"].given is None
    assert any("drawn through the copula" in note for note in fitted.notes)
    assert _kept(real, nested=False) < 0.9  # the copula alone blurs them
    assert _kept(real, nested=True) > 0.97  # asked for: kept, copies and all
