"""String columns that keep their look: character templates and word models, vectorised.

A string column with many distinct values used to come out as random
letters ("dxcaxc" for a tail number "N813AY"). What is learned instead, and
what it never keeps:

- **Frequent values** (seen at least k times, the rare-value rule of
  ``infer``) stay categories, at their shares; only the remaining share is
  made here.
- **Character templates**: values are grouped by shape (``9`` a digit, ``A``
  an upper-case and ``a`` a lower-case letter, other characters literal;
  ``N813AY`` is ``A999AA``). Shapes of at least k rows are kept with their
  shares (at least the most common one); per position, the literal
  characters seen there in at least k rows keep their share and the rest is
  a uniform draw from the position's class. So a tail number keeps its ``N``
  and its common operator tails, a code its prefix, a value its length --
  but no rare value is copied unless chance rebuilds it.
- **Words**: values of several words (airport, company, product names) get a
  word-count distribution and, for the first, middle and last word, the
  words seen there at least k times; the rest of each place is filled from
  the catalogue (city names, surnames or English words, whichever pool holds
  most of that place's rare words, in their letter case) or, for codes and
  numbers, from the character templates. "Estherville Municipal" becomes
  "Greenville Municipal", not "Xqwtrvb Lmnopqr".

Generation is numpy over code points: a template's rows are one
``(rows, length)`` array of UTF-32 code points viewed as strings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec._profile import RunSlot, ShapeSlot, ShapeTemplate, StringShape, WordSlot

__all__ = ["MAX_TEMPLATES", "draw_shape", "fit_shape", "key_regex", "looks_like", "shape_of"]

MAX_TEMPLATES = 40
MAX_FIT_VALUES = 20_000  # distinct values a shape is learned from (the most frequent)
_CLASS = {"9": (48, 10), "A": (65, 26), "a": (97, 26)}  # first code point, class size


# what values say of themselves when the column's name says nothing: a legal form ends a
# company's name, a number and a street word make an address
_COMPANY = re.compile(
    r"\b(inc|inc\.|incorporated|llc|l\.l\.c\.|ltd|ltd\.|limited|corp|corp\.|corporation|"
    r"co\.|company|gmbh|ag|s\.a\.|sa|plc|lp|llp|group|holdings|airlines|airways)$",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"^\d+[A-Za-z]?\s+(\w+\.?\s+)+(st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|"
    r"way|ct|court|pl|place|pkwy|parkway|hwy|highway|ter|terrace|cir|circle)\.?"
    r"(\s+(apt|suite|ste|unit|#)\s*\S+)?$",
    re.IGNORECASE,
)
LOOKS_SHARE = 0.6


def looks_like(values: Sequence[str]) -> tuple[str, float] | None:
    """A catalogue type the values say they are (companies, street addresses), if most do."""
    sample = [v.strip() for v in values if v and v.strip()][:500]
    if len(sample) < 5:
        return None
    for kind, pattern in (("company", _COMPANY), ("street_address", _STREET)):
        share = sum(1 for v in sample if pattern.search(v)) / len(sample)
        if share >= LOOKS_SHARE:
            return kind, round(min(0.95, share), 3)
    return None


def shape_of(values: pa.Array) -> pa.Array:
    """Each value's shape: digits as 9, ASCII upper-case letters as A, lower-case as a."""
    shapes = pc.replace_substring_regex(values, r"[0-9]", "9")
    shapes = pc.replace_substring_regex(shapes, r"[A-Z]", "A")
    return pc.replace_substring_regex(shapes, r"[a-z]", "a")


def fit_shape(values: Sequence[str], counts: np.ndarray, rare_k: int) -> StringShape | None:
    """The shape model of a column from its distinct values and their row counts."""
    vals = [v for v in values if v]
    if not vals:
        return None
    weights = np.asarray([c for v, c in zip(values, counts, strict=True) if v], dtype=np.float64)
    order = np.argsort(-weights, kind="stable")[:MAX_FIT_VALUES]
    vals = [vals[i] for i in order]
    weights = weights[order]
    spaced = sum(w for v, w in zip(vals, weights, strict=True) if " " in v.strip())
    templates = _templates(vals, weights, rare_k)
    if not templates:
        return None
    if spaced < 0.3 * weights.sum():
        return StringShape(templates=templates)
    return _words(vals, weights, rare_k, templates)


