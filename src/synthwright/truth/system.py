"""The system under test given as SQL: one query per truth query, run on files or a database.

``Q.yaml`` maps each truth query's name to SQL whose first column is the
key (``NAME: SELECT id FROM storage WHERE ...``, or ``NAME: {sql: ...}``).
On ``--data DIR`` every table file the sinks write is a view of an
in-memory DuckDB (``T.parquet``, ``T.csv``, ``T.jsonl``, ``T.json`` and
``T/part-*.parquet``); on ``--db URL`` the SQL runs on that database,
read-only, through the project's one database layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DataError

__all__ = ["read_queries", "run_queries"]

_READERS = {
    ".parquet": "read_parquet",
    ".csv": "read_csv_auto",
    ".jsonl": "read_json_auto",
    ".json": "read_json_auto",
}


def read_queries(path: str | Path) -> dict[str, str]:
    """The SQL of each query from a YAML (or JSON) mapping.

    Raises:
        DataError: unreadable, or not a mapping of names to SQL text.
    """
    import yaml

    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"no such file: {path}", where) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read {path}: {exc}", where) from exc
    if not isinstance(data, dict) or not data:
        raise DataError("expected a mapping of query names to SQL", where)
    out = {}
    for name, item in data.items():
        sql = item.get("sql") if isinstance(item, dict) else item
        if not isinstance(sql, str) or not sql.strip():
            raise DataError("expected SQL text (or {sql: ...})", f"{where}:{name}")
        out[str(name)] = sql
    return out


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _views(con: Any, folder: Path) -> None:
    if not folder.is_dir():
        raise DataError(f"no such directory: {folder}", "--data")
    made = False
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            parts = sorted(entry.glob("part-*.parquet"))
            if parts:
                glob = str(entry / "part-*.parquet").replace("'", "''")
                con.execute(
                    f"CREATE VIEW {_ident(entry.name)} AS SELECT * FROM read_parquet('{glob}')"
                )
                made = True
            continue
        reader = _READERS.get(entry.suffix)
        if reader is None:
            continue
        quoted = str(entry).replace("'", "''")
        con.execute(f"CREATE VIEW {_ident(entry.stem)} AS SELECT * FROM {reader}('{quoted}')")
        made = True
    if not made:
        raise DataError(f"no table files (parquet, csv, jsonl, json) in {folder}", "--data")


def run_queries(
    queries: dict[str, str], *, data: str | Path | None = None, db_url: str | None = None
) -> dict[str, list[Any]]:
    """Each query's first column, in the order the database returns it.

    Raises:
        DataError: a query does not run (located at ``sql:NAME``), or the
            data or database cannot be read.
    """
    if (data is None) == (db_url is None):
        raise DataError("give --data DIR or --db URL (one of them)", "--data")
    if db_url is not None:
        from .. import db

        with db.Reader(db_url, location="--db") as reader:
            return _run(reader.con, queries)
    import duckdb

    con = duckdb.connect()
    try:
        _views(con, Path(data))  # type: ignore[arg-type]
        return _run(con, queries)
    finally:
        con.close()


def _run(con: Any, queries: dict[str, str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, sql in queries.items():
        cursor = con.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
        except Exception as exc:  # any driver's error: the user's SQL did not run
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"the query does not run: {message}", f"sql:{name}") from exc
        finally:
            cursor.close()
        out[name] = [row[0] for row in rows]
    return out
