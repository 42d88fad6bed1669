"""Per-column inference: base type, semantic type, nulls, keys, ranges and the marginal.

Rules (documented in the README):

- **Rare categories** (seen fewer than ``rare_k`` times, default 5) are never
  written into the profile or the spec: their share becomes the marginal's
  ``other``. The spec lists the frequent categories, so generation spreads
  that share over them; ``other_column`` (the semantic type, or the values'
  string pattern) makes the rows of a column whose every category is rare. Personal data (emails, names,
  phones, card numbers...) is never treated as categories at all.
- **Categorical vs free text vs string**: at most ``max_categories`` distinct
  values and (at most 30, or at most 20% of the rows) -> categorical; long or
  many-word values -> text; otherwise a string with its pattern.
- **Keys**: a unique, non-null integer or code-like string is a key; the
  table's primary key is the best-named one (``id``, ``<table>_id``, ...).
- **Numbers**: integers with at most 20 values are ordinal categories; other
  numbers get a fitted family or empirical quantiles (see ``_fit``).
- **Dates** in text are recognised by format (ISO, US, European, ...) and
  modelled as datetimes; the format is kept so output can be text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import CategoryMarginal, ColumnProfile, QuantileMarginal, TableProfile, TypeColumn
from . import _fit
from ._semantic import detect_datetime_format, detect_semantic, name_hint
from .strings import fit_shape, looks_like

__all__ = [
    "DEFAULT_RARE_K",
    "MAX_CATEGORIES",
    "PII_TYPES",
    "InferOptions",
    "cast_or_keep",
    "profile_column",
    "profile_table",
    "to_model_units",
]

DEFAULT_RARE_K = 5
MAX_CATEGORIES = 500
MAX_FREQUENT = 5_000  # frequent values a high-cardinality string column keeps
MIN_FREQUENT_SHARE = 0.01  # below this share of rows, frequent values are left to the shape
ORDINAL_MAX = 20
SAMPLE_DISTINCT = 500
PII_TYPES = frozenset(
    {
        "email",
        "phone",
        "first_name",
        "last_name",
        "full_name",
        "username",
        "street_address",
        "iban",
        "credit_card",
        "ipv4",
        "ipv6",
        "uuid",
        "mac_address",
        "sha256",
        "url",
    }
)
_KEY_NAME = re.compile(r"(^id$|_id$|id$|_key$|^key$|code$|_no$|_num$|number$|^pk$)", re.IGNORECASE)
_US_PER = {"us": 1, "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}


@dataclass(frozen=True)
class InferOptions:
    """Knobs of inference (the defaults are what the CLI uses)."""

    rare_k: int = DEFAULT_RARE_K
    max_categories: int = MAX_CATEGORIES


def profile_table(
    name: str,
    table: pa.Table,
    *,
    source_rows: int | None = None,
    options: InferOptions | None = None,
) -> tuple[TableProfile, pa.Table]:
    """Profile every column of a table; returns the profile and the table in model types.

    Date strings come back as timestamps/dates; everything else as read.
    """
    options = options or InferOptions()
    columns: dict[str, ColumnProfile] = {}
    arrays: list[pa.Array] = []
    for col_name in table.column_names:
        col = table.column(col_name)
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        prof, converted = profile_column(col_name, arr, options=options)
        columns[col_name] = prof
        arrays.append(converted)
    typed = pa.table(arrays, names=table.column_names)
    pk = _primary_key(name, columns)
    for col_name, prof in columns.items():
        if prof.kind == "key" and col_name != pk and not _KEY_NAME.search(col_name):
            prof.kind = "string" if prof.dtype == "string" else "numeric"
    return (
        TableProfile(
            sample_rows=table.num_rows,
            source_rows=source_rows,
            primary_key=pk,
            columns=columns,
        ),
        typed,
    )


def _primary_key(table: str, columns: dict[str, ColumnProfile]) -> str | None:
    best: tuple[int, int] | None = None
    chosen = None
    singular = table[:-1] if table.endswith("s") else table
    for i, (name, prof) in enumerate(columns.items()):
        if prof.kind != "key" or prof.null_rate > 0:
            continue
        lowered = name.lower()
        score = 0
        if lowered == "id":
            score += 8
        elif lowered in (f"{table}_id", f"{singular}_id", f"{table}id", f"{singular}id"):
            score += 6
        elif _KEY_NAME.search(lowered):
            score += 3
        if prof.dtype.startswith(("int", "uint")):
            score += 1
        if prof.pattern is not None:
            score += 1
        key = (score, -i)
        if best is None or key > best:
            best, chosen = key, name
    return chosen


def profile_column(
    name: str, arr: pa.Array, *, options: InferOptions | None = None
) -> tuple[ColumnProfile, pa.Array]:
    """Profile one column; returns its profile and the array in its model type."""
    options = options or InferOptions()
    n = len(arr)
    t = arr.type
    if pa.types.is_floating(t):
        arr = pc.if_else(pc.is_finite(arr), arr, pa.nulls(n, t)) if n else arr
    nulls = arr.null_count
    dtype = str(arr.type)
    if n == 0 or nulls == n:
        return ColumnProfile(kind="empty", dtype=dtype, null_rate=1.0 if n else 0.0), arr
    null_rate = round(nulls / n, 6)
    if pa.types.is_boolean(t):
        return _bool_profile(arr, dtype, null_rate), arr
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return _numeric_profile(name, arr, dtype, null_rate, options), arr
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _datetime_profile(arr, dtype, null_rate), arr
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _string_profile(name, arr.cast(pa.string()), null_rate, options)
    # times, durations, binaries, nested values: described but not modelled
    text = arr.cast(pa.string()) if _castable(arr) else None
    distinct = len(pc.unique(arr)) if text is not None else 0
    return ColumnProfile(kind="string", dtype=dtype, null_rate=null_rate, distinct=distinct), arr


def _castable(arr: pa.Array) -> bool:
    try:
        arr.slice(0, 1).cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _bool_profile(arr: pa.Array, dtype: str, null_rate: float) -> ColumnProfile:
    valid = arr.drop_null()
    p = float(pc.mean(valid.cast(pa.float64())).as_py() or 0.0)
    return ColumnProfile(
        kind="bool",
        dtype=dtype,
        null_rate=null_rate,
        distinct=len(pc.unique(valid)),
        marginal=CategoryMarginal(values=[False, True], weights=[round(1 - p, 6), round(p, 6)]),
    )


def _decimals(x: np.ndarray) -> int | None:
    sample = x[:10_000]
    for d in range(0, 7):
        scaled = sample * 10**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6 * np.maximum(1, np.abs(scaled))):
            return d
    return None


def _numeric_profile(
    name: str, arr: pa.Array, dtype: str, null_rate: float, options: InferOptions
) -> ColumnProfile:
    x = np.asarray(arr.drop_null().to_numpy(zero_copy_only=False), dtype=np.float64)
    values, counts = np.unique(x, return_counts=True)
    integer = bool(pa.types.is_integer(arr.type) or np.all(x == np.round(x)))
    lo, hi = float(values[0]), float(values[-1])
    unique = len(values) == len(x) and null_rate == 0 and len(x) > 1
    prof = ColumnProfile(
        kind="numeric",
        dtype=dtype,
        null_rate=null_rate,
        distinct=len(values),
        unique=unique,
        integer=integer,
        min=int(lo) if integer else lo,
        max=int(hi) if integer else hi,
        decimals=None if integer else _decimals(x),
    )
    hint = name_hint(name)
    lowered = name.lower()
    if re.search(r"(^|_)lat(itude)?$", lowered) and lo >= -90 and hi <= 90:
        prof.semantic, prof.confidence = "latitude", 0.8
    elif re.search(r"(^|_)(lon|lng|long|longitude)$", lowered) and lo >= -180 and hi <= 180:
        prof.semantic, prof.confidence = "longitude", 0.8
    elif hint == "price" or re.search(r"price|amount|cost", lowered):
        prof.semantic, prof.confidence = "price", 0.6
    if (
        unique
        and pa.types.is_integer(arr.type)
        and (_KEY_NAME.search(name) or hi - lo + 1 <= 1.5 * len(x))
    ):
        prof.kind = "key"
        return prof
    if integer and len(values) <= ORDINAL_MAX:
        keep = counts >= options.rare_k
        if counts[keep].sum() >= 0.95 * counts.sum():  # else quantiles keep the rare values' mass
            kept = counts[keep] / counts[keep].sum()
            prof.marginal = CategoryMarginal(
                values=[int(v) for v in values[keep]], weights=[round(float(w), 6) for w in kept]
            )
            return prof
    if lo == hi:
        prof.marginal = QuantileMarginal(points=[lo, hi])
        return prof
    marginal, _ = _fit.numeric_marginal(x, lo, hi)
    prof.marginal = marginal
    return prof


def _resolution(us: np.ndarray) -> str:
    for unit in ("d", "h", "m", "s"):
        if np.all(us % _US_PER[unit] == 0):
            return unit
    return "us"


def cast_or_keep(arr: pa.Array, target: pa.DataType) -> pa.Array:
    """`arr` as `target` where Arrow can cast it (strings always can); else as it is."""
    if arr.type == target:
        return arr
    try:
        return arr.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if pa.types.is_string(target):
            return arr.cast(pa.string())
        return arr


def to_model_units(arr: pa.Array) -> np.ndarray:
    """Values as float64 in the model's unit (epoch microseconds for datetimes, days for dates)."""
    t = arr.type
    if pa.types.is_timestamp(t):
        arr = arr.cast(pa.timestamp("us")).cast(pa.int64())
    elif pa.types.is_date(t):
        arr = arr.cast(pa.date32()).cast(pa.int32())
    elif pa.types.is_boolean(t):
        arr = arr.cast(pa.int8())
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)


