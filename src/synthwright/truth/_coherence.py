"""Coherent values for planted rows: files whose parts agree, places that exist.

The catalogue keeps a row's file name, extension, mime type and path in
agreement through one latent file kind, and its country, city, state and
coordinates through one latent place. A scenario literal replaces a single
column, so a planted ``.pdf`` alone would keep the row's drawn mime type.
Here the planter derives every column of the group from the planted value,
from the catalogue's own pools: the kind of a planted extension gives its
mime type and a name ending in it; a planted city gives its country, state
and coordinates (near its centre). Candidates are filtered by the role's
predicates (satisfied, or the one violated) and by the table's constraints;
a near miss is picked near what would match (a neighbouring city, a file of
the same folder kind), which is what makes it a hard negative.

The pools are the catalogue's private modules on purpose: the planted
values must be the very ones the generators draw from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ..catalog import _pools  # the generators' own pools (see module docstring)
from ..catalog._latents import country_source, default_country
from ..spec import TableSpec, TypeColumn
from ._predicates import Resolved

__all__ = ["file_values", "near_text", "place_values", "words"]

Check = tuple[Resolved, bool]  # a predicate and whether the value must satisfy it
_JITTER_DEG = 0.02  # as the catalogue's coordinates: about 2 km around the centre


def words() -> list[str]:
    """The catalogue's file-name words."""
    return list(_pools.words().to_pylist())


def _fill(pattern: str, rng: np.random.Generator, vocab: list[str], sep: str = "_") -> str:
    """A string matching a LIKE pattern: ``%`` becomes a word (after a separator), ``_`` a letter."""
    out = []
    for i, c in enumerate(pattern):
        if c == "%":
            out.append((sep if i else "") + vocab[int(rng.integers(len(vocab)))])
        elif c == "_":
            out.append(chr(ord("a") + int(rng.integers(26))))
        else:
            out.append(c)
    return "".join(out)


def near_text(text: str, fails: Callable[[str], bool]) -> str | None:
    """A string close to ``text`` for which ``fails`` holds (case, one letter, a prefix)."""
    options = []
    for i, c in enumerate(text):
        if c.isalpha():
            options.append(text[:i] + c.swapcase() + text[i + 1 :])
            break
    if len(text) > 1:
        options.append(text[1:])
        options.append(text[:1] + text[2:])
    options += ["old_" + text, text + "_old", "x" + text]
    return next((o for o in options if o != text and fails(o)), None)


def _ok(value: Any, checks: list[Check]) -> bool:
    return all(pred.holds(value) == want for pred, want in checks)


# --- files ---------------------------------------------------------------------------


def _stem(rng: np.random.Generator, vocab: list[str]) -> str:
    a, b = (vocab[int(i)] for i in rng.integers(len(vocab), size=2))
    stem = a if rng.random() < 0.4 else f"{a}{'_' if rng.random() < 0.6 else '-'}{b}"
    return f"{stem}_{int(rng.integers(1, 100))}" if rng.random() < 0.2 else stem


def _name_for(
    ext: str, checks: list[Check], rng: np.random.Generator, vocab: list[str]
) -> str | None:
    """A file name ending in ``.ext`` that passes the name checks, if one can be made."""
    suffix = "." + ext
    wanted = [p for p, want in checks if want]
    tries: list[str] = []
    for pred in wanted:
        if pred.kind == "eq":
            tries.append(str(pred.value))
        elif pred.kind == "in":
            tries += [str(v) for v in pred.values]
        elif pred.kind == "like":
            tries.append(_fill(pred.pattern, rng, vocab))
            if pred.pattern.endswith("%"):
                tries.append(
                    _fill(pred.pattern[:-1], rng, vocab) + "_" + _stem(rng, vocab) + suffix
                )
                tries.append(_fill(pred.pattern[:-1], rng, vocab) + suffix)
    if not wanted:
        missed = [p for p, want in checks if not want]
        base = None
        for pred in missed:  # near a matching name: the hard negative
            if pred.kind == "like":
                base = _fill(pred.pattern, rng, vocab)
                if pred.pattern.endswith("%"):
                    base = _fill(pred.pattern[:-1], rng, vocab) + "_" + _stem(rng, vocab) + suffix
            elif pred.kind in ("eq", "in"):
                base = str(pred.value if pred.kind == "eq" else pred.values[0])
        if base is not None:
            stem = base[: -len(suffix)] if base.endswith(suffix) else base
            near = near_text(stem, lambda s: _ok(s + suffix, checks))
            if near is not None:
                tries.append(near + suffix)
        tries.append(_stem(rng, vocab) + suffix)
    return next((t for t in tries if t.endswith(suffix) and _ok(t, checks)), None)


