"""Offline task records: records/s for ``tasks dataset --size N``, and the near-duplicate share.

Three figures, on the offline (template) path that needs no model:

- records/s of ``synthwright tasks dataset --size N -o out.jsonl`` as a whole
  process (a CLI subprocess: start-up, imports, engine runs, composition,
  writing the JSONL), best of ``--repeat`` runs;
- records/s of the same work in process (``run_dataset``, warm imports);
- the near-duplicate share among 1,000 offline records of one domain (the
  hardest case: one domain's templates only) and across all domains: the
  share of records with another record at word 3-gram Jaccard >= 0.8
  (target < 1%).

    .venv/bin/python bench/tasks.py [--size 10000] [--repeat 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench._common import machine  # noqa: E402

MIX = {"simple": 0.3, "medium": 0.5, "complex": 0.2}


def cli_rate(size: int, domain: str, repeat: int) -> dict[str, float]:
    """Best wall time of the whole CLI process for ``size`` records."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ds.jsonl"
        argv = [sys.executable, "-m", "synthwright", "tasks", "dataset", "--domain", domain,
                "--size", str(size), "-o", str(out), "--json"]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        cpu = float("inf")
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env=env)
            best = min(best, time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            cpu = min(cpu, used)
        mb = out.stat().st_size / 1e6
    return {
        "seconds": round(best, 2),
        "records_per_second": round(size / best),
        "cpu_seconds": round(cpu, 2),
        "records_per_cpu_second": round(size / cpu),
        "jsonl_mb": round(mb, 1),
    }


def in_process_rate(size: int, domain: str, repeat: int) -> dict[str, float]:
    from synthwright.tasks import Run, run_dataset

    run_dataset(domain, 50, MIX, Run(seed=99))  # warm imports and caches
    best = cpu = float("inf")
    for i in range(repeat):
        start, started_cpu = time.perf_counter(), time.process_time()
        run_dataset(domain, size, MIX, Run(seed=i))
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - started_cpu)
    return {
        "seconds": round(best, 2),
        "records_per_second": round(size / best),
        "cpu_seconds": round(cpu, 2),
        "records_per_cpu_second": round(size / cpu),
    }


def near_duplicates(domain: str, n: int = 1000) -> dict[str, float]:
    from synthwright.tasks import Run, near_duplicate_share, run_dataset

    records = run_dataset(domain, n, MIX, Run(seed=7)).records
    start = time.perf_counter()
    share = near_duplicate_share(records, 0.8)
    return {
        "records": n,
        "share": round(share, 4),
        "dedup_seconds": round(time.perf_counter() - start, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--domain", default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = {
        "machine": machine(),
        "size": args.size,
        "domain": args.domain,
        "cli": cli_rate(args.size, args.domain, args.repeat),
        "in_process": in_process_rate(args.size, args.domain, args.repeat),
        "near_duplicates_one_domain": near_duplicates("customer_support"),
        "near_duplicates_all_domains": near_duplicates("all"),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"machine: {report['machine']}")
    cli, inproc = report["cli"], report["in_process"]
    print(f"tasks dataset --size {args.size} --domain {args.domain} (CLI process, JSONL "
          f"{cli['jsonl_mb']} MB): {cli['seconds']} s wall, {cli['records_per_second']:,} records/s; "
          f"{cli['cpu_seconds']} s CPU, {cli['records_per_cpu_second']:,} records/CPU-s")  # fmt: skip
    print(f"in process: {inproc['seconds']} s wall, {inproc['records_per_second']:,} records/s; "
          f"{inproc['cpu_seconds']} s CPU, {inproc['records_per_cpu_second']:,} records/CPU-s")  # fmt: skip
    print("load average at the end:", ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for key in ("near_duplicates_one_domain", "near_duplicates_all_domains"):
        item = report[key]
        print(
            f"{key.replace('_', ' ')}: {item['share']:.2%} of {item['records']} records (3-gram Jaccard >= 0.8)"
        )


if __name__ == "__main__":
    main()
