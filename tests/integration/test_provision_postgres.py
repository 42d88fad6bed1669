"""provision into a real PostgreSQL: keys, comments, and golden answers computed there.

Skipped with a reason where no server listens on 127.0.0.1:5432, required
under CI=true (see ``_services.require``). The vet site is served on
loopback; the warehouse is a fresh database of the module's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ..unit.provision._sites import SiteServer
from ._databases import pg_counts, pg_db, pg_query, pg_url

__all__ = ["pg_db", "pg_url"]  # fixtures used here

pytest.importorskip("trafilatura")


@pytest.fixture(scope="module")
def vet_site() -> Iterator[SiteServer]:
    with SiteServer("vet") as site:
        yield site


def test_a_demo_warehouse_in_postgres(pg_url: str, vet_site: SiteServer, tmp_path: Path) -> None:
    from synthwright.provision import provision
    from synthwright.provision.sqlcheck import normalise_rows, result_hash

    out = tmp_path / "demo"
    summary = provision(vet_site.url, out, db_url=pg_url, scale=0.2)
    counts = pg_counts(pg_url)
    assert set(counts) == {"services", "veterinarians", "owners", "pets", "visits", "invoices"}
    assert counts == summary["outputs"]["load"]["summary"]["rows"]
    assert not (out / "warehouse.duckdb").exists()
    comment = pg_query(pg_url, "SELECT obj_description('visits'::regclass, 'pg_class')")
    assert comment == [("Visits to the clinic, one service each",)]
    column = pg_query(
        pg_url,
        "SELECT col_description('visits'::regclass, a.attnum) FROM pg_attribute a "
        "WHERE a.attrelid = 'visits'::regclass AND a.attname = 'amount'",
    )
    assert column == [("Amount charged for the visit",)]
    keys = pg_query(
        pg_url,
        "SELECT contype, count(*) FROM pg_constraint WHERE conrelid = 'visits'::regclass GROUP BY 1",
    )
    assert dict(keys)["p"] == 1 and dict(keys)["f"] == 3
    queries = json.loads((out / "golden_queries.json").read_text())
    assert len(queries) >= 8
    for q in queries:
        rows = normalise_rows(pg_query(pg_url, q["sql"]))
        assert result_hash(rows, q["compare"]) == q["result_hash"], q["id"]
    services = {r[0]: r[1] for r in pg_query(pg_url, "SELECT name, price FROM services")}
    assert services["Wellness exam"] == Decimal("65.00")
    again = provision(vet_site.url, out, db_url=pg_url, scale=0.2)
    assert [s["status"] for s in again["stages"]] == ["reused"] * 5  # tables checked, kept
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:  # changed behind the job's back
        con.execute("DELETE FROM invoices")
    healed = provision(vet_site.url, out, db_url=pg_url, scale=0.2)
    assert [s["status"] for s in healed["stages"]][:3] == ["reused", "reused", "done"]
    assert pg_counts(pg_url) == counts
