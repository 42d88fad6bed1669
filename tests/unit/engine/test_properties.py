"""Property tests over random small specs: determinism, keys, uniqueness, rules."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synthwright as sw
from synthwright.engine import generate as engine_generate


@st.composite
def column(draw: st.DrawFn, rows: int) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["int", "float", "decimal", "category", "datetime", "string", "bool"])
    )
    if kind == "int":
        lo = draw(st.integers(-1000, 1000))
        hi = draw(st.integers(lo, lo + 5000))
        col: dict[str, Any] = {"type": "int", "min": lo, "max": hi}
        if hi - lo + 1 >= rows and draw(st.booleans()):
            col["unique"] = True
        elif draw(st.booleans()):
            col["dist"] = draw(
                st.sampled_from(["normal", "lognormal", "exponential", {"zipf": {"a": 1.5}}])
            )
        return col
    if kind == "float":
        lo = draw(st.floats(-1e6, 1e6))
        hi = draw(st.floats(lo, lo + 1e6))
        return {
            "type": "float",
            "min": lo,
            "max": hi,
            "dist": draw(st.sampled_from(["uniform", "normal", {"beta": {"a": 2, "b": 5}}])),
        }
    if kind == "decimal":
        lo = draw(st.integers(0, 100))
        return {
            "type": "decimal",
            "min": lo,
            "max": lo + draw(st.integers(0, 10000)),
            "scale": draw(st.integers(0, 4)),
        }
    if kind == "category":
        values = draw(
            st.lists(st.text("abcdef", min_size=1, max_size=4), min_size=1, max_size=6, unique=True)
        )
        return {
            "type": "category",
            "values": values,
            "null_rate": draw(st.sampled_from([0.0, 0.3])),
        }
    if kind == "datetime":
        return {
            "type": "datetime",
            "min": "2020-01-01",
            "max": draw(st.sampled_from(["2020-01-01", "2021-06-30", "2030-12-31"])),
        }
    if kind == "string":
        return {"type": "string", "pattern": "??-####", "unique": draw(st.booleans())}
    return {"type": "bool", "p": draw(st.floats(0, 1))}


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    parents = draw(st.integers(1, 60))
    n_cols = draw(st.integers(1, 4))
    pcols = {"id": {"type": "id"}} | {f"c{i}": draw(column(parents)) for i in range(n_cols)}
    lo = draw(st.integers(0, 3))
    hi = draw(st.integers(lo, 6))
    child_cols = {
        "p_id": {"ref": "p.id"},
        "at": {"type": "datetime", "min": "2019-01-01", "max": "2030-12-31"},
    }
    child_cols |= {f"k{i}": draw(column(parents * hi)) for i in range(draw(st.integers(0, 3)))}
    spec: dict[str, Any] = {
        "tables": {
            "p": {"rows": parents, "columns": pcols},
            "c": {
                "per_parent": {
                    "table": "p",
                    "min": lo,
                    "max": hi,
                    "dist": draw(st.sampled_from(["uniform", {"poisson": {"lam": 2}}])),
                },
                "columns": child_cols,
            },
            "r": {
                "rows": draw(st.integers(0, 80)),
                "columns": {
                    "id": {"type": "uuid"},
                    "p_id": {"ref": "p.id", "dist": draw(st.sampled_from(["uniform", "zipf"]))},
                    "x": {"type": "int", "min": 0, "max": 9},
                },
                "checks": ["x BETWEEN 0 AND 9"],
            },
        }
    }
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), seed=st.integers(0, 2**31))
def test_random_specs_meet_every_rule_and_are_deterministic(
    spec: dict[str, Any], seed: int
) -> None:
    a = sw.generate(spec, seed=seed).materialize()
    b = sw.generate(spec, seed=seed).materialize()
    for name in a:
        assert a[name].equals(b[name])
    assert sw.check(a, spec) == []
    parent_ids = set(a["p"].column("id").to_pylist())
    assert set(a["c"].column("p_id").to_pylist()) <= parent_ids
    assert set(a["r"].column("p_id").to_pylist()) <= parent_ids
    for name, table in spec["tables"].items():
        for col, cspec in table["columns"].items():
            if cspec.get("unique"):
                values = a[name].column(col).drop_null()
                assert pc.count_distinct(values).as_py() == len(values)


@settings(max_examples=15, deadline=None)
@given(spec=specs(), seed=st.integers(0, 1000), block=st.sampled_from([7, 64, 1000]))
def test_small_blocks_still_meet_every_rule(spec: dict[str, Any], seed: int, block: int) -> None:
    original = engine_generate.BLOCK_SIZE
    engine_generate.BLOCK_SIZE = block
    try:
        tables = sw.generate(spec, seed=seed).materialize()
    finally:
        engine_generate.BLOCK_SIZE = original
    assert sw.check(tables, spec) == []
    assert all(isinstance(t, pa.Table) for t in tables.values())
