"""`quality:` defects: rates, determinism, keys still valid, check tells defects from breaks."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

import synthwright as sw
from synthwright import api
from synthwright.errors import GenerationError, SpecError

N = 20_000


def _spec(
    quality: dict[str, Any], rows: int = N, orders_quality: dict[str, Any] | None = None
) -> dict[str, Any]:
    tables: dict[str, Any] = {
        "customers": {
            "rows": rows,
            "columns": {
                "id": {"type": "id"},
                "name": {"type": "full_name"},
                "email": {"type": "email", "unique": True},
                "age": {"type": "int", "min": 18, "max": 90},
                "score": {"type": "float", "min": 0, "max": 1},
                "signup": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
            },
            "quality": quality,
        },
        "orders": {
            "per_parent": {
                "table": "customers",
                "dist": {"poisson": {"lam": 2}},
                "min": 1,
                "max": 6,
            },
            "columns": {
                "id": {"type": "uuid"},
                "customer_id": {"ref": "customers.id"},
                "amount": {"type": "decimal", "min": 5, "max": 500, "scale": 2},
                "placed": {"type": "datetime", "after": "customers.signup", "within": "30d"},
            },
            "checks": ["placed >= customers.signup"],
        },
    }
    if orders_quality is not None:
        tables["orders"]["quality"] = orders_quality
    return {"version": 1, "seed": 11, "tables": tables}


FULL = {
    "duplicates": 0.04,
    "outliers": {"rate": 0.03, "columns": ["age", "score"]},
    "typos": {"rate": 0.05, "columns": ["name"]},
    "nulls": {"email": 0.1},
    "emit_defects": True,
}


def _within(observed: int, rate: float, n: int) -> bool:
    """Within 4 standard errors of a binomial share (a flake once in ~15,000 runs)."""
    return abs(observed - rate * n) <= 4 * math.sqrt(n * rate * (1 - rate)) + 1


@pytest.fixture(scope="module")
def shop() -> tuple[dict[str, Any], dict[str, pa.Table], Any]:
    spec = _spec(FULL, orders_quality={"accuracy": 0.9, "emit_defects": True})
    ds = sw.generate(spec)
    return spec, ds.materialize(), ds.stats


def _kinds(table: pa.Table, kind: str, column: str | None = None) -> int:
    """Rows whose label names ``kind`` (on ``column``, when given)."""
    n = 0
    for label in table.column("_defect").drop_null().to_pylist():
        parts = str(label).split(";")
        if column is not None:
            n += f"{kind}:{column}" in parts
        else:
            n += any(p.split(":")[0] == kind for p in parts)
    return n


def test_rates_within_sampling_error(shop: Any) -> None:
    _, tables, stats = shop
    customers = tables["customers"]
    assert customers.num_rows == N + stats.defects["customers"]["duplicate"]
    assert _within(stats.defects["customers"]["duplicate"], 0.04, N)
    assert _within(_kinds(customers, "outlier"), 0.03, N)
    assert _within(_kinds(customers, "typo", "name"), 0.05, N)
    # a null is never planted on a cell holding another defect (email takes none other)
    assert _within(_kinds(customers, "null", "email"), 0.1, N)
    orders = tables["orders"]
    base = orders.num_rows - stats.defects["orders"]["duplicate"]
    assert _within(stats.defects["orders"]["duplicate"], 0.1 / 4, base)
    assert _within(_kinds(orders, "outlier"), 0.1 / 4, base)  # accuracy spreads 1 - a over 4 kinds
    assert _within(_kinds(orders, "null"), 0.1 / 4, base)


def test_labels_say_what_was_done(shop: Any) -> None:
    _, tables, _ = shop
    customers = tables["customers"].to_pylist()
    for row in customers:
        label = row["_defect"] or ""
        parts = label.split(";") if label else []
        if "null:email" in parts:
            assert row["email"] is None
        if "outlier:age" in parts:
            assert not 18 <= row["age"] <= 90
        if "outlier:score" in parts:
            assert not 0 <= row["score"] <= 1
        if not parts:
            assert row["email"] is not None and 18 <= row["age"] <= 90


def test_keys_and_foreign_keys_stay_valid(shop: Any) -> None:
    _, tables, _ = shop
    customers, orders = tables["customers"], tables["orders"]
    ids = customers.column("id")
    assert pc.count_distinct(ids).as_py() == customers.num_rows
    assert pc.count_distinct(orders.column("id")).as_py() == orders.num_rows
    assert pc.all(pc.is_in(orders.column("customer_id"), value_set=ids)).as_py()


def test_a_duplicate_repeats_another_rows_values_under_a_new_key(shop: Any) -> None:
    _, tables, _ = shop
    rows = tables["customers"].to_pylist()
    originals = {r["signup"]: r for r in rows if r["_defect"] != "duplicate"}
    dups = [r for r in rows if r["_defect"] == "duplicate"]
    assert dups
    top = max(r["id"] for r in rows if r["_defect"] != "duplicate")
    assert sorted(d["id"] for d in dups) == list(range(top + 1, top + 1 + len(dups)))
    for d in dups:
        src = originals[d["signup"]]
        planted = {p.split(":")[1] for p in (src["_defect"] or "").split(";") if ":" in p}
        for column in ("name", "email", "age", "score"):
            if column not in planted:  # the duplicate repeats the clean values
                assert d[column] == src[column]


def test_seeded_and_deterministic(shop: Any) -> None:
    spec, tables, _ = shop
    again = sw.generate(spec).materialize()
    for name in tables:
        assert again[name].equals(tables[name])
    other = sw.generate(spec, seed=12).materialize()
    assert not other["customers"].column("_defect").equals(tables["customers"].column("_defect"))


def test_same_bytes_whatever_the_sink(tmp_path: Path) -> None:
    spec = _spec(FULL, rows=800)
    a = sw.generate(spec).write(tmp_path / "a", format="csv")
    b = sw.generate(spec).write(tmp_path / "b", format="csv")
    assert [Path(p).read_bytes() for p in a] == [Path(p).read_bytes() for p in b]


def test_check_counts_labelled_defects_apart_from_violations(shop: Any, tmp_path: Path) -> None:
    spec, tables, stats = shop
    assert api.check(tables, spec) == []
    assert api.defects(tables, spec) == stats.defects
    written = sw.generate(spec).write(tmp_path / "out", format="parquet")
    assert written
    assert api.check(str(tmp_path / "out"), spec) == []
    assert api.defects(str(tmp_path / "out"), spec) == stats.defects


def test_check_still_finds_unlabelled_breaks(shop: Any) -> None:
    spec, tables, _ = shop
    customers = tables["customers"]
    labels = customers.column("_defect").to_pylist()
    clean_row = labels.index(None)
    ages = customers.column("age").to_pylist()
    ages[clean_row] = 500  # an outlier nobody labelled
    broken = customers.set_column(customers.schema.get_field_index("age"), "age", pa.array(ages))
    findings = api.check({**tables, "customers": broken}, spec)
    assert [(f.rule, f.count) for f in findings] == [("max", 1)]
    # and a planted defect whose label was removed is a violation again
    planted = next(i for i, x in enumerate(labels) if x == "outlier:age")
    labels[planted] = None
    unlabelled = customers.set_column(
        customers.schema.get_field_index("_defect"), "_defect", pa.array(labels, pa.string())
    )
    assert [f.rule for f in api.check({**tables, "customers": unlabelled}, spec)] in (
        ["min"],
        ["max"],
    )


def test_without_emit_defects_no_label_column() -> None:
    quality = {k: v for k, v in FULL.items() if k != "emit_defects"}
    tables = sw.generate(_spec(quality, rows=500)).materialize()
    assert "_defect" not in tables["customers"].column_names
    assert tables["customers"].num_rows > 500  # duplicates all the same


def test_accuracy_sets_every_kind() -> None:
    ds = sw.generate(_spec({"accuracy": 0.8, "emit_defects": True}, rows=4000))
    ds.materialize()
    kinds = ds.stats.defects["customers"]
    assert set(kinds) == {"duplicate", "outlier", "typo", "null"}
    for n in kinds.values():  # a quarter of the error each
        assert _within(n, 0.05, 4000)


def test_unknown_column_is_refused_with_its_location() -> None:
    with pytest.raises(SpecError) as exc:
        sw.load_spec(_spec({"nulls": {"emial": 0.1}}))
    assert "quality" in str(exc.value) and "emial" in str(exc.value)


def test_a_key_column_cannot_take_defects() -> None:
    with pytest.raises(GenerationError) as exc:
        sw.generate(_spec({"nulls": {"id": 0.1}}, rows=10)).materialize()
    assert "tables.customers.quality.nulls.columns" in str(exc.value)


def test_cli_generate_and_check_report_defects(tmp_path: Path) -> None:
    from synthwright.cli.app import app

    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(_spec(FULL, rows=600)))
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(
        app, ["generate", str(spec_file), "--out", str(out), "--format", "csv", "--json"]
    )
    assert res.exit_code == 0, res.output
    made = json.loads(res.output)["defects"]["customers"]
    res = runner.invoke(app, ["check", str(out), "--spec", str(spec_file), "--json"])
    assert res.exit_code == 0, res.output
    result = json.loads(res.output)
    assert result["ok"] and result["findings"] == []
    assert result["defects"]["customers"] == made
    res = runner.invoke(app, ["check", str(out), "--spec", str(spec_file)])
    assert "labelled defects" in res.output and "duplicate" in res.output
