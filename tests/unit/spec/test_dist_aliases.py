"""Distribution parameters under numpy's and scipy.stats' names (SPEC.md section 1).

Every alias of every family must load to the canonical model, generate the
same values as the canonical form, and follow the distribution the name means
in numpy/scipy (checked against scipy.stats moments); conflicting or unknown
names, NaN and infinities are refused with their location.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import synthwright as sw
from synthwright.errors import SpecError
from synthwright.spec import Spec, TypeColumn, json_schema, parse_text, spec_to_yaml
from synthwright.spec._dist_names import FAMILIES

ROWS = 20_000


def column_spec(column: dict[str, Any], rows: int = ROWS) -> dict[str, Any]:
    return {"version": 1, "tables": {"t": {"rows": rows, "columns": {"x": column}}}}


def values(spec: dict[str, Any], seed: int = 5) -> np.ndarray:
    table: pa.Table = sw.generate(spec, seed=seed).materialize()["t"]
    return np.asarray(table.column("x").to_pylist(), dtype=np.float64)


def loaded_column(spec: dict[str, Any]) -> TypeColumn:
    col = sw.load_spec(spec).tables["t"].columns["x"]
    assert isinstance(col, TypeColumn)
    return col


def spec_error(spec: dict[str, Any] | str) -> str:
    with pytest.raises(SpecError) as info:
        sw.load_spec(spec)
    return str(info.value)


# (column without dist, family, params under the user's names, the canonical params,
#  the scipy.stats distribution those names mean, shifted by the column's min)
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any], Any]] = [
    (
        "normal mean/std",
        {"type": "float", "min": 0, "max": 100},
        "normal",
        {"mean": 50, "std": 5},
        {"mean": 50, "std": 5},
        stats.norm(loc=50, scale=5),
    ),
    (
        "normal loc/scale (scipy)",
        {"type": "float", "min": 0, "max": 100},
        "normal",
        {"loc": 40, "scale": 4},
        {"mean": 40, "std": 4},
        stats.norm(loc=40, scale=4),
    ),
    (
        "normal mean/scale (mixed)",
        {"type": "float", "min": 0, "max": 100},
        "normal",
        {"mean": 60, "scale": 3},
        {"mean": 60, "std": 3},
        stats.norm(loc=60, scale=3),
    ),
    (
        "lognormal mu/sigma",
        {"type": "float", "min": 0, "max": 10_000},
        "lognormal",
        {"mu": 1.5, "sigma": 0.5},
        {"mu": 1.5, "sigma": 0.5},
        stats.lognorm(s=0.5, scale=math.exp(1.5)),
    ),
    (
        "lognormal numpy mean/sigma (of the underlying normal)",
        {"type": "float", "min": 0, "max": 10_000},
        "lognormal",
        {"mean": 2.0, "sigma": 0.4},
        {"mu": 2.0, "sigma": 0.4},
        stats.lognorm(s=0.4, scale=math.exp(2.0)),
    ),
    (
        "lognormal scipy s/scale (scale = e^mu)",
        {"type": "float", "min": 0, "max": 10_000},
        "lognormal",
        {"s": 0.3, "scale": 20.0},
        {"mu": math.log(20.0), "sigma": 0.3},
        stats.lognorm(s=0.3, scale=20.0),
    ),
    (
        "exponential scale",
        {"type": "float", "min": 0, "max": 1000},
        "exponential",
        {"scale": 4},
        {"scale": 4},
        stats.expon(scale=4),
    ),
    (
        "exponential mean",
        {"type": "float", "min": 0, "max": 1000},
        "exponential",
        {"mean": 3},
        {"scale": 3},
        stats.expon(scale=3),
    ),
    (
        "exponential rate (= 1/scale)",
        {"type": "float", "min": 0, "max": 1000},
        "exponential",
        {"rate": 0.5},
        {"scale": 2.0},
        stats.expon(scale=2.0),
    ),
    (
        "poisson lam",
        {"type": "int", "min": 0, "max": 200},
        "poisson",
        {"lam": 6},
        {"lam": 6},
        stats.poisson(6),
    ),
    (
        "poisson mu (scipy)",
        {"type": "int", "min": 0, "max": 200},
        "poisson",
        {"mu": 4},
        {"lam": 4},
        stats.poisson(4),
    ),
    (
        "poisson mean",
        {"type": "int", "min": 0, "max": 200},
        "poisson",
        {"mean": 9},
        {"lam": 9},
        stats.poisson(9),
    ),
    (
        "zipf a",
        {"type": "int", "min": 1, "max": 50},
        "zipf",
        {"a": 1.5},
        {"a": 1.5},
        stats.zipfian(1.5, 50),
    ),
    (
        "zipf s",
        {"type": "int", "min": 1, "max": 50},
        "zipf",
        {"s": 2.0},
        {"a": 2.0},
        stats.zipfian(2.0, 50),
    ),
    (
        "beta a/b",
        {"type": "float", "min": 0, "max": 1},
        "beta",
        {"a": 2, "b": 5},
        {"a": 2, "b": 5},
        stats.beta(2, 5),
    ),
    (
        "beta alpha/beta",
        {"type": "float", "min": 0, "max": 1},
        "beta",
        {"alpha": 3, "beta": 1.5},
        {"a": 3, "b": 1.5},
        stats.beta(3, 1.5),
    ),
    (
        "uniform min/max narrow the column",
        {"type": "float", "min": 0, "max": 100},
        "uniform",
        {"min": 20, "max": 30},
        {},
        stats.uniform(20, 10),
    ),
    (
        "uniform low/high (numpy) narrow the column",
        {"type": "float", "min": 0, "max": 100},
        "uniform",
        {"low": 70, "high": 90},
        {},
        stats.uniform(70, 20),
    ),
    (
        "uniform low only, column max kept",
        {"type": "float", "min": 0, "max": 100},
        "uniform",
        {"low": 95},
        {},
        stats.uniform(95, 5),
    ),
]


def test_every_alias_of_every_family_is_covered() -> None:
    covered = {(family, name) for _, _, family, given, _, _ in CASES for name in given}
    for family, (params, aliases) in FAMILIES.items():
        for name in [p.name for p in params] + [a.name for a in aliases]:
            assert (family, name) in covered, f"{family}.{name} has no test case"


@pytest.mark.parametrize(
    ("column", "family", "given", "canonical", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_alias_follows_the_distribution_its_name_means(
    column: dict[str, Any],
    family: str,
    given: dict[str, Any],
    canonical: dict[str, Any],
    expected: Any,
) -> None:
    """Same output as the canonical form, and scipy's mean/variance within sampling error."""
    alias_spec = column_spec({**column, "dist": {family: given}})
    if family == "uniform":  # the canonical form of a narrowing is the column's own range
        lo = given.get("min", given.get("low", column["min"]))
        hi = given.get("max", given.get("high", column["max"]))
        canon_spec = column_spec({**column, "min": lo, "max": hi, "dist": "uniform"})
    else:
        canon_spec = column_spec({**column, "dist": {family: canonical}})
    assert loaded_column(alias_spec) == loaded_column(canon_spec)
    x = values(alias_spec)
    assert np.array_equal(x, values(canon_spec))

    shift = 0.0 if family == "uniform" else float(column["min"])
    if family == "zipf":  # ranks 1.. start at the column's min
        shift -= 1.0
    mean, var, kurt = (float(v) for v in expected.stats(moments="mvk"))
    se_mean = math.sqrt(var / len(x))
    se_var = var * math.sqrt((kurt + 2.0) / len(x))
    assert abs(x.mean() - (mean + shift)) < 5 * se_mean, (x.mean(), mean + shift)
    assert abs(x.var() - var) < 5 * se_var, (x.var(), var)


