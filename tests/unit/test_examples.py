"""Every bundled example validates, generates and meets all of its own rules."""

from __future__ import annotations

from pathlib import Path

import pytest

import synthwright as sw
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_examples_exist() -> None:
    assert {p.stem for p in EXAMPLE_FILES} >= {"shop", "saas_events", "healthcare", "banking"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_generates_clean(path: Path) -> None:
    spec = sw.load_spec(path)
    ds = sw.generate(spec, scale=0.1)
    tables = ds.materialize()
    assert all(t.num_rows > 0 for t in tables.values())
    assert sw.check(ds, spec) == []
