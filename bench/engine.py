"""Rows/s for the 10-column customer table: synthwright vs Faker vs Mimesis, in one run.

Run: ``python bench/engine.py [--rows 1000000] [--baseline-rows 20000] [--repeat 3]``.

Two kinds of figures, side by side in one markdown table:

- **whole process**: the ``synthwright`` command run as a subprocess and timed
  from outside, start-up included, as a user meets it (``--help``; the table
  written to Parquet, first with an empty value-pool cache, then warm);
- **in process**: the engine called from Python after a warm-up, as before.

Faker and Mimesis build the same columns row by row in this process (their
intended use); the ratios compare both synthwright figures against them.
The CPU time of every subprocess is printed too: on a shared machine it
shows what the wall time hides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_line, machine, peak_rss_mb, timed, timed_process

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


def cli() -> list[str]:
    """The installed ``synthwright`` script next to this Python (else ``python -m``)."""
    script = Path(sys.executable).parent / "synthwright"
    return [str(script)] if script.exists() else [sys.executable, "-m", "synthwright"]


#: The CLI with pandas made unimportable, as if not installed: pyarrow imports
#: pandas whenever it is installed (here it comes with the bench extra); a
#: default install of synthwright has none.
NO_PANDAS = """
import sys
class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoPandas())
sys.argv[0] = "synthwright"
from synthwright.cli import main
main()
"""


def whole_process(rows: int, repeat: int) -> dict[str, Any]:
    """Time the CLI as subprocesses: --help, and the table to Parquet (cold, warm cache)."""
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "customers.json"
        spec_path.write_text(json.dumps(SPEC))
        env = {**os.environ, "SYNTHWRIGHT_CACHE_DIR": str(Path(tmp) / "cache")}
        found["help"] = timed_process([*cli(), "--help"], env=env, repeat=max(5, repeat))
        args = ["generate", str(spec_path), "--rows", str(rows), "--format", "parquet"]
        args += ["--out", str(Path(tmp) / "out"), "--json"]
        found["cold"] = timed_process([*cli(), *args], env=env)  # builds the pool cache
        found["warm"] = timed_process([*cli(), *args], env=env, repeat=repeat)
        if importlib.util.find_spec("pandas") is not None:
            no_pandas = [sys.executable, "-c", NO_PANDAS, *args]
            found["no_pandas"] = timed_process(no_pandas, env=env, repeat=repeat)
        written = json.loads(found["warm"][2])
        assert written["rows"] == {"customers": rows}, written
    return found


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
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
    rows = args.rows
    print(f"machine: {machine()}; at start: {load_line()}")

    whole = whole_process(rows, args.repeat)
    help_wall, help_cpu, _ = whole["help"]
    cold_wall, cold_cpu, _ = whole["cold"]
    warm_wall, warm_cpu, _ = whole["warm"]
    whole_rate = rows / warm_wall

    sw.generate(SPEC, rows=1000).materialize()  # warm the value pools once

    def ours() -> int:
        ds = sw.generate(SPEC, rows=rows)
        return ds["customers"].num_rows

    t_mem, n = timed(ours, repeat=max(2, args.repeat))
    mem_rate = n / t_mem
    with tempfile.TemporaryDirectory() as tmp:

        def to_parquet() -> int:
            sw.generate(SPEC, rows=rows).write(Path(tmp) / "out", format="parquet")
            return rows

        t_pq, _ = timed(to_parquet, repeat=args.repeat)
    pq_rate = rows / t_pq

    t_f, rows_f = timed(lambda: faker_rows(args.baseline_rows))
    faker_rate = len(rows_f) / t_f
    t_m, rows_m = timed(lambda: mimesis_rows(args.baseline_rows))
    mimesis_rate = len(rows_m) / t_m

    gen = f"synthwright generate customers.json --rows {rows} --format parquet"
    lines = [
        row(["figure", "command", "result", "target"]),
        row(["---"] * 4),
        row(
            [
                "help, whole process",
                "`synthwright --help`",
                f"{help_wall:.3f} s (CPU {help_cpu:.3f} s)",
                "<= 0.25 s",
            ]
        ),
        row(
            [
                f"{rows:,} rows to Parquet, whole process, first run (builds the pool cache)",
                f"`{gen}`",
                f"{cold_wall:.2f} s = {rows / cold_wall:,.0f} rows/s (CPU {cold_cpu:.2f} s)",
                "",
            ]
        ),
        row(
            [
                f"{rows:,} rows to Parquet, whole process, pool cache warm",
                f"`{gen}`",
                f"{warm_wall:.2f} s = {whole_rate:,.0f} rows/s (CPU {warm_cpu:.2f} s)",
                ">= 500,000 rows/s",
            ]
        ),
    ]
    if "no_pandas" in whole:
        np_wall, np_cpu, _ = whole["no_pandas"]
        lines.append(
            row(
                [
                    "same, pandas hidden (a default install has none; pyarrow imports it if present)",
                    "the same, pandas blocked by an import hook",
                    f"{np_wall:.2f} s = {rows / np_wall:,.0f} rows/s (CPU {np_cpu:.2f} s)",
                    "",
                ]
            )
        )
    lines += [
        row(
            [
                f"{n:,} rows in memory, in process",
                "`sw.generate(SPEC, rows=N)`",
                f"{t_mem:.2f} s = {mem_rate:,.0f} rows/s",
                ">= 1,000,000 rows/s",
            ]
        ),
        row(
            [
                f"{rows:,} rows to Parquet, in process",
                "`sw.generate(SPEC, rows=N).write(dir)`",
                f"{t_pq:.2f} s = {pq_rate:,.0f} rows/s",
                ">= 500,000 rows/s",
            ]
        ),
        row(
            [
                f"Faker, {len(rows_f):,} rows row by row, in process",
                "`faker_rows(N)`",
                f"{faker_rate:,.0f} rows/s",
                "",
            ]
        ),
        row(
            [
                f"Mimesis, {len(rows_m):,} rows row by row, in process",
                "`mimesis_rows(N)`",
                f"{mimesis_rate:,.0f} rows/s",
                "",
            ]
        ),
        row(
            [
                "vs Faker: whole process to Parquet / in memory",
                "",
                f"{whole_rate / faker_rate:,.0f}x / {mem_rate / faker_rate:,.0f}x",
                ">= 100x",
            ]
        ),
        row(
            [
                "vs Mimesis: whole process to Parquet / in memory",
                "",
                f"{whole_rate / mimesis_rate:,.1f}x / {mem_rate / mimesis_rate:,.1f}x",
                ">= 10x",
            ]
        ),
    ]
    print()
    print("\n".join(lines))
    print()
    print(f"at end: {load_line()}; peak RSS of this process: {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
