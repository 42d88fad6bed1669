"""Base types made of characters: string (pattern/regex), text, json, llm.

``string`` compiles its regex (Python's own regex parser) into a list of
character-set slots; rows are built as a byte matrix, so a million strings
cost a few numpy operations. A fixed-length pattern has a countable domain,
so ``unique`` is a Feistel permutation of the row index decoded in mixed radix.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TypeColumn
from ._base import BlockContext, Generator, stable_hash
from ._pools import MIMESIS_LOCALE
from ._regex_bounds import parse_bounded
from ._registry import register
from .tools import FeistelPermutation, concat_strings, strings_from_matrix

try:  # Python >= 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_DIGITS = bytes(range(48, 58))
_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))
_WORD = _DIGITS + _UPPER + _LOWER + b"_"
_PRINTABLE = bytes(range(32, 127))
_MAX_OPEN_REPEAT = 8


@dataclass(frozen=True)
class Slot:
    """One character position: an alphabet, repeated between lo and hi times."""

    alphabet: bytes
    lo: int = 1
    hi: int = 1


_REGEX_META = frozenset("\\.^$*+{}[]()|")


def pattern_to_regex(pattern: str) -> str:
    """``pattern:`` as a regex: a template (``#`` a digit, ``?`` an upper-case letter,
    anything else literal) unless it holds a regex metacharacter, then it is a regex.

    ``check`` reads patterns the same way (``quality._columns``), so a value
    made from a pattern always matches it there.
    """
    if any(ch in _REGEX_META for ch in pattern):
        return pattern
    out = []
    for ch in pattern:
        out.append(r"\d" if ch == "#" else "[A-Z]" if ch == "?" else re.escape(ch))
    return "".join(out)


def _category(code: Any) -> bytes:
    name = str(code).rsplit(".", 1)[-1]
    table = {
        "CATEGORY_DIGIT": _DIGITS,
        "CATEGORY_WORD": _WORD,
        "CATEGORY_SPACE": b" ",
        "CATEGORY_NOT_DIGIT": _UPPER + _LOWER,
        "CATEGORY_NOT_WORD": b"-.,;:!",
        "CATEGORY_NOT_SPACE": _WORD,
    }
    if name not in table:
        raise ValueError(f"unsupported character category {name}")
    return table[name]


def _charset(items: list[tuple[Any, Any]]) -> bytes:
    chars: set[int] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(arg)
        elif name == "RANGE":
            chars.update(range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            chars.update(_category(arg))
        else:
            raise ValueError(f"unsupported regex construct {name} in a character class")
    if negate:
        chars = set(_PRINTABLE) - chars
    if not chars or max(chars) > 127:
        raise ValueError("character classes must hold ASCII characters")
    return bytes(sorted(chars))


def _slots(parsed: Any) -> list[Slot]:
    slots: list[Slot] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            if arg > 127:
                raise ValueError("patterns must be ASCII")
            slots.append(Slot(bytes([arg])))
        elif name == "IN":
            slots.append(Slot(_charset(arg)))
        elif name == "ANY":
            slots.append(Slot(_WORD))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = arg
            inner = _slots(sub)
            if hi == sre_parse.MAXREPEAT:
                hi = lo + _MAX_OPEN_REPEAT
            if len(inner) == 1 and inner[0].lo == inner[0].hi == 1:
                slots.append(Slot(inner[0].alphabet, lo, hi))
            elif lo == hi:
                slots.extend(inner * lo)
            else:
                raise ValueError("variable repeats are supported on single characters only")
        elif name == "SUBPATTERN":
            slots.extend(_slots(arg[-1]))
        elif name in ("AT",):
            continue  # ^ and $ anchor the whole value anyway
        else:
            raise ValueError(f"unsupported regex construct {name}")
    return slots


@lru_cache(maxsize=256)
def compile_regex(regex: str) -> tuple[Slot, ...]:
    """The regex as character slots; ValueError for what cannot be generated.

    The expansion is bounded (`_regex_bounds`) before any slot is made.
    """
    parsed = parse_bounded(regex, open_repeat=_MAX_OPEN_REPEAT)
    return tuple(_slots(parsed))


def _regex_of(col: TypeColumn) -> str | None:
    if col.regex:
        return col.regex
    if col.pattern:
        return pattern_to_regex(col.pattern)
    return None


def render_slots(slots: tuple[Slot, ...], ctx: BlockContext, col: TypeColumn) -> pa.Array:
    """Strings for the block; with ``col.unique``, distinct by mixed-radix decoding."""
    n = ctx.n
    width = sum(s.hi for s in slots)
    if width == 0:  # max_length: 0, or an empty pattern
        return pa.array([""] * n, pa.string())
    matrix = np.zeros((n, width), dtype=np.uint8)
    keep = np.zeros((n, width), dtype=bool)
    rng = ctx.rng()
    if col.unique:
        sizes = [len(s.alphabet) ** s.hi for s in slots]
        # distinct codes decode to distinct strings; a domain past 2^62 needs no more codes
        total = min(int(np.prod(np.array(sizes, dtype=object))), 2**62)
        code = FeistelPermutation(total, stable_hash(f"{ctx.seed}:{ctx.table}.{ctx.column}"))(
            ctx.row_index()
        ).astype(object)
    pos = 0
    for i, slot in enumerate(slots):
        alphabet = np.frombuffer(slot.alphabet, dtype=np.uint8)
        if col.unique:  # fixed length: each character is one mixed-radix digit
            for _ in range(slot.hi):
                digit = np.array(code % len(alphabet), dtype=np.int64)
                code = code // len(alphabet)
                matrix[:, pos] = alphabet[digit]
                keep[:, pos] = True
                pos += 1
            continue
        count = np.full(n, slot.lo) if slot.lo == slot.hi else rng.integers(slot.lo, slot.hi + 1, n)
        picks = rng.integers(0, len(alphabet), size=(n, slot.hi))
        matrix[:, pos : pos + slot.hi] = alphabet[picks]
        keep[:, pos : pos + slot.hi] = np.arange(slot.hi)[None, :] < count[:, None]
        pos += slot.hi
        del i
    if keep.all():
        return strings_from_matrix(matrix)
    lengths = keep.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    data = matrix[keep]
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )


@register
class StringGenerator(Generator):
    name = "string"
    summary = (
        "String from `pattern` (# digit, ? letter) or `regex` (classes, ranges, repeats), "
        "else random letters of min_length..max_length (default 8..12)."
    )
    params = ("pattern", "regex", "min_length", "max_length", "values")
    example: ClassVar[dict[str, Any]] = {"pattern": "INV-#####"}
    unique_ok = True

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def slots(self, col: TypeColumn) -> tuple[Slot, ...]:
        regex = _regex_of(col)
        if regex is not None:
            return _fit_lengths(compile_regex(regex), col.min_length, col.max_length)
        hi = 12 if col.max_length is None else col.max_length
        lo = min(8, hi) if col.min_length is None else col.min_length
        return (Slot(_LOWER, lo, max(lo, hi)),)

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        if col.pattern and col.regex:
            return [("regex", "give pattern or regex, not both")]
        if (
            col.min_length is not None
            and col.max_length is not None
            and col.min_length > col.max_length
        ):
            return [("min_length", "min_length is greater than max_length")]
        if col.values:
            return _values_fit(col)
        try:
            slots = self.slots(col)
            regex = _regex_of(col)
            raw = compile_regex(regex) if regex is not None else slots
        except ValueError as exc:
            return [("regex" if col.regex else "pattern", str(exc))]
        if col.unique and any(s.lo != s.hi for s in slots):
            return [("unique", "unique strings need a fixed-length pattern or regex")]
        if regex and (col.min_length is not None or col.max_length is not None):
            lo = sum(s.lo for s in raw)
            hi = sum(s.hi for s in raw)
            if (col.min_length or 0) > hi or (col.max_length is not None and col.max_length < lo):
                return [("max_length", f"the pattern makes strings of {lo}..{hi} characters")]
        return []

    def capacity(self, col: TypeColumn) -> int | None:
        if col.values:
            from .base_numeric import CategoryGenerator

            return CategoryGenerator().capacity(_as_text(col))
        slots = self.slots(col)
        total = 1
        for s in slots:
            total *= len(s.alphabet) ** s.hi
            if total > 2**62:
                return None
        return total

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        if col.values:  # a closed list of strings, weighted (and made unique) like category
            from .base_numeric import CategoryGenerator

            picked = CategoryGenerator().generate(_as_text(col), ctx)
            return picked.cast(pa.string())
        return render_slots(self.slots(col), ctx, col)


def _fit_lengths(
    slots: tuple[Slot, ...], min_length: int | None, max_length: int | None
) -> tuple[Slot, ...]:
    """Variable repeats narrowed so every string is min_length..max_length long.

    ``[a-c]{1,4}`` with ``max_length: 3`` makes 1..3 letters: the pattern and
    the length rule both hold. When they cannot (fixed parts too long or too
    short) ``validate`` refuses the column.
    """
    out = list(slots)
    if max_length is not None:
        excess = sum(s.hi for s in out) - max_length
        for i in range(len(out) - 1, -1, -1):
            if excess <= 0:
                break
            cut = min(excess, out[i].hi - out[i].lo)
            out[i] = dataclasses.replace(out[i], hi=out[i].hi - cut)
            excess -= cut
    if min_length is not None:
        short = min_length - sum(s.lo for s in out)
        for i in range(len(out)):
            if short <= 0:
                break
            add = min(short, out[i].hi - out[i].lo)
            out[i] = dataclasses.replace(out[i], lo=out[i].lo + add)
            short -= add
    return tuple(out)


def _as_text(col: TypeColumn) -> TypeColumn:
    """The column with its listed values as the strings it writes (``True`` -> ``"True"``)."""
    if isinstance(col.values, list):
        return col.model_copy(update={"values": [str(v) for v in col.values]})
    return col


def _values_fit(col: TypeColumn) -> list[tuple[str, str]]:
    """Listed values that break the column's own length or pattern rules (refused, not written)."""
    texts = [str(v) for v in (col.values or [])]
    problems: list[tuple[str, str]] = []
    for field_name, bad in (
        (
            "max_length",
            [t for t in texts if col.max_length is not None and len(t) > col.max_length],
        ),
        (
            "min_length",
            [t for t in texts if col.min_length is not None and len(t) < col.min_length],
        ),
    ):
        if bad:
            limit = getattr(col, field_name)
            problems.append((field_name, f"values {bad[:3]} break {field_name} {limit}"))
    regex = _regex_of(col)
    if regex is not None:
        try:
            matcher = re.compile(f"(?:{regex})\\Z", re.ASCII)
        except re.error as exc:
            return [*problems, ("regex" if col.regex else "pattern", f"bad regex: {exc}")]
        bad = [t for t in texts if not matcher.match(t)]
        if bad:
            where = "regex" if col.regex else "pattern"
            problems.append((where, f"values {bad[:3]} do not match {regex!r}"))
    return problems


