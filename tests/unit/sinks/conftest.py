"""Shared sample tables: awkward values in every type a sink must carry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from synthwright.sinks import ForeignKey, TableMeta

NAMES = ["Ada", 'O\'Brien, "the" \\ one', "line\nbreak\r\nend", "Zoë 東京 🚀", "", None]

CUSTOMERS = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("email", pa.string(), nullable=False),
        pa.field("balance", pa.decimal128(12, 2)),
        pa.field("active", pa.bool_()),
        pa.field("created", pa.timestamp("us")),
        pa.field("seen", pa.timestamp("us", tz="UTC")),
        pa.field("birthday", pa.date32()),
        pa.field("wake", pa.time64("us")),
        pa.field("score", pa.float64()),
        pa.field("wait", pa.duration("us")),
        pa.field("tier", pa.dictionary(pa.int32(), pa.string())),
    ]
)
ORDERS = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("customer_id", pa.int64()),
        pa.field("total", pa.decimal128(10, 2), nullable=False),
    ]
)
TABLES = [
    TableMeta("customers", CUSTOMERS, primary_key="id", unique=(("email",),)),
    TableMeta(
        "orders",
        ORDERS,
        primary_key="id",
        foreign_keys=(ForeignKey("customer_id", "customers", "id"),),
    ),
]


def customers_rows() -> dict[str, list[object]]:
    n = len(NAMES)
    return {
        "id": list(range(1, n + 1)),
        "name": NAMES,
        "email": [f"u{i}@example.com" for i in range(n)],
        "balance": [
            Decimal("12.30"),
            Decimal("-0.05"),
            None,
            Decimal("9999999999.99"),
            Decimal("0.00"),
            Decimal("1.10"),
        ],
        "active": [True, False, None, True, False, True],
        "created": [
            dt.datetime(2024, 1, 2, 3, 4, 5, 123456),
            None,
            dt.datetime(1999, 12, 31, 23, 59, 59),
            dt.datetime(2024, 2, 29),
            dt.datetime(2000, 1, 1, 0, 0, 0, 1),
            dt.datetime(2030, 6, 1, 12),
        ],
        "seen": [
            dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc),
            None,
            None,
            None,
            None,
            dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
        ],
        "birthday": [
            dt.date(1990, 5, 17),
            None,
            dt.date(2000, 2, 29),
            dt.date(1970, 1, 1),
            dt.date(2024, 12, 31),
            dt.date(1985, 7, 4),
        ],
        "wake": [
            dt.time(7, 30),
            dt.time(6, 0, 0, 500000),
            None,
            dt.time(23, 59, 59),
            dt.time(0, 0),
            dt.time(12, 0),
        ],
        "score": [1.5, -0.25, None, 1e20, 0.1, 3.0],
        "wait": [
            dt.timedelta(seconds=1.5),
            None,
            dt.timedelta(0),
            dt.timedelta(days=1),
            dt.timedelta(microseconds=7),
            dt.timedelta(minutes=3),
        ],
        "tier": ["gold", "silver", None, "gold", "bronze", "silver"],
    }


def customers_batch() -> pa.RecordBatch:
    rows = customers_rows()
    arrays = []
    for field in CUSTOMERS:
        if pa.types.is_dictionary(field.type):
            arrays.append(
                pa.array(rows[field.name], pa.string()).dictionary_encode().cast(field.type)
            )
        else:
            arrays.append(pa.array(rows[field.name], field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=CUSTOMERS)


def orders_batches() -> list[pa.RecordBatch]:
    """Two batches, so streaming writers are tested across a batch boundary."""
    first = {
        "id": [1, 2, 3],
        "customer_id": [1, 1, None],
        "total": [Decimal("10.00"), Decimal("0.01"), Decimal("99999999.99")],
    }
    second = {"id": [4], "customer_id": [4], "total": [Decimal("-5.50")]}
    return [pa.RecordBatch.from_pydict(d, schema=ORDERS) for d in (first, second)]


def write_all(sink: object) -> list[str]:
    """Write the sample tables through `sink` (a Sink) and return what it wrote."""
    with sink.session(TABLES) as s:  # type: ignore[attr-defined]
        s.write_batch("customers", customers_batch())
        for batch in orders_batches():
            s.write_batch("orders", batch)
    return list(sink.written)  # type: ignore[attr-defined]


def snapshot(path: object) -> dict[str, bytes]:
    """Every file under a directory (hidden ones too) with its bytes."""
    from pathlib import Path

    root = Path(str(path))
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def tables() -> list[TableMeta]:
    return TABLES
