"""The profiled spec: YAML round trip, editing, regeneration, located errors."""

from __future__ import annotations

import pyarrow as pa
import pytest
import yaml

import synthwright as sw
from synthwright.errors import SpecError
from synthwright.profile import ProfiledSpec, generate_from_profile, profile_tables


def test_yaml_round_trip_and_edit(known: pa.Table, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fitted = profile_tables({"t": known.slice(0, 1500)}, name="known")
    path = tmp_path / "spec.yaml"
    path.write_text(fitted.to_yaml())
    back = ProfiledSpec.from_yaml(path)
    assert back.profiles == fitted.profiles
    assert back.spec == fitted.spec
    data = yaml.safe_load(path.read_text())
    assert data["tables"]["t"]["columns"]["x"]["type"] == "float"
    assert data["tables"]["t"]["columns"]["x"]["dist"]["normal"]["mean"] == pytest.approx(50, abs=1)
    data["tables"]["t"]["rows"] = 321  # a user edit
    edited = ProfiledSpec.from_data(data)
    assert generate_from_profile(edited, seed=1)["t"].num_rows == 321


def test_plain_spec_part_generates_without_profile(known: pa.Table) -> None:
    fitted = profile_tables({"t": known.slice(0, 1500)})
    out = sw.generate(fitted.spec, seed=1, rows=100)["t"]
    assert out.num_rows == 100
    assert set(out.column_names) == set(known.column_names)


def test_bad_profile_is_located(known: pa.Table) -> None:
    fitted = profile_tables({"t": known.slice(0, 500)})
    data = fitted.to_data()
    data["tables"]["t"]["profile"]["copula"]["correlation"] = [[1.0]]
    data["tables"]["t"]["columns"]["x"]["type"] = "flaot"
    with pytest.raises(SpecError) as info:
        ProfiledSpec.from_data(data)
    text = str(info.value)
    assert "tables.t.profile.copula" in text
    assert "tables.t.columns.x" in text