def _mimesis_text(locale: str) -> dict[str, Any]:
    """Mimesis' text.json for a locale (falls back to English for unknown locales)."""
    from importlib import resources

    folder = MIMESIS_LOCALE.get(locale.replace("-", "_"), "en")
    base = resources.files("mimesis") / "datasets" / folder / "text.json"
    if not base.is_file():
        base = resources.files("mimesis") / "datasets" / "en" / "text.json"
    data: dict[str, Any] = json.loads(base.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=16)
def text_pools(locale: str) -> tuple[pa.Array, pa.Array]:
    """(words, sentences) of a locale from Mimesis' text data."""
    data = _mimesis_text(locale)
    if not data.get("text") or not data.get("words"):  # some locales ship partial text data
        data = {**_mimesis_text("en_US"), **{k: v for k, v in data.items() if v}}
    sentences = [s.strip() for s in data.get("text", []) if s.strip()]
    words = data.get("words") or [w.strip(".,;:").lower() for s in sentences for w in s.split()]
    if isinstance(words, dict):  # some locales split words by kind
        words = [w for group in words.values() for w in group]
    return pa.array(sorted(set(words)), pa.string()), pa.array(sentences, pa.string())


def random_text(
    ctx: BlockContext, unit: str, lo: int, hi: int, rng: np.random.Generator | None = None
) -> pa.Array:
    """lo..hi words, sentences or paragraphs per row from the locale's pools."""
    rng = rng or ctx.rng()
    words, sentences = text_pools(ctx.locale)
    pool = words if unit == "words" else sentences
    sep = " "
    count = rng.integers(lo, hi + 1, ctx.n)
    parts = []
    for k in range(hi):
        piece = pool.take(pa.array(rng.integers(0, len(pool), ctx.n)))
        if unit == "paragraphs":
            piece = concat_strings(
                piece, " ", sentences.take(pa.array(rng.integers(0, len(sentences), ctx.n)))
            )
        mask = pa.array(count > k)
        parts.append(pc.if_else(mask, piece, pa.scalar(None, pa.string())))
    joiner = "\n\n" if unit == "paragraphs" else sep
    out = pc.binary_join_element_wise(*parts, joiner, null_handling="skip")
    if unit == "words":
        first = pc.utf8_capitalize(out)
        return concat_strings(first, ".")
    return out


