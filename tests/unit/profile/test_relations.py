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


def _measurements_next_to_ids(seed: int = 4) -> dict[str, pa.Table]:
    """An integer-id parent, true references without telling names, and measurements."""
    rng = np.random.default_rng(seed)
    products = pa.table({"id": np.arange(1, 151), "price": rng.lognormal(3, 1, 150)})
    n = 3000
    customers = pa.table(
        {
            "id": np.arange(1, n + 1),
            # 18..90 lies inside products.id 1..150: every value is included
            "age": np.clip(np.round(rng.normal(38, 12, n)), 18, 90).astype(np.int64),
            # spans the whole 1..150 and hits every key, but has a bell shape
            "weight": np.clip(np.round(rng.normal(75, 30, n)), 1, 150).astype(np.int64),
        }
    )
    m = 6000
    popularity = 1.0 / np.arange(1, 151) ** 1.1
    popularity = rng.permutation(popularity / popularity.sum())  # popular ids anywhere
    items = pa.table(
        {
            "id": np.arange(1, m + 1),
            "p": rng.integers(1, 151, m),  # uniform references, no telling name
            "q": rng.choice(np.arange(1, 151), m, p=popularity),  # skewed references
            "quantity": np.minimum(rng.geometric(0.06, m), 150).astype(np.int64),
        }
    )
    return {"products": products, "customers": customers, "order_items": items}


def test_measurements_inside_an_id_range_are_not_foreign_keys() -> None:
    tables = _measurements_next_to_ids()
    fitted = profile_tables(tables)
    assert _links(fitted, "customers") == {}  # neither age nor weight refers to products
    items = _links(fitted, "order_items")
    assert set(items) == {"p", "q"}  # quantity decays from 1, never reaching the top ids
    assert items["p"][:2] == items["q"][:2] == ("products", "id")
    assert "ref" not in fitted.to_yaml().split("customers:")[1].split("profile:")[0]


def test_named_links_need_no_statistics() -> None:
    # a customer_id that looks like a measurement is still a key by its name
    tables = _measurements_next_to_ids()
    customers = tables["customers"]
    tables["customers"] = customers.append_column("product_id", customers.column("age"))
    fitted = profile_tables(tables)
    assert _links(fitted, "customers") == {"product_id": ("products", "id", True)}
