"""Reading and writing task records: JSONL, JSON and Parquet, all or nothing.

Input problems are read whole and validated before any work starts, so a bad
line is reported (``tasks.jsonl:3: constraints: Field required``) and
nothing is written. Output goes through a temporary file in the target
folder and ``os.replace``: a crash or a refusal never leaves half a file.
Parquet keeps lists of strings as lists and stores nested values
(``sample_data``, ``expected``, ``quality``, ``turns`` ...) as JSON text,
since their shape differs from domain to domain; :func:`read_rows` decodes
them again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import DataError, Problem

__all__ = ["parse_models", "read_rows", "write_atomic", "write_records"]

JSON_FIELDS = ("sample_data", "expected", "metrics", "dimensions", "quality", "turns")
FORMATS = (".jsonl", ".json", ".parquet")
M = TypeVar("M", bound=BaseModel)


def read_rows(source: str) -> list[tuple[str, dict[str, Any]]]:
    """``(location, row)`` pairs from a JSONL/JSON/Parquet file, or ``-`` for stdin JSONL.

    Raises:
        DataError: a missing file or unreadable content, with every bad line located.
    """
    if source == "-":
        return _jsonl(sys.stdin.read(), "<stdin>")
    path = Path(source)
    if not path.is_file():
        raise DataError(f"no such file: {source}", source)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(path).to_pylist()
        except Exception as exc:  # pyarrow raises several kinds for a damaged file
            raise DataError(f"cannot read Parquet: {exc}", source) from exc
        return [(f"{source}:row {i + 1}", _decode(r)) for i, r in enumerate(rows)]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {exc}", source) from exc
    if path.suffix == ".json" or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"not valid JSON: {exc.msg}", f"{source}:{exc.lineno}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DataError("a JSON file must hold an array of records", source)
        return [(f"{source}:[{i}]", r) for i, r in enumerate(data)]
    return _jsonl(text, source)


def _jsonl(text: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"{where}:{number}", f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(f"{where}:{number}", "expected a JSON object"))
            continue
        rows.append((f"{where}:{number}", value))
    if problems:
        raise DataError(problems)
    return rows


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_FIELDS:
        if isinstance(row.get(name), str):
            with contextlib.suppress(json.JSONDecodeError):
                row[name] = json.loads(row[name])
    return {k: v for k, v in row.items() if v is not None}


def parse_models(rows: list[tuple[str, dict[str, Any]]], model: type[M]) -> list[M]:
    """Every row validated as ``model``; all problems at once, each at its line and field.

    Raises:
        DataError: one or more rows do not fit the record schema.
    """
    out: list[M] = []
    problems: list[Problem] = []
    for where, row in rows:
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                problems.append(Problem(where, f"{loc}: {err['msg']}" if loc else err["msg"]))
    if problems:
        raise DataError(problems)
    return out


def write_atomic(path: Path, write: Callable[[str], None], location: str = "-o") -> None:
    """Call ``write(tmp_path)`` then rename it onto ``path``; on any failure remove the temp file.

    Raises:
        DataError: the folder does not exist or cannot be written (bad input).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"folder {str(folder)!r} does not exist", location)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}", location) from exc
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; the output is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise DataError(f"cannot write {path}: {exc.strerror or exc}", location) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def jsonl_text(rows: list[dict[str, Any]]) -> str:
    """One compact JSON object per line (stable key order as built)."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)


def write_records(path: Path, rows: list[dict[str, Any]], location: str = "-o") -> None:
    """Write ``rows`` to ``path`` as JSONL, a JSON array or Parquet (by extension), atomically."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DataError(
            f"unknown output format {suffix or '(none)'!r}; use .jsonl, .json or .parquet", location
        )

    def write(tmp: str) -> None:
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            flat = [
                {
                    k: json.dumps(v, ensure_ascii=False)
                    if k in JSON_FIELDS and v is not None
                    else v
                    for k, v in r.items()
                }
                for r in rows
            ]
            names = list(dict.fromkeys(k for r in flat for k in r))
            columns = {n: [r.get(n) for r in flat] for n in names}
            pq.write_table(pa.table(columns), tmp)
        else:
            text = (
                jsonl_text(rows)
                if suffix == ".jsonl"
                else json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
            )
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)

    write_atomic(path, write, location)
