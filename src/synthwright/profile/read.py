"""Read sample data to profile: files, a directory of files, or a database URL.

Sources and how large inputs are bounded (memory never grows with the input):

- CSV/TSV (also ``.gz``), Parquet, JSON (array) and JSON Lines go through
  DuckDB, which streams the file; above ``max_rows`` rows a reservoir sample
  of ``max_rows`` rows is taken (``USING SAMPLE reservoir(...) REPEATABLE``,
  so the same file gives the same sample).
- Excel (``.xlsx``): the first ``max_rows`` data rows of every sheet with a
  header (openpyxl in read-only mode); one table per sheet.
- A directory: one table per supported file, named after the file.
- ``sqlite:///file``, ``duckdb:///file``, ``postgresql://...``,
  ``mysql://...``: every table, read through :mod:`synthwright.db` (the one
  database layer: URLs, drivers, redaction). Above ``max_rows`` rows a
  deterministic pseudo-random sample is drawn by the database (SQLite:
  hashed rowids; PostgreSQL: ``setseed`` + ``random()``; MySQL:
  ``RAND(42)``; DuckDB: reservoir).

CSV files whose bytes are not valid UTF-8 (Latin-1 exports, or files mixing
encodings line by line) are re-read line by line, each line as UTF-8 when it
is, else as Windows-1252/Latin-1; the profile's notes say how many lines
needed it. A UTF-16/32 file is decoded by its byte-order mark, and a ragged
file (rows with other field counts than the header) is refused at its first
such line (see `_csv`). Every failure is a :class:`~synthwright.errors.DataError` located
at ``sample.<source>`` (a URL redacted); nothing here raises a foreign error.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from .. import db
from ..errors import DataError, Problem
from . import _csv

__all__ = ["DEFAULT_MAX_ROWS", "SUFFIXES", "Sample", "read_sample", "retype_strings"]

DEFAULT_MAX_ROWS = 200_000
SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz", ".parquet", ".pq", ".json", ".jsonl", ".ndjson")
_EXCEL = (".xlsx", ".xlsm")


@dataclass
class Sample:
    """Tables read for profiling, with the source's full row count and notes."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    source_rows: dict[str, int | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, table: pa.Table, source_rows: int | None, where: str) -> None:
        if name in self.tables:
            raise DataError(f"two sources give a table named {name!r}", where)
        self.tables[name] = table
        self.source_rows[name] = source_rows
        if source_rows is not None and source_rows > table.num_rows:
            self.notes.append(
                f"{name}: profiled a sample of {table.num_rows} of {source_rows} rows"
            )


def read_sample(
    sources: Sequence[str | Path] | str | Path, *, max_rows: int = DEFAULT_MAX_ROWS
) -> Sample:
    """Read every source into Arrow tables of at most ``max_rows`` rows each.

    Raises:
        DataError: every source that could not be read, each with its location.
    """
    if isinstance(sources, str | Path):
        sources = [sources]
    if max_rows < 1:
        raise DataError("must be at least 1", "max_rows")
    sample = Sample()
    problems: list[Problem] = []
    for source in sources:
        text = str(source)
        where = f"sample.{db.redact_url(text)}"
        try:
            if db.is_database_url(text):
                _read_database(text, sample, max_rows)
            else:
                path = Path(text)
                if path.is_dir():
                    files = sorted(p for p in path.iterdir() if p.is_file() and _supported(p))
                    if not files:
                        raise DataError(f"no {', '.join(SUFFIXES + _EXCEL)} files in {path}", where)
                    for file in files:
                        _read_path(file, sample, max_rows)
                elif path.is_file():
                    _read_path(path, sample, max_rows)
                else:
                    raise DataError(f"no such file or directory: {path}", where)
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    if not sample.tables:
        raise DataError("no tables found", "sample")
    return sample


# --- files -------------------------------------------------------------------


