"""Reliability bench: hostile inputs per family, and how each one was answered.

Families (bounded in count and time):

- ``cli``: about 50 malformed or hostile specs through ``synthwright generate``
  (one subprocess each); a spec that exits 0 is then ``synthwright check``-ed.
- ``http`` / ``grpc``: the hostile-request catalogue of the service tests
  (tests/unit/service/hostile_cases.py) against ``synthwright serve`` running
  in a child process on free loopback ports.

Then the service's resident memory after 1,000 hostile requests (half HTTP,
half gRPC) and 100 cancelled streams (half each).

Columns: inputs tried; refused cleanly (CLI: exit 1 or 2 and no traceback;
service: 4xx / INVALID_ARGUMENT naming a location); accepted (valid extremes:
exit 0 and ``check`` clean, or exactly the records asked); tracebacks (CLI: a
traceback or an exit status other than 0/1/2, or over time; service:
5xx / UNKNOWN / INTERNAL, or a dropped connection); partial outputs (a
failed run left files in its output directory); silent violations (exit 0 but
``check`` finds something; a 200 with other than the records asked).

    python bench/reliability.py [--skip-cli] [--requests 1000] [--streams 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402
from tests.unit.service.hostile_cases import CASES, Case, grpc_message  # noqa: E402

from synthwright.service import _proto  # noqa: E402

SYNTHWRIGHT = [sys.executable, "-m", "synthwright"]
CLI_TIMEOUT_S = 90
TOTAL_LIMIT_S = 1500
pb2, pb2_grpc = _proto.load()


@dataclass
class Tally:
    """Outcomes of one family."""

    tried: int = 0
    refused: int = 0
    accepted: int = 0
    tracebacks: int = 0
    partial: int = 0
    silent: int = 0
    notes: list[str] = field(default_factory=list)
    accepted_inputs: list[str] = field(default_factory=list)

    def add(self, outcome: str, note: str = "", name: str = "") -> None:
        self.tried += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        if note and outcome not in ("refused", "accepted"):
            self.notes.append(note)
        if outcome == "accepted" and name:
            self.accepted_inputs.append(name)


# --- the CLI family ---------------------------------------------------------------------


def _t(columns: dict[str, Any], rows: int = 20, **extra: Any) -> dict[str, Any]:
    return {"rows": rows, "columns": columns, **extra}


def _spec(tables: dict[str, Any], **extra: Any) -> str:
    return yaml.safe_dump({"tables": tables, **extra}, sort_keys=False)


def cli_specs() -> list[tuple[str, str | bytes]]:
    """(name, spec text) pairs: malformed, contradictory or extreme specs."""
    ident = {"id": {"type": "id"}}
    parent = _t(ident, 5)
    s: list[tuple[str, str | bytes]] = [
        (
            "ref unique repeats",
            _spec({"p": parent, "c": _t({"p_id": {"ref": "p.id", "unique": True}}, 50)}),
        ),
        (
            "scenario set on key",
            _spec({"t": _t(ident)}, scenarios={"t": [{"name": "k", "count": 5, "set": {"id": 1}}]}),
        ),
        ("null_rate on id", _spec({"t": _t({"id": {"type": "id", "null_rate": 0.5}})})),
        ("id near int64 max", _spec({"t": _t({"id": {"type": "id", "min": 2**63 - 5}})})),
        (
            "junction min above partners",
            _spec(
                {
                    "a": _t(ident, 3),
                    "b": _t(ident, 3),
                    "ab": {
                        "per_parent": {"table": "a", "min": 5, "max": 6},
                        "unique": ["a_id", "b_id"],
                        "columns": {"a_id": {"ref": "a.id"}, "b_id": {"ref": "b.id"}},
                    },
                }
            ),
        ),
        (
            "unique values with duplicates",
            _spec(
                {"t": _t({"v": {"type": "category", "values": ["x", "x", "y"], "unique": True}}, 3)}
            ),
        ),
        (
            "values over max_length",
            _spec({"t": _t({"s": {"type": "string", "values": ["abcdefgh"], "max_length": 3}})}),
        ),
        (
            "scenario set breaks after",
            _spec(
                {
                    "t": _t(
                        {
                            "a": {"type": "datetime", "min": "2024-01-01", "max": "2024-02-01"},
                            "b": {"type": "datetime", "after": "a", "within": "1d"},
                        }
                    )
                },
                scenarios={"t": [{"name": "x", "count": 3, "set": {"b": "2000-01-01"}}]},
            ),
        ),
        (
            "normal mean far outside",
            _spec(
                {
                    "t": _t(
                        {
                            "n": {
                                "type": "float",
                                "min": 0,
                                "max": 1,
                                "dist": {"normal": {"mean": 1000, "std": 1}},
                            }
                        }
                    )
                }
            ),
        ),
        (
            "infinite bound",
            "tables:\n  t:\n    rows: 5\n    columns:\n      x: {type: float, min: -.inf, max: .inf}\n",
        ),
        (
            "NaN parameter",
            "tables:\n  t:\n    rows: 5\n    columns:\n      x: {type: float, min: 0, max: 1, dist: {normal: {mean: .nan}}}\n",
        ),
        (
            "window function expr",
            _spec({"t": _t({"a": {"type": "int"}, "b": {"expr": "sum(a) OVER ()"}})}),
        ),
        ("aggregate in expr", _spec({"t": _t({"a": {"type": "int"}, "b": {"expr": "max(a)"}})})),
        (
            "decimal precision",
            _spec(
                {
                    "t": _t(
                        {
                            "d": {
                                "type": "decimal",
                                "min": 0,
                                "max": 99999,
                                "scale": 2,
                                "precision": 4,
                            }
                        }
                    )
                }
            ),
        ),
        (
            "far-future datetime",
            _spec(
                {"t": _t({"d": {"type": "datetime", "min": "9999-01-01", "max": "99999-12-31"}})}
            ),
        ),
        ("constant check", _spec({"t": _t(ident, checks=["1 = 0"])})),
        (
            "check that cannot hold",
            _spec({"t": _t({"a": {"type": "int", "min": 0, "max": 5}}, checks=["a > 10"])}),
        ),
        ("deep YAML", "tables: " + "[" * 5000 + "]" * 5000 + "\n"),
        (
            "alias bomb",
            "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\ntables: {t: {rows: 1, columns: {id: {type: id}}}}\n",
        ),
        ("trillion rows", _spec({"t": _t(ident, 10**12)})),
        ("rows 2^63", _spec({"t": _t(ident, 2**63)})),
        ("rows true", "tables:\n  t:\n    rows: true\n    columns: {id: {type: id}}\n"),
        ("rows -3", _spec({"t": _t(ident, -3)})),
        ("rows as text", "tables:\n  t:\n    rows: many\n    columns: {id: {type: id}}\n"),
        (
            "duplicate keys",
            "tables:\n  t:\n    rows: 10\n    rows: 20\n    columns: {id: {type: id}}\n",
        ),
        (
            "regex bomb",
            _spec({"t": _t({"s": {"type": "string", "regex": "((a{1000}){1000}){1000}"}})}),
        ),
        ("regex lookahead", _spec({"t": _t({"s": {"type": "string", "regex": "(?=a)b"}})})),
        ("pattern 20k", _spec({"t": _t({"s": {"type": "string", "pattern": "#" * 20_000}})})),
        ("unknown type", _spec({"t": _t({"x": {"type": "no_such_type"}})})),
        ("ref to missing table", _spec({"t": _t({"x": {"ref": "nope.id"}})})),
        (
            "ref cycle",
            _spec(
                {
                    "a": {
                        "per_parent": {"table": "b", "max": 2},
                        "columns": {"b_id": {"ref": "b.id"}, "id": {"type": "id"}},
                    },
                    "b": {
                        "per_parent": {"table": "a", "max": 2},
                        "columns": {"a_id": {"ref": "a.id"}, "id": {"type": "id"}},
                    },
                }
            ),
        ),
        ("min > max", _spec({"t": _t({"n": {"type": "int", "min": 10, "max": 1}})})),
        (
            "date min > max",
            _spec({"t": _t({"d": {"type": "date", "min": "2025-01-01", "max": "2020-01-01"}})}),
        ),
        ("empty tables", "tables: {}\n"),
        ("no columns", _spec({"t": {"rows": 3, "columns": {}}})),
        (
            "per_parent without max",
            _spec(
                {
                    "p": parent,
                    "c": {"per_parent": {"table": "p"}, "columns": {"p_id": {"ref": "p.id"}}},
                }
            ),
        ),
        (
            "bad dist parameter",
            _spec(
                {
                    "t": _t(
                        {"n": {"type": "int", "min": 0, "max": 9, "dist": {"poisson": {"lam": -1}}}}
                    )
                }
            ),
        ),
        (
            "expr reads a file",
            _spec({"t": _t({"a": {"expr": "(SELECT count(*) FROM read_csv('/etc/passwd'))"}})}),
        ),
        ("expr syntax error", _spec({"t": _t({"a": {"type": "int"}, "b": {"expr": "a +* 2"}})})),
        ("unique bool over 10 rows", _spec({"t": _t({"b": {"type": "bool", "unique": True}}, 10)})),
        (
            "composite unique too small",
            _spec({"t": _t({"a": {"type": "bool"}, "b": {"type": "bool"}}, 10, unique=["a", "b"])}),
        ),
        ("empty values", _spec({"t": _t({"c": {"type": "category", "values": []}})})),
        ("table name injection", _spec({"t; DROP TABLE x; --": _t(ident)})),
        ("column name 300 chars", _spec({"t": _t({"c" * 300: {"type": "int"}})})),
        ("a list, not a mapping", "- 1\n- 2\n"),
        ("binary garbage", bytes(range(256)) * 8),
        ("empty file", ""),
        ("JSON with NaN", '{"tables": {"t": {"rows": NaN, "columns": {"id": {"type": "id"}}}}}'),
        ("text max over 50", _spec({"t": _t({"x": {"type": "text", "min": 1, "max": 500}})})),
        (
            "json key of unknown type",
            _spec({"t": _t({"j": {"type": "json", "keys": {"a": "nope"}}})}),
        ),
        ("llm without prompt", _spec({"t": _t({"x": {"type": "llm"}})})),
        (
            "string min_length > max_length",
            _spec({"t": _t({"s": {"type": "string", "min_length": 9, "max_length": 2}})}),
        ),
        (
            "scenario count -1",
            _spec({"t": _t(ident)}, scenarios={"t": [{"name": "x", "count": -1}]}),
        ),
        (
            "scenario on unknown table",
            _spec({"t": _t(ident)}, scenarios={"nope": [{"name": "x", "count": 1}]}),
        ),
        ("5,000 columns", _spec({"t": _t({f"c{i}": {"type": "int"} for i in range(5000)}, 5)})),
    ]
    return s


def _has_files(path: Path) -> bool:
    return path.exists() and any(path.rglob("*"))


def run_cli(work: Path, started: float) -> Tally:
    tally = Tally()
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1"}
    for i, (name, text) in enumerate(cli_specs()):
        if time.monotonic() - started > TOTAL_LIMIT_S / 2:
            tally.notes.append(f"stopped after {i} specs: over the time bound")
            break
        spec = work / f"spec{i}.yaml"
        spec.write_bytes(text if isinstance(text, bytes) else text.encode())
        out = work / f"out{i}"
        cmd = [*SYNTHWRIGHT, "generate", str(spec), "--out", str(out), "--format", "csv"]
        try:
            run = subprocess.run(
                cmd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S, env=env, cwd=work
            )
        except subprocess.TimeoutExpired:
            tally.add("tracebacks", f"{name}: over {CLI_TIMEOUT_S} s")
            shutil.rmtree(out, ignore_errors=True)
            continue
        said = run.stdout + run.stderr
        if "Traceback (most recent call last)" in said or run.returncode not in (0, 1, 2):
            tally.add("tracebacks", f"{name}: exit {run.returncode}")
        elif run.returncode != 0:
            if _has_files(out):
                tally.add("partial", f"{name}: exit {run.returncode} left files")
            else:
                tally.add("refused")
        else:
            try:
                check = subprocess.run(
                    [*SYNTHWRIGHT, "check", str(out), "--spec", str(spec)],
                    capture_output=True,
                    text=True,
                    timeout=CLI_TIMEOUT_S,
                    env=env,
                )
            except subprocess.TimeoutExpired:
                tally.add("tracebacks", f"{name}: generate exit 0, check over {CLI_TIMEOUT_S} s")
                shutil.rmtree(out, ignore_errors=True)
                continue
            if check.returncode == 0:
                tally.add("accepted", name=name)
            else:
                first = (check.stdout + check.stderr).strip().splitlines()[:1]
                tally.add("silent", f"{name}: check exit {check.returncode} {first}")
        shutil.rmtree(out, ignore_errors=True)
    return tally


# --- the service families -------------------------------------------------------------------

SERVER = """
import typer
from synthwright.cli.cmd_serve import register
app = typer.Typer()
register(app)
@app.command()
def other() -> None: ...
app()
"""
STREAMS = [
    {"entity": "user", "count": 1_000_000, "seed": 5},
    {"fields": [{"name": "n", "type": "int"}, {"name": "s", "type": "string"}], "count": 10**6},
    {"entity": "review", "count": 500_000},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def wait_quiet(pid: int, limit_s: float = 30.0) -> None:
    """Until the server has used (almost) no CPU for half a second: its work has stopped."""
    deadline = time.monotonic() + limit_s
    last = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_ticks(pid)
        if now - last <= 2:
            return
        last = now


def _http_outcome(case: Case, response: httpx.Response) -> tuple[str, str]:
    status = response.status_code
    if status >= 500:
        return "tracebacks", f"{case.name}: HTTP {status}"
    if status == 200:
        if not case.may_succeed:
            return "silent", f"{case.name}: accepted"
        if not case.stream and response.json()["record_count"] != case.body.get("count", 10):
            return "silent", f"{case.name}: other than the records asked"
        return "accepted", ""
    try:
        doc = response.json()
    except ValueError:
        return "refused", ""
    problems = (doc.get("error") or {}).get("problems") if isinstance(doc, dict) else None
    if problems is not None and not all(p.get("location") for p in problems):
        return "refused", f"{case.name}: a problem without a location"
    return "refused", ""


def run_http(base: str) -> Tally:
    tally = Tally()
    with httpx.Client(base_url=base, timeout=60) as client:
        for case in CASES:
            path = "/v1/generate/stream" if case.stream else "/v1/generate"
            try:
                if case.raw:
                    headers = {"content-type": "application/json"}
                    response = client.post(path, content=case.body, headers=headers)
                else:
                    response = client.post(path, json=case.body)
            except httpx.HTTPError as exc:
                tally.add("tracebacks", f"{case.name}: {type(exc).__name__}")
                continue
            outcome, note = _http_outcome(case, response)
            tally.add(outcome, note, case.name)
    return tally


async def _grpc_one(stub: Any, case: Case, msg: Any) -> tuple[str, str]:
    try:
        if case.stream:
            records = sum([c.record_count async for c in stub.GenerateDataStream(msg, timeout=60)])
        else:
            records = (await stub.GenerateData(msg, timeout=60)).record_count
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
            ok = ": " in (exc.details() or "")
            return "refused", "" if ok else f"{case.name}: no location"
        return "tracebacks", f"{case.name}: {exc.code().name}"
    if not case.may_succeed:
        return "silent", f"{case.name}: accepted"
    if records != case.body.get("count", 10):
        return "silent", f"{case.name}: other than the records asked"
    return "accepted", ""


async def run_grpc(target: str) -> Tally:
    tally = Tally()
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        for case in CASES:
            msg = grpc_message(pb2, case.body) if case.grpc else None
            if msg is None:
                continue  # protobuf's types cannot carry it: refused by the client library
            outcome, note = await _grpc_one(stub, case, msg)
            tally.add(outcome, note, case.name)
    return tally


def _cancelled_http(client: httpx.Client, body: dict[str, Any]) -> None:
    with client.stream("POST", "/v1/generate/stream", json=body) as response:
        for _ in response.iter_lines():
            break


async def _cancelled_grpc(target: str, bodies: list[dict[str, Any]]) -> None:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb2_grpc.TestDataServiceStub(channel)
        for body in bodies:
            call = stub.GenerateDataStream(grpc_message(pb2, body))
            async for _ in call:
                break
            call.cancel()


def load(base: str, target: str, pid: int, requests: int, streams: int) -> dict[str, float]:
    """RSS before and after `requests` hostile requests and `streams` cancelled streams."""
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=60) as client:
        for body in STREAMS:  # the stream paths' first pages are not what is measured
            _cancelled_http(client, body)
        wait_quiet(pid)
        before = rss_mb(pid)
        peak = before
        cases = [c for c in CASES if not c.may_succeed]
        for i in range(requests // 2):
            case = cases[i % len(cases)]
            path = "/v1/generate/stream" if case.stream else "/v1/generate"
            if case.raw:
                headers = {"content-type": "application/json"}
                client.post(path, content=case.body, headers=headers)
            else:
                client.post(path, json=case.body)
            if i % 50 == 0:
                peak = max(peak, rss_mb(pid))
        for i in range(streams // 2):
            _cancelled_http(client, STREAMS[i % len(STREAMS)])
            peak = max(peak, rss_mb(pid))

    async def over_grpc() -> None:
        nonlocal peak
        messages = [
            m for c in CASES if c.grpc and not c.may_succeed and (m := grpc_message(pb2, c.body))
        ]
        async with grpc.aio.insecure_channel(target) as channel:
            stub = pb2_grpc.TestDataServiceStub(channel)
            for i in range(requests - requests // 2):
                with contextlib.suppress(grpc.aio.AioRpcError):
                    await stub.GenerateData(messages[i % len(messages)], timeout=60)
        bodies = [STREAMS[i % len(STREAMS)] for i in range(streams - streams // 2)]
        await _cancelled_grpc(target, bodies)
        peak = max(peak, rss_mb(pid))

    asyncio.run(over_grpc())
    wait_quiet(pid)
    return {
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_after_mb": round(rss_mb(pid), 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def serve() -> tuple[subprocess.Popen[bytes], str, str]:
    http_port, grpc_port = free_port(), free_port()
    cmd = [sys.executable, "-c", SERVER, "serve", "--http-port", str(http_port)]
    cmd += ["--grpc-port", str(grpc_port), "--log-level", "warning", "--host", "127.0.0.1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 90
    with httpx.Client(base_url=base, timeout=2) as client:
        while True:
            try:
                if client.get("/health/ready").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("the server did not become ready")
            time.sleep(0.2)
    return proc, base, f"127.0.0.1:{grpc_port}"


def table(tallies: dict[str, Tally], memory: dict[str, float] | None) -> str:
    rows = [
        "| family | inputs tried | refused cleanly | accepted (valid extremes) | tracebacks "
        "| partial outputs | silent violations |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t in tallies.items():
        rows.append(
            f"| {name} | {t.tried} | {t.refused} | {t.accepted} | {t.tracebacks} | {t.partial} "
            f"| {t.silent} |"
        )
    if memory:
        rows.append("")
        rows.append(
            f"Service RSS: {memory['rss_before_mb']:.0f} MB before, {memory['rss_peak_mb']:.0f} MB "
            f"peak, {memory['rss_after_mb']:.0f} MB after {memory['requests']:.0f} hostile "
            f"requests and {memory['streams']:.0f} cancelled streams ({memory['seconds']:.0f} s)."
        )
    return "\n".join(rows)


def main(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    tallies: dict[str, Tally] = {}
    if not args.skip_cli:
        with tempfile.TemporaryDirectory(prefix="sw-reliability-") as work:
            tallies["cli (specs)"] = run_cli(Path(work), started)
    proc, base, target = serve()
    memory: dict[str, float] | None = None
    try:
        tallies["http"] = run_http(base)
        tallies["grpc"] = asyncio.run(run_grpc(target))
        if args.requests or args.streams:
            memory = load(base, target, proc.pid, args.requests, args.streams)
            memory.update(requests=args.requests, streams=args.streams)
        alive = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    kinds = Counter(c.family for c in CASES)
    return {
        "machine": machine(),
        "service_families": dict(kinds),
        "server_alive_at_end": alive,
        "tallies": {k: vars(v) for k, v in tallies.items()},
        "memory": memory,
        "table": table(tallies, memory),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cli", action="store_true", help="only the service families")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--streams", type=int, default=100)
    result = main(parser.parse_args())
    print(json.dumps({k: v for k, v in result.items() if k != "table"}, indent=2))
    print()
    print(result["table"])
