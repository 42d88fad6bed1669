"""A 4-table spec at 1M root rows with keys and checks: time, rows/s and peak memory.

Run: ``python bench/relational.py [--customers 1000000] [--parquet]``.
customers (1M) -> orders (~2M, poisson per customer) -> order_items (~6M,
unique (order, product) pairs) and products (10k). Checks run on every block.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, peak_rss_mb

import synthwright as sw


def spec(customers: int) -> dict:
    return {
        "version": 1,
        "name": "bench_relational",
        "seed": 7,
        "tables": {
            "customers": {
                "rows": customers,
                "columns": {
                    "id": {"type": "id"},
                    "email": {"type": "email", "unique": True},
                    "country": {
                        "type": "country_code",
                        "values": {"US": 0.5, "DE": 0.3, "FR": 0.2},
                    },
                    "signup_at": {"type": "datetime", "min": "2022-01-01", "max": "2024-12-31"},
                },
            },
            "products": {
                "rows": 10_000,
                "columns": {
                    "id": {"type": "id"},
                    "sku": {"type": "sku", "unique": True},
                    "price": {"type": "price", "min": 1, "max": 500},
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
                    "id": {"type": "id"},
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
                    "subtotal": {"type": "decimal", "min": 5, "max": 2000, "dist": "lognormal"},
                    "tax": {"expr": "round(subtotal * 0.08, 2)"},
                    "total": {"expr": "subtotal + tax"},
                },
                "checks": ["total = subtotal + tax", "ordered_at >= customers.signup_at"],
            },
            "order_items": {
                "per_parent": {"table": "orders", "min": 1, "max": 5},
                "unique": ["order_id", "product_id"],
                "columns": {
                    "order_id": {"ref": "orders.id"},
                    "product_id": {"ref": "products.id", "dist": "zipf"},
                    "quantity": {"type": "int", "min": 1, "max": 5},
                },
                "checks": ["quantity BETWEEN 1 AND 5"],
            },
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--parquet", action="store_true", help="also time writing Parquet")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    s = spec(args.customers)
    counts: dict[str, int] = {}

    def count(table: str, batch: object) -> None:
        counts[table] = counts.get(table, 0) + batch.num_rows  # type: ignore[attr-defined]

    started = time.perf_counter()
    stats = sw.generate(s).stream(count)
    elapsed = time.perf_counter() - started
    for table, rows in stats.rows.items():
        print(f"  {table:<12} {rows:>12,} rows")
    print(
        f"generate (streamed, checks on): {stats.total_rows:,} rows in {elapsed:.2f} s "
        f"= {stats.total_rows / elapsed:,.0f} rows/s (target: < 30 s)"
    )
    if args.parquet:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            sw.generate(s).write(Path(tmp) / "out", format="parquet")
            t = time.perf_counter() - started
        print(f"generate + parquet: {t:.2f} s = {stats.total_rows / t:,.0f} rows/s")
    print(f"peak RSS: {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
