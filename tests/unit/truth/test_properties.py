"""Properties of planting, for random specs with random truth sets (Hypothesis).

For every spec the planter accepts: ``expected`` is exactly the rows an
independent evaluation of the predicates finds (``_oracle``, plain Python
over the generated rows, not the manifest's SQL); planted rows match; every
near miss fails exactly the predicate it names; the data keeps every rule of
the spec (``check`` finds nothing); planted file and place columns agree
with each other. A truth set the planter refuses is refused with every
problem located in the truth section.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import synthwright as sw
from synthwright import truth
from synthwright.catalog import _pools
from synthwright.errors import SpecError

from ._oracle import failing, matching

NOW = dt.datetime(2024, 6, 30, 12, 0, 0)
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]

# column -> (predicate, python test for sql predicates or None)
_SQL = {"a": ("a % 3 = 0", lambda v: v % 3 == 0), "s": ("length(s) > 5", lambda v: len(v) > 5)}


def _columns(with_files: bool, with_places: bool, key: str) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "id": {"type": key},
        "a": {"type": "int", "min": 0, "max": 1000},
        "f": {"type": "float", "min": 0, "max": 100},
        "c": {"type": "category", "values": {w: 1.0 + i for i, w in enumerate(WORDS)}},
        "b": {"type": "bool", "p": 0.3},
        "d": {"type": "datetime", "min": "2023-01-01", "max": "2024-06-20T00:00:00"},
        "e": {"type": "datetime", "after": "d", "max": "2024-06-30T12:00:00"},
        "s": {"type": "first_name"},
    }
    if with_files:
        cols |= {
            "name": {"type": "file_name"},
            "ext": {"type": "file_extension"},
            "mime": {"type": "mime_type"},
        }
    if with_places:
        cols |= {
            "country": {"type": "country_code", "values": {"US": 0.6, "GB": 0.4}},
            "city": {"type": "city"},
            "lat": {"type": "latitude"},
            "lon": {"type": "longitude"},
        }
    return cols


@st.composite
def predicates(draw: Any, columns: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "a": st.one_of(
            st.integers(0, 1000),
            st.builds(lambda x: {"min": x}, st.integers(0, 990)),
            st.builds(lambda x: {"max": x}, st.integers(10, 1000)),
            st.builds(
                lambda x, w: {"min": x, "max": x + w}, st.integers(0, 800), st.integers(5, 200)
            ),
            st.builds(
                lambda xs: {"in": xs}, st.lists(st.integers(0, 1000), min_size=1, max_size=3)
            ),
            st.just({"sql": _SQL["a"][0]}),
        ),
        "f": st.one_of(
            st.builds(lambda x: {"min": x}, st.floats(0, 95)),
            st.builds(lambda x: {"max": x}, st.floats(5, 100)),
        ),
        "c": st.one_of(
            st.sampled_from(WORDS),
            st.builds(
                lambda xs: {"in": xs},
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
            ),
            st.builds(lambda w: {"like": w[0] + "%"}, st.sampled_from(WORDS)),
        ),
        "b": st.booleans(),
        "d": st.builds(lambda n: {"min": f"-{n}d"}, st.integers(20, 400)),
        "e": st.one_of(
            st.builds(lambda n: {"min": f"-{n}d"}, st.integers(1, 300)),
            st.builds(
                lambda n, w: {"min": f"-{n + w}d", "max": f"-{n}d"},
                st.integers(1, 30),
                st.integers(1, 30),
            ),
        ),
        "s": st.one_of(
            st.builds(lambda ch: {"like": ch + "%"}, st.sampled_from("ABCDJMS")),
            st.just("Zebulon"),
            st.just({"sql": _SQL["s"][0]}),
        ),
    }
    if "ext" in columns:
        options["ext"] = st.sampled_from(["pdf", "jpg", "docx", "csv"])
        options["name"] = st.builds(
            lambda w: {"like": w + "%"}, st.sampled_from(["Report", "Invoice", "IMG"])
        )
    if "city" in columns:
        options["city"] = st.sampled_from(["New York City", "London", "Chicago", "Manchester"])
    chosen = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True))
    return {c: draw(options[c]) for c in chosen}


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    with_files, with_places = draw(st.booleans()), draw(st.booleans())
    key = draw(st.sampled_from(["id", "uuid"]))
    columns = _columns(with_files, with_places, key)
    rows = draw(st.integers(30, 120))
    queries = []
    for i in range(draw(st.integers(1, 2))):
        queries.append(
            {
                "name": f"q{i}",
                "match": draw(predicates(columns)),
                "count": draw(st.integers(0, 4)),
                "near_misses": draw(st.integers(0, 5)),
            }
        )
    return {
        "version": 1,
        "name": "prop",
        "seed": draw(st.integers(0, 2**31)),
        "now": NOW.isoformat(),
        "tables": {
            "t": {"rows": rows, "columns": columns},
            "u": {"rows": 20, "columns": {"id": {"type": "id"}, "t_id": {"ref": "t.id"}}},
        },
        "truth": {"t": queries},
    }


def _coherent(row: dict[str, Any]) -> None:
    if "ext" in row:
        kinds = _pools.file_kinds()
        mimes = dict(zip(kinds.extensions.to_pylist(), kinds.mimes.to_pylist(), strict=True))
        assert row["name"].endswith("." + row["ext"]), row
        assert row["mime"] == mimes[row["ext"]], row
    if "city" in row:
        cities = _pools.cities()
        names = cities.names.to_pylist()
        alpha2 = _pools.countries().alpha2.to_pylist()
        spots = [
            (cities.lat[i], cities.lon[i])
            for i, n in enumerate(names)
            if n == row["city"] and alpha2[int(cities.country[i])] == row["country"]
        ]
        assert spots, row
        assert any(abs(row["lat"] - la) < 0.2 and abs(row["lon"] - lo) < 0.2 for la, lo in spots), (
            row
        )


@settings(
    max_examples=18,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs())
def test_manifest_is_exact_and_planting_keeps_every_rule(data: dict[str, Any]) -> None:
    spec = sw.load_spec(data)
    try:
        run = truth.generate(spec)
        manifest = run.manifest
    except SpecError as exc:  # refused: every problem is located in the truth section
        assert all(p.location.startswith("truth.t") for p in exc.problems), exc.problems
        event("refused")
        return
    event("planted")
    tables = run.tables()
    table = tables["t"]
    rows = {r["id"]: r for r in table.to_pylist()}
    sql = {c: f for c, (_, f) in _SQL.items()}
    for query, written in zip(manifest["queries"], data["truth"]["t"], strict=True):
        match = written["match"]
        assert query["expected"] == matching(table, "id", match, NOW, sql)
        assert set(query["planted"]) <= set(query["expected"])
        assert len(query["planted"]) == written["count"]
        for key in query["planted"]:
            _coherent(rows[key])
        for miss in query["near_misses"]:
            assert failing(rows[miss["key"]], match, NOW, sql) == [miss["violates"]]
            _coherent(rows[miss["key"]])
    assert table.num_rows == data["tables"]["t"]["rows"]
    assert sw.check(tables, spec) == []
