"""Foreign keys by value inclusion and cardinality on a multi-table fixture."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from synthwright.profile import CategoryMarginal, generate_from_profile, profile_tables
from synthwright.profile.report import quality_report


def _links(fitted, table: str) -> dict[str, tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    return {
        lk.column: (lk.parent, lk.parent_column, lk.primary) for lk in fitted.profiles[table].links
    }


def test_foreign_keys_found_by_values(shop_tables: dict[str, pa.Table]) -> None:
    # rename the link columns so names cannot give them away
    renamed = dict(shop_tables)
    renamed["order_items"] = shop_tables["order_items"].rename_columns(["id", "o", "p", "quantity"])
    fitted = profile_tables(renamed)
    assert _links(fitted, "orders") == {"customer_id": ("customers", "id", True)}
    items = _links(fitted, "order_items")
    assert items["o"] == ("orders", "id", True)  # UUID strings: patterned codes
    assert items["p"] == ("products", "id", False)  # integers covering the parent
    assert "quantity" not in items  # 1..5 lies inside products.id but proves nothing
    assert fitted.profiles["customers"].links == []


def test_child_counts_per_parent(shop_tables: dict[str, pa.Table]) -> None:
    fitted = profile_tables(shop_tables)
    link = fitted.profiles["orders"].links[0]
    assert isinstance(link.counts, CategoryMarginal)
    values = np.asarray(link.counts.values, dtype=float)
    mean = float((values * np.asarray(link.counts.weights)).sum())
    assert mean == pytest.approx(2.0, abs=0.25)  # poisson(2) per customer
    pp = fitted.spec.tables["orders"].per_parent
    assert pp is not None and pp.table == "customers"
    assert pp.dist is not None and pp.dist.kind == "poisson"
    assert fitted.spec.tables["orders"].columns["customer_id"].ref == "customers.id"  # type: ignore[union-attr]


def test_generated_relations_keep_cardinality_and_integrity(
    shop_tables: dict[str, pa.Table],
) -> None:
    fitted = profile_tables(shop_tables)
    out = generate_from_profile(fitted, seed=2)
    assert out["customers"].num_rows == shop_tables["customers"].num_rows
    ratio = out["orders"].num_rows / shop_tables["orders"].num_rows
    assert ratio == pytest.approx(1.0, abs=0.02)
    report = quality_report(shop_tables, out, spec=fitted)
    assert report.integrity == 1.0
    assert report.cardinality is not None and report.cardinality > 0.85
    assert {(r.child, r.column) for r in report.relations} >= {
        ("orders", "customer_id"),
        ("order_items", "order_id"),
    }
