"""The contract every server database sink must keep, written once for PostgreSQL and MySQL.

A test module subclasses `ServerCases` and provides the fixtures `url`
(an empty database), `counts` (its tables with row counts), `tables` (read
tables back into Arrow) and `execute` (run one statement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pytest

import synthwright as sw
from synthwright.api import _table_metas
from synthwright.errors import SinkError
from synthwright.sinks import SinkInputError, existing_max_ids, open_sink
from tests.conftest import shop_spec
from tests.unit.sinks.conftest import CUSTOMERS, TABLES, customers_rows, write_all

Counts = Callable[[str], dict[str, int]]
Tables = Callable[[str, dict[str, pa.Schema]], dict[str, pa.Table]]
Execute = Callable[[str, str], Any]


def small_spec(rows: int = 50, first_id: int | None = None) -> dict[str, Any]:
    """Parents and children with integer keys, for append (ids continue after the max)."""
    ids: dict[str, Any] = {"type": "id"}
    child_ids: dict[str, Any] = {"type": "id"}
    if first_id is not None:
        ids["min"] = first_id
        child_ids["min"] = first_id * 3
    return {
        "version": 1,
        "name": "small",
        "seed": 3,
        "tables": {
            "parents": {"rows": rows, "columns": {"id": ids, "name": {"type": "first_name"}}},
            "children": {
                "per_parent": {"table": "parents", "min": 1, "max": 3},
                "columns": {
                    "id": child_ids,
                    "parent_id": {"ref": "parents.id"},
                    "amount": {"type": "decimal", "min": 1, "max": 100, "scale": 2},
                },
            },
        },
    }


def _schemas(ds: sw.Dataset) -> dict[str, pa.Schema]:
    return {tp.name: tp.schema() for tp in ds.plan.tables}


def _failing_at(table: str) -> Callable[[str, int, int], None]:
    """A progress callback that fails once `table` has started (a failure mid-load)."""

    def progress(name: str, done: int, total: int) -> None:
        if name == table and done:
            raise RuntimeError("injected failure")

    return progress


class ServerCases:
    """Row counts, keys, types, check on read back, if_exists, atomicity, credentials."""

    def test_types_round_trip(self, url: str, tables: Tables) -> None:
        write_all(open_sink(url))
        back = tables(url, {"customers": CUSTOMERS})["customers"].sort_by("id")
        for name, values in customers_rows().items():
            want = pa.array(values, pa.string() if name == "tier" else CUSTOMERS.field(name).type)
            assert back.column(name).to_pylist() == want.to_pylist(), name

    def test_shop_loads_with_keys_and_passes_check(
        self, url: str, counts: Counts, tables: Tables, execute: Execute
    ) -> None:
        spec = shop_spec(300)
        ds = sw.generate(spec, seed=5)
        written = ds.to_db(url)
        assert [w.split("#")[1] for w in written] == ds.table_names
        assert counts(url) == ds.stats.rows
        assert sw.check(tables(url, _schemas(ds)), spec) == []
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            execute(url, "INSERT INTO reviews (id, product_id, customer_id, rating) "
                         "VALUES (100000, 1, 999999, 3)")  # fmt: skip
        with pytest.raises(Exception, match=r"(?i)duplicate"):
            execute(url, "INSERT INTO products (id, code, price) VALUES (1, 'X-1', 1.00)")

    def test_fail_refuses_an_existing_table_and_changes_nothing(
        self, url: str, counts: Counts
    ) -> None:
        sw.generate(small_spec(), seed=1).to_db(url)
        before = counts(url)
        with pytest.raises(SinkInputError, match="table 'parents' already exists"):
            sw.generate(small_spec(), seed=2).to_db(url)
        assert counts(url) == before

    def test_replace_and_truncate_leave_only_the_new_rows(self, url: str, counts: Counts) -> None:
        sw.generate(small_spec(80), seed=1).to_db(url)
        sw.generate(shop_spec(40), seed=2).to_db(url)
        for mode, rows in (("replace", 30), ("truncate", 20)):
            ds = sw.generate(shop_spec(rows), seed=rows)
            ds.to_db(url, if_exists=mode)
            assert {t: counts(url)[t] for t in ds.table_names} == ds.stats.rows, mode
        assert counts(url)["parents"] == 80  # tables outside the dataset are left alone

    def test_append_continues_keys_after_the_existing_maximum(
        self, url: str, counts: Counts, tables: Tables
    ) -> None:
        first = sw.generate(small_spec(50), seed=1)
        first.to_db(url)
        maxes = existing_max_ids(url, _table_metas(first.plan))
        assert maxes == {"parents": 50, "children": first.stats.rows["children"]}
        # what Dataset.to_db(if_exists="append") does: generate ids from max + 1
        second = sw.generate(small_spec(20, first_id=maxes["parents"] + 1), seed=2)
        second.to_db(url, if_exists="append")
        got = counts(url)
        assert got["parents"] == 70
        assert got["children"] == first.stats.rows["children"] + second.stats.rows["children"]
        back = tables(url, _schemas(second))
        assert sorted(back["parents"].column("id").to_pylist()) == list(range(1, 71))
        parents = set(back["parents"].column("id").to_pylist())
        assert set(back["children"].column("parent_id").to_pylist()) <= parents

    def test_append_shifts_keys_that_would_clash(self, url: str, counts: Counts) -> None:
        sw.generate(small_spec(50), seed=1).to_db(url)
        before = counts(url)
        ds = sw.generate(small_spec(10), seed=2)  # its ids start at 1: they are shifted
        ds.to_db(url, if_exists="append")
        after = counts(url)
        assert after["parents"] == before["parents"] + 10
        assert after["children"] > before["children"]

    @pytest.mark.parametrize("mode", ["replace", "truncate", "append"])
    def test_failure_mid_load_leaves_the_database_as_it_was(
        self, url: str, counts: Counts, mode: str
    ) -> None:
        sw.generate(small_spec(), seed=1).to_db(url)
        before = counts(url)
        ds = sw.generate(small_spec(first_id=1000), seed=9, on_progress=_failing_at("children"))
        with pytest.raises(RuntimeError, match="injected failure"):
            ds.to_db(url, if_exists=mode)
        assert counts(url) == before

    def test_fresh_load_failing_mid_way_leaves_no_table(self, url: str, counts: Counts) -> None:
        ds = sw.generate(shop_spec(60), seed=1, on_progress=_failing_at("order_items"))
        with pytest.raises(RuntimeError, match="injected failure"):
            ds.to_db(url)
        assert counts(url) == {}

    def test_key_violation_in_the_data_rolls_back(self, url: str, counts: Counts) -> None:
        meta = replace(_table_metas(sw.generate(small_spec()).plan)[0], name="solo")
        good = pa.RecordBatch.from_pydict({"id": [1, 2], "name": ["a", "b"]}, meta.schema)
        with open_sink(url).session([meta]) as s:
            s.write_batch("solo", good)
        bad = pa.RecordBatch.from_pydict({"id": [1, 2, 2], "name": ["a", "b", "c"]}, meta.schema)
        for mode in ("replace", "truncate", "append"):
            sink = open_sink(url, if_exists=mode)
            with pytest.raises(SinkError, match=r"(?i)duplicate"), sink.session([meta]) as s:
                s.write_batch("solo", bad)
            assert counts(url) == {"solo": 2}, mode

    def test_foreign_key_violation_in_the_data_rolls_back(self, url: str, counts: Counts) -> None:
        with (
            pytest.raises(SinkError, match=r"(?i)foreign key"),
            open_sink(url).session(TABLES) as s,
        ):
            s.write_batch("customers", write_all_customers())
            s.write_batch("orders", orphan_order())
        assert counts(url) == {}


def write_all_customers() -> pa.RecordBatch:
    from tests.unit.sinks.conftest import customers_batch

    return customers_batch()


def orphan_order() -> pa.RecordBatch:
    from decimal import Decimal

    data = {"id": [1], "customer_id": [777], "total": [Decimal("1.00")]}
    return pa.RecordBatch.from_pydict(data, schema=TABLES[1].schema)


def assert_refused_without_secret(url: str, secret: str) -> None:
    """Connecting to `url` fails with SinkInputError whose message hides `secret`."""
    with pytest.raises(SinkInputError) as info:
        sw.generate(small_spec(5)).to_db(url)
    text = str(info.value)
    assert secret not in text and "cannot connect" in text
    chained = info.value.__cause__
    assert chained is None or secret not in str(chained)

    def test_append_children_of_existing_parents(self, url: str, counts: Counts) -> None:
        sw.generate(small_spec(30), seed=1).to_db(url)
        before = counts(url)
        spec = small_spec(30)
        parents = spec["tables"]["parents"]
        spec["tables"]["parents"] = {"existing": True, "columns": parents["columns"]}
        sw.generate(spec, seed=5).to_db(url, if_exists="append")
        after = counts(url)
        assert after["parents"] == before["parents"]
        assert after["children"] > before["children"]  # keyed after the max, FKs enforced by the db
