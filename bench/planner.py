"""Offline planning time per prompt (target: < 200 ms).

Plans every prompt of the planner's test table (tests/unit/planner), each
``--repeat`` times after one warm-up pass, and prints mean, p50, p95 and max
milliseconds per prompt, plus the cold first call (imports, regex compile).

    .venv/bin/python bench/planner.py [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    from bench._common import machine
    from tests.unit.planner.test_offline_table import CASES

    from synthwright.planner import plan_offline

    prompts = [case[0] for case in CASES] + [
        "UK patients aged over 65",
        "5 million log entries from the last 30 days, level is INFO, WARN or ERROR",
    ]
    plan_offline(prompts[0])
    cold_ms = (time.perf_counter() - start) * 1000

    for prompt in prompts:  # warm-up
        plan_offline(prompt)
    times: list[float] = []
    per_prompt: dict[str, float] = {}
    for prompt in prompts:
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            plan_offline(prompt)
            runs.append((time.perf_counter() - t0) * 1000)
        times.extend(runs)
        per_prompt[prompt] = statistics.median(runs)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    result = {
        "prompts": len(prompts),
        "calls": len(times),
        "mean_ms": round(statistics.fmean(times), 2),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(times), 2),
        "cold_first_call_ms": round(cold_ms, 1),
        "slowest_prompt": max(per_prompt, key=lambda p: per_prompt[p]),
        "target_ms": 200,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(result["machine"])
    print(f"offline planner: {result['prompts']} prompts x {args.repeat} = {result['calls']} calls")
    print(
        f"  mean {result['mean_ms']} ms  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms"
        f"  max {result['max_ms']} ms  (target < 200 ms)"
    )
    print(f"  cold first call (imports + first plan): {result['cold_first_call_ms']} ms")
    print(f"  slowest prompt: {result['slowest_prompt']!r}")


if __name__ == "__main__":
    main()
