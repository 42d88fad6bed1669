"""Benchmark of the test-data service over loopback (bounded in requests and time).

1. 100 concurrent clients, each asking 10 times for 10 `user` records
   (unseeded: served from the value pool; and seeded with distinct seeds:
   generated fresh, no cache): p50/p95/p99 latency and errors.
2. A 100,000-record stream (NDJSON): time to first chunk, total time, and the
   server's resident memory sampled during the stream, against a 10,000-record
   stream (flat memory means the two peaks are close).

    python bench/service.py [--clients 100] [--rounds 10] [--stream 100000]
                            [--redis-url redis://127.0.0.1:6379/15] [--mode rule|llm|all]

3. (``--mode llm`` or ``all``) The LLM path against a local fake OpenAI-compatible
   model answering every call in 300 ms (the server is `synthwright serve` with
   ``SYNTHWRIGHT_LLM=openai`` and ``OPENAI_BASE_URL`` at the fake, through the
   official SDK): 10 concurrent clients x 5 `review` records (target p99 < 5 s);
   then 50 concurrent clients, 80 % asking rule-based `user` records and 20 %
   the LLM path (target: p99 of the rule-based share < 500 ms).

The server runs as `synthwright serve` in a child process on free ports; the
load comes from a light keep-alive HTTP/1.1 client (`Conn`), not wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

SERVER = """
import typer
from synthwright.cli.cmd_serve import register
app = typer.Typer()
register(app)
@app.command()
def other() -> None: ...
app()
"""
LIMIT_S = 300


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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Conn:
    """A minimal keep-alive HTTP/1.1 client: one connection, one request at a time.

    httpx spends more CPU per request than the server does once 100 connections
    share one client process, so the latency it reports is mostly its own; this
    client costs a few microseconds, so what is measured is the server.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: dict[str, object]) -> tuple[int, bytes]:
        await self.connect()
        assert self.reader is not None
        data = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode() + data)
        await self.writer.drain()
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length"))
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def burst(
    port: int, clients: int, rounds: int, seeded: bool, warm: bool = False
) -> tuple[list[float], int]:
    """Latencies of `clients` concurrent clients, `rounds` requests each.

    With `warm`, every client opens its keep-alive connection first (like a
    test suite's HTTP client pool, or wrk) and all start together; otherwise
    the first request of each client also pays for its TCP connection.
    """
    latencies: list[float] = []
    errors = 0
    conns = [Conn("127.0.0.1", port) for _ in range(clients)]
    if warm:
        await asyncio.gather(*(c.connect() for c in conns))

    async def one(i: int) -> None:
        nonlocal errors
        conn = conns[i]
        try:
            for r in range(rounds):
                body: dict[str, object] = {"entity": "user", "count": 10}
                if seeded:
                    body["seed"] = 1_000_000 + i * rounds + r
                    body["flags"] = {"use_cache": False}
                started = time.perf_counter()
                try:
                    status, data = await conn.post("/v1/generate", body)
                    ok = status == 200 and json.loads(data)["record_count"] == 10
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok
        finally:
            await conn.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    return latencies, errors


