"""What DuckDB's CSV reader gets wrong silently, caught before a profile is built on it.

Two inputs used to be profiled as nonsense without a word:

- a UTF-16 (or UTF-32) CSV, as Excel's "Unicode text" export writes: DuckDB
  reads bytes as UTF-8, so the byte-order mark became part of the first
  column's name (``ÿþn``) and every other byte was NUL. `decoded` detects the
  BOM and gives DuckDB a UTF-8 copy (streamed: memory stays flat).
- a ragged CSV (rows with a different number of fields): DuckDB's sniffer
  finds no consistent dialect and falls back to one column holding whole
  lines, which then looked unique and was typed ``uuid``. `refuse_ragged`
  re-reads such a one-column result with Python's csv module and refuses the
  file at the first record whose field count differs from the header's,
  located as ``file:line``.

A UTF-8 BOM needs nothing: DuckDB skips it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DataError

__all__ = ["decoded", "refuse_ragged"]

# longest first: the UTF-32 LE mark starts with the UTF-16 LE one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHUNK = 1 << 20


def _open_bytes(path: Path) -> gzip.GzipFile | io.BufferedReader:
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def _encoding(path: Path) -> str | None:
    """'utf-16'/'utf-32' when the file starts with that byte-order mark, else None."""
    with _open_bytes(path) as handle:
        head = handle.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


@contextmanager
def decoded(path: Path, where: str) -> Iterator[tuple[Path, str | None]]:
    """The file to hand DuckDB (a UTF-8 copy for a UTF-16/32 file) and the encoding found.

    Raises:
        DataError: the file cannot be read or its bytes do not match its mark.
    """
    try:
        encoding = _encoding(path)
    except (OSError, EOFError) as exc:
        raise DataError(f"cannot read {path}: {exc}", where) from exc
    if encoding is None:
        yield path, None
        return
    with tempfile.TemporaryDirectory(prefix="synthwright-") as tmp:
        suffix = ".tsv" if ".tsv" in path.name.lower() else ".csv"
        target = Path(tmp) / f"utf8{suffix}"
        try:
            with (
                _open_bytes(path) as raw,
                io.TextIOWrapper(raw, encoding=encoding, newline="") as src,
                target.open("w", encoding="utf-8", newline="") as dst,
            ):
                while chunk := src.read(_CHUNK):
                    dst.write(chunk)
        except (OSError, EOFError, UnicodeError) as exc:
            raise DataError(f"cannot read {path} as {encoding.upper()}: {exc}", where) from exc
        yield target, encoding


def refuse_ragged(readable: Path, shown: Path, where: str) -> None:
    """Refuse a CSV whose records do not all have the header's number of fields.

    Called when DuckDB read the file as a single column, its fallback for a
    file with no consistent dialect. `readable` is the UTF-8 file read,
    `shown` the user's path for the location. A genuine one-column file passes.

    Raises:
        DataError: at ``<shown>:<line>`` for the first record out of step.
    """
    tsv = ".tsv" in shown.name.lower()
    try:
        with (
            _open_bytes(readable) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text,
        ):
            head = text.read(64 * 1024)
            text.seek(0)
            delimiter = "\t" if tsv else _delimiter(head)
            if delimiter is None:
                return
            reader = csv.reader(text, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                return
            width = len(header)
            for record in reader:
                if record and len(record) != width:
                    line = reader.line_num
                    raise DataError(
                        f"line {line} has {len(record)} fields where the header has {width} "
                        f"(separated by {delimiter!r}): a ragged file cannot be profiled; fix "
                        "or remove the rows out of step",
                        f"{shown}:{line}",
                    )
    except csv.Error as exc:
        raise DataError(f"cannot read {shown}: {exc}", where) from exc
    except (OSError, EOFError) as exc:
        raise DataError(f"cannot read {shown}: {exc}", where) from exc


def _delimiter(head: str) -> str | None:
    """The separator a CSV most plausibly uses (of , ; tab |): the most frequent in its start."""
    counts = {d: head.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None
