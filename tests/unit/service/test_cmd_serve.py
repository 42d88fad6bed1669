"""``synthwright serve``: bad settings exit 2 with a location; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import typer
from typer.testing import CliRunner

from synthwright.cli.cmd_serve import register

SCRIPT = """
import typer
from synthwright.cli.cmd_serve import register
app = typer.Typer()
register(app)
@app.command()
def other() -> None: ...
app()
"""


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps `serve` a subcommand
        ...

    return app


def test_bad_settings_exit_2_with_location() -> None:
    result = CliRunner().invoke(_app(), ["serve", "--http-port", "70000"])
    assert result.exit_code == 2
    assert "--http-port: " in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(_app(), ["serve", "--tracing", "zipkin", "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.output)
    assert doc["problems"][0]["location"] == "--tracing"


def test_serve_runs_and_stops_gracefully_on_sigterm() -> None:
    env = {**os.environ, "SYNTHWRIGHT_POOL_RECORDS": "64"}
    cmd = [sys.executable, "-c", SCRIPT, "serve", "--http-port", "0", "--grpc-port", "0"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            event = json.loads(line)
            assert "request_id" in event  # every line carries one
            if event["event"] == "listening":
                port = event["http_port"]
            if event["event"] == "service_ready":
                break
        assert port, "the server never said where it listens"
        reply = httpx.post(
            f"http://127.0.0.1:{port}/v1/generate", json={"entity": "user", "count": 2}
        )
        assert reply.status_code == 200 and reply.json()["record_count"] == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        rest = [
            json.loads(line) for line in proc.stderr.read().splitlines() if line.startswith("{")
        ]
        assert [e["event"] for e in rest if e["event"] in ("shutting_down", "stopped")] == [
            "shutting_down",
            "stopped",
        ]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
