"""Rows/s for the 10-column customer table: synthwright vs Faker vs Mimesis, same process.

Run: ``python bench/engine.py [--rows 1000000] [--baseline-rows 20000]``.
Faker and Mimesis build the same columns row by row (their intended use);
synthwright builds Arrow columns. Ratios are printed side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, peak_rss_mb, timed

import synthwright as sw

SPEC = {
    "version": 1,
    "name": "bench_customers",
    "seed": 1,
    "tables": {
        "customers": {
            "rows": 1000,
            "columns": {
                "id": {"type": "id"},
                "first_name": {"type": "first_name"},
                "last_name": {"type": "last_name"},
                "email": {"type": "email"},
                "phone": {"type": "phone"},
                "city": {"type": "city"},
                "country_code": {"type": "country_code"},
                "signup_at": {"type": "datetime", "min": "2020-01-01", "max": "2024-12-31"},
                "age": {
                    "type": "int",
                    "min": 18,
                    "max": 90,
                    "dist": {"normal": {"mean": 38, "std": 12}},
                },
                "plan": {
                    "type": "category",
                    "values": {"free": 0.55, "basic": 0.25, "pro": 0.15, "enterprise": 0.05},
                },
                "balance": {
                    "type": "decimal",
                    "min": 0,
                    "max": 100000,
                    "scale": 2,
                    "dist": "lognormal",
                },
            },
        }
    },
}

PLANS = ["free", "basic", "pro", "enterprise"]
WEIGHTS = [0.55, 0.25, 0.15, 0.05]


def faker_rows(n: int) -> list[dict]:
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(1)
    rnd = random.Random(1)
    start, end = dt.datetime(2020, 1, 1), dt.datetime(2024, 12, 31)
    rows = []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        rows.append(
            {
                "id": i + 1,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@{fake.free_email_domain()}".lower(),
                "phone": fake.phone_number(),
                "city": fake.city(),
                "country_code": "US",
                "signup_at": fake.date_time_between(start, end),
                "age": min(90, max(18, int(rnd.gauss(38, 12)))),
                "plan": rnd.choices(PLANS, WEIGHTS)[0],
                "balance": round(rnd.lognormvariate(5, 1.5), 2),
            }
        )
    return rows


def mimesis_rows(n: int) -> list[dict]:
    from mimesis import Address, Datetime, Person
    from mimesis.locales import Locale

    person, address, when = (
        Person(Locale.EN, seed=1),
        Address(Locale.EN, seed=1),
        Datetime(Locale.EN, seed=1),
    )
    rnd = random.Random(1)
    rows = []
    for i in range(n):
        first, last = person.first_name(), person.last_name()
        rows.append(
            {
                "id": i + 1,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@example.com".lower(),
                "phone": person.telephone(),
                "city": address.city(),
                "country_code": "US",
                "signup_at": when.datetime(start=2020, end=2024),
                "age": min(90, max(18, int(rnd.gauss(38, 12)))),
                "plan": rnd.choices(PLANS, WEIGHTS)[0],
                "balance": round(rnd.lognormvariate(5, 1.5), 2),
            }
        )
    return rows


def memory_check(rows: int) -> None:
    """Stream a large table to Parquet; memory must stay flat in the row count."""
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        t, _ = timed(
            lambda: sw.generate(SPEC, rows=rows).write(Path(tmp) / "out", format="parquet")
        )
    print(f"streamed {rows:,} rows to Parquet in {t:.1f} s = {rows / t:,.0f} rows/s")
    print(f"peak RSS: {peak_rss_mb():,.0f} MiB (target < 1,536 MiB at 10M rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument(
        "--memory-rows",
        type=int,
        default=0,
        help="only stream this many rows to Parquet and report peak memory (e.g. 10000000)",
    )
    args = parser.parse_args()
    if args.memory_rows:
        memory_check(args.memory_rows)
        return

    print(f"machine: {machine()}")
    sw.generate(SPEC, rows=1000).materialize()  # warm the value pools once

    def ours() -> int:
        ds = sw.generate(SPEC, rows=args.rows)
        return ds["customers"].num_rows

    t_mem, n = timed(ours, repeat=2)
    ours_rate = n / t_mem
    print(f"synthwright in memory  : {n:>10,} rows in {t_mem:6.2f} s = {ours_rate:>12,.0f} rows/s")

    with tempfile.TemporaryDirectory() as tmp:

        def to_parquet() -> int:
            sw.generate(SPEC, rows=args.rows).write(Path(tmp) / "out", format="parquet")
            return args.rows

        t_pq, _ = timed(to_parquet)
    pq_rate = args.rows / t_pq
    print(
        f"synthwright -> parquet : {args.rows:>10,} rows in {t_pq:6.2f} s = {pq_rate:>12,.0f} rows/s"
    )

    t_f, rows_f = timed(lambda: faker_rows(args.baseline_rows))
    faker_rate = len(rows_f) / t_f
    print(
        f"Faker (row by row)     : {len(rows_f):>10,} rows in {t_f:6.2f} s = {faker_rate:>12,.0f} rows/s"
    )
    t_m, rows_m = timed(lambda: mimesis_rows(args.baseline_rows))
    mimesis_rate = len(rows_m) / t_m
    print(
        f"Mimesis (row by row)   : {len(rows_m):>10,} rows in {t_m:6.2f} s = {mimesis_rate:>12,.0f} rows/s"
    )
    print(f"ratio vs Faker   : {ours_rate / faker_rate:8.1f}x (target >= 100x)")
    print(f"ratio vs Mimesis : {ours_rate / mimesis_rate:8.1f}x (target >= 10x)")
    print(f"peak RSS: {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