def key_regex(shape: StringShape) -> str:
    """A regex for new keys in the look of a shape's most common template (``N\\d{3}[A-Z]{2}``).

    A position keeps a literal character that at least 95% of the values
    share there (the ``N`` of a tail number), else its class; a key must be
    unique, so one template with free classes leaves room for many values.
    """
    top = max(shape.templates, key=lambda t: t.weight)
    parts: list[str] = []
    for cls, slot in zip(top.shape, top.slots, strict=True):
        if cls not in _CLASS:
            parts.append(re.escape(cls))
        elif slot.weights and slot.weights[0] >= 0.95:
            parts.append(re.escape(slot.chars[0]))
        else:
            parts.append({"9": r"\d", "A": "[A-Z]", "a": "[a-z]"}[cls])
    out: list[str] = []
    for part in parts:  # runs of one class compressed: \d\d\d -> \d{3}
        if out and out[-1].split("{")[0] == part and part in (r"\d", "[A-Z]", "[a-z]"):
            base, _, count = out[-1].partition("{")
            out[-1] = f"{base}{{{int(count.rstrip('}') or 1) + 1}}}"
        else:
            out.append(part)
    return "".join(out)


def _templates(vals: list[str], weights: np.ndarray, rare_k: int) -> list[ShapeTemplate]:
    shapes = shape_of(pa.array(vals, pa.string())).to_pylist()
    by_shape: dict[str, list[int]] = {}
    for i, s in enumerate(shapes):
        by_shape.setdefault(s, []).append(i)
    rows = {s: float(weights[idx].sum()) for s, idx in by_shape.items()}
    ranked = sorted(rows, key=lambda s: (-rows[s], s))
    kept = [s for s in ranked if rows[s] >= rare_k][:MAX_TEMPLATES] or ranked[:1]
    total = sum(rows[s] for s in kept)
    out = []
    for s in kept:
        idx = by_shape[s]
        chars = _code_points([vals[i] for i in idx], len(s))
        w = weights[idx]
        slots = [_slot(chars[:, j], w, s[j], rare_k) for j in range(len(s))]
        runs = _runs(chars, w, s, rare_k)
        out.append(ShapeTemplate(shape=s, weight=round(rows[s] / total, 6), slots=slots, runs=runs))
    return out


def _runs(chars: np.ndarray, weights: np.ndarray, shape: str, rare_k: int) -> list[RunSlot]:
    """Frequent spellings of the template's letter runs of 2 to 4 positions."""
    out = []
    for m in re.finditer(r"A{2,4}|a{2,4}", shape):
        start, end = m.span()
        if end - start > 4:
            continue
        view = np.ascontiguousarray(chars[:, start:end]).view(f"<U{end - start}").ravel()
        uniq, inv = np.unique(view, return_inverse=True)
        rows = np.bincount(inv, weights=weights)
        keep = np.flatnonzero(rows >= rare_k)
        if len(keep) == 0:
            continue
        keep = keep[np.argsort(-rows[keep], kind="stable")][:200]
        total = rows.sum()
        out.append(
            RunSlot(
                start=start,
                values=[str(uniq[i]) for i in keep],
                weights=[float(np.floor(rows[i] / total * 1e6) / 1e6) for i in keep],
            )
        )
    return out


def _code_points(vals: list[str], length: int) -> np.ndarray:
    """Values of one length as a (values, length) array of code points."""
    joined = "".join(vals).encode("utf-32-le")
    return np.frombuffer(joined, dtype=np.uint32).reshape(len(vals), length)


