"""The provisioning API of SPEC.md section 6: start, status, SSE with replay, assets, cancel, resume."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synthwright.provision import JobStore, Options
from synthwright.provision.web import create_app

from ._sites import SiteServer


def _wait(client: TestClient, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/provision/status/{job_id}").json()
        if status["status"] in ("completed", "failed", "cancelled"):
            return dict(status)
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _events(client: TestClient, job_id: str, **headers: str) -> list[tuple[int, dict[str, Any]]]:
    url = f"/api/provision/stream/{job_id}"
    events: list[tuple[int, dict[str, Any]]] = []
    event_id = None
    with client.stream("GET", url, headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: "):
                assert event_id is not None
                events.append((event_id, json.loads(line[6:])))
    return events


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(tmp_path_factory.mktemp("data"), max_jobs=1, scale=0.2)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def finished(served: TestClient, vet_site: SiteServer) -> str:
    job_id = served.post("/api/provision/start", json={"customer_url": vet_site.url}).json()[
        "job_id"
    ]
    assert _wait(served, job_id)["status"] == "completed"
    return str(job_id)


def test_start_status_and_assets(served: TestClient, finished: str) -> None:
    status = served.get(f"/api/provision/status/{finished}").json()
    assert {"job_id", "current_phase", "progress_percentage", "error"} <= set(status)
    assert (status["current_phase"], status["progress_percentage"], status["error"]) == (
        "completed",
        100.0,
        None,
    )
    assets = served.get(f"/api/provision/assets/{finished}").json()
    assert assets["research"]["business_domain"] == "veterinary_clinic"
    assert assets["er_diagram"].startswith("erDiagram")
    assert 8 <= len(assets["golden_queries"]) <= 15
    assert assets["demo_script"].startswith("# Demo script")
    assert served.get(f"/api/provision/files/{finished}/spec.yaml").status_code == 200
    assert served.get(f"/api/provision/files/{finished}/../jobs.sqlite").status_code == 404
    assert served.get("/api/provision/status/nope").status_code == 404
    assert any(j["job_id"] == finished for j in served.get("/api/provision/jobs").json())


def test_bad_requests_are_refused_with_a_location(served: TestClient) -> None:
    response = served.post("/api/provision/start", json={"customer_url": "ftp://example.com/"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["location"] == "customer_url"
    assert (
        served.post("/api/provision/start", json={"customer_url": "x", "scale": -1}).status_code
        == 422
    )


def test_the_stream_and_its_replay(served: TestClient, finished: str) -> None:
    events = _events(served, finished)
    ids = [i for i, _ in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    phases = [e["phase"] for _, e in events]
    assert phases[-1] == "completed" and {"research", "model", "load", "golden", "script"} <= set(
        phases
    )
    assert all({"phase", "progress"} <= set(e) for _, e in events)
    assert [e["progress"] for _, e in events] == sorted(e["progress"] for _, e in events)
    cut = ids[len(ids) // 2]
    replayed = _events(served, finished, **{"Last-Event-ID": str(cut)})
    assert replayed == [(i, e) for i, e in events if i > cut]
    by_query = served.get(f"/api/provision/stream/{finished}?last_event_id={ids[-2]}")
    assert by_query.text.count("data: ") == 1 and '"completed"' in by_query.text


def test_a_queued_job_is_cancelled_and_jobs_are_bounded(
    served: TestClient, restaurant_site: SiteServer, saas_site: SiteServer
) -> None:
    first = served.post("/api/provision/start", json={"customer_url": restaurant_site.url}).json()[
        "job_id"
    ]
    second = served.post("/api/provision/start", json={"customer_url": saas_site.url}).json()[
        "job_id"
    ]
    assert served.post(f"/api/provision/cancel/{second}").json() == {
        "job_id": second,
        "cancelled": True,
    }
    running_at_once = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        jobs = {j["job_id"]: j["status"] for j in served.get("/api/provision/jobs").json()}
        running_at_once = max(running_at_once, sum(s == "running" for s in jobs.values()))
        if jobs[first] in ("completed", "failed") and jobs[second] == "cancelled":
            break
        time.sleep(0.05)
    assert running_at_once <= 1  # max_jobs=1: the second waited in the queue
    assert _wait(served, first)["status"] == "completed"
    cancelled = _wait(served, second)
    assert cancelled["status"] == "cancelled" and cancelled["error"] == "cancelled by request"
    assert _events(served, second)[-1][1]["phase"] == "failed"
    assert served.post(f"/api/provision/cancel/{first}").json()["cancelled"] is False  # finished
    assert served.post("/api/provision/cancel/nope").status_code == 404


def test_a_restarted_server_resumes_unfinished_jobs(vet_site: SiteServer, tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    options = Options(url=vet_site.url, out_dir=str(tmp_path / "jobs" / "left"), scale=0.2)
    store.create_job("left", options.url, options.to_dict(), options.out_dir)
    store.update_job(
        "left", status="running", phase="load", progress=50.0
    )  # the old server died here
    with TestClient(create_app(tmp_path, max_jobs=1)) as client:
        assert _wait(client, "left")["status"] == "completed"
    assert (tmp_path / "jobs" / "left" / "demo_script.md").is_file()
