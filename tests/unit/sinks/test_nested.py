"""`--nest PARENT.CHILD`: children embedded in their parents' records (json, jsonl, xml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

import synthwright as sw
from synthwright.errors import SinkError

SPEC: dict[str, Any] = {
    "version": 1,
    "seed": 5,
    "tables": {
        "customers": {
            "rows": 700,
            "columns": {"id": {"type": "id"}, "name": {"type": "full_name"}},
        },
        "orders": {
            "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 2}}, "max": 6},
            "columns": {
                "id": {"type": "uuid"},
                "customer_id": {"ref": "customers.id"},
                "total": {"type": "decimal", "min": 1, "max": 99, "scale": 2},
            },
        },
        "order_items": {
            "per_parent": {"table": "orders", "dist": {"poisson": {"lam": 2}}, "max": 5},
            "columns": {
                "id": {"type": "id"},
                "order_id": {"ref": "orders.id"},
                "qty": {"type": "int", "min": 1, "max": 9},
            },
        },
        "products": {
            "rows": 5,
            "columns": {"id": {"type": "id"}, "label": {"type": "product_name"}},
        },
    },
}
CHAIN = "customers.orders.order_items"


@pytest.fixture(scope="module")
def ds() -> Any:
    data = sw.generate(SPEC)
    data.materialize()
    return data


def _counts(records: list[dict[str, Any]]) -> tuple[int, int, int]:
    orders = [o for c in records for o in c["orders"]]
    return len(records), len(orders), sum(len(o["order_items"]) for o in orders)


def _flat(ds: Any) -> tuple[int, int, int]:
    return ds["customers"].num_rows, ds["orders"].num_rows, ds["order_items"].num_rows


def test_json_nested_counts_equal_flat_counts(ds: Any, tmp_path: Path) -> None:
    written = ds.write(tmp_path, format="json", nest=[CHAIN])
    assert sorted(Path(p).name for p in written) == ["customers.json", "products.json"]
    records = json.loads((tmp_path / "customers.json").read_text())
    assert _counts(records) == _flat(ds)
    for c in records:  # every child sits under its own parent
        assert all(o["customer_id"] == c["id"] for o in c["orders"])
        for o in c["orders"]:
            assert all(i["order_id"] == o["id"] for i in o["order_items"])
    assert len(json.loads((tmp_path / "products.json").read_text())) == 5  # flat as ever


def test_jsonl_one_parent_per_line(ds: Any, tmp_path: Path) -> None:
    ds.write(tmp_path, format="jsonl", nest=[CHAIN])
    lines = (tmp_path / "customers.jsonl").read_text().splitlines()
    assert _counts([json.loads(line) for line in lines]) == _flat(ds)


def test_xml_children_inside_an_element_named_after_their_table(ds: Any, tmp_path: Path) -> None:
    ds.write(tmp_path, format="xml", nest=[CHAIN])
    root = ElementTree.parse(tmp_path / "customers.xml").getroot()
    customers = root.findall("row")
    orders = [o for c in customers for o in c.findall("orders/row")]
    items = [i for o in orders for i in o.findall("order_items/row")]
    assert (len(customers), len(orders), len(items)) == _flat(ds)
    assert all(
        o.findtext("customer_id") == c.findtext("id")
        for c in customers
        for o in c.findall("orders/row")
    )


def test_python_api_nested(ds: Any) -> None:
    records = list(ds.nested("orders.order_items"))
    assert len(records) == ds["orders"].num_rows
    assert sum(len(r["order_items"]) for r in records) == ds["order_items"].num_rows
    assert set(records[0]) == {"id", "customer_id", "total", "order_items"}


def test_two_children_of_one_parent(ds: Any, tmp_path: Path) -> None:
    spec = json.loads(json.dumps(SPEC))
    spec["tables"]["reviews"] = {
        "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 1}}, "max": 3},
        "columns": {"id": {"type": "id"}, "customer_id": {"ref": "customers.id"}},
    }
    data = sw.generate(spec)
    data.write(tmp_path, format="json", nest=["customers.orders", "customers.reviews"])
    records = json.loads((tmp_path / "customers.json").read_text())
    assert sum(len(r["reviews"]) for r in records) == data["reviews"].num_rows
    assert sum(len(r["orders"]) for r in records) == data["orders"].num_rows
    assert (tmp_path / "order_items.json").exists()  # not nested: flat


def test_refused_pairs_and_formats_leave_nothing(ds: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SinkError, match="no foreign key"):
        ds.write(out, format="json", nest=["products.orders"])
    with pytest.raises(SinkError, match=r"json, jsonl, xml"):
        ds.write(out, format="csv", nest=[CHAIN])
    with pytest.raises(SinkError, match=r"PARENT\.CHILD"):
        ds.write(out, format="json", nest=["customers"])
    assert not out.exists()


def test_cli_nest(tmp_path: Path) -> None:
    from synthwright.cli.app import app

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    runner = CliRunner()
    args = ["generate", str(spec), "--out", str(tmp_path / "o"), "--format", "jsonl"]
    res = runner.invoke(app, [*args, "--nest", "customers.orders", "--nest", "orders.order_items"])
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "o" / "customers.jsonl").read_text().splitlines()
    flat = sw.generate(SPEC)
    assert _counts([json.loads(x) for x in lines]) == _flat(flat)
    res = runner.invoke(
        app, ["generate", str(spec), "--out", str(tmp_path / "p"), "--nest", "customers.orders"]
    )
    assert res.exit_code == 2
