"""`existing: true`: children of an append point at rows already in the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import synthwright as sw


def _spec(existing: bool) -> dict:
    customers: dict = {
        "columns": {
            "id": {"type": "id"},
            "signup_at": {"type": "datetime", "min": "2023-01-01", "max": "2023-12-31"},
        }
    }
    if existing:
        customers["existing"] = True
    else:
        customers["rows"] = 40
    return {
        "tables": {
            "customers": customers,
            "orders": {
                "per_parent": {"table": "customers", "min": 1, "max": 3},
                "columns": {
                    "id": {"type": "id"},
                    "customer_id": {"ref": "customers.id"},
                    "at": {"type": "datetime", "after": "customers.signup_at", "within": "30d"},
                },
            },
        }
    }


def test_append_points_children_at_existing_parents(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    first = sw.generate(_spec(existing=False), seed=1)
    first.to_db(url)
    sw.generate(_spec(existing=True), seed=2).to_db(url, if_exists="append")
    con = sqlite3.connect(tmp_path / "shop.db")
    assert con.execute("select count(*) from customers").fetchone() == (40,)
    total, distinct = con.execute("select count(*), count(distinct id) from orders").fetchone()
    assert total == distinct > first.stats.rows["orders"]
    orphans = con.execute(
        "select count(*) from orders o left join customers c on c.id = o.customer_id "
        "where c.id is null or o.at < c.signup_at"
    ).fetchone()
    assert orphans == (0,)


def test_existing_tables_need_a_database() -> None:
    with pytest.raises(sw.GenerationError, match="--if-exists append"):
        sw.generate(_spec(existing=True)).materialize()


def test_existing_table_takes_no_rows() -> None:
    spec = _spec(existing=True)
    spec["tables"]["customers"]["rows"] = 5
    assert any("neither 'rows' nor 'per_parent'" in p for p in sw.validate(spec))
