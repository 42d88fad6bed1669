"""The offline planner on a corpus of requests: accuracy per criterion, validity, time.

The corpus (``bench/planner_corpus/``) holds requests in many styles, each with
what its spec must hold (see ``planner_corpus/README.md``). ``heldout.yaml``
was written and committed before the parser was tuned and is scored apart
from ``tune.yaml``, so the held-out score says how the parser does on
requests it was not shaped to. Targets: >= 0.95 of the held-out criteria,
every spec valid, p95 planning time < 100 ms (after one warm-up pass over the
part: a type's first use loads its catalogue pools; the cold first call is
printed on its own).

    .venv/bin/python bench/planner.py [--repeat 3] [--json] [--failures]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

CORPUS = ROOT / "bench" / "planner_corpus"
PARTS = ("tune", "heldout")
KINDS = ("tables", "rows", "per_parent", "fields", "ranges", "bounds", "values", "refs", "after")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def load(part: str) -> list[dict[str, Any]]:
    """One part of the corpus: a list of {id, style, prompt, expect}."""
    return list(yaml.safe_load((CORPUS / f"{part}.yaml").read_text(encoding="utf-8")))


def _seconds(value: Any) -> float | None:
    """``30d`` / ``72h`` / ``90s`` -> seconds; numbers as they are."""
    if isinstance(value, (int, float)):
        return float(value)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", str(value))
    return float(m.group(1)) * _UNITS[m.group(2)] if m else None


def _table(tables: dict[str, Any], name: str) -> tuple[str, dict[str, Any] | None]:
    """The spec table an expected name means (``a|b``: the first that exists)."""
    for alt in name.split("|"):
        if alt in tables:
            return alt, tables[alt]
    return name.split("|")[0], None


def _columns(table: dict[str, Any] | None, pattern: str) -> list[dict[str, Any]]:
    if table is None:
        return []
    return [c for n, c in table["columns"].items() if re.search(pattern, n)]


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return _seconds(value)


def _bounds_ok(col: dict[str, Any], lo: Any, hi: Any, exact: bool) -> bool:
    cmin, cmax = _num(col.get("min")), _num(col.get("max"))
    if col.get("type") == "duration":  # bounds given in seconds/minutes: compare as numbers
        pass
    if exact:
        return (
            cmin is not None
            and cmax is not None
            and abs(cmin - float(lo)) < 1e-9
            and abs(cmax - float(hi)) < 1e-9
        )
    if lo is not None and (cmin is None or cmin < float(lo)):
        return False
    return not (hi is not None and (cmax is None or cmax > float(hi)))


def _per_parent_ok(table: dict[str, Any] | None, want: dict[str, Any], tables: Any) -> bool:
    if table is None or "per_parent" not in table:
        return False
    pp = table["per_parent"]
    parent = _table(tables, str(want["parent"]))[0]
    if pp.get("table") != parent:
        return False
    lo, hi = pp.get("min", 0), pp.get("max")
    dist = pp.get("dist")
    lam = dist.get("poisson", {}).get("lam") if isinstance(dist, dict) else None
    if "min" in want and lo != want["min"]:
        return False
    if "max" in want and hi != want["max"]:
        return False
    if "count" in want:
        n = float(want["count"])
        if not ((lo == hi == n) or (lam is not None and abs(lam - n) <= 0.1 * n)):
            return False
    if "mean" in want:
        n = float(want["mean"])
        mean = lam if lam is not None else ((lo + hi) / 2 if hi is not None else None)
        if mean is None or abs(mean - n) > 0.1 * n:
            return False
    return True


def criteria(expect: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Every criterion of one case: (kind, label, passed)."""
    tables = data["tables"]
    out: list[tuple[str, str, bool]] = []
    for name in expect.get("tables", []):
        out.append(("tables", name, _table(tables, name)[1] is not None))
    for name, want in (expect.get("rows") or {}).items():
        t = _table(tables, name)[1]
        rows = t.get("rows") if t else None
        if isinstance(want, list):
            ok = rows is not None and want[0] <= rows <= want[1]
        else:
            ok = rows == want
        out.append(("rows", f"{name}={want} (got {rows})", ok))
    for name, want in (expect.get("per_parent") or {}).items():
        t = _table(tables, name)[1]
        got = t.get("per_parent") if t else None
        out.append(("per_parent", f"{name} {want} (got {got})", _per_parent_ok(t, want, tables)))
    for name, fields in (expect.get("fields") or {}).items():
        t = _table(tables, name)[1]
        for pattern, types in fields.items():
            kinds = types if isinstance(types, list) else [types]
            cols = _columns(t, pattern)
            ok = any(c.get("type") in kinds for c in cols)
            got = [c.get("type", "ref" if "ref" in c else "expr") for c in cols]
            out.append(("fields", f"{name}.{pattern}: {kinds} (got {got})", ok))
    for kind, exact in (("ranges", True), ("bounds", False)):
        for name, fields in (expect.get(kind) or {}).items():
            t = _table(tables, name)[1]
            for pattern, (lo, hi) in fields.items():
                cols = _columns(t, pattern)
                ok = any(_bounds_ok(c, lo, hi, exact) for c in cols)
                got = [(c.get("min"), c.get("max")) for c in cols]
                out.append((kind, f"{name}.{pattern} in [{lo}, {hi}] (got {got})", ok))
    for name, fields in (expect.get("values") or {}).items():
        t = _table(tables, name)[1]
        for pattern, values in fields.items():
            want = {str(v).lower() for v in values}
            cols = _columns(t, pattern)
            got = [c.get("values") for c in cols]
            ok = any(
                isinstance(v, (list, dict)) and {str(x).lower() for x in v} == want for v in got
            )
            out.append(("values", f"{name}.{pattern} = {sorted(want)} (got {got})", ok))
    for name, parents in (expect.get("refs") or {}).items():
        t = _table(tables, name)[1]
        for parent in parents:
            pname = _table(tables, str(parent))[0]
            refs = [c.get("ref", "") for c in (t or {}).get("columns", {}).values()]
            ok = any(str(r).split(".")[0] == pname for r in refs)
            out.append(("refs", f"{name} -> {parent}", ok))
    for name, fields in (expect.get("after") or {}).items():
        t = _table(tables, name)[1]
        for pattern, want in fields.items():
            cols = _columns(t, pattern)
            limit = _seconds(want["within"]) if "within" in want else None

            def _ok(c: dict[str, Any], want: dict[str, Any] = want, limit: Any = limit) -> bool:
                after = c.get("after")
                if not isinstance(after, str) or not re.search(want["after"], after):
                    return False
                if limit is None:
                    return True
                within = _seconds(c.get("within")) if c.get("within") else None
                return within is not None and within <= limit

            got = [(c.get("after"), c.get("within")) for c in cols]
            out.append(("after", f"{name}.{pattern} after {want} (got {got})", any(map(_ok, cols))))
    return out