def _datetime_profile(arr: pa.Array, dtype: str, null_rate: float) -> ColumnProfile:
    is_date = pa.types.is_date(arr.type)
    x = to_model_units(arr.drop_null())
    unit = "D" if is_date else "us"
    values = np.unique(x)
    points = _fit.quantile_points(x)
    resolution = None if is_date else _resolution(x.astype(np.int64))
    if resolution is not None and resolution != "us":
        step = _US_PER[resolution]
        points = np.round(points / step) * step
    shown: Any = "D" if is_date else ("s" if resolution != "us" else "us")
    stamps: Any = points.astype(np.int64).astype(f"datetime64[{unit}]")
    iso = [str(s) for s in np.datetime_as_string(stamps, unit=shown)]
    return ColumnProfile(
        kind="date" if is_date else "datetime",
        dtype=dtype,
        null_rate=null_rate,
        distinct=len(values),
        min=iso[0],
        max=iso[-1],
        resolution=resolution,  # type: ignore[arg-type]
        marginal=QuantileMarginal(points=iso)
        if len(values) > 1
        else QuantileMarginal(points=[iso[0], iso[0]]),
    )


def shape_regex(shape: str) -> str:
    """A regex for a value shape (9 digit, A upper, a lower), runs compressed: ``[A-Z]\\d{5}``."""
    out: list[str] = []
    for m in re.finditer(r"(9+|A+|a+|[^9Aa])", shape):
        run = m.group(0)
        cls = {"9": r"\d", "A": "[A-Z]", "a": "[a-z]"}.get(run[0])
        if cls is None:
            out.append(re.escape(run))
        else:
            out.append(cls if len(run) == 1 else f"{cls}{{{len(run)}}}")
    return "".join(out)


