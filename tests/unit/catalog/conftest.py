"""Helpers to build block contexts for catalogue tests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from synthwright.catalog import BlockContext, get
from synthwright.spec import TableSpec, TypeColumn


class Table:
    """Generates a table's columns in spec order for one block, sharing latents."""

    def __init__(self, columns: dict[str, dict[str, Any]], locale: str = "en_US") -> None:
        self.cols = {name: TypeColumn(**c) for name, c in columns.items()}
        self.spec = TableSpec(rows=1, columns=self.cols)
        self.locale = locale

    def block(
        self,
        n: int = 1000,
        block: int = 0,
        seed: int = 1,
        total: int | None = None,
        only: list[str] | None = None,
    ) -> dict[str, pa.Array]:
        shared: dict[str, Any] = {}
        done: dict[str, pa.Array] = {}
        for name, col in self.cols.items():
            if only is not None and name not in only:
                continue
            ctx = BlockContext(
                seed=seed,
                table="t",
                column=name,
                block=block,
                start=block * n,
                n=n,
                total_rows=total if total is not None else n * (block + 1),
                locale=self.locale,
                table_spec=self.spec,
                columns=done,
                shared=shared,
            )
            gen = get(col.type)
            assert gen is not None, col.type
            arr = gen.generate(col, ctx)
            assert len(arr) == n and arr.null_count == 0, name
            assert arr.type == gen.arrow_type(col), name
            done[name] = arr
        return done


@pytest.fixture
def table() -> type[Table]:
    return Table
