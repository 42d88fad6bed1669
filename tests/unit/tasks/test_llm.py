"""With an LLM: the real OpenAI and Anthropic SDK clients against the local fake provider.

Structured output (the record schema), a bad answer repaired, cache hits (an
identical rerun sends nothing), the judge, dialogues, and resume after a kill
(a subprocess killed mid-run; the rerun completes without repeating finished
calls, counted at the fake server).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from synthwright.tasks import Run, run_dataset, run_interactions, run_variations, verify_rows
from synthwright.tasks.llm_ops import judge_records

from ..llm._fake_server import FakeLLMServer, anthropic_response, openai_response
from ..llm.conftest import OPENAI_KEY, MakeClient
from .conftest import rows_of

ROOT = Path(__file__).resolve().parents[3]


def _first_user(body: dict[str, Any]) -> str:
    for message in body["messages"]:
        if message["role"] == "user":
            content = message["content"]
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content)
    return ""


def answer_for(name: str, prompt: str) -> dict[str, Any]:
    """A valid answer to one of the tasks prompts, derived from the prompt (so it is stable)."""
    tag = hashlib.sha256(prompt.encode()).hexdigest()[:10]
    if name == "task_problem":
        n = {
            k: int(v)
            for k, v in re.findall(r"- (constraints|steps|success_criteria): exactly (\d+)", prompt)
        }
        return {
            "problem_statement": f"Model-written problem {tag}: study the attached data and report.",
            "constraints": [f"Model constraint {i} ({tag})." for i in range(n["constraints"])],
            "steps": [f"Model step {i}." for i in range(n["steps"])],
            "success_criteria": [f"Model criterion {i}." for i in range(n["success_criteria"])],
        }
    if name == "task_judge":
        return {a: {"score": 4, "reason": f"fine ({a})"} for a in
                ("correctness", "completeness", "coherence", "novelty", "difficulty")}  # fmt: skip
    if name == "task_dialogue":
        outcome = re.search(r"end with the outcome: (\w+)", prompt).group(1)  # type: ignore[union-attr]
        return {
            "turns": [
                {"role": "user", "content": f"Please help ({tag})."},
                {"role": "agent", "content": "Looking it up.", "name": "query"},
                {"role": "tool", "content": '{"rows": 2}', "name": "query"},
                {"role": "agent", "content": "Here is the answer."},
            ],
            "outcome": outcome,
        }
    raise AssertionError(name)


def responder(provider: str) -> Any:
    def respond(path: str, body: dict[str, Any]) -> dict[str, Any]:
        if provider == "openai":
            name = body["response_format"]["json_schema"]["name"]
            return openai_response(json.dumps(answer_for(name, _first_user(body))))
        name = body["tool_choice"]["name"]
        return anthropic_response(tool_calls=[(name, answer_for(name, _first_user(body)))])

    return respond


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_structured_records_judge_and_dialogues(
    provider: str, server: FakeLLMServer, make: MakeClient
) -> None:
    server.responder = responder(provider)
    client = make(provider)
    records = run_variations("Audit duplicate supplier payments", "finance", ["simple", "complex"], 2,
                             Run(seed=1, client=client)).records  # fmt: skip
    assert len(server.requests) == 4 and all(r.source == "llm" for r in records)
    for r in records:
        assert r.problem_statement.startswith("Model-written problem")
        assert r.success_criteria[0].startswith(
            ("Lists exactly", "Names the top")
        )  # the computed answer stays
        assert r.config_fingerprint and r.sample_data
    path = server.requests[0]["path"]
    assert path.endswith("/chat/completions" if provider == "openai" else "/v1/messages")
    _, summary = verify_rows(rows_of(records), judge=lambda rs: judge_records(client, rs))
    assert summary["pass"] == 4 and len(server.requests) == 8
    talks = run_interactions(records[:1], 2, Run(seed=1, client=client)).interactions
    assert [t.source for t in talks] == ["llm", "llm"] and talks[0].turns[0].content.startswith(
        "Please help"
    )
    usage = client.usage.to_dict()
    assert usage["calls"] == 10 and usage["input_tokens"] > 0 and usage["cost_usd"] is not None


def test_a_bad_answer_is_repaired(server: FakeLLMServer, make: MakeClient) -> None:
    bad = {"problem_statement": "Too short? no, long enough text here.", "constraints": [], "steps": [],
           "success_criteria": []}  # fmt: skip
    server.add(openai_response("```json\n" + json.dumps(bad) + "\n```"))
    server.responder = responder("openai")
    records = run_dataset("hr", 1, {"medium": 1.0}, Run(seed=2, client=make("openai"))).records
    assert len(server.requests) == 2 and records[0].source == "llm"
    note = server.requests[1]["body"]["messages"][-1]["content"]
    assert "constraints: expected exactly" in note and "steps: expected exactly" in note


def test_identical_rerun_sends_nothing(server: FakeLLMServer, make: MakeClient) -> None:
    server.responder = responder("openai")
    first = run_dataset(
        "legal", 6, {"simple": 0.5, "complex": 0.5}, Run(seed=3, client=make("openai"))
    )
    sent = len(server.requests)
    client = make("openai")
    second = run_dataset("legal", 6, {"simple": 0.5, "complex": 0.5}, Run(seed=3, client=client))
    assert sent == 6 and len(server.requests) == sent
    assert client.usage.cached_calls == 6 and client.usage.total_tokens == 0
    assert [r.to_dict() for r in first.records] == [r.to_dict() for r in second.records]


def _env(server: FakeLLMServer, tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI", "ANTHROPIC", "SYNTHWRIGHT"))
    }
    env.update(
        OPENAI_BASE_URL=server.url + "/v1",
        OPENAI_API_KEY=OPENAI_KEY,
        SYNTHWRIGHT_CACHE_DIR=str(tmp_path / "cache"),
        SYNTHWRIGHT_CONFIG=str(tmp_path / "config.yaml"),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def test_resume_after_a_kill(server: FakeLLMServer, tmp_path: Path) -> None:
    """Kill a run after two checkpointed batches; ``--resume`` asks only for the rest."""
    answer = responder("openai")

    def slow(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return {**answer(path, body), "delay": 0.1}

    server.responder = slow
    out = tmp_path / "ds.jsonl"
    argv = [sys.executable, "-m", "synthwright", "tasks", "dataset", "--domain", "hr", "--size", "16",
            "--llm", "openai", "--batch-size", "4", "-o", str(out), "--json"]  # fmt: skip
    env = _env(server, tmp_path)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = tmp_path / ".ds.jsonl.state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if state.is_file() and len(json.loads(state.read_text() or "{}").get("done", [])) >= 2:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert not out.exists() and state.is_file()
    first = [json.dumps(r["body"], sort_keys=True) for r in server.requests]
    server.requests.clear()
    resumed = subprocess.run(
        [*argv, "--resume"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["records"] == 16 and summary["resumed_batches"] >= 2
    second = [json.dumps(r["body"], sort_keys=True) for r in server.requests]
    assert (
        len(second) <= 16 - 4 * summary["resumed_batches"]
    )  # finished batches are not asked again
    assert len(set(first) & set(second)) <= 4  # at most the calls in flight at the kill
    assert len(set(first) | set(second)) == 16
    assert not state.exists() and not (tmp_path / ".ds.jsonl.checkpoint.jsonl").exists()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({r["problem_id"] for r in records}) == 16 and all(
        r["source"] == "llm" for r in records
    )
