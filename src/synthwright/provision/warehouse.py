"""Loading the demo warehouse: the spec generated into a database, with keys and comments.

DuckDB (``DIR/warehouse.duckdb``) by default; any URL the sinks take
(``sqlite:///``, ``duckdb:///``, ``postgresql://``, ``mysql://``) with
``--db``. The sinks create primary keys, foreign keys and unique
constraints and load all or nothing (``if_exists=replace``: a rerun
replaces the demo's tables, never leaves half of them). Table and column
descriptions of the spec become database comments where the database has
them: ``COMMENT ON`` in DuckDB and PostgreSQL, ``ALTER TABLE ... COMMENT``
for MySQL tables; SQLite keeps none (the load summary says so). There is no
BigQuery loader: it could not be tested against a real endpoint here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import db
from ..errors import SinkInputError

__all__ = ["Warehouse", "check_url", "default_url", "load"]


def default_url(out_dir: Path) -> str:
    return f"duckdb:///{(out_dir / 'warehouse.duckdb').resolve()}"


def check_url(url: str, location: str = "--db") -> str:
    """The URL as the database layer reads it (bad ones refused before any work, exit 2)."""
    if "bigquery" in url.split(":", 1)[0].lower():
        raise SinkInputError(
            "BigQuery is not supported: there is no loader for it (it could not be tested "
            "against a real endpoint); use duckdb:///, postgresql://, mysql:// or sqlite:///",
            location,
        )
    db.parse_url(url, location=location)
    return url


def load(
    spec: dict[str, Any],
    url: str,
    *,
    on_progress: Any = None,
) -> dict[str, Any]:
    """Generate ``spec`` into ``url`` (replacing the demo's tables); a summary of the load."""
    from .. import api

    dataset = api.generate(spec, on_progress=on_progress)
    dataset.to_db(url, if_exists="replace")
    comments = _comment(spec, url)
    return {
        "url": db.parse_url(url, location="--db").redacted,
        "dialect": db.dialect_of(url, location="--db"),
        "rows": dict(dataset.stats.rows),
        "tables": list(spec["tables"]),
        "comments": comments,
        "seed": dataset.seed,
    }


def _comment(spec: dict[str, Any], url: str) -> str:
    """Table and column descriptions as database comments; which kind the database took."""
    target = db.parse_url(url, location="--db")
    dialect = target.dialect
    if dialect == "sqlite":
        return "none (SQLite has no comments)"
    statements: list[str] = []
    for name, table in spec["tables"].items():
        quoted = db.quote_ident(name, dialect)
        if table.get("description"):
            text = db.string_literal(str(table["description"]))
            if dialect == "mysql":
                statements.append(f"ALTER TABLE {quoted} COMMENT = {text}")
            else:
                statements.append(f"COMMENT ON TABLE {quoted} IS {text}")
        if dialect == "mysql":
            continue  # a MySQL column comment needs the whole column definition restated
        for column, col in table["columns"].items():
            if col.get("description"):
                statements.append(
                    f"COMMENT ON COLUMN {quoted}.{db.quote_ident(column, dialect)} "
                    f"IS {db.string_literal(str(col['description']))}"
                )
    con = db.connect(target, location="--db")
    try:
        with db.translated(target, "--db", action="could not add comments"):
            cur = con.cursor()
            for statement in statements:
                cur.execute(statement)
            con.commit()
    finally:
        con.close()
    return "tables" if dialect == "mysql" else "tables and columns"


class Warehouse:
    """A read connection to the loaded warehouse for the golden queries.

    DuckDB and SQLite files are opened read-only. A failed statement is
    raised to the caller (the golden stage names the query); on PostgreSQL
    each statement is rolled back after it runs so one failure does not
    poison the next.
    """

    def __init__(self, url: str) -> None:
        self.target = db.parse_url(url, location="--db")
        self.dialect = self.target.dialect
        self._con = db.connect(self.target, location="--db", read_only=self.target.is_file)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cur = self._con.cursor()
        try:
            cur.execute(sql)
            columns = [str(d[0]) for d in cur.description or []]
            return columns, [tuple(row) for row in cur.fetchall()]
        finally:
            if self.dialect in ("postgres", "mysql"):
                self._con.rollback()

    def errors(self) -> tuple[type[BaseException], ...]:
        """The driver errors a bad statement raises."""
        return db.driver_errors(self.dialect)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
