"""A date/datetime window that can leave the calendar (past 9999-12-31) is refused."""

from __future__ import annotations

from typing import Any

import pytest

import synthwright as sw
from synthwright.errors import SpecError


def _spec(within: str, kind: str = "datetime", side: str = "after") -> dict[str, Any]:
    anchor = (
        {"min": "9999-06-01", "max": "9999-12-01"}
        if side == "after"
        else {"min": "0001-01-20", "max": "0001-06-01"}
    )
    return {
        "version": 1,
        "tables": {
            "t": {
                "rows": 20,
                "columns": {
                    "id": {"type": "id"},
                    "a": {"type": kind, **anchor},
                    "b": {"type": kind, side: "a", "within": within},
                },
            }
        },
    }


@pytest.mark.parametrize("kind", ["date", "datetime"])
@pytest.mark.parametrize("side", ["after", "before"])
def test_a_window_past_the_calendar_is_refused_with_its_location(kind: str, side: str) -> None:
    with pytest.raises(SpecError) as caught:
        sw.generate(_spec("3650d", kind, side))
    (problem,) = [
        p for p in caught.value.problems if "calendar" in p.message or "9999" in p.message
    ]
    assert problem.location == "tables.t.columns.b"


def test_a_window_inside_the_calendar_generates_readable_values() -> None:
    table = sw.generate(_spec("20d"))["t"]
    assert table.num_rows == 20
    assert max(table.column("b").to_pylist()).year == 9999  # readable as datetime