class FakeModel:
    """A local OpenAI-compatible chat-completions server answering in `delay_s` seconds."""

    def __init__(self, delay_s: float = 0.3) -> None:
        self.calls = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(handler) -> None:
                body = json.loads(handler.rfile.read(int(handler.headers["content-length"])))
                self.calls += 1
                time.sleep(delay_s)
                schema = body.get("response_format", {}).get("json_schema", {}).get("schema", {})
                fields = list(
                    schema.get("properties", {})
                    .get("records", {})
                    .get("items", {})
                    .get("properties", {"title": {}, "body": {}})
                )
                user = body["messages"][-1]["content"]
                count = int(user.split("for each of the ")[1].split(" ")[0])
                records = [
                    {f: f"A believable {f} number {i}" for f in fields} for i in range(count)
                ]
                data = json.dumps(
                    {
                        "id": "chatcmpl-bench",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "gpt-4o-mini",
                        "choices": [
                            {
                                "index": 0,
                                "message": {
                                    "role": "assistant",
                                    "content": json.dumps({"records": records}),
                                },
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 300,
                            "completion_tokens": 80,
                            "total_tokens": 380,
                        },
                    }
                ).encode()
                handler.send_response(200)
                handler.send_header("content-type", "application/json")
                handler.send_header("content-length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


async def mixed(port: int, clients: int, rounds: int, llm_share: float) -> dict[str, Any]:
    """`clients` concurrent clients; a `llm_share` of them ask for the LLM path."""
    lat: dict[str, list[float]] = {"rule_based": [], "llm": []}
    errors = {"rule_based": 0, "llm": 0}
    conns = [Conn("127.0.0.1", port) for _ in range(clients)]
    await asyncio.gather(*(c.connect() for c in conns))
    every = round(1 / llm_share) if llm_share else 0

    async def one(i: int) -> None:
        kind = "llm" if every and i % every == 0 else "rule_based"
        try:
            for r in range(rounds):
                if kind == "llm":
                    body: dict[str, object] = {
                        "entity": "review",
                        "count": 5,
                        "seed": 5_000_000 + i * rounds + r,
                        "context": "kitchen kettles",
                        "flags": {"use_cache": False},
                    }
                else:
                    body = {"entity": "user", "count": 10}
                started = time.perf_counter()
                try:
                    status, data = await conns[i].post("/v1/generate", body)
                    doc = json.loads(data)
                    ok = status == 200 and doc["metadata"]["generation_path"] == kind
                except (OSError, asyncio.IncompleteReadError, ValueError, KeyError):
                    ok = False
                lat[kind].append(time.perf_counter() - started)
                errors[kind] += not ok
        finally:
            await conns[i].close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    return {
        kind: {
            "requests": len(values),
            "errors": errors[kind],
            "p50_ms": round(pct(values, 50) * 1000, 1),
            "p99_ms": round(pct(values, 99) * 1000, 1),
        }
        for kind, values in lat.items()
        if values
    }


async def stream(base: str, pid: int, count: int) -> dict[str, float]:
    peak = rss_mb(pid)
    before = peak
    first = None
    records = 0
    body = {"entity": "user", "count": count, "seed": 7}
    client = httpx.AsyncClient(base_url=base, timeout=120)  # its TLS setup is not the server's time
    started = time.perf_counter()
    async with client, client.stream("POST", "/v1/generate/stream", json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line:
                continue
            if first is None:
                first = time.perf_counter() - started
            chunk = json.loads(line)
            records += chunk["record_count"]
            peak = max(peak, rss_mb(pid))
    return {
        "records": records,
        "first_chunk_ms": round((first or 0) * 1000, 1),
        "total_s": round(time.perf_counter() - started, 2),
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak, 1),
    }


async def main(args: argparse.Namespace) -> dict[str, object]:
    http_port, grpc_port = free_port(), free_port()
    cmd = [
        sys.executable,
        "-c",
        SERVER,
        "serve",
        "--http-port",
        str(http_port),
        "--grpc-port",
        str(grpc_port),
        "--log-level",
        "warning",
    ]
    if args.redis_url:
        cmd += ["--redis-url", args.redis_url]
    env = dict(os.environ)
    fake = None
    if args.mode in ("llm", "all"):
        fake = FakeModel(0.3)
        config = Path(tempfile.mkdtemp()) / "config.yaml"
        config.write_text("cache: false\nmax_concurrency: 16\ntimeout: 20\n")
        env.update(
            SYNTHWRIGHT_LLM="openai",
            OPENAI_BASE_URL=fake.url,
            OPENAI_API_KEY="sk-bench-not-a-real-key",
            SYNTHWRIGHT_CONFIG=str(config),
        )
        env.pop("SYNTHWRIGHT_LLM_FALLBACK", None)
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=base, timeout=2) as client:
            while True:
                try:
                    if (await client.get("/health/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not become ready")
                await asyncio.sleep(0.2)
        out: dict[str, object] = {
            "machine": machine(),
            "clients": args.clients,
            "rounds": args.rounds,
            "cache": "redis" if args.redis_url else "memory",
        }
        await burst(http_port, 10, 2, False)  # warm code paths
        if fake is not None:
            out["llm_fake_model_delay_ms"] = 300
            out["llm_10_clients_x_5_records"] = (await mixed(http_port, 10, args.llm_rounds, 1.0))[
                "llm"
            ]
            out["mixed_50_clients_80_rule_20_llm"] = await mixed(
                http_port, 50, args.llm_rounds, 0.2
            )
            out["llm_calls_to_fake_model"] = fake.calls
            if args.mode == "llm":
                return out
        for label, seeded, warm in (
            ("pooled_unseeded_warm_connections", False, True),
            ("pooled_unseeded_cold_connections", False, False),
            ("fresh_seeded", True, True),
        ):
            lat, errors = await burst(http_port, args.clients, args.rounds, seeded, warm)
            out[label] = {
                "requests": len(lat),
                "errors": errors,
                "p50_ms": round(pct(lat, 50) * 1000, 1),
                "p95_ms": round(pct(lat, 95) * 1000, 1),
                "p99_ms": round(pct(lat, 99) * 1000, 1),
            }
        out["stream_small"] = await stream(base, proc.pid, args.stream // 10)
        out["stream"] = await stream(base, proc.pid, args.stream)
        return out
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--stream", type=int, default=100_000)
    parser.add_argument(
        "--redis-url", help="serve with Redis (response cache and the fleet-wide value pool)"
    )
    parser.add_argument("--mode", choices=["rule", "llm", "all"], default="rule")
    parser.add_argument("--llm-rounds", type=int, default=5, help="requests per LLM-bench client")
    ns = parser.parse_args()
    result = asyncio.run(asyncio.wait_for(main(ns), LIMIT_S))
    print(json.dumps(result, indent=2))
