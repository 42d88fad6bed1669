"""Schemas read from SQLite/DuckDB files -> specs that compile, with notes on adaptations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

import synthwright as sw
from synthwright.engine.compile import compile_spec
from synthwright.errors import DataError
from synthwright.introspect import inspect_database, introspect
from synthwright.spec import ExprColumn, RefColumn, TypeColumn

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _sqlite(tmp_path: Path, ddl: str, name: str = "db.sqlite") -> str:
    path = tmp_path / name
    con = sqlite3.connect(path)
    con.executescript(ddl)
    con.close()
    return f"sqlite:///{path}"


@pytest.fixture
def shop_url(tmp_path: Path) -> str:
    return _sqlite(tmp_path, (FIXTURES / "shop_schema.sqlite.sql").read_text(), "shop.db")


def _type(spec: sw.Spec, table: str, column: str) -> str:
    col = spec.tables[table].columns[column]
    assert isinstance(col, TypeColumn), (table, column, col)
    return col.type


def test_shop_fixture_tables_keys_and_types(shop_url: str) -> None:
    result = inspect_database(shop_url, rows=300)
    spec = result.spec
    assert len(spec.tables) == 10
    compile_spec(spec)
    assert result.notes == []
    assert _type(spec, "customers", "id") == "id"
    assert _type(spec, "orders", "id") == "uuid"
    email = spec.tables["customers"].columns["email"]
    assert isinstance(email, TypeColumn) and email.type == "email" and email.unique
    assert _type(spec, "customers", "country_code") == "country_code"
    assert _type(spec, "addresses", "postal_code") == "postal_code"
    assert _type(spec, "addresses", "latitude") == "latitude"
    assert _type(spec, "products", "name") == "product_name"
    assert _type(spec, "products", "currency") == "currency_code"
    assert _type(spec, "payments", "card_number") == "credit_card"
    assert _type(spec, "payments", "ip_address") == "ipv4"
    assert _type(spec, "employees", "job_title") == "job_title"
    assert _type(spec, "orders", "metadata") == "json"
    assert _type(spec, "orders", "notes") == "text"
    updated = spec.tables["customers"].columns["updated_at"]
    assert isinstance(updated, TypeColumn) and updated.after == "created_at"
    assert updated.null_rate == pytest.approx(0.1)
    salary = spec.tables["employees"].columns["salary"]
    assert isinstance(salary, TypeColumn) and salary.type == "decimal" and salary.scale == 2
    assert float(salary.min) >= 20000 and float(salary.max) <= 250000  # type: ignore[arg-type]
    assert email.description == "introspected: varchar(255) NOT NULL; semantic type from name"


def test_shop_fixture_relations(shop_url: str) -> None:
    spec = introspect(shop_url, rows=300)
    orders = spec.tables["orders"]
    assert orders.per_parent is not None and orders.per_parent.table == "customers"
    customer_id = orders.columns["customer_id"]
    assert isinstance(customer_id, RefColumn) and customer_id.ref == "customers.id"
    address = orders.columns["shipping_address_id"]
    assert isinstance(address, RefColumn) and address.null_rate > 0
    junction = spec.tables["product_categories"]
    assert junction.per_parent is not None and junction.unique == ["product_id", "category_id"]
    manager = spec.tables["employees"].columns["manager_id"]
    assert isinstance(manager, RefColumn) and manager.ref == "employees.id"
    assert spec.tables["customers"].rows == 300
    assert spec.tables["order_items"].unique == ["order_id", "product_id"]


def test_checks_become_constraints_and_categories(shop_url: str) -> None:
    spec = introspect(shop_url)
    tier = spec.tables["customers"].columns["loyalty_tier"]
    assert isinstance(tier, TypeColumn) and tier.type == "category"
    assert tier.values == ["bronze", "silver", "gold"]
    assert "rating BETWEEN 1 AND 5" in spec.tables["reviews"].checks
    assert "amount >= 0.01" in spec.tables["payments"].checks  # amount > 0 on numeric(12,2)
    assert "quantity > 0 AND quantity <= 20" in spec.tables["order_items"].checks
    status = spec.tables["orders"].columns["status"]
    assert isinstance(status, TypeColumn) and status.values == [
        "pending",
        "paid",
        "shipped",
        "delivered",
        "cancelled",
    ]


def test_generated_data_meets_every_rule(shop_url: str) -> None:
    spec = introspect(shop_url, rows=60)
    ds = sw.generate(spec)
    assert sw.check(ds, spec) == []
    assert ds["customers"].num_rows == 60


def test_derived_column_from_sum_check(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        """CREATE TABLE invoices (id INTEGER PRIMARY KEY, net NUMERIC(10,2) NOT NULL,
           vat NUMERIC(10,2) NOT NULL, gross NUMERIC(10,2) NOT NULL,
           CHECK (gross = net + vat), CHECK (net >= 0));""",
    )
    spec = introspect(url, rows=20)
    assert isinstance(spec.tables["invoices"].columns["gross"], ExprColumn)
    assert "gross = net + vat" in spec.tables["invoices"].checks
    assert sw.check(sw.generate(spec), spec) == []


def test_unsupported_checks_are_left_out_with_a_note(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        """CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER,
           code VARCHAR(10) CHECK (length(code) = 10), CHECK (a < b));""",
    )
    result = inspect_database(url, rows=10)
    assert result.spec.tables["t"].checks == []
    assert len([n for n in result.notes if "left out" in n]) == 2
    assert all(n.startswith("tables.t.checks: CHECK") for n in result.notes)


def test_cycle_is_broken_with_a_note(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        """CREATE TABLE teams (id INTEGER PRIMARY KEY, captain_id INTEGER REFERENCES players(id));
           CREATE TABLE players (id INTEGER PRIMARY KEY,
                                 team_id INTEGER NOT NULL REFERENCES teams(id));""",
    )
    result = inspect_database(url, rows=10)
    captain = result.spec.tables["teams"].columns["captain_id"]
    assert isinstance(captain, ExprColumn) and "NULL" in captain.expr
    assert any("cycle" in n and "teams.captain_id" in n for n in result.notes)
    assert result.spec.tables["players"].per_parent is not None
    compile_spec(result.spec)


def test_composite_fk_and_non_key_reference(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        """CREATE TABLE lines (order_no INTEGER NOT NULL, line_no INTEGER NOT NULL, sku TEXT,
                               PRIMARY KEY (order_no, line_no));
           CREATE TABLE notes (id INTEGER PRIMARY KEY, order_no INTEGER, line_no INTEGER,
                               sku TEXT REFERENCES lines(sku),
                               FOREIGN KEY (order_no, line_no) REFERENCES lines(order_no, line_no));""",
    )
    result = inspect_database(url, rows=10)
    notes = "\n".join(result.notes)
    assert "composite foreign key (order_no, line_no)" in notes
    assert "neither its primary key nor UNIQUE" in notes
    cols = result.spec.tables["notes"].columns
    assert isinstance(cols["order_no"], ExprColumn)  # nullable: NULL satisfies the FK
    assert not isinstance(cols["sku"], RefColumn)
    compile_spec(result.spec)


def test_not_null_self_reference_is_noted(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "REFERENCES nodes(id));",
    )
    result = inspect_database(url, rows=10)
    parent = result.spec.tables["nodes"].columns["parent_id"]
    assert isinstance(parent, RefColumn) and parent.null_rate > 0
    assert any("NOT NULL self-reference" in n for n in result.notes)


def test_unique_strings_and_short_columns(tmp_path: Path) -> None:
    url = _sqlite(
        tmp_path,
        """CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(30) NOT NULL UNIQUE,
           email VARCHAR(12), code CHAR(4) NOT NULL, body VARCHAR(500));""",
    )
    spec = introspect(url, rows=50)
    label = spec.tables["tags"].columns["label"]
    assert isinstance(label, TypeColumn) and label.unique and label.pattern
    assert _type(spec, "tags", "email") == "string"  # too short for an email
    code = spec.tables["tags"].columns["code"]
    assert isinstance(code, TypeColumn) and code.min_length == code.max_length == 4
    body = spec.tables["tags"].columns["body"]
    assert isinstance(body, TypeColumn) and body.type == "text" and body.max_length == 500
    data = sw.generate(spec)["tags"]
    assert max(len(v) for v in data["body"].to_pylist() if v) <= 500


def test_table_selection_brings_parents(shop_url: str) -> None:
    result = inspect_database(shop_url, tables=["ORDER_ITEMS"])
    assert set(result.spec.tables) == {
        "order_items",
        "orders",
        "products",
        "customers",
        "addresses",
        "employees",
    }
    assert any("added because a selected table references it" in n for n in result.notes)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not-a-url", "not a database URL"),
        ("oracle://scott:tiger@db/x", "unsupported database URL"),
        ("sqlite:///does/not/exist.db", "no such database file"),
        ("sqlite://", "names no database file"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        introspect(url)
    assert message in str(info.value)
    assert "tiger" not in str(info.value)


def test_unknown_table_and_empty_database(shop_url: str, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="did you mean 'orders'"):
        introspect(shop_url, tables=["ordrs"])
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(DataError, match="has no tables"):
        introspect(f"sqlite:///{empty}")


def test_duckdb_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR UNIQUE, m mood NOT NULL,
                             balance DECIMAL(10, 2) CHECK (balance >= 0), u UUID, j JSON);
        CREATE TABLE visits (id BIGINT PRIMARY KEY,
                             person_id INTEGER NOT NULL REFERENCES people(id),
                             a INTEGER, b INTEGER, UNIQUE (a, b), CHECK (a < b));"""
    )
    con.close()
    result = inspect_database(f"duckdb:///{path}", rows=40)
    spec = result.spec
    mood = spec.tables["people"].columns["m"]
    assert isinstance(mood, TypeColumn) and mood.values == ["sad", "ok", "happy"]
    assert _type(spec, "people", "email") == "email"
    assert _type(spec, "people", "u") == "uuid"
    assert spec.tables["people"].checks == ["balance >= 0"]
    person = spec.tables["visits"].columns["person_id"]
    assert isinstance(person, RefColumn) and person.ref == "people.id"
    assert spec.tables["visits"].unique == ["a", "b"]  # kept: sized by rows instead
    assert any("a < b" in n for n in result.notes)
    assert sw.check(sw.generate(spec), spec) == []