@register
class TextGenerator(Generator):
    name = "text"
    summary = (
        "Free text: `unit` words|sentences|paragraphs (default sentences), `min`..`max` units "
        "(default 1..3), cut at `max_length` characters; locale text from Mimesis."
    )
    params = ("unit", "min", "max", "max_length", "min_length")
    example: ClassVar[dict[str, Any]] = {"unit": "sentences", "min": 1, "max": 3}

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def counts(self, col: TypeColumn) -> tuple[int, int]:
        lo = 1 if col.min is None else col.min
        if not isinstance(lo, int):
            raise ValueError("text min/max count units and must be integers")
        hi = max(3, lo) if col.max is None else col.max
        if not isinstance(hi, int):
            raise ValueError("text min/max count units and must be integers")
        return lo, hi

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        try:
            lo, hi = self.counts(col)
        except ValueError as exc:
            return [("min", str(exc))]
        if lo < 1 or lo > hi:
            return [("min", f"need 1 <= min <= max, got {lo}..{hi}")]
        if hi > 50:
            return [("max", "at most 50 units per value")]
        if (col.min_length or 0) > (col.max_length if col.max_length is not None else 10**6):
            return [("min_length", "min_length is greater than max_length")]
        return []

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        lo, hi = self.counts(col)
        out = random_text(ctx, col.unit or "sentences", lo, hi)
        if col.min_length:  # more sentences for rows still short, then a pad: never shorter
            _, sentences = text_pools(ctx.locale)
            rng = ctx.rng("__min_length__")
            for _ in range(64):
                short = pc.less(pc.utf8_length(out), col.min_length)
                if not pc.any(short).as_py():
                    break
                more = sentences.take(pa.array(rng.integers(0, len(sentences), ctx.n)))
                out = pc.if_else(short, concat_strings(out, " ", more), out)
        if col.max_length is not None:
            out = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(out, 0, col.max_length))
        if col.min_length:
            out = pc.utf8_rpad(out, width=col.min_length, padding=".")
        return out


