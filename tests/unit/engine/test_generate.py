"""The engine: determinism, keys, relations, constraints and scenarios hold by construction."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import synthwright as sw
from synthwright import catalog
from synthwright.engine import generate as engine_generate
from synthwright.errors import GenerationError


def tables(spec: dict, seed: int = 3) -> dict[str, pa.Table]:
    return sw.generate(spec, seed=seed).materialize()


def test_same_seed_same_bytes_other_seed_other_values(mini_spec: dict) -> None:
    a, b, c = tables(mini_spec, 1), tables(mini_spec, 1), tables(mini_spec, 2)
    for name in a:
        assert a[name].equals(b[name]), name
    assert not a["customers"].column("email").equals(c["customers"].column("email"))


def test_seed_from_spec_and_override(mini_spec: dict) -> None:
    by_spec = sw.generate(mini_spec).materialize()
    explicit = sw.generate(mini_spec, seed=mini_spec["seed"]).materialize()
    assert by_spec["orders"].equals(explicit["orders"])


def test_adding_a_column_leaves_the_others_unchanged(mini_spec: dict) -> None:
    wider = copy.deepcopy(mini_spec)
    wider["tables"]["customers"]["columns"]["extra"] = {"type": "float"}
    wider["tables"]["orders"]["columns"]["extra"] = {"type": "int"}
    a, b = tables(mini_spec), tables(wider)
    for name in a:
        assert a[name].equals(
            b[name].drop_columns(["extra"]) if "extra" in b[name].schema.names else b[name]
        )


def test_block_boundaries_do_not_change_values(
    monkeypatch: pytest.MonkeyPatch, mini_spec: dict
) -> None:
    """Consumers may re-batch freely; the data is defined by the block grid only."""
    spec = copy.deepcopy(mini_spec)
    spec["tables"]["customers"]["rows"] = 5000
    whole = tables(spec)
    rebatched = {n: pa.Table.from_batches(t.to_batches(max_chunksize=77)) for n, t in whole.items()}
    for name in whole:
        assert whole[name].equals(rebatched[name])
    monkeypatch.setattr(engine_generate, "BLOCK_SIZE", 1024)  # many blocks: still valid
    small = tables(spec)
    assert sw.check(small, spec) == []


def test_foreign_keys_exist_in_parents(mini_spec: dict) -> None:
    t = tables(mini_spec)
    ids = set(t["customers"].column("id").to_pylist())
    assert set(t["orders"].column("customer_id").to_pylist()) <= ids
    order_ids = set(t["orders"].column("id").to_pylist())
    assert set(t["order_items"].column("order_id").to_pylist()) <= order_ids
    ref = [v for v in t["customers"].column("referred_by").to_pylist() if v is not None]
    assert ref and set(ref) <= ids


def test_self_reference_points_to_earlier_rows(mini_spec: dict) -> None:
    t = tables(mini_spec)["customers"].to_pydict()
    pairs = [(i, r) for i, r in zip(t["id"], t["referred_by"], strict=True) if r is not None]
    assert all(r < i for i, r in pairs)
    assert t["referred_by"][0] is None
    share = 1 - len(pairs) / len(t["id"])
    assert 0.7 < share < 0.9


def test_per_parent_counts_within_bounds_and_poisson_mean(mini_spec: dict) -> None:
    spec = copy.deepcopy(mini_spec)
    spec["tables"]["customers"]["rows"] = 4000
    spec["scenarios"] = {}
    t = tables(spec)
    counts = np.bincount(np.array(t["orders"].column("customer_id").to_pylist()), minlength=4001)[
        1:
    ]
    assert counts.min() >= 0 and counts.max() <= 6
    assert 1.85 < counts.mean() < 2.15
    items = t["order_items"].group_by("order_id").aggregate([("product_id", "count")])
    per_order = items.column("product_id_count").to_numpy()
    assert per_order.min() >= 1 and per_order.max() <= 4
    assert items.num_rows == t["orders"].num_rows


def test_junction_pairs_never_repeat(mini_spec: dict) -> None:
    t = tables(mini_spec)["order_items"]
    pairs = list(
        zip(t.column("order_id").to_pylist(), t.column("product_id").to_pylist(), strict=True)
    )
    assert len(pairs) == len(set(pairs))


def test_plain_rows_junction_is_unique_by_construction() -> None:
    spec = {
        "tables": {
            "a": {"rows": 30, "columns": {"id": {"type": "id"}}},
            "b": {"rows": 20, "columns": {"id": {"type": "id"}}},
            "ab": {
                "rows": 600,
                "unique": ["a_id", "b_id"],
                "columns": {"a_id": {"ref": "a.id"}, "b_id": {"ref": "b.id"}},
            },
        }
    }
    t = tables(spec)["ab"]
    pairs = set(zip(t.column("a_id").to_pylist(), t.column("b_id").to_pylist(), strict=True))
    assert len(pairs) == 600  # every possible pair, none twice


def test_unique_columns_are_distinct(mini_spec: dict) -> None:
    t = tables(mini_spec)
    for table, col in [
        ("customers", "email"),
        ("customers", "id"),
        ("orders", "id"),
        ("products", "code"),
    ]:
        values = t[table].column(col)
        assert pc.count_distinct(values).as_py() == len(values), (table, col)


def test_unique_int_covers_a_tight_domain() -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 1000,
                "columns": {"n": {"type": "int", "min": 1, "max": 1000, "unique": True}},
            }
        }
    }
    assert sorted(tables(spec)["t"].column("n").to_pylist()) == list(range(1, 1001))


def test_constraints_hold(mini_spec: dict) -> None:
    t = tables(mini_spec)
    c = t["customers"]
    assert pc.min(c.column("age")).as_py() >= 18 and pc.max(c.column("age")).as_py() <= 90
    assert 30 < pc.mean(c.column("age")).as_py() < 46
    signup = c.column("signup_at")
    assert pc.min(signup).as_py() >= dt.datetime(2023, 1, 1)
    assert pc.max(signup).as_py() <= dt.datetime(2024, 12, 31, 23, 59, 59, 999999)
    assert set(c.column("plan").to_pylist()) <= {"free", "pro", "enterprise"}
    assert set(c.column("country").to_pylist()) <= {"US", "DE"}
    prices = t["products"].column("price").to_pylist()
    assert all(Decimal(1) <= p <= Decimal(500) and p.as_tuple().exponent == -2 for p in prices)
    assert all(
        len(code) == 6 and code.startswith("P-")
        for code in t["products"].column("code").to_pylist()
    )


def test_after_within_and_expressions(mini_spec: dict) -> None:
    t = tables(mini_spec)
    signup = dict(
        zip(
            t["customers"].column("id").to_pylist(),
            t["customers"].column("signup_at").to_pylist(),
            strict=True,
        )
    )
    o = t["orders"].to_pydict()
    for cid, at in zip(o["customer_id"], o["ordered_at"], strict=True):
        assert signup[cid] <= at <= signup[cid] + dt.timedelta(days=365)
    for sub, tax, total in zip(o["subtotal"], o["tax"], o["total"], strict=True):
        assert tax == round(sub * Decimal("0.08"), 2)
        assert total == sub + tax


def test_scenario_rows_are_added_with_their_values(mini_spec: dict) -> None:
    spec = copy.deepcopy(mini_spec)
    spec["tables"]["orders"]["emit_scenario_column"] = True
    t = tables(spec)["orders"]
    labels = t.column("_scenario").to_pylist()
    rows = [i for i, v in enumerate(labels) if v == "big_cancelled"]
    assert len(rows) == 7
    for i in rows:
        assert t.column("status")[i].as_py() == "cancelled"
        assert t.column("subtotal")[i].as_py() >= 1000
    assert "_scenario" not in tables(mini_spec)["orders"].schema.names


def test_share_scenario_overrides_a_fraction() -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 1000,
                "columns": {"id": {"type": "id"}, "s": {"type": "category", "values": ["a", "b"]}},
            }
        },
        "scenarios": {"t": [{"name": "all_c", "share": 0.1, "set": {"s": "b"}}]},
    }
    t = tables(spec)["t"]
    assert t.num_rows == 1000
    assert t.column("s").to_pylist().count("b") > 500


def test_null_rate_is_applied() -> None:
    spec = {"tables": {"t": {"rows": 20000, "columns": {"x": {"type": "int", "null_rate": 0.25}}}}}
    share = tables(spec)["t"].column("x").null_count / 20000
    assert 0.23 < share < 0.27


def test_zipf_references_favour_few_parents(mini_spec: dict) -> None:
    t = tables(mini_spec)["reviews"]
    counts = sorted(np.bincount(np.array(t.column("product_id").to_pylist())), reverse=True)
    assert counts[0] > 5 * np.median(counts)


def test_unmet_check_stops_the_run_with_its_location() -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 100,
                "columns": {"a": {"type": "int", "min": 0, "max": 10}},
                "checks": ["a % 2 = 0"],
            }
        }
    }
    with pytest.raises(GenerationError) as info:
        tables(spec)
    assert info.value.problems[0].location == "tables.t.checks[0]"


def test_all_base_types_generate() -> None:
    columns = {
        "id": {"type": "id"},
        "i": {"type": "int"},
        "f": {"type": "float", "min": -5, "max": 5, "dist": "normal"},
        "d": {"type": "decimal", "min": 0, "max": 10, "scale": 3},
        "b": {"type": "bool"},
        "c": {"type": "category", "values": [1, 2, 3]},
        "s": {"type": "string", "regex": "[A-F]{3}-\\d{2,4}"},
        "tx": {"type": "text", "unit": "words", "min": 2, "max": 5},
        "da": {"type": "date", "min": "2000-01-01", "max": "2000-12-31"},
        "dts": {"type": "datetime", "format": "%Y-%m-%d"},
        "tm": {"type": "time", "min": "08:00", "max": "09:00"},
        "du": {"type": "duration", "min": "1m", "max": "1h"},
        "u": {"type": "uuid"},
        "j": {"type": "json", "keys": {"ip": "ipv4", "n": "int"}},
        "l": {"type": "llm", "prompt": "say {{c}}", "template": "value {{c}}"},
    }
    t = tables({"tables": {"t": {"rows": 500, "columns": columns}}})["t"]
    assert t.num_rows == 500 and t.schema.names == list(columns)
    import json
    import re

    assert all(re.fullmatch(r"[A-F]{3}-\d{2,4}", v) for v in t.column("s").to_pylist())
    assert all(set(json.loads(v)) == {"ip", "n"} for v in t.column("j").to_pylist())
    assert all(v.startswith("value ") for v in t.column("l").to_pylist())
    assert all(dt.time(8) <= v <= dt.time(9) for v in t.column("tm").to_pylist())
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in t.column("dts").to_pylist())


def test_unique_regex_with_repeats_keeps_its_shape() -> None:
    import re

    spec = {
        "tables": {
            "t": {
                "rows": 500,
                "columns": {
                    "c": {"type": "string", "regex": "[A-Z][0-9]{2}\\.[0-9]", "unique": True}
                },
            }
        }
    }
    values = tables(spec)["t"].column("c").to_pylist()
    assert len(set(values)) == 500
    assert all(re.fullmatch(r"[A-Z][0-9]{2}\.[0-9]", v) for v in values)


def test_simple_checks_are_met_by_construction() -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 3000,
                "columns": {
                    "age": {"type": "int", "min": 0, "max": 120},
                    "price": {"type": "decimal", "min": 0, "max": 100},
                    "status": {"type": "category", "values": {"new": 1, "paid": 1, "void": 1}},
                    "start": {"type": "datetime", "min": "2024-01-01", "max": "2024-06-30"},
                    "end": {"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
                },
                "checks": [
                    "age >= 21 AND age < 65",
                    "price BETWEEN 10 AND 20",
                    "status IN ('new', 'paid')",
                    '"end" >= start',
                ],
            }
        }
    }
    t = tables(spec)["t"]
    ages = t.column("age").to_pylist()
    assert min(ages) >= 21 and max(ages) <= 64
    assert all(10 <= p <= 20 for p in t.column("price").to_pylist())
    assert set(t.column("status").to_pylist()) == {"new", "paid"}
    assert all(
        e >= s
        for s, e in zip(t.column("start").to_pylist(), t.column("end").to_pylist(), strict=True)
    )
    assert sw.check({"t": t}, spec) == []


def test_verify_mode_rechecks_generated_data(mini_spec: dict) -> None:
    ds = sw.generate(mini_spec, verify=True)
    assert ds["orders"].num_rows > 0  # no findings: no error


def test_unique_pattern_with_a_huge_domain() -> None:
    spec = {
        "tables": {
            "t": {
                "rows": 300,
                "columns": {"c": {"type": "string", "regex": "[A-Z0-9]{16}", "unique": True}},
            }
        }
    }
    values = tables(spec)["t"].column("c").to_pylist()
    assert len(set(values)) == 300 and all(len(v) == 16 for v in values)


def test_string_with_values_picks_from_them() -> None:
    spec = {
        "tables": {
            "t": {"rows": 200, "columns": {"s": {"type": "string", "values": {"x": 3, "y": 1}}}}
        }
    }
    values = tables(spec)["t"].column("s").to_pylist()
    assert set(values) == {"x", "y"} and values.count("x") > values.count("y")


@pytest.mark.parametrize("type_name", catalog.names())
def test_every_type_makes_an_empty_table(type_name: str) -> None:
    """A table of 0 rows (a service request with count 0) is valid for every type."""
    column: dict[str, object] = {"type": type_name}
    if type_name == "category":
        column["values"] = ["a", "b"]
    if type_name == "llm":
        column["prompt"] = "a note"
    spec = {"tables": {"t": {"rows": 0, "columns": {"id": {"type": "id"}, "c": column}}}}
    table = sw.generate(spec, seed=1).materialize()["t"]
    assert table.num_rows == 0 and table.column_names == ["id", "c"]