def test_per_parent_uniform_min_max_narrow_the_counts() -> None:
    """The seen failure: `per_parent: {dist: {uniform: {min: 1, max: 5}}}` was refused."""
    for bounds in ({"min": 1, "max": 5}, {"low": 1, "high": 5}):
        spec = {
            "version": 1,
            "tables": {
                "p": {"rows": 3000, "columns": {"id": {"type": "id"}}},
                "c": {
                    "per_parent": {"table": "p", "dist": {"uniform": bounds}},
                    "columns": {"id": {"type": "id"}, "p_id": {"ref": "p.id"}},
                },
            },
        }
        pp = sw.load_spec(spec).tables["c"].per_parent
        assert pp is not None and (pp.min, pp.max) == (1, 5)
        child = sw.generate(spec, seed=2).materialize()["c"]
        counts = np.bincount(np.asarray(child.column("p_id").to_pylist()), minlength=3001)[1:]
        assert counts.min() == 1 and counts.max() == 5
        shares = np.bincount(counts, minlength=6)[1:] / len(counts)
        assert np.all(np.abs(shares - 0.2) < 0.04), shares


def test_per_parent_uniform_narrows_an_explicit_range_and_refuses_a_disjoint_one() -> None:
    base = {"version": 1, "tables": {"p": {"rows": 5, "columns": {"id": {"type": "id"}}}}}

    def with_pp(pp: dict[str, Any]) -> dict[str, Any]:
        columns = {"id": {"type": "id"}, "p_id": {"ref": "p.id"}}
        child = {"per_parent": {"table": "p", **pp}, "columns": columns}
        return {**base, "tables": {**base["tables"], "c": child}}

    pp = sw.load_spec(with_pp({"min": 2, "max": 8, "dist": {"uniform": {"high": 4}}}))
    assert pp.tables["c"].per_parent is not None
    assert (pp.tables["c"].per_parent.min, pp.tables["c"].per_parent.max) == (2, 4)
    message = spec_error(with_pp({"min": 2, "max": 8, "dist": {"uniform": {"low": 9}}}))
    assert "tables.c.per_parent" in message and "does not overlap" in message
    message = spec_error(with_pp({"max": 8, "dist": {"uniform": {"low": 1.5}}}))
    assert "whole number" in message


