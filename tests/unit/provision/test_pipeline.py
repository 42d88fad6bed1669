"""The whole pipeline offline: the artifacts of SPEC.md section 6, reuse, and the CLI's input checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from synthwright.cli.app import app
from synthwright.provision import provision
from synthwright.provision.sqlcheck import normalise_rows, result_hash

from ._sites import SiteServer

RESEARCH_KEYS = {"url", "company_name", "description", "business_domain", "key_entities",
                 "products_or_services", "pages_read"}  # fmt: skip
QUERY_KEYS = {"id", "question", "sql", "result", "result_hash", "compare", "difficulty"}


@pytest.fixture(scope="module")
def vet_demo(
    vet_site: SiteServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("vet")
    return out, provision(vet_site.url, out, scale=0.3)


def test_the_artifacts(vet_demo: tuple[Path, dict[str, Any]]) -> None:
    out, summary = vet_demo
    names = {p.name for p in out.iterdir()}
    assert {"research.json", "spec.yaml", "warehouse.duckdb", "golden_queries.json",
            "demo_script.md", "job.json"} <= names  # fmt: skip
    research = json.loads((out / "research.json").read_text())
    assert set(research) >= RESEARCH_KEYS and research["business_domain"] == "veterinary_clinic"
    assert not any("private" in url for url in research["pages_read"])
    spec = yaml.safe_load((out / "spec.yaml").read_text())
    assert set(spec["tables"]["services"]["columns"]["name"]["values"]) >= {
        "Wellness exam",
        "Microchipping",
    }
    job = json.loads((out / "job.json").read_text())
    assert job["status"] == "completed" and [s["stage"] for s in job["stages"]] == [
        "research", "model", "load", "golden", "script"]  # fmt: skip
    assert all(s["status"] == "done" for s in summary["stages"])


def test_golden_results_are_what_the_warehouse_returns(
    vet_demo: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = vet_demo
    queries = json.loads((out / "golden_queries.json").read_text())
    assert 8 <= len(queries) <= 15 and len({q["id"] for q in queries}) == len(queries)
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        for q in queries:
            assert set(q) >= QUERY_KEYS and q["compare"] in ("ordered", "unordered")
            cur = con.execute(q["sql"])
            rows = normalise_rows(cur.fetchall())
            assert [d[0] for d in cur.description] == q["result"]["columns"]
            assert (
                result_hash(rows, q["compare"])
                == q["result_hash"]
                == result_hash(q["result"]["rows"], q["compare"])
            )
        peak = next(q for q in queries if q["id"] == "peak_month")
        assert peak["result"]["rows"][0][0] == 12  # the planted December peak
        top = next(q for q in queries if q["id"] == "top_catalog_by_revenue")
        research = json.loads((out / "research.json").read_text())
        assert top["result"]["rows"][0][0] in {p["name"] for p in research["products_or_services"]}
        comments = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = 'visits'"
        ).fetchone()
        assert comments == ("Visits to the clinic, one service each",)
        keys = con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'visits'"
        ).fetchall()
        assert ("PRIMARY KEY",) in keys and ("FOREIGN KEY",) in keys
    finally:
        con.close()


def test_the_demo_script(vet_demo: tuple[Path, dict[str, Any]]) -> None:
    out, _ = vet_demo
    text = (out / "demo_script.md").read_text()
    assert text.startswith("# Demo script: Paws & Claws Veterinary Clinic")
    assert "```mermaid\nerDiagram" in text and 'owners ||--|{ pets : "owner_id"' in text
    queries = json.loads((out / "golden_queries.json").read_text())
    assert all(q["question"] in text for q in queries)
    assert "December" in text  # the peak month's answer, as a month name


def test_an_unchanged_rerun_reuses_every_stage(
    vet_site: SiteServer, vet_demo: tuple[Path, dict[str, Any]]
) -> None:
    out, _ = vet_demo
    asked = len(vet_site.requests)
    again = provision(vet_site.url, out, scale=0.3)
    assert [s["status"] for s in again["stages"]] == ["reused"] * 5
    assert len(vet_site.requests) == asked  # no network at all
    rescaled = provision(vet_site.url, out, scale=0.2)
    assert [s["status"] for s in rescaled["stages"]] == ["reused", "done", "done", "done", "done"]
    assert len(vet_site.requests) == asked


def test_bad_input_exits_2_located_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    runner = CliRunner()
    result = runner.invoke(app, ["provision", "run", "ftp://x.example/", "--out", str(out),
                                 "--scale", "0", "--max-pages", "0", "--db", "bigquery://p/d"])  # fmt: skip
    assert result.exit_code == 2
    for where in ("URL:", "--scale:", "--max-pages:", "--db:"):
        assert where in result.output
    assert "BigQuery is not supported" in result.output
    assert not out.exists()
    (tmp_path / "file").write_text("x")
    taken = runner.invoke(
        app, ["provision", "run", "http://127.0.0.1:9/", "--out", str(tmp_path / "file")]
    )
    assert taken.exit_code == 2 and "--out:" in taken.output


def test_an_unreachable_site_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["provision", "run", "http://127.0.0.1:9/", "--out", str(tmp_path / "d"), "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.output)["problems"][0]["location"] == "URL"
    assert not (tmp_path / "d").exists()  # nothing left behind


def test_any_database_url_sqlite_too(vet_site: SiteServer, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    db = f"sqlite:///{tmp_path / 'warehouse.db'}"
    summary = provision(vet_site.url, out, db_url=db, scale=0.2)
    assert summary["outputs"]["golden"]["summary"]["dropped"] == []
    assert summary["outputs"]["load"]["summary"]["comments"].startswith("none")
    queries = json.loads((out / "golden_queries.json").read_text())
    assert any("strftime('%m'" in q["sql"].lower() for q in queries)  # EXTRACT, the SQLite way
    assert not (out / "warehouse.duckdb").exists()


def test_a_running_job_is_cancelled_and_then_resumes(vet_site: SiteServer, tmp_path: Path) -> None:
    from synthwright.provision import Cancelled, JobStore, state_path

    out = tmp_path / "demo"

    def cancel_after_model(event: dict[str, Any]) -> None:
        if event["phase"] == "model" and event.get("status") == "done":
            JobStore(state_path(out)).request_cancel(event["job_id"])

    with pytest.raises(Cancelled):
        provision(vet_site.url, out, scale=0.2, on_event=cancel_after_model)
    job = json.loads((out / "job.json").read_text())
    assert job["status"] == "cancelled" and not (out / "golden_queries.json").exists()
    resumed = provision(vet_site.url, out, scale=0.2)
    assert [s["status"] for s in resumed["stages"]] == ["reused", "reused", "done", "done", "done"]