def _slot(chars: np.ndarray, weights: np.ndarray, cls: str, rare_k: int) -> ShapeSlot:
    if cls not in _CLASS:
        return ShapeSlot()
    uniq, inv = np.unique(chars, return_inverse=True)
    rows = np.bincount(inv, weights=weights)
    total = rows.sum()
    keep = np.flatnonzero(rows >= rare_k)
    keep = keep[np.argsort(-rows[keep], kind="stable")]
    # a class position whose every character is frequent keeps them all; a uniform
    # position (every digit about as common) stays a class draw, which says the same
    if len(keep) >= 0.8 * _CLASS[cls][1]:
        return ShapeSlot()
    return ShapeSlot(
        chars="".join(chr(int(uniq[i])) for i in keep),
        weights=[round(float(rows[i] / total), 6) for i in keep],
    )


def _words(
    vals: list[str], weights: np.ndarray, rare_k: int, templates: list[ShapeTemplate]
) -> StringShape:
    tokens = [v.split() for v in vals]
    n_words = np.asarray([max(len(t), 1) for t in tokens])
    top = min(int(n_words.max()), 8)
    counts = np.bincount(np.minimum(n_words, top) - 1, weights=weights, minlength=top)
    places: dict[str, Counter[str]] = {"first": Counter(), "middle": Counter(), "last": Counter()}
    for toks, w in zip(tokens, weights, strict=True):
        if not toks:
            continue
        places["first"][toks[0]] += w
        if len(toks) >= 2:
            places["last"][toks[-1]] += w
        for t in toks[1:-1]:
            places["middle"][t] += w
    word_templates = _templates(
        [t for toks in tokens for t in toks] or ["a"],
        np.asarray([w for toks, w in zip(tokens, weights, strict=True) for _ in toks] or [1.0]),
        rare_k,
    )
    return StringShape(
        templates=templates,
        tokens=word_templates,
        counts=[round(float(c / counts.sum()), 6) for c in counts],
        first=_word_slot(places["first"], rare_k),
        middle=_word_slot(places["middle"], rare_k) if places["middle"] else None,
        last=_word_slot(places["last"], rare_k) if places["last"] else None,
    )


def _word_slot(counter: Counter[str], rare_k: int) -> WordSlot:
    total = sum(counter.values())
    frequent = [(w, c) for w, c in counter.most_common() if c >= rare_k][:2_000]
    rare = [w for w, c in counter.items() if c < rare_k]
    case = _case(rare or list(counter))
    filler, country = _filler(rare, case)
    return WordSlot(
        words=[w for w, _ in frequent],
        weights=[round(c / total, 6) for _, c in frequent],
        filler=filler,  # type: ignore[arg-type]
        case=case,  # type: ignore[arg-type]
        country=country,
    )


def _case(words: list[str]) -> str:
    alpha = [w for w in words if w.isalpha()]
    if len(alpha) < 0.6 * max(len(words), 1):
        return "keep"
    styles = Counter(
        "upper" if w.isupper() and len(w) > 1 else "lower" if w.islower() else "title"
        for w in alpha
    )
    return styles.most_common(1)[0][0]


def _one_word(arr: pa.Array) -> pa.Array:
    ok = pc.and_(pc.invert(pc.match_substring(arr, " ")), pc.greater(pc.utf8_length(arr), 2))
    return arr.filter(ok)


@lru_cache(maxsize=1)
def _pools() -> dict[str, pa.Array]:
    """Catalogue pools for fillers: surnames and English words, one word each."""
    from ..catalog import _pools as pools

    return {
        "surname": _one_word(pc.unique(pools.names().last_ascii)),
        "word": _one_word(pools.words()),
    }


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, int]:
    """Lower-case one-word ASCII city name -> country index of its most populous bearer."""
    from ..catalog import _pools as pools

    cities = pools.cities()
    names = pc.utf8_lower(cities.names).to_pylist()
    out: dict[str, int] = {}
    for name, country in zip(names, cities.country.tolist(), strict=True):
        if " " not in name and name.isascii():
            out.setdefault(name, country)
    return out


