"""Fixtures for the profiler: tables with known distributions, a relational dataset."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import synthwright as sw


def known_table(n: int = 6000, seed: int = 1) -> pa.Table:
    """x ~ N(50, 10); y correlated 0.7 with x; z lognormal; a category tied to x; rare labels."""
    rng = np.random.default_rng(seed)
    x = rng.normal(50, 10, n)
    y = 0.7 * (x - 50) / 10 + np.sqrt(1 - 0.49) * rng.standard_normal(n)
    z = rng.lognormal(3.0, 0.5, n)
    plan = np.where(
        x + rng.normal(0, 5, n) > 55, "pro", np.where(rng.random(n) < 0.6, "free", "team")
    )
    plan = plan.astype(object)
    plan[:3] = ["secret-a", "secret-b", "secret-c"]  # seen once each: rare
    active = rng.random(n) < 0.3
    start = np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64)
    signup = (start + rng.integers(0, 365 * 86400, n)) * 1_000_000
    score = np.round(rng.uniform(0, 100, n), 2)
    score_nulls = rng.random(n) < 0.1
    return pa.table(
        {
            "id": pa.array(np.arange(1, n + 1)),
            "x": pa.array(x),
            "y": pa.array(y),
            "z": pa.array(z),
            "plan": pa.array(list(plan), pa.string()),
            "active": pa.array(active),
            "signup_at": pa.array(signup, pa.int64()).cast(pa.timestamp("us")),
            "score": pa.array(score, mask=score_nulls),
        }
    )


@pytest.fixture(scope="session")
def known() -> pa.Table:
    return known_table()


def shop(rows: int = 400) -> dict[str, Any]:
    return {
        "version": 1,
        "name": "shop",
        "tables": {
            "customers": {
                "rows": rows,
                "columns": {
                    "id": {"type": "id"},
                    "email": {"type": "email", "unique": True},
                    "age": {"type": "int", "min": 18, "max": 90},
                    "country": {"type": "country_code", "values": {"US": 0.6, "DE": 0.4}},
                },
            },
            "products": {
                "rows": 60,
                "columns": {
                    "id": {"type": "id"},
                    "sku": {"type": "string", "pattern": "P-#####", "unique": True},
                    "price": {"type": "float", "min": 1, "max": 500},
                },
            },
            "orders": {
                "per_parent": {
                    "table": "customers",
                    "dist": {"poisson": {"lam": 2}},
                    "min": 0,
                    "max": 10,
                },
                "columns": {
                    "id": {"type": "uuid"},
                    "customer_id": {"ref": "customers.id"},
                    "total": {"type": "float", "min": 5, "max": 900},
                },
            },
            "order_items": {
                "per_parent": {"table": "orders", "min": 1, "max": 4},
                "columns": {
                    "id": {"type": "id"},
                    "order_id": {"ref": "orders.id"},
                    "product_id": {"ref": "products.id"},
                    "quantity": {"type": "int", "min": 1, "max": 5},
                },
            },
        },
    }


@pytest.fixture(scope="session")
def shop_tables() -> dict[str, pa.Table]:
    return sw.generate(shop(), seed=3).materialize()
