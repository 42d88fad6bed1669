"""Peak memory and time of ``--nest orders.order_items`` against flat output, in one run.

Run: ``python bench/nesting.py [--parents 1000000] [--children 10] [--format jsonl]``.

Each figure is a ``synthwright generate`` subprocess timed from outside, its
peak resident memory read with ``resource.getrusage(RUSAGE_CHILDREN)`` (a
fresh parent process per run, so the figure is that run's own). The same
spec is written flat (one file per table) and nested (each order with its
``order_items`` array): nesting spools the children as Arrow IPC and writes
the orders a chunk at a time (``sinks/nested.py``), so its peak should stay
near the flat run's plus the position arrays, not grow with the data. The
nested file's records are counted back to show nothing was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_line, machine


def spec(parents: int, children: float) -> dict[str, Any]:
    """Orders with about ``children`` items each (Poisson), five columns per item."""
    return {
        "version": 1,
        "name": "nesting",
        "seed": 1,
        "tables": {
            "orders": {
                "rows": parents,
                "columns": {
                    "id": {"type": "id"},
                    "placed_at": {"type": "datetime", "min": "2024-01-01", "max": "2024-12-31"},
                    "status": {
                        "type": "category",
                        "values": {"paid": 0.7, "shipped": 0.2, "refunded": 0.1},
                    },
                },
            },
            "order_items": {
                "per_parent": {
                    "table": "orders",
                    "dist": {"poisson": {"lam": children}},
                    "max": int(children * 3) + 5,
                },
                "columns": {
                    "id": {"type": "id"},
                    "order_id": {"ref": "orders.id"},
                    "sku": {"type": "string", "pattern": "SKU-#####"},
                    "qty": {"type": "int", "min": 1, "max": 9},
                    "price": {"type": "float", "min": 1, "max": 500},
                },
            },
        },
    }


_MEASURE = """
import resource, subprocess, sys, time, json
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "seconds": seconds, "peak_mib": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "stderr": done.stderr[-2000:]}))
"""


def measure(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` under a fresh Python parent; its wall time, CPU time and peak RSS."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result['stderr']}")
    return result


def count_nested(path: Path) -> tuple[int, int]:
    """(records, embedded items) of a nested JSON Lines file, read a line at a time."""
    records = items = 0
    with path.open("rb") as f:
        for line in f:
            records += 1
            items += line.count(b'"sku":')
    return records, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=1_000_000)
    parser.add_argument("--children", type=float, default=10.0, help="mean items per order")
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "json", "xml"])
    args = parser.parse_args()
    exe = [sys.executable, "-m", "synthwright"]
    with tempfile.TemporaryDirectory(prefix="bench-nesting-") as tmp:
        root = Path(tmp)
        spec_file = root / "spec.json"
        spec_file.write_text(json.dumps(spec(args.parents, args.children)))
        base = [*exe, "generate", str(spec_file), "--format", args.format, "--json"]
        flat = measure([*base, "--out", str(root / "flat")])
        nested = measure([*base, "--out", str(root / "nested"), "--nest", "orders.order_items"])
        sizes = {
            name: sum(p.stat().st_size for p in (root / name).iterdir())
            for name in ("flat", "nested")
        }
        records, items = (
            count_nested(root / "nested" / "orders.jsonl") if args.format == "jsonl" else (-1, -1)
        )
        flat_items = sum(1 for _ in (root / "flat" / f"order_items.{args.format}").open("rb"))
    print(f"# nesting bench: {args.parents:,} orders, ~{args.children:g} items each, {args.format}")
    print(f"# {machine()}; {load_line()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| output | wall s | cpu s | peak RSS MiB | bytes written |")
    print("|---|---|---|---|---|")
    for name, r in (("flat", flat), ("nested", nested)):
        print(
            f"| {name} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_mib']:.0f} | {sizes[name]:,} |"
        )
    print(f"nested/flat peak RSS: {nested['peak_mib'] / flat['peak_mib']:.2f}")
    if records >= 0:
        print(
            f"nested records {records:,}, embedded items {items:,}; flat item lines {flat_items:,}"
        )


if __name__ == "__main__":
    main()