@lru_cache(maxsize=64)
def _city_pool(country: str | None) -> pa.Array:
    """One-word ASCII city names of a country (of every country without one)."""
    from ..catalog import _pools as pools

    cities = pools.cities()
    names = cities.names
    if country is not None:
        names = names.filter(pa.array(cities.country == pools.country_index(country)))
    flat = _one_word(pc.unique(names))
    return flat.filter(pc.equal(pc.utf8_length(flat), pc.binary_length(flat)))


@lru_cache(maxsize=4)
def _lower_set(name: str) -> frozenset[str]:
    return frozenset(pc.utf8_lower(_pools()[name]).to_pylist())


def _filler(rare: list[str], case: str) -> tuple[str, str | None]:
    """The pool holding most of a place's rare words (by their lower case), else shapes.

    For city names, also the country most of the matched names belong to.
    """
    if case == "keep" or not rare:
        return "shape", None
    sample = [w.lower() for w in rare[:2_000]]
    best, share, country = "shape", 0.0, None
    known_cities = _city_countries()
    hits = [known_cities[w] for w in sample if w in known_cities]
    if hits:
        best, share = "city", len(hits) / len(sample)
        index, count = Counter(hits).most_common(1)[0]
        if count >= 0.5 * len(hits):
            from ..catalog import _pools as pools

            country = str(pools.countries().alpha2[index].as_py())
    for name in _pools():
        known = _lower_set(name)
        hit = sum(1 for w in sample if w in known) / len(sample)
        if hit > share:
            best, share, country = name, hit, None
    if share >= 0.05:
        return best, country
    return ("surname" if case == "title" else "word" if case == "lower" else "shape"), None


# --- generation ---------------------------------------------------------------------


def draw_shape(
    shape: StringShape,
    rng: np.random.Generator,
    n: int,
    length: Sequence[int] | None = None,
) -> pa.Array:
    """n values of a shape model (strings, never null), within `length` [min, max] if given.

    Word values outside the lengths (a long catalogue word) are drawn again
    from the templates of those lengths.
    """
    if n == 0:
        return pa.array([], pa.string())
    if not shape.counts:
        return _draw_templates(shape.templates, rng, n)
    out = _draw_words(shape, rng, n)
    if length is None:
        return out
    lo, hi = int(length[0]), int(length[1])
    size = np.asarray(pc.utf8_length(out).to_numpy(zero_copy_only=False))
    bad = np.flatnonzero((size < lo) | (size > hi))
    fits = [t for t in shape.templates if lo <= len(t.shape) <= hi]
    if len(bad) == 0 or not fits:
        return out
    values = np.asarray(out.to_pylist(), dtype=object)
    values[bad] = np.asarray(_draw_templates(fits, rng, len(bad)).to_pylist(), dtype=object)
    return pa.array(values.tolist(), pa.string())


def _draw_words(shape: StringShape, rng: np.random.Generator, n: int) -> pa.Array:
    counts = np.asarray(shape.counts, dtype=np.float64)
    k = np.searchsorted(np.cumsum(counts / counts.sum()), rng.random(n), "right")
    k = np.minimum(k, len(counts) - 1) + 1
    groups = []
    for words in np.unique(k).tolist():
        rows = np.flatnonzero(k == words)
        parts = [_draw_place(shape, shape.first, rng, len(rows))]
        for _ in range(words - 2):
            parts.append(_draw_place(shape, shape.middle or shape.last, rng, len(rows)))
        if words >= 2:
            parts.append(_draw_place(shape, shape.last or shape.first, rng, len(rows)))
        joined = pc.binary_join_element_wise(*parts, " ") if len(parts) > 1 else parts[0]
        groups.append((rows, joined))
    return _in_row_order(groups, n)


