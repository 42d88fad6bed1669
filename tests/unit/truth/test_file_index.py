"""The bundled file_index pack: its presets, its truth queries, and data that hangs together."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

import pytest

import synthwright as sw
from synthwright import truth
from synthwright.catalog import _pools
from synthwright.truth.bundled import bundled_text

NOW = dt.datetime(2024, 6, 30, 12)
PRESETS = {
    "basic": ((100, 80, 50, 150, 5), ["recent_project_reports", "new_york_4_days_ago"]),
    "mobile_focus": ((500, 400, 300, 750, 10), ["ios_mobile_devices", "san_francisco_opened"]),
    "large": (
        (10000, 8000, 5000, 15000, 20),
        ["recent_project_reports", "images_of_2023", "new_york_4_days_ago"],
    ),
}
PLATFORMS = {  # device types with the systems they run, and versions that exist
    ("laptop", "macOS"), ("desktop", "macOS"), ("laptop", "Windows"), ("desktop", "Windows"),
    ("laptop", "Linux"), ("desktop", "Linux"), ("phone", "iOS"), ("phone", "Android"),
    ("tablet", "iPadOS"), ("tablet", "Android"),
}  # fmt: skip
VERSIONS = {
    "macOS": {"14.5", "14.4.1", "13.6.7", "12.7.5"},
    "Windows": {"11 23H2", "11 22H2", "10 22H2"},
    "Linux": {"Ubuntu 24.04 LTS", "Ubuntu 22.04 LTS", "Fedora 40"},
    "iOS": {"17.5.1", "17.4.1", "16.7.8", "15.8.2"},
    "iPadOS": {"17.5.1", "16.7.8"},
    "Android": {"14", "13", "12"},
}


@pytest.fixture(scope="module", params=list(PRESETS))
def run(request: pytest.FixtureRequest) -> tuple[str, Any, dict[str, list[dict[str, Any]]]]:
    made = truth.generate("file_index", preset=request.param)
    tables = made.tables()
    return request.param, made, {n: t.to_pylist() for n, t in tables.items()}


def test_presets_have_their_sizes_queries_and_keep_every_rule(run: Any) -> None:
    preset, made, rows = run
    sizes, names = PRESETS[preset]
    order = ("storage", "semantic", "activity", "relationships", "machine_configs")
    assert tuple(len(rows[t]) for t in order) == sizes
    manifest = made.manifest
    assert [q["name"] for q in manifest["queries"]] == names
    for q in manifest["queries"]:
        assert q["planted"] and set(q["planted"]) <= set(q["expected"])
        assert q["near_misses"]
    spec = truth.apply_preset(sw.load_spec(bundled_text("file_index")), preset)
    assert sw.check(made.tables(), spec) == []


def test_files_names_extensions_mime_types_and_times_agree(run: Any) -> None:
    _, _, rows = run
    kinds = _pools.file_kinds()
    mime = dict(zip(kinds.extensions.to_pylist(), kinds.mimes.to_pylist(), strict=True))
    machines = {m["id"]: m for m in rows["machine_configs"]}
    for f in rows["storage"]:
        if f["kind"] == "folder":
            assert (f["extension"], f["mime_type"], f["size_bytes"]) == (
                "",
                "inode/directory",
                4096,
            )
        else:
            assert (
                f["name"].endswith("." + f["extension"]) and f["mime_type"] == mime[f["extension"]]
            )
            assert f["size_bytes"] >= 1
        assert f["created_at"] <= f["modified_at"] <= f["accessed_at"] <= NOW
        home = machines[f["machine"]]["home_dir"]
        if machines[f["machine"]]["os"] == "Windows":
            home = home.replace("/", "\\")
        assert f["path"].startswith(home) and f["path"].endswith(f["name"])
        assert f["depth"] >= 2


def test_machines_run_systems_that_exist(run: Any) -> None:
    _, _, rows = run
    for m in rows["machine_configs"]:
        assert (m["device_type"], m["os"]) in PLATFORMS
        assert m["version"] in VERSIONS[m["os"]]


def test_activity_semantic_and_relationships_point_at_real_objects(run: Any) -> None:
    _, _, rows = run
    files = {f["id"]: f for f in rows["storage"]}
    cities = _pools.cities()
    centre: dict[str, list[tuple[float, float]]] = {}
    for i, name in enumerate(cities.names.to_pylist()):
        centre.setdefault(name, []).append((float(cities.lat[i]), float(cities.lon[i])))
    for a in rows["activity"]:
        touched = files[a["object_id"]]
        assert touched["created_at"] <= a["observed_at"] <= NOW
        assert any(
            abs(a["latitude"] - la) < 0.2 and abs(a["longitude"] - lo) < 0.2
            for la, lo in centre[a["city"]]
        )
        assert -30 <= a["temperature_c"] <= 45
    for s in rows["semantic"]:
        f = files[s["object_id"]]
        if f["kind"] == "folder":
            assert s["content_type"] == "folder"
        elif f["mime_type"].startswith("image/"):
            assert s["content_type"] == "image"
        assert s["indexed_at"] >= f["modified_at"]
    assert len({s["object_id"] for s in rows["semantic"]}) == len(rows["semantic"])
    for r in rows["relationships"]:
        assert r["source_id"] in files and r["target_id"] in files


def test_large_index_has_published_shapes(run: Any) -> None:
    preset, _, rows = run
    if preset != "large":
        pytest.skip("shapes need the large preset's 10,000 objects")
    files = [f for f in rows["storage"] if f["kind"] == "file"]
    by_kind: dict[str, list[int]] = {}
    for f in files:
        by_kind.setdefault(f["extension"], []).append(f["size_bytes"])
    median = {k: statistics.median(v) for k, v in by_kind.items() if len(v) > 30}
    assert median["mp4"] > median["jpg"] > median["pdf"] > median["docx"] > median["txt"]
    sizes = sorted(f["size_bytes"] for f in files)
    p50, p99 = sizes[len(sizes) // 2], sizes[int(len(sizes) * 0.99)]
    assert p99 / p50 > 100  # heavy tail: a few files hold most bytes
    top = sizes[int(len(sizes) * 0.99) :]
    assert sum(top) / sum(sizes) > 0.25
    per_dir = Counter(f["directory"] for f in files)
    busiest = sorted(per_dir.values(), reverse=True)
    assert sum(busiest[: max(1, len(busiest) // 10)]) / len(files) > 0.4  # skewed fan-out
    depths = [f["depth"] for f in files]
    assert 3 <= statistics.mean(depths) <= 8 and max(depths) >= 8
    assert sum(f["accessed_at"] >= NOW - dt.timedelta(days=90) for f in files) / len(files) > 0.2
    created = Counter(f["created_at"].year for f in files)
    assert created[2023] > created[2017]  # newer files outnumber old ones
