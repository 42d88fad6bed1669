"""--nest streams parents in order: same bytes as the sorting path, memory that does not grow.

A ``per_parent`` child arrives in its parents' order with integer keys, so
the nested sink reads its spool a batch at a time instead of sorting it
(``sinks.nested._Streamed``); anything else (uuid keys, a child drawn by a
plain ``ref``) still takes the sorting path. The memory test runs the real
command in a subprocess on 200k orders with ~2M items and reads its peak
resident memory with ``getrusage(RUSAGE_CHILDREN)``; ``bench/nesting.py``
gives the 1M/10M figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import synthwright as sw
from synthwright.sinks import nested


def _spec(customers: int = 800, keys: str = "id") -> dict[str, Any]:
    return {
        "version": 1,
        "seed": 12,
        "tables": {
            "customers": {"rows": customers, "columns": {"id": {"type": "id"}}},
            "orders": {
                "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 3}}, "max": 9},
                "columns": {
                    "id": {"type": keys},
                    "customer_id": {"ref": "customers.id"},
                    "total": {"type": "decimal", "min": 1, "max": 99, "scale": 2},
                },
            },
            "order_items": {
                "per_parent": {"table": "orders", "dist": {"poisson": {"lam": 2}}, "max": 6},
                "columns": {
                    "id": {"type": "id"},
                    "order_id": {"ref": "orders.id"},
                    "sku": {"type": "string", "pattern": "SKU-###"},
                },
            },
            "notes": {  # a second child of customers, drawn by a plain ref: any order
                "rows": 500,
                "columns": {"id": {"type": "id"}, "customer_id": {"ref": "customers.id"}},
            },
        },
    }


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Which path each render took (True: streamed)."""
    taken: list[bool] = []
    real = nested.Spools.render

    def render(self: nested.Spools, open_out: Any) -> None:
        taken.append(self.streamed)
        real(self, open_out)

    monkeypatch.setattr(nested.Spools, "render", render)
    return taken


def _both(
    tmp_path: Path, spec: dict[str, Any], nest: list[str], fmt: str, monkeypatch: Any
) -> tuple[bytes, bytes]:
    ds = sw.generate(spec)
    ds.materialize()
    root = nest[0].split(".")[0]
    ds.write(tmp_path / "a", format=fmt, nest=nest)
    with monkeypatch.context() as m:
        m.setattr(nested.Spools, "streamed", property(lambda self: False))
        ds.write(tmp_path / "b", format=fmt, nest=nest)
    return (tmp_path / "a" / f"{root}.{fmt}").read_bytes(), (
        tmp_path / "b" / f"{root}.{fmt}"
    ).read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "json", "xml"])
def test_the_streamed_path_writes_what_the_sorting_path_writes(
    tmp_path: Path, paths: list[bool], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    streamed, sorted_ = _both(tmp_path, _spec(), ["customers.orders.order_items"], fmt, monkeypatch)
    assert paths[0] is True  # integer keys, per_parent children: read in order
    assert streamed == sorted_
    if fmt == "jsonl":
        records = [json.loads(line) for line in streamed.splitlines()]
        items = sum(len(o["order_items"]) for c in records for o in c["orders"])
        ds = sw.generate(_spec())
        assert len(records) == 800 and items == ds["order_items"].num_rows


def test_other_children_take_the_sorting_path(
    tmp_path: Path, paths: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _both(tmp_path, _spec(), ["customers.notes"], "jsonl", monkeypatch)
    assert paths[0] is False and a == b  # notes point at customers in any order
    records = [json.loads(line) for line in a.splitlines()]
    assert sum(len(r["notes"]) for r in records) == 500
    paths.clear()
    a, b = _both(tmp_path / "u", _spec(keys="uuid"), ["orders.order_items"], "jsonl", monkeypatch)
    assert paths[0] is False and a == b  # uuid keys: no binary search


_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": done.returncode, "peak": peak, "err": done.stderr[-1500:]}))
"""


def _peak(cmd: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(out.stdout)
    assert result["rc"] == 0, result["err"]
    return float(result["peak"])


def test_nesting_two_million_children_stays_within_the_flat_runs_memory(tmp_path: Path) -> None:
    orders = 200_000
    spec = {
        "version": 1,
        "seed": 1,
        "tables": {
            "orders": {"rows": orders, "columns": {"id": {"type": "id"}}},
            "order_items": {
                "per_parent": {"table": "orders", "dist": {"poisson": {"lam": 10}}, "max": 35},
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
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    cmd = [sys.executable, "-m", "synthwright", "generate", str(path), "--format", "jsonl"]
    flat = _peak([*cmd, "--out", str(tmp_path / "flat")])
    nest = _peak([*cmd, "--out", str(tmp_path / "nest"), "--nest", "orders.order_items"])
    items = sum(1 for _ in (tmp_path / "flat" / "order_items.jsonl").open("rb"))
    assert items > 1_900_000
    embedded = 0
    with (tmp_path / "nest" / "orders.jsonl").open("rb") as f:
        for line in f:
            embedded += line.count(b'"sku":')
    assert embedded == items
    # sorting 2M children (the old path) took ~25% more than the flat run; reading them in
    # order a batch at a time adds next to nothing to what generating them takes
    assert nest <= 1.1 * flat + 16, (nest, flat)