def _in_row_order(groups: list[tuple[np.ndarray, pa.Array]], n: int) -> pa.Array:
    """Arrays made per group of rows, put back in row order (one concat and one take)."""
    if len(groups) == 1:
        return groups[0][1].cast(pa.string())
    rows = np.concatenate([r for r, _ in groups])
    where = np.empty(n, dtype=np.int64)
    where[rows] = np.arange(n)
    return pa.concat_arrays([a.cast(pa.string()) for _, a in groups]).take(pa.array(where))


def _draw_place(
    shape: StringShape, slot: WordSlot | None, rng: np.random.Generator, n: int
) -> pa.Array:
    if slot is None:
        return _draw_templates(shape.tokens or shape.templates, rng, n)
    w = np.asarray([*slot.weights, max(0.0, 1.0 - sum(slot.weights))], dtype=np.float64)
    if w.sum() <= 0:
        w[-1] = 1.0
    pick = np.minimum(np.searchsorted(np.cumsum(w / w.sum()), rng.random(n), "right"), len(w) - 1)
    words = pa.array([*slot.words, ""], pa.string()).take(pa.array(pick))
    rest = np.flatnonzero(pick == len(slot.words))
    if len(rest) == 0:
        return words
    fill = _fill(shape, slot, rng, len(rest))
    mask = np.zeros(n, dtype=bool)
    mask[rest] = True
    at = np.zeros(n, dtype=np.int64)  # row -> its position among the filled rows
    at[rest] = np.arange(len(rest))
    return pc.if_else(pa.array(mask), fill.take(pa.array(at)), words)


def _fill(shape: StringShape, slot: WordSlot, rng: np.random.Generator, n: int) -> pa.Array:
    if slot.filler == "shape":
        return _draw_templates(shape.tokens or shape.templates, rng, n)
    pool = _city_pool(slot.country) if slot.filler == "city" else _pools()[slot.filler]
    if len(pool) == 0:
        return _draw_templates(shape.templates, rng, n)
    values = pool.take(pa.array(rng.integers(0, len(pool), n)))
    if slot.case == "lower":
        return pc.utf8_lower(values)
    if slot.case == "upper":
        return pc.utf8_upper(values)
    if slot.case == "title":
        return pc.utf8_capitalize(values)
    return values


def _draw_templates(templates: list[ShapeTemplate], rng: np.random.Generator, n: int) -> pa.Array:
    w = np.asarray([t.weight for t in templates], dtype=np.float64)
    pick = np.minimum(np.searchsorted(np.cumsum(w / w.sum()), rng.random(n), "right"), len(w) - 1)
    groups = []
    for i in np.unique(pick).tolist():
        rows = np.flatnonzero(pick == i)
        groups.append((rows, pa.array(_from_template(templates[i], rng, len(rows)), pa.string())))
    return _in_row_order(groups, n)


def _from_template(t: ShapeTemplate, rng: np.random.Generator, n: int) -> np.ndarray:
    """n values of one template as a numpy unicode array (code points viewed as strings)."""
    length = len(t.shape)
    points = np.empty((n, length), dtype=np.uint32)
    for j, (cls, slot) in enumerate(zip(t.shape, t.slots, strict=True)):
        if cls not in _CLASS:
            points[:, j] = ord(cls)
            continue
        first, size = _CLASS[cls]
        col = first + rng.integers(0, size, n).astype(np.uint32)
        if slot.chars:
            cum = np.cumsum(slot.weights)
            u = rng.random(n)
            which = np.searchsorted(cum, u, "right")
            lit = which < len(slot.chars)
            codes = np.asarray([ord(c) for c in slot.chars], dtype=np.uint32)
            col[lit] = codes[which[lit]]
        points[:, j] = col
    for run in t.runs:
        cum = np.cumsum(run.weights)
        which = np.searchsorted(cum, rng.random(n), "right")
        hit = which < len(run.values)
        if hit.any():
            spellings = _code_points(run.values, len(run.values[0]))
            points[hit, run.start : run.start + spellings.shape[1]] = spellings[which[hit]]
    return points.view(f"<U{length}").reshape(n)
