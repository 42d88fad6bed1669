"""introspect -> edit -> generate into a NEW SQLite database -> check, end to end.

Two targets: a fresh file where synthwright creates the tables (its own DDL),
and a fresh file created with the fixture's DDL, so SQLite itself enforces
the original keys, NOT NULLs and CHECKs on every generated row.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

import synthwright as sw
from synthwright.introspect import inspect_database

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "shop_schema.sqlite.sql"


def _create(path: Path) -> str:
    con = sqlite3.connect(path)
    con.executescript(FIXTURE.read_text())
    con.close()
    return f"sqlite:///{path}"


def _edited_spec(source: str) -> sw.Spec:
    result = inspect_database(source, rows=120)
    data = yaml.safe_load(result.to_yaml())
    data["tables"]["customers"]["rows"] = 80  # the "edit" step
    return sw.load_spec(yaml.safe_dump(data))


def test_generate_into_our_own_tables(tmp_path: Path) -> None:
    spec = _edited_spec(_create(tmp_path / "source.db"))
    target = tmp_path / "fresh.db"
    sw.generate(spec).to_db(f"sqlite:///{target}")
    assert sw.check(target, spec) == []
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM customers").fetchone() == (80,)
    con.close()


def test_generate_into_the_fixture_schema(tmp_path: Path) -> None:
    spec = _edited_spec(_create(tmp_path / "source.db"))
    target = tmp_path / "schema_only.db"
    url = _create(target)
    sw.generate(spec).to_db(url, if_exists="append")  # tables exist: rows only
    con = sqlite3.connect(target)
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = {
        t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    con.close()
    assert counts["customers"] == 80 and all(n > 0 for n in counts.values()), counts
    assert sw.check(target, spec) == []
