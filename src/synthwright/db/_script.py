"""SQL scripts of the ``sql`` format read back into Arrow, without running them.

A script (one per table, see :mod:`synthwright.sinks.sql`) holds a
``CREATE TABLE`` and multi-row ``INSERT`` statements in one of four
dialects. ``check`` needs the values, not the keys or the types (those are
the spec's to judge), and running the script would need that dialect's own
database: a PostgreSQL script's ``NUMERIC(1000,2)`` or deferred keys, a
MySQL script's backticks and backslash escapes, and keys pointing at tables
in other files. So the statements are scanned instead: regular expressions
split the text into statements (string literals and comments respected) and
pick every literal out of each ``VALUES`` list at C speed. Each value comes
back as its text -- ``NULL`` as null, ``TRUE`` as ``true``, the dialects'
spellings of NaN and infinity as ``nan``/``inf`` -- in a string column, and
``check`` casts it to the spec's type exactly as it does a CSV's (decimals
keep every digit, which a float-typed engine would not).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

__all__ = ["read_script"]

_IDENT = r'"(?:[^"]|"")*"|`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_$]*'
_STRING = {"mysql": r"'(?:[^'\\]|\\.|'')*'", "other": r"'(?:[^']|'')*'"}
_DIALECT = re.compile(r"\A--\s*synthwright:.*\((postgres|mysql|sqlite|duckdb)\)[ \t]*$", re.M)
_LEADING = re.compile(r"\A(?:\s+|--[^\n]*)*")
_INSERT = re.compile(
    rf"INSERT\s+INTO\s+(?P<table>{_IDENT})\s*\((?P<cols>(?:\s*(?:{_IDENT})\s*,?)*)\)\s*VALUES",
    re.IGNORECASE,
)
_CREATE = re.compile(rf"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:{_IDENT})\s*\(", re.I)
_COLUMN = re.compile(rf"[(,]\s*({_IDENT})\s+[A-Za-z]")
_NAMES = re.compile(_IDENT)
_CONSTRAINTS = {"PRIMARY", "FOREIGN", "UNIQUE", "CONSTRAINT", "CHECK", "KEY", "INDEX"}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_SPECIAL = {"nan": "nan", "infinity": "inf", "inf": "inf", "-infinity": "-inf", "-inf": "-inf"}
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


def _splitter(dialect: str) -> re.Pattern[str]:
    string = _STRING["mysql" if dialect == "mysql" else "other"]
    return re.compile(rf'{string}|"(?:[^"]|"")*"|`(?:[^`]|``)*`|--[^\n]*|;')


def _values(dialect: str) -> re.Pattern[str]:
    string = _STRING["mysql" if dialect == "mysql" else "other"]
    return re.compile(
        rf"(?P<s>{string})|CAST\s*\(\s*(?P<c>{string})\s+AS\s+[^)]*\)"
        rf"|(?P<k>\b(?:NULL|TRUE|FALSE)\b)|(?P<n>{_NUMBER})",
        re.IGNORECASE,
    )


def _unquote_ident(name: str) -> str:
    if name[:1] == '"':
        return name[1:-1].replace('""', '"')
    if name[:1] == "`":
        return name[1:-1].replace("``", "`")
    return name


def _string(literal: str, dialect: str) -> str:
    body = literal[1:-1]
    if dialect == "mysql" and "\\" in body:
        return re.sub(
            r"\\(.)|''", lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else "'", body
        )
    return body.replace("''", "'")


def _statements(text: str, dialect: str) -> list[str]:
    """The script's statements, split at semicolons outside literals and comments."""
    out: list[str] = []
    start = 0
    for match in _splitter(dialect).finditer(text):
        if match.group(0) == ";":
            out.append(text[start : match.start()])
            start = match.end()
    if text[start:].strip():
        out.append(text[start:])
    return [_LEADING.sub("", s, count=1) for s in out]


def _insert(statement: str, dialect: str, columns: dict[str, list[str | None]]) -> None:
    """Add one INSERT's values to `columns` (column-major, as text)."""
    head = _INSERT.match(statement)
    if head is None:
        raise ValueError(f"cannot read the INSERT statement {statement[:60]!r}")
    names = [_unquote_ident(n) for n in _NAMES.findall(head.group("cols"))]
    values: list[str | None] = []
    for s, c, k, n in _values(dialect).findall(statement, head.end()):
        if s:
            values.append(_string(s, dialect))
        elif c:
            text = _string(c, dialect)
            values.append(_SPECIAL.get(text.lower(), text))
        elif k:
            values.append(None if k.upper() == "NULL" else k.lower())
        else:
            values.append(n if n.lstrip("+-") != "9e999" else ("-inf" if n[0] == "-" else "inf"))
    if not names or len(values) % len(names):
        raise ValueError(f"an INSERT has {len(values)} values for {len(names)} columns")
    for i, name in enumerate(names):
        columns.setdefault(name, []).extend(values[i :: len(names)])


def _created_columns(statement: str) -> list[str]:
    """Column names of a ``CREATE TABLE`` (constraint lines left out)."""
    head = _CREATE.match(statement)
    if head is None:
        return []
    body = statement[head.end() - 1 :]
    names = [m.group(1) for m in _COLUMN.finditer(body)]
    return [_unquote_ident(n) for n in names if n[0] in '"`' or n.upper() not in _CONSTRAINTS]


def read_script(file: str | Path, dialect: str | None = None) -> pa.Table:
    """The rows of a one-table SQL script as string columns (see the module docstring).

    `dialect` is read from the script's first line (``-- synthwright: table t
    (mysql)``) when not given; a script without one is taken as PostgreSQL,
    or MySQL when it quotes names with backticks.

    Raises:
        ValueError: a statement this reader cannot take apart, or rows of
            different lengths.
        OSError: the file cannot be read.
    """
    text = Path(file).read_text(encoding="utf-8")
    if dialect is None:
        found = _DIALECT.search(text)
        dialect = found.group(1) if found else ("mysql" if "`" in text[:4096] else "postgres")
    order: list[str] = []
    columns: dict[str, list[str | None]] = {}
    for statement in _statements(text, dialect):
        keyword = statement[:6].upper()
        if keyword == "INSERT":
            _insert(statement, dialect, columns)
        elif keyword == "CREATE" and not order:
            order = _created_columns(statement)
    order += [name for name in columns if name not in order]
    rows = {len(v) for v in columns.values()}
    if len(rows) > 1:
        raise ValueError("the INSERT statements give columns different numbers of rows")
    n = rows.pop() if rows else 0
    return pa.table(
        [pa.array(columns.get(name, [None] * n), pa.string()) for name in order], names=order
    )
