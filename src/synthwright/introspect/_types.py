"""Declared SQL type text -> a normalised kind, length, precision and scale.

Every database prints its types a little differently (``INTEGER(11)``,
``TIMESTAMP WITHOUT TIME ZONE``, ``DECIMAL(10,2)``, ``character varying``);
reading the text once here lets the rest of the package reason about a small
fixed set of kinds. SQLite accepts any type name, so the same rules serve its
declared types (following its affinity rules for names we do not know).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ParsedType", "parse_sql_type"]

_ARGS_RE = re.compile(r"\(([^)]*)\)")

_EXACT: dict[str, str] = {
    "int": "int",
    "integer": "int",
    "int4": "int",
    "mediumint": "int",
    "serial": "int",
    "serial4": "int",
    "bigint": "bigint",
    "int8": "bigint",
    "bigserial": "bigint",
    "serial8": "bigint",
    "hugeint": "bigint",
    "ubigint": "bigint",
    "uinteger": "bigint",
    "smallint": "smallint",
    "int2": "smallint",
    "smallserial": "smallint",
    "tinyint": "smallint",
    "utinyint": "smallint",
    "usmallint": "int",
    "year": "smallint",
    "numeric": "decimal",
    "decimal": "decimal",
    "dec": "decimal",
    "number": "decimal",
    "money": "decimal",
    "real": "float",
    "float": "float",
    "float4": "float",
    "float8": "float",
    "double": "float",
    "double precision": "float",
    "bool": "bool",
    "boolean": "bool",
    "bit": "bool",
    "char": "char",
    "character": "char",
    "nchar": "char",
    "bpchar": "char",
    "varchar": "varchar",
    "character varying": "varchar",
    "nvarchar": "varchar",
    "varchar2": "varchar",
    "string": "varchar",
    "text": "text",
    "tinytext": "text",
    "mediumtext": "text",
    "longtext": "text",
    "clob": "text",
    "citext": "text",
    "date": "date",
    "datetime": "datetime",
    "datetime2": "datetime",
    "timestamp": "datetime",
    "timestamptz": "datetime",
    "timestamp with time zone": "datetime",
    "timestamp without time zone": "datetime",
    "timestamp_ns": "datetime",
    "timestamp_ms": "datetime",
    "timestamp_s": "datetime",
    "time": "time",
    "timetz": "time",
    "time with time zone": "time",
    "time without time zone": "time",
    "interval": "interval",
    "uuid": "uuid",
    "uniqueidentifier": "uuid",
    "json": "json",
    "jsonb": "json",
    "enum": "enum",
    "inet": "inet",
    "cidr": "inet",
    "macaddr": "mac",
    "macaddr8": "mac",
    "bytea": "binary",
    "blob": "binary",
    "binary": "binary",
    "varbinary": "binary",
    "longblob": "binary",
    "mediumblob": "binary",
    "tinyblob": "binary",
}


@dataclass(frozen=True)
class ParsedType:
    """What a declared type says: its kind and its size parameters."""

    kind: str
    text: str  # normalised, lower-case: "varchar(255)", "numeric(10,2)"
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum_values: tuple[str, ...] | None = None


def _affinity(name: str) -> str:
    """SQLite's rules for a type name we do not know (section 3.1 of its docs)."""
    if "int" in name:
        return "int"
    if "char" in name:
        return "varchar"
    if any(s in name for s in ("clob", "text")):
        return "text"
    if "blob" in name or not name:
        return "binary" if name else "other"
    if any(s in name for s in ("real", "floa", "doub")):
        return "float"
    return "other"


def _enum_labels(args: str) -> tuple[str, ...]:
    return tuple(m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", args))


def parse_sql_type(declared: str) -> ParsedType:
    """Parse a declared type such as ``VARCHAR(255)`` or ``NUMERIC(10, 2)``."""
    raw = " ".join(declared.strip().lower().split())
    raw = re.sub(r"\s+(character set|charset|collate)\s+.*$", "", raw)
    raw = raw.replace(" unsigned", "").replace(" zerofill", "")
    if raw.endswith("[]"):
        return ParsedType("other", raw)
    found = _ARGS_RE.search(raw)
    args = found.group(1) if found else None
    name = " ".join(_ARGS_RE.sub(" ", raw, count=1).split())  # "timestamp(6) with time zone"
    kind = _EXACT.get(name) or _EXACT.get(name.split(" ", 1)[0]) or _affinity(name)
    if kind == "enum":
        labels = _enum_labels(args or "")
        return ParsedType("enum", raw, enum_values=labels or None)
    numbers = [int(n) for n in re.findall(r"\d+", args or "")]
    length = precision = scale = None
    if kind in ("char", "varchar") and numbers:
        length = numbers[0]
    elif kind == "decimal" and numbers:
        precision = numbers[0]
        scale = numbers[1] if len(numbers) > 1 else 0
    elif kind == "smallint" and name == "tinyint" and numbers == [1]:
        kind = "bool"  # MySQL's BOOLEAN is TINYINT(1)
    elif kind == "bool" and name == "bit" and numbers and numbers[0] > 1:
        kind = "binary"
    if kind == "char" and not numbers:
        length = 1
    text = raw
    if kind in ("char", "varchar") and length is not None:
        text = f"{'char' if kind == 'char' else 'varchar'}({length})"
    elif kind == "decimal" and precision is not None:
        text = f"{name.split(' ')[0]}({precision},{scale})"
    return ParsedType(kind, text, length, precision, scale)