_JSON_DEFAULT_KEYS = {"source": "category:web|mobile|store", "score": "float", "active": "bool"}


@register
class JsonGenerator(Generator):
    name = "json"
    summary = (
        "A JSON object string; `keys` maps each key to a type name (e.g. {ip: ipv4, "
        "score: float}); `category:a|b|c` picks from a list."
    )
    params = ("keys",)
    example: ClassVar[dict[str, Any]] = {
        "keys": {"ip": "ipv4", "score": "float", "tag": "category:a|b"}
    }

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    @staticmethod
    def _field(spec: str) -> TypeColumn:
        if spec.startswith("category:"):
            return TypeColumn(type="category", values=spec.split(":", 1)[1].split("|"))
        return TypeColumn(type=spec)

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        from ._registry import get

        for key, spec in (col.keys or {}).items():
            type_name = spec.split(":", 1)[0]
            gen = get(type_name)
            if gen is None or type_name in ("json", "llm"):
                return [("keys", f"key {key!r}: unknown or unsupported type {type_name!r}")]
        return []

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        from ._registry import get

        keys = col.keys or _JSON_DEFAULT_KEYS
        arrays = []
        for key, spec in keys.items():
            field = self._field(spec)
            gen = get(field.type)
            assert gen is not None
            sub = dataclasses.replace(ctx, column=f"{ctx.column}.{key}", lower=None, upper=None)
            arr = gen.generate(field, sub)
            if pa.types.is_dictionary(arr.type):
                arr = arr.cast(pa.string())
            arrays.append(arr)
        return _json_objects(list(keys), arrays)


