"""What the PostgreSQL and MySQL sinks share: URLs, secrets, errors and bulk text.

- :func:`parse_url` reads ``scheme://user:password@host:port/database?opts``
  once; the password lives only in the returned object, never in a message.
- :func:`scrub` takes credentials out of any text that may have seen them
  (driver errors can embed a DSN), and every message of these sinks goes
  through it.
- :class:`SinkInputError` marks failures caused by what the caller asked
  for -- an unreachable server, wrong credentials, an unknown database, a
  table that exists with ``if_exists='fail'`` -- rather than by the run;
  nothing was changed when it is raised (a CLI maps it to "bad input").
- :func:`tsv_bytes` formats a record batch column by column as the
  tab-separated text that both PostgreSQL's ``COPY ... FROM STDIN`` and
  MySQL's ``LOAD DATA`` read (``\\N`` for NULL, backslash escapes), because
  formatting a million rows cell by cell in Python is what makes loads slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

import pyarrow as pa
import pyarrow.compute as pc

from synthwright.errors import SinkError, SinkInputError
from synthwright.sinks import _text
from synthwright.sinks._base import redact_url

__all__ = ["ServerURL", "SinkInputError", "first_line", "parse_url", "scrub", "tsv_bytes"]


@dataclass(frozen=True)
class ServerURL:
    """A parsed server URL; ``redacted`` is the only form that may appear in messages."""

    scheme: str
    host: str
    port: int | None
    user: str | None
    password: str | None = field(repr=False)
    database: str
    options: dict[str, str]
    redacted: str


def parse_url(url: str, kind: str, location: str) -> ServerURL:
    """Split a ``scheme://[user[:password]@]host[:port]/database[?k=v]`` URL.

    Raises:
        SinkInputError: the URL cannot be read (its credentials are not shown).
    """
    redacted = redact_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SinkInputError(f"not a {kind} URL: {redacted!r} ({exc})", location) from None
    database = unquote(parts.path.lstrip("/"))
    return ServerURL(
        scheme=parts.scheme.lower(),
        host=unquote(parts.hostname or ""),
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database,
        options=dict(parse_qsl(parts.query, keep_blank_values=True)),
        redacted=redacted,
    )


_SECRET_PATTERNS = (
    re.compile(r"(://)[^/@\s]*@"),  # user:password@ inside any URL
    re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE),  # DSN key=value
)


def scrub(text: str, secret: str | None) -> str:
    """`text` with credentials removed: URLs' ``user:password@``, ``password=...``, `secret`.

    The literal secret is replaced only when it has at least 3 characters, so
    that a one-letter password does not blank out every such letter.
    """
    text = _SECRET_PATTERNS[0].sub(r"\1", text)
    text = _SECRET_PATTERNS[1].sub(r"\1***", text)
    if secret and len(secret) >= 3:
        text = text.replace(secret, "***")
    return text


def first_line(exc: BaseException) -> str:
    """A driver error's first meaningful line (their messages repeat context below)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


# -- tab-separated text for COPY / LOAD DATA ---------------------------------------
_NEEDS_ESCAPE = "[\\\\\t\n\r]"
_ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]


def _escaped(arr: pa.Array) -> pa.Array:
    """Backslash, tab, newline and CR escaped (only when the column has any)."""
    if not pc.any(pc.match_substring_regex(arr, _NEEDS_ESCAPE)).as_py():
        return arr
    for old, new in _ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    return arr


def _field_text(arr: pa.Array, dialect: str) -> pa.Array:
    """One column as COPY/LOAD DATA text, ``\\N`` for NULL."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return _field_text(arr.dictionary_decode(), dialect)
    if pa.types.is_boolean(t):
        yes, no = ("t", "f") if dialect == "postgres" else ("1", "0")
        out = pc.if_else(arr, yes, no)
    elif pa.types.is_floating(t):
        if dialect == "mysql" and not pc.all(pc.fill_null(pc.is_finite(arr), True)).as_py():
            raise SinkError("MySQL cannot store NaN or infinite floats", "sinks.mysql")
        out = arr.cast(pa.string())
    elif pa.types.is_timestamp(t):
        naive = arr.cast(pa.timestamp(t.unit)) if t.tz else arr
        out = naive.cast(pa.string())
        if t.tz and dialect == "postgres":  # the naive text is UTC: say so
            out = pc.binary_join_element_wise(out, "+00", "")
    elif pa.types.is_duration(t):
        out = _text.plain(arr).cast(pa.string())
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        out = _escaped(arr.cast(pa.string()))
    elif (
        pa.types.is_integer(t)
        or pa.types.is_decimal(t)
        or pa.types.is_date(t)
        or pa.types.is_time(t)
    ):
        out = arr.cast(pa.string())
    else:
        raise SinkError(f"no {dialect} column type for Arrow type {t}", f"sinks.{dialect}")
    return out.fill_null("\\N")


def tsv_bytes(batch: pa.RecordBatch, dialect: str) -> bytes:
    """The batch as UTF-8 lines of tab-separated fields, each line ending in ``\\n``."""
    parts: list[pa.Array | str] = []
    for i, column in enumerate(batch.columns):
        parts += ["\t" if i else "", _field_text(column, dialect)]
    parts.append("\n")
    return _text.concat(_text.join_columns(parts, batch.num_rows))