def file_values(
    columns: dict[str, str],
    checks: dict[str, list[Check]],
    rng: np.random.Generator,
    user: str,
) -> tuple[dict[str, Any] | None, str]:
    """Literals for every file column of a planted row (``columns``: name -> type).

    Returns the values, or None and why no file kind fits the checks.
    """
    kinds = _pools.file_kinds()
    exts = kinds.extensions.to_pylist()
    mimes = kinds.mimes.to_pylist()
    folders = kinds.folders.to_pylist()
    vocab = words()
    by_type: dict[str, list[Check]] = {}
    for name, kind in columns.items():
        by_type.setdefault(kind, []).extend(checks.get(name, []))
    fits: list[tuple[int, str, str | None]] = []
    for i, ext in enumerate(exts):
        if not _ok(ext, by_type.get("file_extension", [])) or not _ok(
            mimes[i], by_type.get("mime_type", [])
        ):
            continue
        made = _name_for(ext, by_type.get("file_name", []), rng, vocab)
        if made is None:
            continue
        name = made
        path = None
        if "file_path" in by_type:
            path = f"/home/{user}/{folders[i]}/{name}"
            if not _ok(path, by_type["file_path"]):
                continue
        fits.append((i, name, path))
    if not fits:
        return None, "no file kind of the catalogue has an extension, mime type and name that fit"
    violated = {p.column for group in checks.values() for p, want in group if not want}
    weights = np.array([kinds.weights[i] for i, _, _ in fits], dtype=np.float64)
    if violated:  # a near miss: prefer the kinds that live beside a matching one
        match_folders = {
            folders[i]
            for i in range(len(exts))
            if _ok(exts[i], _as_match(by_type, "file_extension"))
            and _ok(mimes[i], _as_match(by_type, "mime_type"))
        }
        near = np.array([folders[i] in match_folders for i, _, _ in fits])
        if near.any():
            weights = np.where(near, weights, 0.0)
    i, name, path = fits[int(rng.choice(len(fits), p=weights / weights.sum()))]
    out: dict[str, Any] = {}
    for col, kind in columns.items():
        out[col] = {
            "file_extension": exts[i],
            "mime_type": mimes[i],
            "file_name": name,
            "file_path": path,
        }[kind]
    return out, ""


def _as_match(by_type: dict[str, list[Check]], kind: str) -> list[Check]:
    """The checks of ``kind`` as a matching row must pass them (a near miss's one flipped back)."""
    return [(p, True) for p, _ in by_type.get(kind, [])]


# --- places ------------------------------------------------------------------------


def _allowed_countries(table: TableSpec, locale: str) -> np.ndarray:
    """Weights per country index of the table's country source (its values, else the locale's)."""
    table_c = _pools.countries()
    weights = np.zeros(len(table_c.alpha2), dtype=np.float64)
    source = country_source(table)
    col = table.columns.get(source) if source else None
    if isinstance(col, TypeColumn) and col.values is not None:
        items = (
            col.values.items() if isinstance(col.values, dict) else ((v, 1.0) for v in col.values)
        )
        for value, weight in items:
            weights[_pools.country_index(str(value))] += float(weight)
    else:
        weights[
            default_country(col.locale or locale if isinstance(col, TypeColumn) else locale)
        ] = 1.0
    return weights


@lru_cache(maxsize=1)
def _city_table() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The city pool as arrays per place type, and each city's population share in its country."""
    cities = _pools.cities()
    countries = _pools.countries()
    alpha2 = np.array(countries.alpha2.to_pylist(), dtype=object)
    cnames = np.array(countries.names.to_pylist(), dtype=object)
    within = cities.cdf - cities.country  # cumulative population share inside the country
    first = np.concatenate([[True], cities.country[1:] != cities.country[:-1]])
    share = np.where(first, within, within - np.concatenate([[0.0], within[:-1]]))
    values = {
        "city": np.array(cities.names.to_pylist(), dtype=object),
        "state": np.array(cities.states.to_pylist(), dtype=object),
        "country_code": alpha2[cities.country],
        "country": cnames[cities.country],
        "latitude": cities.lat,
        "longitude": cities.lon,
    }
    return values, np.clip(share, 1e-12, None)


def place_values(
    columns: dict[str, str],
    checks: dict[str, list[Check]],
    table: TableSpec,
    locale: str,
    rng: np.random.Generator,
) -> tuple[dict[str, Any] | None, str]:
    """Literals for every place column of a planted row (``columns``: name -> type)."""
    cities = _pools.cities()
    countries = _pools.countries()
    values, share = _city_table()
    weight = _allowed_countries(table, locale)[cities.country] * share

    def mask_of(group: list[tuple[str, Check]], as_match: bool) -> np.ndarray:
        mask = weight > 0
        for kind, (pred, want) in group:
            want = want or as_match
            hit = pred.mask(f"city.{kind}", values[kind])
            if kind == "country":  # a country predicate may name the code as well
                hit = hit | pred.mask("city.country_code", values["country_code"])
            mask &= hit if want else ~hit
        return mask

    flat = [(columns[c], chk) for c, group in checks.items() if c in columns for chk in group]
    mask = mask_of(flat, as_match=False)
    if not mask.any():
        return None, "no city of the table's countries fits the place predicates"
    idx = np.flatnonzero(mask)
    if any(not want for _, (_, want) in flat):  # near miss: close to a place that matches
        target = np.flatnonzero(mask_of(flat, as_match=True))
        if len(target):
            anchor = target[np.argmax(weight[target])]
            dist = np.hypot(
                cities.lat[idx] - cities.lat[anchor], cities.lon[idx] - cities.lon[anchor]
            )
            idx = idx[np.argsort(dist, kind="stable")[:5]]
            city = int(idx[int(rng.integers(len(idx)))])
        else:
            city = int(idx[int(rng.choice(len(idx), p=weight[idx] / weight[idx].sum()))])
    else:
        city = int(idx[int(rng.choice(len(idx), p=weight[idx] / weight[idx].sum()))])
    out: dict[str, Any] = {}
    for col, kind in columns.items():
        if kind in ("latitude", "longitude"):
            centre = float(values[kind][city])
            value = round(centre + float(rng.normal(0.0, _JITTER_DEG)), 6)
            for pred, want in checks.get(col, []):
                value = _clip(value, centre, pred, want)
            out[col] = value
        else:
            out[col] = str(values[kind][city])
    if "currency_code" in columns.values():
        for col, kind in columns.items():
            if kind == "currency_code":
                out[col] = str(countries.currency[int(cities.country[city])])
    return out, ""


def _clip(value: float, centre: float, pred: Resolved, want: bool) -> float:
    """The jittered coordinate, or the city's centre when jitter would cross the predicate."""
    return value if pred.holds(value) == want else centre
