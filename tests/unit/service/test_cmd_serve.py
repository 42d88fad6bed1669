"""``synthwright serve``: bad settings exit 2 with a location; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def _records_answer(path: str, body: dict) -> dict:
    """The fake model: one {title, body} object per record it was shown."""
    from tests.unit.llm._fake_server import openai_response

    user = body["messages"][-1]["content"]
    count = int(user.split("for each of the ")[1].split(" ")[0])
    records = [{"title": f"Good kettle {i}", "body": f"It boils fast {i}."} for i in range(count)]
    return openai_response(json.dumps({"records": records}))


def test_serve_starts_with_the_clis_llm_configuration(tmp_path: Path) -> None:
    """SYNTHWRIGHT_LLM=openai (the CLI's setting) used to stop serve ("use module:callable")."""
    from tests.unit.llm._fake_server import FakeLLMServer

    secret = "sk-test-SECRETSECRETSECRET1234"
    with FakeLLMServer() as fake:
        fake.responder = _records_answer
        env = {
            **os.environ,
            "SYNTHWRIGHT_POOL_RECORDS": "0",
            "SYNTHWRIGHT_LLM": "openai",
            "OPENAI_API_KEY": secret,
            "OPENAI_BASE_URL": fake.url + "/v1",
            "SYNTHWRIGHT_CONFIG": "/nonexistent/config.yaml",
            "SYNTHWRIGHT_CACHE_DIR": str(tmp_path),  # the LLM response cache, not the user's
        }
        env.pop("SYNTHWRIGHT_LLM_FALLBACK", None)
        cmd = [sys.executable, "-c", SCRIPT, "serve", "--http-port", "0", "--grpc-port", "0"]
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
        seen: list[str] = []
        try:
            assert proc.stderr is not None
            port = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stderr.readline()
                if not line:
                    break
                seen.append(line)
                event = json.loads(line) if line.startswith("{") else {}
                if event.get("event") == "listening":
                    port = event["http_port"]
                if event.get("event") == "service_ready":
                    break
            assert port, "".join(seen)
            body = {"entity": "review", "count": 3, "seed": 1, "context": "kettles"}
            reply = httpx.post(f"http://127.0.0.1:{port}/v1/generate", json=body, timeout=30)
            assert reply.status_code == 200, reply.text
            meta = reply.json()["metadata"]
            assert meta["generation_path"] == "llm", meta["route_reason"]
            assert meta["llm_provider"] == "openai" and meta["llm_tokens_used"] == 120
            assert meta["llm_cost_usd"] is not None
            assert [r["title"] for r in reply.json()["data"]][:2] == [
                "Good kettle 0",
                "Good kettle 1",
            ]
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
            assert 'synthwright_llm_calls_total{outcome="ok",provider="openai"} 1.0' in metrics
            assert secret not in reply.text and secret not in metrics
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
            assert secret not in proc.stderr.read() and secret not in "".join(seen)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_old_module_callable_llm_is_moved_to_the_writer() -> None:
    from synthwright.cli import cmd_serve

    env = {"SYNTHWRIGHT_LLM": "tests.unit.service.conftest:fake_llm"}
    old = dict(os.environ)
    os.environ.update(env)
    os.environ.pop("SYNTHWRIGHT_LLM_WRITER", None)
    try:
        config = cmd_serve._llm_config(None, None, None)
        assert config.provider == "none"
        assert os.environ["SYNTHWRIGHT_LLM_WRITER"] == env["SYNTHWRIGHT_LLM"]
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_llm_flag_with_module_callable_is_deprecated_not_refused() -> None:
    result = CliRunner().invoke(
        _app(), ["serve", "--llm", "tests.unit.service.conftest:fake_llm", "--http-port", "70000"]
    )
    assert "deprecated" in result.output and "--llm-writer" in result.output
    assert result.exit_code == 2 and "--http-port: " in result.output  # the next check, not --llm
