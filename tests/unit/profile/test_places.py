"""City, state and coordinates of a row come from one place."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from synthwright.catalog import _pools
from synthwright.profile import generate_from_profile, profile_tables

# (state, lat, lon, cities) -- a few states far apart
STATES = {
    "AK": (61.2, -149.9, ["Anchorage", "Fairbanks", "Juneau"]),
    "TX": (31.0, -97.5, ["Houston", "Dallas", "Austin", "Tyler"]),
    "ME": (44.8, -69.0, ["Portland", "Bangor", "Lewiston"]),
    "FL": (28.0, -81.7, ["Miami", "Orlando", "Tampa"]),
}


def _airports(n: int = 1200) -> pa.Table:
    rng = np.random.default_rng(1)
    states = rng.choice(list(STATES), n)
    lat = np.array([STATES[s][0] for s in states]) + rng.normal(0, 1.0, n)
    lon = np.array([STATES[s][1] for s in states]) + rng.normal(0, 1.5, n)
    city = [
        f"{STATES[s][2][i % len(STATES[s][2])]}{'' if i % 3 else ' Heights'}{i}"
        for i, s in enumerate(states)
    ]
    return pa.table(
        {
            "code": [f"A{i:04d}" for i in range(n)],
            "city": city,
            "state": states.tolist(),
            "latitude": lat,
            "longitude": lon,
        }
    )


def test_city_lies_in_the_rows_state_near_its_coordinates() -> None:
    fitted = profile_tables({"airports": _airports()})
    places = fitted.profiles["airports"].places
    assert places and places[0].city == "city" and places[0].state == "state"
    out = generate_from_profile(fitted, seed=4)["airports"]
    cities = _pools.cities()
    names = cities.names.to_pylist()
    states = cities.states.to_pylist()
    us = _pools.country_index("US")
    where: dict[str, list[int]] = {}
    for i, (name, c) in enumerate(zip(names, cities.country.tolist(), strict=True)):
        if c == us:
            where.setdefault(name, []).append(i)
    full = {"AK": "Alaska", "TX": "Texas", "ME": "Maine", "FL": "Florida"}
    rows = out.to_pylist()
    far = 0
    for row in rows:
        idx = where.get(row["city"])
        assert idx, row
        assert any(states[i] == full[row["state"]] for i in idx), row  # the city is in the state
        d = min(
            abs(cities.lat[i] - row["latitude"]) + abs(cities.lon[i] - row["longitude"])
            for i in idx
        )
        far += d > 6
    assert far / len(rows) < 0.05  # and near the row's point ("Tyler, AK" at 64 N never)
