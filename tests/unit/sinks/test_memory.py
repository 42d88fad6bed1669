"""MemorySink and the shared Sink protocol (states, checks, session)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from synthwright.db import redact_url
from synthwright.errors import SinkError
from synthwright.sinks import ForeignKey, MemorySink, TableMeta

from .conftest import ORDERS, TABLES, customers_batch, customers_rows, orders_batches, write_all


def test_round_trip_keeps_values_and_schema() -> None:
    sink = MemorySink()
    assert write_all(sink) == ["customers", "orders"]
    customers = sink["customers"]
    assert customers.schema == TABLES[0].schema
    assert customers.column("name").to_pylist() == customers_rows()["name"]
    assert sink["orders"].num_rows == 4


def test_empty_table_is_kept_with_its_schema() -> None:
    sink = MemorySink()
    with sink.session(TABLES) as s:
        s.write_batch("customers", customers_batch())
    assert sink["orders"].num_rows == 0
    assert sink["orders"].schema == ORDERS


def test_session_aborts_on_error_and_keeps_nothing() -> None:
    sink = MemorySink()
    with pytest.raises(RuntimeError), sink.session(TABLES) as s:
        s.write_batch("customers", customers_batch())
        raise RuntimeError("boom")
    assert sink.tables == {}
    with pytest.raises(SinkError, match="aborted"):
        sink.write_batch("customers", customers_batch())


def test_wrong_schema_is_refused_and_aborts() -> None:
    sink = MemorySink()
    sink.open(TABLES)
    with pytest.raises(SinkError, match="orders") as info:
        sink.write_batch("orders", customers_batch())
    assert isinstance(info.value, OSError)
    with pytest.raises(SinkError, match="aborted"):
        sink.close()
    sink.abort()  # still safe


def test_wrong_type_names_the_column() -> None:
    sink = MemorySink()
    sink.open(TABLES)
    bad = pa.RecordBatch.from_pydict(
        {"id": [1], "customer_id": ["x"], "total": [1.0]},
    )
    with pytest.raises(SinkError, match="customer_id"):
        sink.write_batch("orders", bad)


def test_nulls_in_not_null_column_are_refused() -> None:
    sink = MemorySink()
    sink.open(TABLES)
    batch = orders_batches()[0]
    ids = pa.array([1, None, 3], pa.int64())
    bad = pa.RecordBatch.from_arrays([ids, batch.column(1), batch.column(2)], schema=ORDERS)
    with pytest.raises(SinkError, match="NOT NULL"):
        sink.write_batch("orders", bad)


def test_unknown_table_and_states() -> None:
    sink = MemorySink()
    with pytest.raises(SinkError, match="not open"):
        sink.write_batch("orders", orders_batches()[0])
    sink.open(TABLES)
    with pytest.raises(SinkError, match=r"cannot be opened"):
        sink.open(TABLES)


def test_unknown_table_is_refused() -> None:
    sink = MemorySink()
    sink.open(TABLES)
    with pytest.raises(SinkError, match="unknown table 'nope'"):
        sink.write_batch("nope", orders_batches()[0])


def test_close_then_abort_keeps_the_result() -> None:
    sink = MemorySink()
    write_all(sink)
    sink.abort()
    assert sink["orders"].num_rows == 4


@pytest.mark.parametrize(
    "tables, message",
    [
        ([TABLES[1]], "unknown table 'customers'"),
        ([TableMeta("t", ORDERS, primary_key="nope")], "'nope' not in schema"),
        ([TableMeta("t", ORDERS, unique=(("id", "zz"),))], "'zz' not in schema"),
        ([TABLES[0], TABLES[0]], "given twice"),
        (
            [TableMeta("t", ORDERS, foreign_keys=(ForeignKey("customer_id", "t", "id"),))],
            None,  # no key target: fine where no keys are declared
        ),
        (
            [
                TableMeta(
                    "t",
                    ORDERS,
                    primary_key="id",
                    foreign_keys=(ForeignKey("customer_id", "t", "id"),),
                )
            ],
            None,
        ),
    ],
)
def test_table_metadata_is_checked_at_open(tables: list[TableMeta], message: str | None) -> None:
    sink = MemorySink()
    if message is None:
        sink.open(tables)  # a self-reference is fine
        return
    with pytest.raises(SinkError, match=message):
        sink.open(tables)


def test_redact_url_hides_the_login() -> None:
    assert redact_url("postgresql://bob:s3cret@db:5432/x") == "postgresql://***@db:5432/x"
    assert redact_url("sqlite:///a.db") == "sqlite:///a.db"
