"""A small shop spec and hand-built tables that meet every one of its rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

SHOP: dict[str, Any] = {
    "version": 1,
    "name": "shop",
    "tables": {
        "customers": {
            "rows": 4,
            "columns": {
                "id": {"type": "id"},
                "email": {"type": "email", "unique": True},
                "country": {"type": "country_code", "values": {"US": 0.6, "DE": 0.4}},
                "signup_at": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
                "age": {"type": "int", "min": 18, "max": 90},
                "vip": {"type": "bool", "p": 0.1},
                "code": {"type": "string", "pattern": "C-###"},
                "referred_by": {"ref": "customers.id", "null_rate": 0.8},
            },
        },
        "orders": {
            "per_parent": {"table": "customers", "min": 0, "max": 3},
            "columns": {
                "id": {"type": "uuid"},
                "customer_id": {"ref": "customers.id"},
                "ordered_at": {
                    "type": "datetime",
                    "after": "customers.signup_at",
                    "within": "365d",
                },
                "status": {"type": "category", "values": ["pending", "shipped", "cancelled"]},
                "subtotal": {"type": "decimal", "min": 5, "max": 2000, "scale": 2},
                "tax": {"expr": "round(subtotal * 0.08, 2)"},
                "total": {"expr": "subtotal + tax"},
            },
            "checks": ["total = subtotal + tax", "ordered_at >= customers.signup_at"],
        },
        "favourites": {
            "rows": 3,
            "unique": ["customer_id", "product"],
            "columns": {
                "customer_id": {"ref": "customers.id"},
                "product": {"type": "string", "regex": "[a-z]+"},
                "note": {"type": "text", "max_length": 10, "null_rate": 0.5},
            },
        },
    },
}


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _dec(*values: str) -> pa.Array:
    return pa.array([Decimal(v) for v in values], pa.decimal128(18, 2))


def clean_tables() -> dict[str, pa.Table]:
    customers = pa.table(
        {
            "id": pa.array([1, 2, 3, 4], pa.int64()),
            "email": ["a@x.com", "b@x.com", "c@x.com", "d@x.com"],
            "country": ["US", "DE", "US", "US"],
            "signup_at": pa.array(
                [
                    _ts("2023-01-05T10:00"),
                    _ts("2023-06-01"),
                    _ts("2024-02-29"),
                    _ts("2024-12-31T23:59:59"),
                ],
                pa.timestamp("us"),
            ),
            "age": pa.array([18, 40, 90, 33], pa.int64()),
            "vip": [False, True, False, False],
            "code": ["C-001", "C-002", "C-003", "C-004"],
            "referred_by": pa.array([None, 1, None, None], pa.int64()),
        }
    )
    orders = pa.table(
        {
            "id": ["o1", "o2", "o3", "o4"],
            "customer_id": pa.array([1, 1, 2, 3], pa.int64()),
            "ordered_at": pa.array(
                [_ts("2023-01-05T10:00"), _ts("2023-12-31"), _ts("2024-05-31"), _ts("2024-03-01")],
                pa.timestamp("us"),
            ),
            "status": ["pending", "shipped", "cancelled", "pending"],
            "subtotal": _dec("100.00", "5.00", "2000.00", "12.34"),
            "tax": _dec("8.00", "0.40", "160.00", "0.99"),
            "total": _dec("108.00", "5.40", "2160.00", "13.33"),
        }
    )
    favourites = pa.table(
        {
            "customer_id": pa.array([1, 1, 2], pa.int64()),
            "product": ["tea", "cake", "tea"],
            "note": pa.array(["nice", None, "0123456789"], pa.string()),
        }
    )
    return {"customers": customers, "orders": orders, "favourites": favourites}


def replace(tables: dict[str, pa.Table], table: str, column: str, values: Any) -> None:
    """Put ``values`` in place of ``table.column`` (keeping the column's type when possible)."""
    data = tables[table]
    index = data.column_names.index(column)
    array = values if isinstance(values, pa.Array) else pa.array(values, data.column(index).type)
    tables[table] = data.set_column(index, column, array)