def score(part: str, repeat: int = 1) -> dict[str, Any]:
    """Plan every case of one part; accuracy per kind and overall, validity and times."""
    from synthwright.engine.run import validate
    from synthwright.planner import plan_offline
    from synthwright.spec import spec_to_data

    passed: dict[str, list[bool]] = defaultdict(list)
    failures: list[str] = []
    times: list[float] = []
    valid = 0
    cases = load(part)
    for case in cases:  # warm-up: the catalogue loads its pools on a type's first use
        plan_offline(case["prompt"])
    for case in cases:
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = plan_offline(case["prompt"])
            times.append((time.perf_counter() - t0) * 1000)
        data = spec_to_data(result.spec)
        valid += not validate(data)
        for kind, label, ok in criteria(case.get("expect") or {}, data):
            passed[kind].append(ok)
            if not ok:
                failures.append(f"{case['id']} {kind}: {label}")
    every = [ok for oks in passed.values() for ok in oks]
    ordered = sorted(times)
    return {
        "cases": len(cases),
        "criteria": len(every),
        "overall": round(sum(every) / max(len(every), 1), 4),
        "per_kind": {
            k: {"n": len(passed[k]), "accuracy": round(sum(passed[k]) / len(passed[k]), 4)}
            for k in KINDS
            if passed[k]
        },
        "valid_share": round(valid / max(len(cases), 1), 4),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "max_ms": round(ordered[-1], 2),
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="plans per prompt, for the times")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--failures", action="store_true", help="list the failed criteria")
    parser.add_argument("--part", choices=PARTS, action="append", help="only these parts")
    args = parser.parse_args()

    from bench._common import machine

    start = time.perf_counter()
    from synthwright.planner import plan_offline

    plan_offline("500 customers with orders")
    cold_ms = (time.perf_counter() - start) * 1000
    results = {part: score(part, args.repeat) for part in args.part or PARTS}
    if args.json:
        out = {
            p: {k: v for k, v in r.items() if k != "failures" or args.failures}
            for p, r in results.items()
        }
        print(
            json.dumps(
                {"machine": machine(), "cold_first_call_ms": round(cold_ms, 1), **out}, indent=2
            )
        )
        return
    print(machine())
    print(f"cold first call (imports + first plan): {cold_ms:.0f} ms")
    for part, r in results.items():
        print(
            f"\n{part}: {r['cases']} requests, {r['criteria']} criteria; overall {r['overall']:.3f}; "
            f"valid specs {r['valid_share']:.0%}; p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"max {r['max_ms']} ms (targets: held-out >= 0.95, all valid, p95 < 100 ms)"
        )
        for kind, k in r["per_kind"].items():
            print(f"  {kind:<11} {k['accuracy']:.3f}  ({k['n']})")
        if args.failures:
            for line in r["failures"]:
                print(f"    x {line}")


if __name__ == "__main__":
    main()