def _supported(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(SUFFIXES + _EXCEL)


def table_name(path: Path) -> str:
    """A table name from a file name: the stem without format suffixes, as an identifier."""
    name = path.name
    for suffix in sorted(SUFFIXES + _EXCEL, key=len, reverse=True):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    name = re.sub(r"\W+", "_", name).strip("_")
    return name or "table"


def _read_path(path: Path, sample: Sample, max_rows: int) -> None:
    where = f"sample.{path}"
    lower = path.name.lower()
    if lower.endswith(_EXCEL):
        _read_excel(path, sample, max_rows)
        return
    if lower.endswith(".xls"):
        raise DataError("old .xls workbooks are not supported; save as .xlsx or CSV", where)
    if not lower.endswith(SUFFIXES):
        raise DataError(f"unknown file type; supported: {', '.join(SUFFIXES + _EXCEL)}", where)
    try:
        if path.stat().st_size == 0:
            raise DataError("the file is empty", where)
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}", where) from exc
    if lower.endswith((".parquet", ".pq")):
        source = f"read_parquet({db.string_literal(str(path))})"
    elif lower.endswith((".json", ".jsonl", ".ndjson")):
        source = f"read_json({db.string_literal(str(path))}, format='auto')"
    else:
        _read_csv(path, sample, max_rows, where)
        return
    try:
        table, total = _duck_sample(source, max_rows)
    except duckdb.Error as exc:
        message = db.first_line(exc)
        if "unicode" in str(exc).lower() and not lower.endswith(".gz"):
            table, total, fixed = _read_mixed_encoding(path, max_rows, where)
            sample.notes.append(
                f"{table_name(path)}: {fixed} lines were not UTF-8 and were read as Windows-1252"
            )
        else:
            raise DataError(f"cannot read {path}: {message}", where) from exc
    sample.add(table_name(path), table, total, where)


def _read_csv(path: Path, sample: Sample, max_rows: int, where: str) -> None:
    """A CSV/TSV through DuckDB; UTF-16/32 decoded by its BOM, ragged files refused (`_csv`)."""
    with _csv.decoded(path, where) as (readable, encoding):
        source = f"read_csv({db.string_literal(str(readable))}, header=true, sample_size=-1)"
        try:
            table, total = _duck_sample(source, max_rows)
        except duckdb.Error as exc:
            gz = path.name.lower().endswith(".gz")
            if "unicode" in str(exc).lower() and not gz and encoding is None:
                table, total, fixed = _read_mixed_encoding(path, max_rows, where)
                sample.notes.append(
                    f"{table_name(path)}: {fixed} lines were not UTF-8 and were read as "
                    "Windows-1252"
                )
            else:
                raise DataError(f"cannot read {path}: {db.first_line(exc)}", where) from exc
        if table.num_columns == 1:  # DuckDB's fallback when rows disagree on their fields
            _csv.refuse_ragged(readable, path, where)
    if encoding is not None:
        sample.notes.append(f"{table_name(path)}: read as {encoding.upper()} (byte-order mark)")
    sample.add(table_name(path), table, total, where)


def _duck_sample(source: str, max_rows: int) -> tuple[pa.Table, int]:
    """Rows of a DuckDB table function, sampled above max_rows; and the full count."""
    con = duckdb.connect(":memory:")
    try:
        table, total = db.duckdb_rows(con, source, max_rows)
        return retype_strings(_normalise(table)), total
    finally:
        con.close()


def _read_mixed_encoding(path: Path, max_rows: int, where: str) -> tuple[pa.Table, int, int]:
    """Re-encode a CSV line by line to UTF-8 (streaming) and read that."""
    fixed = 0
    with tempfile.TemporaryDirectory(prefix="synthwright-") as tmp:
        target = Path(tmp) / "utf8.csv"
        try:
            with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
                for raw in src:
                    try:
                        line = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        fixed += 1
                        try:
                            line = raw.decode("cp1252")
                        except UnicodeDecodeError:
                            line = raw.decode("latin-1")
                    dst.write(line)
            source = f"read_csv({db.string_literal(str(target))}, header=true, sample_size=-1)"
            table, total = _duck_sample(source, max_rows)
        except (OSError, duckdb.Error) as exc:
            raise DataError(f"cannot read {path}: {db.first_line(exc)}", where) from exc
    return table, total, fixed