def _json_objects(keys: list[str], arrays: list[pa.Array]) -> pa.Array:
    """One JSON object string per row, built column-wise (strings escaped by DuckDB)."""
    import duckdb

    struct = pa.StructArray.from_arrays(arrays, keys)
    con = duckdb.connect(":memory:")
    try:
        frame = pa.table({"s": struct})
        con.register("f", frame)
        out = con.sql("SELECT to_json(s)::VARCHAR AS j FROM f").to_arrow_table()
    finally:
        con.close()
    return out.column(0).combine_chunks()


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def template_columns(text: str) -> list[str]:
    """Column names referenced as ``{{name}}`` in a prompt or template."""
    return _PLACEHOLDER.findall(text)


def render_template(template: str, ctx: BlockContext) -> pa.Array:
    """``{{column}}`` placeholders filled from this row (or ``{{parent.column}}``)."""
    pieces: list[pa.Array | str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            pieces.append(template[pos : match.start()])
        name = match.group(1)
        values = ctx.columns.get(name)
        if values is None:
            values = ctx.parents.get(name)
        if values is None:
            raise ValueError(f"template refers to unknown column {name!r}")
        pieces.append(
            pc.cast(values, pa.string()) if not pa.types.is_string(values.type) else values
        )
        pos = match.end()
    if pos < len(template):
        pieces.append(template[pos:])
    if not any(not isinstance(p, str) for p in pieces):
        return pa.array([template] * ctx.n, pa.string())
    filled = [pc.fill_null(p, "") if not isinstance(p, str) else p for p in pieces]
    return concat_strings(*filled)


@register
class LlmGenerator(Generator):
    name = "llm"
    summary = (
        "Free text written by an LLM from a Jinja-style `prompt` over the row ({{status}}). "
        "Offline (the default) it writes template text instead: `template` when given, "
        "else locale sentences after the prompt's row values."
    )
    params = ("prompt", "template", "max_tokens", "max_length")
    example: ClassVar[dict[str, Any]] = {
        "prompt": "One-line courier note for a {{status}} order",
        "max_tokens": 40,
    }

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        if not col.prompt and not col.template:
            return [("prompt", "llm columns need a prompt (or an offline template)")]
        return []

    def needs(self, col: TypeColumn, table: Any, name: str) -> list[str]:
        refs = template_columns(col.template or "") + template_columns(col.prompt or "")
        return [r for r in dict.fromkeys(refs) if "." not in r and r != name]

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        if col.template:
            out = render_template(col.template, ctx)
        else:
            refs = [
                r
                for r in template_columns(col.prompt or "")
                if r in ctx.columns or r in ctx.parents
            ]
            body = random_text(ctx, "sentences", 1, 2)
            if refs:
                lead = render_template(": ".join("{{" + r + "}}" for r in refs) + " - ", ctx)
                out = concat_strings(pc.utf8_capitalize(lead), body)
            else:
                out = body
        limit = col.max_length or (col.max_tokens * 4 if col.max_tokens else None)
        if limit:
            out = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(out, 0, limit))
        return out


def json_dumps(value: Any) -> str:  # small helper used by sinks/tests
    return json.dumps(value, ensure_ascii=False)
