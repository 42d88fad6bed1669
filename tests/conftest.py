"""Shared fixtures: small specs used across the suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def shop_spec(rows: int = 300) -> dict[str, Any]:
    """A compact relational spec exercising every engine feature."""
    return {
        "version": 1,
        "name": "mini",
        "seed": 11,
        "tables": {
            "customers": {
                "rows": rows,
                "columns": {
                    "id": {"type": "id"},
                    "first_name": {"type": "first_name"},
                    "last_name": {"type": "last_name"},
                    "email": {"type": "email", "unique": True},
                    "country": {"type": "country_code", "values": {"US": 0.6, "DE": 0.4}},
                    "city": {"type": "city"},
                    "signup_at": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
                    "age": {
                        "type": "int",
                        "min": 18,
                        "max": 90,
                        "dist": {"normal": {"mean": 38, "std": 12}},
                    },
                    "plan": {
                        "type": "category",
                        "values": {"free": 0.6, "pro": 0.3, "enterprise": 0.1},
                    },
                    "vip": {"type": "bool", "p": 0.05},
                    "referred_by": {"ref": "customers.id", "null_rate": 0.8},
                },
            },
            "products": {
                "rows": 40,
                "columns": {
                    "id": {"type": "id"},
                    "code": {"type": "string", "pattern": "P-####", "unique": True},
                    "price": {"type": "decimal", "min": 1, "max": 500, "scale": 2},
                },
            },
            "orders": {
                "per_parent": {
                    "table": "customers",
                    "dist": {"poisson": {"lam": 2}},
                    "min": 0,
                    "max": 6,
                },
                "columns": {
                    "id": {"type": "uuid"},
                    "customer_id": {"ref": "customers.id"},
                    "ordered_at": {
                        "type": "datetime",
                        "after": "customers.signup_at",
                        "within": "365d",
                    },
                    "status": {
                        "type": "category",
                        "values": ["pending", "shipped", "delivered", "cancelled"],
                    },
                    "subtotal": {
                        "type": "decimal",
                        "min": 5,
                        "max": 2000,
                        "scale": 2,
                        "dist": "lognormal",
                    },
                    "tax": {"expr": "round(subtotal * 0.08, 2)"},
                    "total": {"expr": "subtotal + tax"},
                },
                "checks": ["total = subtotal + tax", "ordered_at >= customers.signup_at"],
            },
            "order_items": {
                "per_parent": {"table": "orders", "min": 1, "max": 4},
                "unique": ["order_id", "product_id"],
                "columns": {
                    "order_id": {"ref": "orders.id"},
                    "product_id": {"ref": "products.id"},
                    "quantity": {"type": "int", "min": 1, "max": 5},
                },
            },
            "reviews": {
                "rows": 200,
                "columns": {
                    "id": {"type": "id"},
                    "product_id": {"ref": "products.id", "dist": "zipf"},
                    "customer_id": {"ref": "customers.id"},
                    "rating": {"type": "int", "min": 1, "max": 5},
                },
            },
        },
        "scenarios": {
            "orders": [
                {
                    "name": "big_cancelled",
                    "count": 7,
                    "set": {"status": "cancelled", "subtotal": {"min": 1000}},
                }
            ]
        },
    }


@pytest.fixture
def mini_spec() -> dict[str, Any]:
    return shop_spec()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sessions, caches and config go to a temp dir; no LLM unless a test configures one."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("SYNTHWRIGHT_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("SYNTHWRIGHT_CONFIG", str(home / "config.yaml"))
    for name in ("SYNTHWRIGHT_LLM", "SYNTHWRIGHT_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
