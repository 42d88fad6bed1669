"""Rows/s loading generated data into SQLite, DuckDB, PostgreSQL and MySQL/MariaDB.

Run: ``python bench/db.py [--rows 1000000] [--customers 100000] [--only postgres,mysql]``.

Two workloads, each timed end to end (generation streamed straight into the
database, one all-or-nothing load with keys, ``if_exists="replace"``):

- the 10-column customer table of ``bench/engine.py`` (``--rows``, 1M by default);
- the 4-table relational spec of ``bench/relational.py`` (``--customers``
  root rows: ~9 rows in all per customer; 100k by default, 1M is the full size).

PostgreSQL runs in a throw-away database created on the server of
``--postgres`` or ``--mysql`` (dropped afterwards). A server that cannot be reached
is skipped, with the reason printed. MySQL is timed with both of its load
paths (``LOAD DATA LOCAL INFILE`` and multi-row ``INSERT``) on the customer table.
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, peak_rss_mb
from engine import SPEC
from relational import spec as relational_spec

import synthwright as sw
from synthwright.errors import SinkError
from synthwright.sinks import open_sink

DATABASES = ("sqlite", "duckdb", "postgres", "mysql")


@contextlib.contextmanager
def _postgres(admin_url: str) -> Iterator[str]:
    """A throw-away database on the server of `admin_url`; its URL."""
    import psycopg

    from synthwright.db import connect

    # unreachable -> SinkInputError, reported as a skip
    connect(admin_url, location="--postgres").close()
    name = f"sw_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _mysql(url: str) -> Iterator[str]:
    """A throw-away database on the server of `url` (dropped afterwards); its URL."""
    from synthwright.db import connect

    name = f"sw_bench_{secrets.token_hex(4)}"
    con = connect(url, location="--mysql")  # unreachable -> SinkInputError, reported as a skip
    try:
        with con.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        con.close()
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        con = connect(url, location="--mysql")
        try:
            with con.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            con.close()


@contextlib.contextmanager
def _target(kind: str, args: argparse.Namespace, tmp: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench.db"
    elif kind == "duckdb":
        yield f"duckdb:///{tmp}/bench.duckdb"
    elif kind == "postgres":
        with _postgres(args.postgres) as url:
            yield url
    else:
        with _mysql(args.mysql) as url:
            yield url


def _load(spec: dict[str, Any], rows: int | None, url: str, **options: Any) -> tuple[float, int]:
    """(seconds, rows) to generate `spec` and load it, replacing what is there."""
    ds = sw.generate(spec, rows=rows)
    started = time.perf_counter()
    ds._to_sink(open_sink(url, if_exists="replace", **options))
    return time.perf_counter() - started, ds.stats.total_rows


def _report(label: str, run: Callable[[], tuple[float, int]]) -> None:
    seconds, rows = run()
    print(f"  {label:<34} {rows:>11,} rows in {seconds:7.2f} s = {rows / seconds:>11,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="customer table rows")
    parser.add_argument("--customers", type=int, default=100_000, help="relational root rows")
    parser.add_argument("--only", default=",".join(DATABASES), help="comma-separated databases")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--mysql", default="mysql://root@127.0.0.1:3306/test")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    sw.generate(SPEC, rows=1000).materialize()  # warm the value pools once
    started = time.perf_counter()
    sw.generate(SPEC, rows=args.rows).stream(lambda name, batch: None)
    gen = time.perf_counter() - started
    print(f"generation alone: {args.rows:,} customer rows = {args.rows / gen:,.0f} rows/s")
    relational = relational_spec(args.customers)
    for kind in [k for k in args.only.split(",") if k]:
        if kind not in DATABASES:
            parser.error(f"unknown database {kind!r}; choose from {', '.join(DATABASES)}")
        print(f"{kind}:")
        try:
            with tempfile.TemporaryDirectory() as tmp, _target(kind, args, tmp) as url:
                methods = ("load_data", "insert") if kind == "mysql" else (None,)
                for method in methods:
                    options = {"method": method} if method else {}
                    label = f"customers (10 columns){f' {method}' if method else ''}"
                    _report(label, lambda o=options: _load(SPEC, args.rows, url, **o))  # type: ignore[misc]
                _report(
                    f"relational (4 tables, {args.customers:,} cust.)",
                    lambda: _load(relational, None, url),
                )
        except (SinkError, OSError) as exc:
            print(f"  skipped: {str(exc).splitlines()[0]}")
        except ImportError as exc:
            print(f"  skipped: driver not installed ({exc})")
    print(f"peak RSS: {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