def _pattern(values: pa.Array, min_share: float = 0.9) -> str | None:
    """The regex of the shape that at least ``min_share`` of the values share, if any."""
    if len(values) == 0:
        return None
    shapes = pc.replace_substring_regex(values, r"[0-9]", "9")
    shapes = pc.replace_substring_regex(shapes, r"[A-Z]", "A")
    shapes = pc.replace_substring_regex(shapes, r"[a-z]", "a")
    counts = pc.value_counts(shapes)
    top = max(counts.to_pylist(), key=lambda item: item["counts"])
    shape = top["values"]
    if top["counts"] < min_share * len(values) or len(shape) > 40 or " " in shape:
        return None
    if not re.fullmatch(r"[9Aa_\-./:#]+", shape):
        return None
    return shape_regex(shape)


def _string_profile(
    name: str, arr: pa.Array, null_rate: float, options: InferOptions
) -> tuple[ColumnProfile, pa.Array]:
    valid = arr.drop_null()
    counts_struct = pc.value_counts(valid)
    values = counts_struct.field("values")
    counts = np.asarray(counts_struct.field("counts").to_numpy(), dtype=np.int64)
    order = np.argsort(-counts, kind="stable")
    distinct = len(values)
    step = max(1, distinct // SAMPLE_DISTINCT)
    sample = [v for v in values.take(pa.array(order[::step][:SAMPLE_DISTINCT])).to_pylist() if v]
    fmt = detect_datetime_format([s for s in sample if s.strip()][:200])
    if fmt is not None:
        has_time = any(c in fmt for c in "HMS")
        parsed = pc.strptime(
            pc.utf8_trim_whitespace(arr), format=fmt, unit="us", error_is_null=True
        )
        if not has_time:
            parsed = parsed.cast(pa.date32())
        prof = _datetime_profile(parsed, str(parsed.type), round(parsed.null_count / len(arr), 6))
        prof.format = fmt
        prof.semantic, prof.confidence = ("datetime" if has_time else "date"), 0.98
        return prof, parsed
    lengths = np.asarray(pc.utf8_length(values).to_numpy(), dtype=np.int64)
    length = [int(lengths.min()), int(lengths.max())] if len(lengths) else None
    n_valid = len(valid)
    unique = distinct == n_valid and null_rate == 0 and n_valid > 1
    guess = detect_semantic(name, sample) or looks_like(sample)
    semantic, confidence = guess if guess else (None, None)
    words = pc.mean(pc.utf8_length(pc.replace_substring_regex(valid, r"[^ ]", ""))).as_py() or 0
    avg_len = pc.mean(pc.utf8_length(valid)).as_py() or 0
    pattern = _pattern(values.take(pa.array(order[:20_000])))
    prof = ColumnProfile(
        kind="string",
        dtype="string",
        null_rate=null_rate,
        distinct=distinct,
        unique=unique,
        semantic=semantic,
        confidence=confidence,
        pattern=pattern,
        length=length,
    )
    categorical = distinct <= options.max_categories and (
        distinct <= 30 or distinct <= 0.2 * n_valid
    )
    if unique and semantic == "uuid":
        prof.kind = "key"
    elif semantic in PII_TYPES:
        prof.kind = "semantic"
    elif unique and words < 1 and (length is not None and length[1] <= 24):
        prof.kind = "key"  # a code: generated from its most common shape
        prof.pattern = pattern or _pattern(values.take(pa.array(order[:20_000])), 0.0)
        top = values.take(pa.array(order[:20_000]))
        prof.shape = fit_shape(top.to_pylist(), np.ones(len(top)), options.rare_k)
    elif categorical and not unique:
        prof.kind = "categorical"
        prof.marginal = _categories(values, counts, order, options, semantic, pattern, length)
    elif semantic is not None:
        prof.kind = "semantic"
    elif words >= 3 or avg_len >= 40:
        prof.kind = "text"
    elif distinct > options.max_categories or distinct > 0.2 * n_valid or unique:
        _high_cardinality(prof, values, counts, order, options)
    else:
        prof.kind = "categorical"
        prof.marginal = _categories(values, counts, order, options, semantic, pattern, length)
    return prof, arr


def _high_cardinality(
    prof: ColumnProfile,
    values: pa.Array,
    counts: np.ndarray,
    order: np.ndarray,
    options: InferOptions,
) -> None:
    """A string column of many values: its frequent values as categories, a shape for the rest.

    Values seen at least ``rare_k`` times keep their shares (at most
    MAX_FREQUENT of them) and go through the copula like any category; the
    others' share is made by the column's learned shape (``strings``), fitted
    on the rare values alone, so no rare value is copied. Without a frequent
    value the column is a plain ``string`` made by its shape.
    """
    rare = counts < options.rare_k
    shape = fit_shape(values.filter(pa.array(rare)).to_pylist(), counts[rare], options.rare_k)
    prof.kind = "string"
    prof.shape = shape
    frequent = int((~rare).sum())
    if frequent == 0 or shape is None:
        return
    covered = float(counts[~rare].sum() / counts.sum())
    if covered < MIN_FREQUENT_SHARE:
        return
    prof.kind = "categorical"
    m = _categories(
        values, counts, order, InferOptions(options.rare_k, MAX_FREQUENT), None, None, None
    )
    m.other_column = None  # the shape makes the other rows
    prof.marginal = m


def _categories(
    values: pa.Array,
    counts: np.ndarray,
    order: np.ndarray,
    options: InferOptions,
    semantic: str | None,
    pattern: str | None,
    length: list[int] | None,
) -> CategoryMarginal:
    """Frequent categories by weight (most frequent first); rare ones only as a share."""
    total = counts.sum()
    frequent = [i for i in order if counts[i] >= options.rare_k][: options.max_categories]
    kept = counts[frequent].sum() if frequent else 0
    other = float((total - kept) / total)
    other_column = None
    if other > 0:
        if semantic is not None:
            other_column = TypeColumn(type=semantic)
        elif pattern is not None:
            other_column = TypeColumn(type="string", regex=pattern)
        else:
            lo, hi = length or [4, 12]
            other_column = TypeColumn(type="string", min_length=max(1, lo), max_length=max(1, hi))
    return CategoryMarginal(
        values=values.take(pa.array(np.asarray(frequent, dtype=np.int64))).to_pylist(),
        weights=[round(float(counts[i] / total), 6) for i in frequent],
        other=round(other, 6),
        other_column=other_column,
    )
