"""Fixtures: the shop spec and clean tables of :mod:`.shop`."""

from __future__ import annotations

import pyarrow as pa
import pytest

from synthwright.spec import Spec, spec_from_data

from .shop import SHOP, clean_tables


@pytest.fixture
def spec() -> Spec:
    return spec_from_data(SHOP)


@pytest.fixture
def tables() -> dict[str, pa.Table]:
    return clean_tables()
