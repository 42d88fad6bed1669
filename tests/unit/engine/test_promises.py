"""Every promise of the engine, one defect at a time (issues 10 and 11).

Rule: a spec is either refused at compile time with its location, or its
output passes ``check`` with zero findings. Each test below is a case that
once compiled, generated and broke its own rules with exit 0 (or dropped a
``dist`` silently); it now holds by construction or is refused, located.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import synthwright as sw
from synthwright.catalog.base_numeric import IdGenerator
from synthwright.errors import GenerationError, SpecError
from synthwright.quality import check_tables
from synthwright.spec import spec_from_data


def spec_of(tables: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"version": 1, "seed": 5, "tables": tables, **extra}


def generated(spec: dict[str, Any]) -> dict[str, pa.Table]:
    """The tables of a spec that must generate and pass check."""
    out = sw.generate(spec).materialize()
    assert sw.check(out, spec) == []
    return out


def refused(spec: dict[str, Any], where: str, words: str = "") -> None:
    """The spec must be refused at compile time, at ``where`` (with ``words`` said)."""
    with pytest.raises(SpecError) as info:
        sw.generate(spec)
    hits = [p for p in info.value.problems if p.location == where]
    assert hits, f"no problem at {where}: {[str(p) for p in info.value.problems]}"
    assert any(words in p.message for p in hits), [p.message for p in hits]


def parent(rows: int = 10) -> dict[str, Any]:
    return {"p": {"rows": rows, "columns": {"id": {"type": "id"}}}}


# -- zipf in a junction ---------------------------------------------------------------


def _junction(per_parent: bool, dist: Any) -> dict[str, Any]:
    items: dict[str, Any] = {
        "columns": {
            "order_id": {"ref": "orders.id"},
            "product_id": {"ref": "products.id", **({"dist": dist} if dist else {})},
        },
        "unique": ["order_id", "product_id"],
    }
    if per_parent:
        items["per_parent"] = {"table": "orders", "min": 1, "max": 5}
    else:
        items["rows"] = 9000
    return spec_of(
        {
            "orders": {"rows": 3000, "columns": {"id": {"type": "id"}}},
            "products": {"rows": 200, "columns": {"id": {"type": "id"}}},
            "items": items,
        }
    )


@pytest.mark.parametrize("per_parent", [True, False])
def test_zipf_stays_skewed_in_a_junction_and_pairs_stay_distinct(per_parent: bool) -> None:
    skewed = generated(_junction(per_parent, {"zipf": {"a": 1.2}}))["items"]
    uniform = generated(_junction(per_parent, None))["items"]
    for items in (skewed, uniform):
        pairs = items.group_by(["order_id", "product_id"]).aggregate([([], "count_all")])
        assert pairs.num_rows == items.num_rows  # no pair repeats
    top = np.bincount(skewed["product_id"].to_numpy()).max() / skewed.num_rows
    flat = np.bincount(uniform["product_id"].to_numpy()).max() / uniform.num_rows
    assert top > 0.1  # the top product takes >10% of the rows (1/200 = 0.5% if uniform)
    assert top > 10 * flat


def test_a_skewed_category_in_a_junction_keeps_its_weights() -> None:
    spec = spec_of(
        {
            **parent(2000),
            "c": {
                "per_parent": {"table": "p", "min": 1, "max": 2},
                "unique": ["p_id", "kind"],
                "columns": {
                    "p_id": {"ref": "p.id"},
                    "kind": {"type": "category", "values": {"a": 50, "b": 1, "c": 1, "d": 0}},
                },
            },
        }
    )
    kinds = generated(spec)["c"]["kind"].cast(pa.string()).to_pylist()
    assert kinds.count("a") > 0.55 * len(kinds)  # first draws are almost always 'a'
    assert "d" not in kinds  # a weight of 0 never occurs


def test_junction_per_parent_min_above_the_partners_is_refused() -> None:
    spec = spec_of(
        {
            **parent(),
            "q": {"rows": 3, "columns": {"id": {"type": "id"}}},
            "j": {
                "per_parent": {"table": "p", "min": 5, "max": 6},
                "unique": ["p_id", "q_id"],
                "columns": {"p_id": {"ref": "p.id"}, "q_id": {"ref": "q.id"}},
            },
        }
    )
    refused(spec, "tables.j.per_parent.min", "only 3 exist")


def test_junction_per_parent_max_above_the_partners_is_truncated_not_repeated() -> None:
    spec = spec_of(
        {
            **parent(),
            "q": {"rows": 3, "columns": {"id": {"type": "id"}}},
            "j": {
                "per_parent": {"table": "p", "min": 2, "max": 6},
                "unique": ["p_id", "q_id"],
                "columns": {"p_id": {"ref": "p.id"}, "q_id": {"ref": "q.id", "dist": "zipf"}},
            },
        }
    )
    out = generated(spec)["j"]
    assert np.bincount(out["p_id"].to_numpy()).max() <= 3


def test_composite_unique_over_typed_columns_never_repeats() -> None:
    spec = spec_of(
        {
            "t": {
                "rows": 18,
                "unique": ["a", "b", "n"],
                "columns": {
                    "a": {"type": "category", "values": ["x", "y", "z"]},
                    "b": {"type": "bool", "p": 0.3},
                    "n": {"type": "int", "min": 0, "max": 2, "dist": "zipf"},
                },
            }
        }
    )
    generated(spec)  # all 18 combinations, each once
    spec["tables"]["t"]["rows"] = 19
    refused(spec, "tables.t.unique", "only 18 distinct combinations")


# -- unique refs, self-references ------------------------------------------------------


def test_a_unique_ref_never_repeats_and_needs_enough_parents() -> None:
    spec = spec_of(
        {**parent(), "c": {"rows": 10, "columns": {"p_id": {"ref": "p.id", "unique": True}}}}
    )
    out = generated(spec)["c"]
    assert sorted(out["p_id"].to_pylist()) == list(range(1, 11))
    spec["tables"]["c"]["rows"] = 11
    refused(spec, "tables.c.columns.p_id.unique", "p can have only 10")


def test_a_unique_zipf_ref_draws_parents_without_replacement() -> None:
    spec = spec_of(
        {
            "p": {"rows": 1000, "columns": {"id": {"type": "id"}}},
            "c": {
                "rows": 300,
                "columns": {"p_id": {"ref": "p.id", "unique": True, "dist": "zipf"}},
            },
        }
    )
    values = generated(spec)["c"]["p_id"]
    assert pc.count_distinct(values).as_py() == 300


def test_self_references_keep_zipf_and_unique() -> None:
    base = {"rows": 3000, "columns": {"id": {"type": "id"}}}
    zipf = copy.deepcopy(base)
    zipf["columns"]["boss"] = {"ref": "t.id", "null_rate": 0.05, "dist": {"zipf": {"a": 1.5}}}
    bosses = generated(spec_of({"t": zipf}))["t"]["boss"].drop_null().to_numpy()
    assert np.bincount(bosses).max() / len(bosses) > 0.2  # row 1 is the top of the org chart
    chain = copy.deepcopy(base)
    chain["columns"]["prev"] = {"ref": "t.id", "null_rate": 0.1, "unique": True}
    out = generated(spec_of({"t": chain}))["t"]
    prev = out["prev"].drop_null()
    assert pc.count_distinct(prev).as_py() == len(prev)
    ids, prevs = out["id"].to_numpy(), out["prev"].to_pylist()
    assert all(p is None or p < i for i, p in zip(ids, prevs, strict=True))  # earlier rows only
    assert 0.05 < out["prev"].null_count / out.num_rows < 0.15


# -- keys ------------------------------------------------------------------------------


def test_a_null_rate_on_an_id_is_refused() -> None:
    spec = spec_of({"t": {"rows": 5, "columns": {"id": {"type": "id", "null_rate": 0.5}}}})
    refused(spec, "tables.t.columns.id.null_rate", "cannot be null")


def test_ids_past_the_int64_limit_are_refused() -> None:
    spec = spec_of({"t": {"rows": 100, "columns": {"id": {"type": "id", "min": 2**63 - 10}}}})
    refused(spec, "tables.t.columns.id.min", "64-bit")
    spec["tables"]["t"]["rows"] = 10  # the last id is exactly 2^63 - 1: fine
    assert generated(spec)["t"]["id"].to_pylist()[-1] == 2**63 - 1


def test_a_ref_to_a_nullable_key_is_refused() -> None:
    spec = spec_of(
        {
            "p": {"rows": 5, "columns": {"code": {"type": "uuid", "null_rate": 0.3}}},
            "c": {"rows": 5, "columns": {"p_code": {"ref": "p.code"}}},
        }
    )
    refused(spec, "tables.c.columns.p_code.ref", "can be null")


def test_scenario_literals_never_repeat_a_key() -> None:
    table = {"rows": 10, "columns": {"id": {"type": "id"}, "x": {"type": "int"}}}

    def with_set(value: Any, count: int) -> dict[str, Any]:
        return spec_of(
            {"t": copy.deepcopy(table)},
            scenarios={"t": [{"name": "s", "count": count, "set": {"id": value}}]},
        )

    refused(with_set(5, 3), "scenarios.t[0].set.id", "several rows")
    refused(with_set(5, 1), "scenarios.t[0].set.id", "a generated row takes")
    refused(with_set(None, 1), "scenarios.t[0].set.id", "cannot be null")
    out = generated(with_set(1000, 1))["t"]
    assert out["id"].to_pylist()[-1] == 1000
    assert pc.count_distinct(out["id"]).as_py() == 11


# -- values, lengths, precision ----------------------------------------------------------


def test_unique_values_with_repeats_count_distinct_values() -> None:
    col = {"type": "category", "values": ["a", "a", "b"], "unique": True}
    refused(spec_of({"t": {"rows": 3, "columns": {"c": col}}}), "tables.t.columns.c.unique")
    out = generated(spec_of({"t": {"rows": 2, "columns": {"c": col}}}))["t"]
    assert sorted(out["c"].cast(pa.string()).to_pylist()) == ["a", "b"]
    text = {"type": "string", "values": ["a", "a", "b"], "unique": True}
    assert generated(spec_of({"t": {"rows": 2, "columns": {"c": text}}}))["t"].num_rows == 2


def test_values_longer_than_max_length_are_refused() -> None:
    col = {"type": "string", "values": ["abcdef", "b"], "max_length": 3}
    refused(spec_of({"t": {"rows": 5, "columns": {"c": col}}}), "tables.t.columns.c.max_length")


def test_lengths_narrow_a_pattern_and_text_meets_min_length() -> None:
    spec = spec_of(
        {
            "t": {
                "rows": 200,
                "columns": {
                    "code": {"type": "string", "regex": "[a-c]{1,6}", "max_length": 3},
                    "short": {"type": "string", "max_length": 4},
                    "note": {"type": "text", "unit": "words", "max": 2, "min_length": 60},
                },
            }
        }
    )
    out = generated(spec)["t"]
    assert max(len(v) for v in out["code"].to_pylist()) <= 3
    assert min(len(v) for v in out["note"].to_pylist()) >= 60


def test_decimal_precision_is_enforced() -> None:
    col = {"type": "decimal", "min": 0, "max": 100000, "precision": 4, "scale": 2}
    refused(
        spec_of({"t": {"rows": 5, "columns": {"d": col}}}), "tables.t.columns.d.max", "precision"
    )
    col["max"] = 99.99
    generated(spec_of({"t": {"rows": 50, "columns": {"d": col}}}))
    spec = spec_from_data(spec_of({"t": {"rows": 1, "columns": {"d": col}}}))
    data = {"t": pa.table({"d": pa.array([1234.5], pa.float64())})}
    assert [f.rule for f in check_tables(data, spec)] == ["max", "precision"]


def test_a_tiny_decimal_bound_rounds_onto_the_grid() -> None:
    col = {"type": "decimal", "min": 1e-300, "max": 0.05, "scale": 2}
    out = generated(spec_of({"t": {"rows": 50, "columns": {"d": col}}}))["t"]
    assert all(float(v) >= 0.01 for v in out["d"].to_pylist())


def test_unique_floats_on_a_point_range_are_refused() -> None:
    col = {"type": "float", "min": 1, "max": 1, "unique": True}
    refused(spec_of({"t": {"rows": 3, "columns": {"f": col}}}), "tables.t.columns.f.unique")
    col["max"] = 1 + 2e-16  # two floats: 1 and the next one
    out = generated(spec_of({"t": {"rows": 2, "columns": {"f": col}}}))["t"]
    assert pc.count_distinct(out["f"]).as_py() == 2


# -- after/before and scenarios ----------------------------------------------------------


ORDERED = {
    "a": {"type": "datetime", "min": "2020-01-01", "max": "2021-01-01"},
    "b": {"type": "datetime", "after": "a", "max": "2023-01-01"},
}


def test_a_scenario_literal_that_breaks_after_is_refused() -> None:
    spec = spec_of(
        {"t": {"rows": 30, "columns": copy.deepcopy(ORDERED)}},
        scenarios={"t": [{"name": "s", "count": 3, "set": {"b": "2020-01-01"}}]},
    )
    refused(spec, "scenarios.t[0].set.b", "is not after every value of a")
    spec["scenarios"]["t"][0]["set"]["b"] = "2022-06-01"  # after every a: kept
    assert generated(spec)["t"]["b"].to_pylist()[-1].year == 2022


def test_a_scenario_range_on_an_after_column_keeps_both() -> None:
    spec = spec_of(
        {"t": {"rows": 300, "columns": copy.deepcopy(ORDERED)}},
        scenarios={"t": [{"name": "late", "share": 0.5, "set": {"b": {"min": "2021-06-01"}}}]},
    )
    out = generated(spec)["t"]
    assert sum(v.year >= 2021 for v in out["b"].to_pylist()) >= 150


def test_a_scenario_on_the_anchor_that_empties_the_window_is_refused() -> None:
    spec = spec_of(
        {"t": {"rows": 30, "columns": copy.deepcopy(ORDERED)}},
        scenarios={"t": [{"name": "s", "count": 1, "set": {"a": "2024-01-01"}}]},
    )
    refused(spec, "scenarios.t[0].set.a", "outside")
    spec["tables"]["t"]["columns"]["a"].pop("max")
    refused(spec, "tables.t.columns.b", "later than")


def test_after_keeps_the_distribution_parameters() -> None:
    cols = {
        "a": {"type": "int", "min": 0, "max": 0},
        "b": {"type": "int", "after": "a", "max": 10_000, "dist": {"exponential": {"scale": 100}}},
    }
    values = generated(spec_of({"t": {"rows": 4000, "columns": cols}}))["t"]["b"].to_numpy()
    assert 70 < values.mean() < 130  # scale 100 kept (the default would give ~2000)


def test_parent_values_are_null_where_the_link_is_null() -> None:
    spec = spec_of(
        {
            "p": {"rows": 5, "columns": {"id": {"type": "id"}, "v": {"type": "int"}}},
            "c": {
                "rows": 200,
                "columns": {"p_id": {"ref": "p.id", "null_rate": 0.5}, "pv": {"expr": "p.v"}},
                "checks": ["p.v IS NOT NULL OR p_id IS NULL"],
            },
        }
    )
    out = generated(spec)["c"]
    assert out["pv"].null_count == out["p_id"].null_count > 0


# -- expressions and checks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("row_number() OVER ()", "window"),
        ("sum(id)", "aggregate"),
        ("quantile(id, 0.5)", "aggregate"),
    ],
)
def test_window_and_aggregate_functions_in_expr_are_refused(expr: str, words: str) -> None:
    spec = spec_of({"t": {"rows": 5, "columns": {"id": {"type": "id"}, "r": {"expr": expr}}}})
    refused(spec, "tables.t.columns.r.expr", words)


@pytest.mark.parametrize("check", ["false", "1 = 0"])
def test_a_constant_false_check_is_refused(check: str) -> None:
    spec = spec_of({"t": {"rows": 3, "columns": {"id": {"type": "id"}}, "checks": [check]}})
    refused(spec, "tables.t.checks[0]", "always false")


def test_a_constant_true_check_generates() -> None:
    generated(spec_of({"t": {"rows": 3, "columns": {"id": {"type": "id"}}, "checks": ["1 = 1"]}}))


def test_an_expression_over_no_column_has_one_value_per_row() -> None:
    spec = spec_of({"t": {"rows": 4, "columns": {"one": {"expr": "1"}, "n": {"type": "int"}}}})
    assert generated(spec)["t"]["one"].to_pylist() == [1, 1, 1, 1]


# -- the cheap default re-check ----------------------------------------------------------


def test_a_broken_construction_stops_the_run_and_leaves_no_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = spec_of({"t": {"rows": 100, "columns": {"id": {"type": "id"}, "x": {"type": "int"}}}})

    def repeats(self: IdGenerator, col: Any, ctx: Any) -> pa.Array:
        return pa.array(np.ones(ctx.n, dtype=np.int64))  # a fault: every id is 1

    monkeypatch.setattr(IdGenerator, "generate", repeats)
    with pytest.raises(GenerationError) as info:
        sw.generate(spec).materialize()
    assert info.value.problems[0].location == "tables.t.columns.id"
    out = tmp_path / "out"
    with pytest.raises(GenerationError):
        sw.generate(spec).write(out)
    assert not out.exists() or not any(out.iterdir())


# -- no silent fallback to uniform: the other places a dist could be dropped -------------


def test_a_dist_on_the_per_parent_link_is_refused_not_dropped() -> None:
    spec = spec_of(
        {
            **parent(),
            "c": {
                "per_parent": {"table": "p", "max": 3},
                "columns": {"p_id": {"ref": "p.id", "dist": "zipf"}},
            },
        }
    )
    refused(spec, "tables.c.columns.p_id.dist", "per_parent.dist")


def test_per_parent_dist_still_shapes_a_junction() -> None:
    spec = _junction(True, None)
    spec["tables"]["items"]["per_parent"] = {
        "table": "orders",
        "min": 0,
        "max": 8,
        "dist": {"poisson": {"lam": 1.5}},
    }
    counts = np.bincount(generated(spec)["items"]["order_id"].to_numpy(), minlength=3001)[1:]
    assert 1.3 < counts.mean() < 1.7


def test_scenario_rows_keep_the_column_dist() -> None:
    spec = spec_of(
        {
            "t": {
                "rows": 2000,
                "columns": {"n": {"type": "int", "min": 0, "max": 1000, "dist": "zipf"}},
            }
        },
        scenarios={"t": [{"name": "high", "share": 0.5, "set": {"n": {"min": 500}}}]},
    )
    values = generated(spec)["t"]["n"].to_numpy()
    high = values[values >= 500]
    assert len(high) >= 1000 and np.mean(high == 500) > 0.2  # zipf from 500, not uniform


def test_a_time_window_never_passes_midnight() -> None:
    cols = {
        "a": {"type": "time", "min": "20:00"},
        "b": {"type": "time", "after": "a", "within": "10h"},
    }
    out = generated(spec_of({"t": {"rows": 300, "columns": cols}}))["t"]
    assert all(b >= a for a, b in zip(out["a"].to_pylist(), out["b"].to_pylist(), strict=True))


def test_a_self_reference_is_read_only_once_it_is_filled() -> None:
    cols = {"id": {"type": "id"}, "up": {"ref": "t.id", "null_rate": 0.3}}
    spec = spec_of({"t": {"rows": 50, "columns": {**cols, "e": {"expr": "up + 1"}}}})
    refused(spec, "tables.t.columns.e", "self-reference")
    ok = spec_of({"t": {"rows": 50, "columns": dict(cols), "checks": ["up IS NULL OR up < id"]}})
    generated(ok)  # checked on the filled rows
    bad = spec_of({"t": {"rows": 50, "columns": dict(cols), "checks": ["up IS NULL"]}})
    with pytest.raises(GenerationError) as info:
        sw.generate(bad).materialize()
    assert info.value.problems[0].location == "tables.t.checks[0]"


def test_scenario_rows_in_a_junction_need_distinct_partners() -> None:
    spec = spec_of(
        {
            **parent(),
            "q": {"rows": 3, "columns": {"id": {"type": "id"}}},
            "j": {
                "per_parent": {"table": "p", "min": 0, "max": 6},
                "unique": ["p_id", "q_id"],
                "columns": {"p_id": {"ref": "p.id"}, "q_id": {"ref": "q.id"}, "x": {"type": "int"}},
            },
        },
        scenarios={"j": [{"name": "s", "count": 30, "set": {"x": 5}}]},
    )
    assert generated(spec)["j"].num_rows >= 30  # every parent may be full: 10 x 3 pairs
    spec["scenarios"]["j"][0]["count"] = 31
    refused(spec, "scenarios.j", "room for 30")


def test_a_unique_datetime_needs_a_format_that_shows_every_part() -> None:
    col = {"type": "datetime", "min": "2025-12-31", "format": "%d/%m/%Y %H", "unique": True}
    refused(spec_of({"t": {"rows": 20, "columns": {"c": col}}}), "tables.t.columns.c.format", "%M")
    col["format"] = "%Y-%m-%d %H:%M:%S.%f"
    generated(spec_of({"t": {"rows": 20, "columns": {"c": col}}}))


def test_children_read_a_parent_self_reference_as_filled() -> None:
    spec = spec_of(
        {
            "t": {
                "rows": 30,
                "columns": {"id": {"type": "id"}, "up": {"ref": "t.id", "null_rate": 0.3}},
            },
            "c": {
                "per_parent": {"table": "t", "min": 1, "max": 1},
                "columns": {"t_id": {"ref": "t.id"}, "up": {"expr": "t.up"}},
            },
        }
    )
    out = generated(spec)
    assert out["c"]["up"].to_pylist() == out["t"]["up"].to_pylist()


def test_a_float_with_a_discrete_dist_draws_whole_numbers_inside_the_range() -> None:
    col = {"type": "float", "min": 3.25, "max": 9.5, "dist": {"poisson": {"lam": 4}}}
    values = generated(spec_of({"t": {"rows": 200, "columns": {"f": col}}}))["t"]["f"].to_numpy()
    assert values.min() >= 4 and values.max() <= 9 and np.all(values == np.round(values))
    col["max"] = 3.5
    refused(spec_of({"t": {"rows": 5, "columns": {"f": col}}}), "tables.t.columns.f.dist")


def test_the_cheap_check_reads_ids_before_a_self_reference_into_the_same_batch() -> None:
    cols = {"up": {"ref": "t.id", "null_rate": 0.3}, "id": {"type": "id"}}  # the ref comes first
    generated(spec_of({"t": {"rows": 70_000, "columns": cols}}))