def test_column_uniform_refuses_a_range_outside_the_column() -> None:
    message = spec_error(
        column_spec({"type": "int", "min": 0, "max": 10, "dist": {"uniform": {"low": 20}}})
    )
    assert message.startswith("tables.t.columns.x:") and "does not overlap" in message
    message = spec_error(column_spec({"type": "int", "dist": {"uniform": {"min": 9, "max": 3}}}))
    assert "tables.t.columns.x.dist" in message and "greater than max" in message


def test_ref_uniform_takes_no_range() -> None:
    spec = {
        "version": 1,
        "tables": {
            "p": {"rows": 5, "columns": {"id": {"type": "id"}}},
            "c": {
                "rows": 5,
                "columns": {"p_id": {"ref": "p.id", "dist": {"uniform": {"min": 1}}}},
            },
        },
    }
    assert "takes no min/max" in spec_error(spec)


# --- alias equivalence, as a property -----------------------------------------

positive = st.floats(min_value=0.05, max_value=20, allow_nan=False)
real = st.floats(min_value=-50, max_value=150, allow_nan=False)


@st.composite
def alias_and_canonical(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A column dist written with aliases, and the same dist in canonical names."""
    family = draw(
        st.sampled_from(["normal", "lognormal", "exponential", "poisson", "zipf", "beta"])
    )
    if family == "normal":
        m, s = draw(real), draw(positive)
        alias = draw(st.sampled_from([{"loc": m, "scale": s}, {"mean": m, "scale": s}]))
        canon = {"mean": m, "std": s}
    elif family == "lognormal":
        mu, sigma = draw(st.floats(-3, 6)), draw(positive)
        alias = draw(
            st.sampled_from(
                [{"mean": mu, "sigma": sigma}, {"mu": mu, "s": sigma}, {"s": sigma, "mean": mu}]
            )
        )
        canon = {"mu": mu, "sigma": sigma}
        if draw(st.booleans()):  # scipy's scale = e^mu
            scale = draw(st.floats(0.05, 400))
            alias, canon = {"s": sigma, "scale": scale}, {"mu": math.log(scale), "sigma": sigma}
    elif family == "exponential":
        rate = draw(positive)
        alias, canon = draw(
            st.sampled_from(
                [({"rate": rate}, {"scale": 1 / rate}), ({"mean": rate}, {"scale": rate})]
            )
        )
    elif family == "poisson":
        lam = draw(positive)
        alias = draw(st.sampled_from([{"mu": lam}, {"mean": lam}]))
        canon = {"lam": lam}
    elif family == "zipf":
        a = draw(positive)
        alias, canon = {"s": a}, {"a": a}
    else:
        a, b = draw(positive), draw(positive)
        alias = draw(st.sampled_from([{"alpha": a, "beta": b}, {"alpha": a, "b": b}]))
        canon = {"a": a, "b": b}
    type_ = draw(st.sampled_from(["int", "float", "decimal"]))
    column = {"type": type_, "min": 0, "max": 100}
    return {**column, "dist": {family: alias}}, {**column, "dist": {family: canon}}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=alias_and_canonical(), seed=st.integers(0, 2**31))
def test_alias_and_canonical_forms_generate_identical_output(
    pair: tuple[dict[str, Any], dict[str, Any]], seed: int
) -> None:
    alias, canon = pair
    a = sw.generate(column_spec(alias, rows=300), seed=seed).materialize()["t"]
    b = sw.generate(column_spec(canon, rows=300), seed=seed).materialize()["t"]
    assert a.equals(b)


# --- refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "params"),
    [
        ("normal", {"mean": 1, "loc": 2}),
        ("normal", {"std": 1, "scale": 2}),
        ("lognormal", {"mu": 1, "mean": 1}),
        ("lognormal", {"mu": 1, "scale": 3}),
        ("lognormal", {"mean": 1, "scale": 3}),
        ("lognormal", {"sigma": 1, "s": 1}),
        ("exponential", {"scale": 1, "rate": 1}),
        ("exponential", {"mean": 1, "rate": 1}),
        ("poisson", {"lam": 1, "mu": 1}),
        ("poisson", {"mu": 1, "mean": 2}),
        ("zipf", {"a": 1, "s": 1}),
        ("beta", {"a": 1, "alpha": 1, "b": 1}),
        ("beta", {"a": 1, "b": 1, "beta": 2}),
        ("uniform", {"min": 1, "low": 1}),
        ("uniform", {"max": 1, "high": 2}),
    ],
)
def test_two_names_for_one_parameter_are_refused(family: str, params: dict[str, Any]) -> None:
    message = spec_error(column_spec({"type": "float", "dist": {family: params}}))
    assert message.startswith(f"tables.t.columns.x.dist.{family}: ")
    assert "name the same parameter" in message


@pytest.mark.parametrize(
    ("family", "takes"),
    [
        ("uniform", "min, max (aliases: low, high)"),
        ("normal", "mean, std (aliases: loc, scale)"),
        ("lognormal", "mu, sigma (aliases: mean, s, scale)"),
        ("exponential", "scale (aliases: mean, rate)"),
        ("poisson", "lam (aliases: mu, mean)"),
        ("zipf", "a (aliases: s)"),
        ("beta", "a, b (aliases: alpha, beta)"),
    ],
)
def test_unknown_parameter_lists_what_the_family_takes(family: str, takes: str) -> None:
    message = spec_error(column_spec({"type": "float", "dist": {family: {"foo": 1}}}))
    assert message == (
        f"tables.t.columns.x.dist.{family}: unknown parameter 'foo'; {family} takes {takes}"
    )


def test_unknown_parameter_gets_a_did_you_mean_of_another_word() -> None:
    message = spec_error(column_spec({"type": "float", "dist": {"normal": {"stdev": 2}}}))
    assert "unknown parameter 'stdev' (did you mean 'std'?)" in message


def test_did_you_mean_never_suggests_the_word_typed() -> None:
    """A key valid on a type column but not on a ref/expr column was 'did you mean' itself."""
    spec = {
        "version": 1,
        "tables": {
            "p": {"rows": 3, "columns": {"id": {"type": "id"}}},
            "c": {
                "rows": 3,
                "columns": {
                    "p_id": {"ref": "p.id", "min": 1},
                    "e": {"expr": "1", "max": 2},
                    "z": {"type": "int", "mn": 2},
                },
            },
        },
    }
    message = spec_error(spec)
    assert "tables.c.columns.p_id.min: unknown key 'min'" in message
    assert "tables.c.columns.e.max: unknown key 'max'" in message
    assert "did you mean 'min'?)" in message  # the genuine typo still gets its hint
    for line in message.splitlines():
        key = line.split("unknown key ")[-1].split(" ")[0] if "unknown key" in line else None
        assert key is None or f"did you mean {key}" not in line, line


def test_missing_required_parameter_names_its_aliases() -> None:
    message = spec_error(column_spec({"type": "int", "dist": {"poisson": {}}}))
    assert message == "tables.t.columns.x.dist.poisson: poisson needs 'lam' (or mu, mean)"
    message = spec_error(column_spec({"type": "float", "dist": {"beta": {"alpha": 2}}}))
    assert "beta needs 'b' (or beta)" in message


@pytest.mark.parametrize("bad", [0, -1.5])
@pytest.mark.parametrize(
    ("family", "name"),
    [
        ("normal", "std"),
        ("normal", "scale"),
        ("lognormal", "sigma"),
        ("lognormal", "s"),
        ("lognormal", "scale"),
        ("exponential", "rate"),
        ("exponential", "mean"),
        ("poisson", "mu"),
        ("zipf", "s"),
        ("beta", "alpha"),
    ],
)
def test_scales_must_be_positive_under_every_name(family: str, name: str, bad: float) -> None:
    message = spec_error(column_spec({"type": "float", "dist": {family: {name: bad}}}))
    assert f"'{name}' must be greater than 0" in message


def test_alias_value_that_overflows_its_conversion_is_refused() -> None:
    message = spec_error(column_spec({"type": "float", "dist": {"exponential": {"rate": 1e-320}}}))
    assert "'rate'" in message and "not a finite number" in message


NON_FINITE = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("bad", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("family", "name"),
    [(family, p.name) for family, (params, _) in FAMILIES.items() for p in params]
    + [(family, a.name) for family, (_, aliases) in FAMILIES.items() for a in aliases],
)
def test_nan_and_infinite_parameters_are_refused(family: str, name: str, bad: float) -> None:
    spec = column_spec({"type": "float", "dist": {family: {name: bad}}})
    message = spec_error(spec)
    assert message.startswith(f"tables.t.columns.x.dist.{family}: ")
    assert "finite" in message
    with pytest.raises(SpecError):
        sw.generate(spec, seed=1)


@pytest.mark.parametrize("bad", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("type_", ["int", "float", "decimal"])
@pytest.mark.parametrize("bound", ["min", "max"])
def test_nan_and_infinite_column_bounds_are_refused(type_: str, bound: str, bad: float) -> None:
    message = spec_error(column_spec({"type": type_, bound: bad}))
    assert message == f"tables.t.columns.x.{bound}: min/max must be finite numbers, got {bad}"


def test_nan_bounds_in_yaml_and_in_scenarios_are_refused() -> None:
    text = (
        "version: 1\ntables:\n  t:\n    rows: 3\n    columns:\n      x: {type: float, max: .nan}\n"
    )
    assert "tables.t.columns.x.max: min/max must be finite" in spec_error(text)
    spec = column_spec({"type": "float", "min": 0, "max": 10})
    spec["scenarios"] = {"t": [{"name": "s", "count": 1, "set": {"x": {"min": math.inf}}}]}
    assert "must be finite" in spec_error(spec)


def test_nan_weights_are_refused() -> None:
    message = spec_error(column_spec({"type": "category", "values": {"a": math.nan, "b": 1}}))
    assert "tables.t.columns.x.values" in message and "finite" in message


# --- the dumped spec ------------------------------------------------------------


def test_dumped_spec_uses_canonical_names_and_round_trips() -> None:
    spec = sw.load_spec(
        {
            "version": 1,
            "tables": {
                "p": {
                    "rows": 10,
                    "columns": {
                        "id": {"type": "id"},
                        "n": {"type": "float", "dist": {"normal": {"loc": 1, "scale": 2}}},
                        "l": {"type": "float", "dist": {"lognormal": {"s": 0.5, "scale": 3}}},
                        "m": {"type": "float", "dist": {"lognormal": {"mean": 1, "sigma": 2}}},
                        "e": {"type": "float", "dist": {"exponential": {"rate": 4}}},
                        "k": {"type": "int", "max": 50, "dist": {"poisson": {"mu": 3}}},
                        "z": {"type": "int", "max": 50, "dist": {"zipf": {"s": 2}}},
                        "b": {"type": "float", "dist": {"beta": {"alpha": 2, "beta": 3}}},
                        "u": {"type": "int", "max": 50, "dist": {"uniform": {"low": 5}}},
                    },
                },
                "c": {
                    "per_parent": {"table": "p", "dist": {"uniform": {"low": 1, "high": 4}}},
                    "columns": {"id": {"type": "id"}, "p_id": {"ref": "p.id"}},
                },
            },
        }
    )
    text = spec_to_yaml(spec)
    columns = parse_text(text)["tables"]["p"]["columns"]
    assert columns["n"]["dist"] == {"normal": {"mean": 1.0, "std": 2.0}}
    assert columns["l"]["dist"] == {"lognormal": {"mu": math.log(3), "sigma": 0.5}}
    assert columns["m"]["dist"] == {"lognormal": {"mu": 1.0, "sigma": 2.0}}
    assert columns["e"]["dist"] == {"exponential": {"scale": 0.25}}
    assert columns["k"]["dist"] == {"poisson": {"lam": 3.0}}
    assert columns["z"]["dist"] == {"zipf": {"a": 2.0}}
    assert columns["b"]["dist"] == {"beta": {"a": 2.0, "b": 3.0}}
    assert columns["u"] == {"type": "int", "min": 5, "max": 50, "dist": "uniform"}
    pp = parse_text(text)["tables"]["c"]["per_parent"]
    assert pp == {"table": "p", "dist": "uniform", "min": 1, "max": 4}
    for alias in ("loc", "rate", "alpha", "low", "high", " s:"):
        assert alias not in text
    again = sw.load_spec(text)
    assert isinstance(again, Spec) and again == spec


def test_json_schema_documents_every_alias() -> None:
    defs = json_schema()["$defs"]
    for family, (params, aliases) in FAMILIES.items():
        props = defs[f"{family.title()}Dist"]["properties"]
        for alias in aliases:
            assert alias.name in props, f"{family}.{alias.name} missing from the schema"
            assert f"dumped as {alias.target}" in props[alias.name]["description"]
        for param in params:
            assert param.name in props
    # a required parameter may come under any of its names
    assert "required" not in defs["PoissonDist"]
    assert {"required": ["mu"]} in defs["PoissonDist"]["allOf"][0]["anyOf"]
