"""Kill-and-resume: a provision killed mid-load resumes there, without redoing earlier stages.

The first run is a real ``synthwright provision run`` in a subprocess whose
load stage is slowed down (a patch in the subprocess only), killed with
SIGKILL while the store says the load is running. The rerun (the plain
command) must reuse research and model (no page is fetched again: the site
server counts requests) and finish the rest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from synthwright.provision import JobStore, state_path

from ._sites import SiteServer

ROOT = Path(__file__).resolve().parents[3]
_SLOW_LOAD = """
import sys, time
import synthwright.provision.stages as stages
real = stages.RUNNERS["load"]
def slow(ctx, outputs):
    time.sleep(120)
    return real(ctx, outputs)
stages.RUNNERS["load"] = slow
from synthwright.cli import main
sys.argv = ["synthwright", *sys.argv[1:]]
main()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def test_a_killed_job_resumes_where_it_stopped(vet_site: SiteServer, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["provision", "run", vet_site.url, "--out", str(out), "--scale", "0.2", "--json"]
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_LOAD, *args], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 90
    load = None
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if state_path(out).is_file():
                store = JobStore(state_path(out))
                jobs = store.list_jobs()
                load = store.stage(jobs[0].id, "load") if jobs else None
                if load is not None and load.status == "running":
                    break
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
    assert load is not None and load.status == "running", (
        proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    )
    assert (out / "spec.yaml").is_file() and not (out / "golden_queries.json").exists()
    fetched = len(vet_site.requests)
    rerun = subprocess.run([sys.executable, "-m", "synthwright", *args], env=_env(),
                           capture_output=True, text=True, timeout=180)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert [(s["stage"], s["status"]) for s in summary["stages"]] == [
        ("research", "reused"), ("model", "reused"), ("load", "done"), ("golden", "done"),
        ("script", "done")]  # fmt: skip
    assert len(vet_site.requests) == fetched  # research was not redone: no page fetched again
    store = JobStore(state_path(out))
    assert store.stage(summary["job_id"], "load").attempts == 2  # type: ignore[union-attr]
    assert store.stage(summary["job_id"], "research").attempts == 1  # type: ignore[union-attr]
    assert json.loads((out / "job.json").read_text())["status"] == "completed"
