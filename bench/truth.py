"""Truth records: time to plant and to write the manifest for the file_index ``large`` preset.

Two views of the same work (10,000 objects, 8,000 semantic rows, 5,000
activities, 15,000 relationships, 20 machines; 150 planted rows and near
misses over three queries):

- in process, warm imports, best of ``--repeat``: planting (resolving the
  queries, building every planted row, compiling the planted spec), the
  engine's generation, the manifest (the DuckDB queries for ``expected`` and
  the proof of every planted row and near miss), and writing Parquet with
  ``truth.json``; the same spec without its truth section is generated and
  written as the baseline, so the cost of truth is the difference;
- the whole CLI process, ``synthwright generate file_index --preset large``
  (start-up, imports, everything above), best of ``--repeat``.

    .venv/bin/python bench/truth.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench._common import machine  # noqa: E402


def in_process(repeat: int) -> dict[str, float]:
    """Best wall and CPU seconds of each step, and of the same spec without truth."""
    import synthwright as sw
    from synthwright import truth
    from synthwright.truth.bundled import bundled_text

    best: dict[str, float] = {}

    def keep(name: str, wall: float, cpu: float) -> None:
        best[name] = min(best.get(name, float("inf")), wall)
        best[name + "_cpu"] = min(best.get(name + "_cpu", float("inf")), cpu)

    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            marks = [(time.perf_counter(), time.process_time())]

            def mark(marks: list[tuple[float, float]] = marks) -> None:
                marks.append((time.perf_counter(), time.process_time()))

            planting = truth.prepare("file_index", preset="large")
            mark()
            run = truth.execute(planting)
            run.tables()
            mark()
            manifest = run.manifest
            mark()
            run.write(Path(tmp) / "out")
            mark()
            plain = truth.apply_preset(sw.load_spec(bundled_text("file_index")), "large")
            plain.truth = None
            mark()
            sw.generate(plain).write(Path(tmp) / "plain")
            mark()
        steps = ["plant", "generate", "manifest", "write"]
        for i, name in enumerate(steps):
            keep(name, marks[i + 1][0] - marks[i][0], marks[i + 1][1] - marks[i][1])
        keep("total", marks[4][0] - marks[0][0], marks[4][1] - marks[0][1])
        keep("baseline", marks[6][0] - marks[5][0], marks[6][1] - marks[5][1])
    best["planted_rows"] = sum(
        len(q["planted"]) + len(q["near_misses"]) for q in manifest["queries"]
    )
    best["expected_keys"] = sum(len(q["expected"]) for q in manifest["queries"])
    return best


def cli(repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds of the whole ``generate file_index --preset large`` process."""
    best, best_cpu = float("inf"), float("inf")
    exe = str(Path(sys.executable).with_name("synthwright"))
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [exe, "generate", "file_index", "--preset", "large", "--out", tmp, "--json"],
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best, best_cpu = min(best, wall), min(best_cpu, cpu)
    return best, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"machine": machine(), "preset": "file_index large"}
    result["in_process"] = {k: round(v, 3) for k, v in in_process(args.repeat).items()}
    wall, cpu = cli(args.repeat)
    result["cli_process"] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    ip = result["in_process"]
    print(f"machine: {result['machine']}")
    print(
        f"file_index --preset large: {int(ip['planted_rows'])} planted rows and near misses, "
        f"{int(ip['expected_keys'])} expected keys (best of {args.repeat}; wall / CPU seconds)"
    )
    for name in ("plant", "generate", "manifest", "write", "total"):
        print(f"  {name:<9} {ip[name]:7.3f} s  / {ip[name + '_cpu']:7.3f} s")
    print(
        f"  the same spec without truth, generate + write: {ip['baseline']:.3f} s / "
        f"{ip['baseline_cpu']:.3f} s"
    )
    print(f"  whole CLI process: {wall:.3f} s / {cpu:.3f} s")


if __name__ == "__main__":
    main()