def _read_excel(path: Path, sample: Sample, max_rows: int) -> None:
    """Every sheet with a header row; the first max_rows data rows of each."""
    where = f"sample.{path}"
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl ships with the xlsx extra
        raise DataError(
            "reading .xlsx needs openpyxl (pip install synthwright[xlsx])", where
        ) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise DataError(f"cannot read {path}: {db.first_line(exc)}", where) from exc
    try:
        sheets = book.worksheets
        for sheet in sheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None or all(h is None for h in header):
                continue
            names = _header_names([None if h is None else str(h) for h in header])
            kept: list[tuple[Any, ...]] = []
            total = 0
            for row in rows:
                total += 1
                if len(kept) < max_rows:
                    kept.append(row)
            columns = list(zip(*kept, strict=False)) if kept else [()] * len(names)
            table = pa.table(
                {
                    n: _loose_array(list(columns[i]) if i < len(columns) else [None] * len(kept))
                    for i, n in enumerate(names)
                }
            )
            name = table_name(path) if len(sheets) == 1 else re.sub(r"\W+", "_", sheet.title)
            sample.add(name, retype_strings(table), total, where)
    finally:
        book.close()


def _header_names(header: list[str | None]) -> list[str]:
    names: list[str] = []
    for i, h in enumerate(header):
        name = (h or f"column_{i + 1}").strip() or f"column_{i + 1}"
        while name in names:
            name += "_"
        names.append(name)
    return names


# --- databases -----------------------------------------------------------------


def _read_database(url: str, sample: Sample, max_rows: int) -> None:
    """Every base table of the database, sampled by the database above max_rows."""
    where = f"sample.{db.redact_url(url)}"
    with db.Reader(url, location=where) as reader:
        for name in reader.tables():
            table, total = reader.sample(name, max_rows, convert=_floats)
            sample.add(name, retype_strings(_normalise(table)), total, where)


# --- Arrow helpers -------------------------------------------------------------


def _floats(values: list[Any]) -> list[Any]:
    """Decimals as floats: the profile models numbers, not their exact digits."""
    return [float(v) if isinstance(v, Decimal) else v for v in values]


def _loose_array(values: list[Any]) -> pa.Array:
    """Cells as Arrow: their own type when uniform (decimals as floats), else their text."""
    return db.loose_array(_floats(values))


def _normalise(table: pa.Table) -> pa.Table:
    """One chunk per column; dictionary, decimal, tz-aware and large types made plain."""
    arrays = []
    for column in table.columns:
        arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        t = arr.type
        if pa.types.is_dictionary(t):
            arr = arr.dictionary_decode()
            t = arr.type
        if pa.types.is_decimal(t):
            arr = arr.cast(pa.float64())
        elif pa.types.is_timestamp(t):
            arr = arr.cast(pa.timestamp("us", tz=t.tz)) if t.unit != "us" else arr
            if t.tz is not None:
                arr = arr.cast(pa.timestamp("us"))  # wall time in UTC
        elif pa.types.is_large_string(t):
            arr = arr.cast(pa.string())
        elif pa.types.is_null(t):
            arr = pa.nulls(len(arr), pa.string())
        arrays.append(arr)
    return pa.table(arrays, names=table.column_names)


NULL_TOKENS = ("", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "none", "-", "?")


def retype_strings(table: pa.Table) -> pa.Table:
    """String columns whose every value is an integer, number or timestamp become so.

    Null-like tokens (``NA``, ``NULL``, ``-``...) count as missing only in a
    column whose other values are all numbers or timestamps, so a country
    code ``NA`` (Namibia) in a text column is kept.
    """
    for i, name in enumerate(table.column_names):
        arr = table.column(i).combine_chunks()
        if not pa.types.is_string(arr.type) or arr.null_count == len(arr):
            continue
        stripped = pc.utf8_trim_whitespace(arr)
        missing = pc.is_in(stripped, value_set=pa.array(NULL_TOKENS))
        if pc.all(pc.or_kleene(missing, pc.is_null(stripped))).as_py():
            continue  # nothing but null tokens: leave the text as it is
        cleaned = pc.if_else(missing, pa.nulls(len(arr), pa.string()), stripped)
        head = cleaned.drop_null().slice(0, 1_000)
        for target in (pa.int64(), pa.float64(), pa.timestamp("us")):
            try:
                head.cast(target)  # a failed cast of the whole column costs a full pass
                table = table.set_column(i, name, cleaned.cast(target))
                break
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
    return table
