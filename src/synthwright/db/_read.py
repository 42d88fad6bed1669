"""Tables out of any supported database, as Arrow: list, count, read, sample.

``check`` reads a loaded dataset back, ``profile`` samples real tables, an
``append`` load reads existing keys, and each sink asks which of its tables
exist: the catalogue queries, the quoting, the per-dialect case rules and
the deterministic sampling are written here once. Values come back in the
driver's own types, turned into Arrow column by column ("loose": a column's
own type when its values agree, else their text); callers cast them to what
they expect.

Samples are repeatable: SQLite orders rowids by a multiplicative hash,
PostgreSQL seeds ``random()`` with ``setseed``, MySQL uses ``RAND(42)`` and
DuckDB a ``REPEATABLE`` reservoir on one thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import pyarrow as pa

from ..errors import DataError, SynthwrightError
from ._connect import connect, translated
from ._url import DatabaseURL, parse_url

__all__ = [
    "Reader",
    "duckdb_rows",
    "loose_array",
    "present_tables",
    "quote_ident",
    "rows_to_table",
    "string_literal",
    "table_names",
]

SEED = 42


def quote_ident(name: str, dialect: str) -> str:
    """A quoted identifier: backticks for MySQL, double quotes elsewhere (quotes doubled)."""
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def string_literal(text: str) -> str:
    """A standard SQL string literal (DuckDB, SQLite, PostgreSQL)."""
    return "'" + text.replace("'", "''") + "'"


def loose_array(values: list[object]) -> pa.Array:
    """Cells as Arrow: their own type when uniform, else their text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def rows_to_table(
    header: list[str],
    rows: list[tuple[Any, ...]],
    convert: Callable[[list[Any]], list[Any]] | None = None,
) -> pa.Table:
    """Driver rows as an Arrow table, one loose array per column (`convert` each first)."""
    columns = list(zip(*rows, strict=False)) if rows else [()] * len(header)
    arrays = [loose_array(convert(list(c)) if convert else list(c)) for c in columns]
    return pa.table(arrays, names=list(header))


def _catalogue(dialect: str, *, views: bool) -> str:
    if dialect == "sqlite":
        kinds = "('table', 'view')" if views else "('table')"
        return (
            f"SELECT name FROM sqlite_master WHERE type IN {kinds} "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    where = {
        "duckdb": "table_schema = current_schema() AND table_catalog = current_database()",
        "postgres": "table_schema = current_schema()",
        "mysql": "table_schema = DATABASE()",
    }[dialect]
    if not views:
        where += " AND table_type = 'BASE TABLE'"
    return f"SELECT table_name FROM information_schema.tables WHERE {where}"


def _rows(con: Any, dialect: str, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of a query on any of the four connections."""
    cur = con if dialect == "duckdb" else con.cursor()
    try:
        cur.execute(query)
        header = [str(d[0]) for d in cur.description] if cur.description else []
        return header, list(cur.fetchall())
    finally:
        if cur is not con:
            cur.close()


def table_names(con: Any, dialect: str) -> list[str]:
    """The base tables of the connection's current schema (or database), sorted."""
    _, rows = _rows(con, dialect, _catalogue(dialect, views=False))
    return sorted(str(r[0]) for r in rows)


def present_tables(con: Any, dialect: str, names: Iterable[str]) -> set[str]:
    """Those of `names` that exist as a table or view, by the dialect's case rules.

    SQLite and DuckDB compare names case-insensitively, PostgreSQL exactly
    (names are created quoted), MySQL as its ``lower_case_table_names`` says.
    """
    found = [str(r[0]) for r in _rows(con, dialect, _catalogue(dialect, views=True))[1]]
    folded = dialect in ("sqlite", "duckdb")
    if dialect == "mysql":
        folded = int(_rows(con, dialect, "SELECT @@lower_case_table_names")[1][0][0]) != 0
    if folded:
        lower = {f.lower() for f in found}
        return {n for n in names if n.lower() in lower}
    return set(names) & set(found)


def duckdb_rows(con: Any, source: str, limit: int | None, seed: int = SEED) -> tuple[pa.Table, int]:
    """Rows of a DuckDB table or table function -- a repeatable reservoir above `limit` -- and the count."""
    con.execute("SET memory_limit='2GB'").fetchall()
    total = int(con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0])
    query = f"SELECT * FROM {source}"
    if limit is not None and total > limit:
        con.execute("SET threads=1").fetchall()  # the reservoir is repeatable on one thread
        query += f" USING SAMPLE reservoir({int(limit)} ROWS) REPEATABLE ({int(seed)})"
    return con.sql(query).to_arrow_table(), total


class Reader:
    """One read-only connection to a database for listing, counting and reading tables.

    Usage::

        with Reader("postgresql://u@h/db", location="data") as db:
            for name in db.tables():
                table, total = db.sample(name, 10_000)

    Every failure -- connecting, a missing file, a query -- is `error` at
    `location`, its message scrubbed of the login.
    """

    def __init__(
        self,
        url: str | DatabaseURL,
        *,
        location: str,
        error: type[SynthwrightError] = DataError,
    ) -> None:
        self.url = (
            url if isinstance(url, DatabaseURL) else parse_url(url, location=location, error=error)
        )
        self.dialect = self.url.dialect
        self.location = location
        self._error = error
        self.con: Any = connect(self.url, location=location, error=error, read_only=True)

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (a server transaction is rolled back: nothing was changed)."""
        if self.con is None:
            return
        try:
            if self.dialect in ("postgres", "mysql"):
                self.con.rollback()
        except Exception:  # closing must not hide what went wrong before
            pass
        finally:
            self.con.close()
            self.con = None

    def quote(self, name: str) -> str:
        return quote_ident(name, self.dialect)

    def _guard(self, what: str) -> Any:
        return translated(self.url, self.location, error=self._error, action=f"cannot read {what}")

    def tables(self) -> list[str]:
        """The base tables of the current schema, sorted."""
        with self._guard(self.url.redacted):
            return table_names(self.con, self.dialect)

    def present(self, names: Iterable[str]) -> set[str]:
        """Those of `names` that exist (see :func:`present_tables`)."""
        with self._guard(self.url.redacted):
            return present_tables(self.con, self.dialect, names)

    def query(self, sql: str, what: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """(column names, rows) of one statement; failures say `what` was being read."""
        with self._guard(what):
            return _rows(self.con, self.dialect, sql)

    def count(self, name: str) -> int:
        return int(self.query(f"SELECT count(*) FROM {self.quote(name)}", repr(name))[1][0][0])

    def read(
        self,
        name: str,
        columns: list[str] | None = None,
        *,
        convert: Callable[[list[Any]], list[Any]] | None = None,
    ) -> pa.Table:
        """Every row of a table (only `columns` when given), as loose Arrow columns."""
        select = ", ".join(self.quote(c) for c in columns) if columns else "*"
        query = f"SELECT {select} FROM {self.quote(name)}"
        if self.dialect == "duckdb":
            with self._guard(repr(name)):
                return self.con.sql(query).to_arrow_table()
        header, rows = self.query(query, repr(name))
        return rows_to_table(header, rows, convert)

    def sample(
        self,
        name: str,
        limit: int,
        *,
        convert: Callable[[list[Any]], list[Any]] | None = None,
    ) -> tuple[pa.Table, int]:
        """At most `limit` rows of a table, a repeatable sample above that, and its row count."""
        q = self.quote(name)
        if self.dialect == "duckdb":
            with self._guard(repr(name)):
                return duckdb_rows(self.con, q, limit)
        total = self.count(name)
        if total <= limit:
            return self.read(name, convert=convert), total
        n = int(limit)
        if self.dialect == "sqlite":
            query = (
                f"SELECT * FROM {q} WHERE rowid IN (SELECT rowid FROM {q} "
                f"ORDER BY (rowid * 2654435761) % 4294967291 LIMIT {n})"
            )
            try:
                header, rows = _rows(self.con, self.dialect, query)
            except sqlite3.OperationalError:  # WITHOUT ROWID tables: the first rows instead
                header, rows = self.query(f"SELECT * FROM {q} LIMIT {n}", repr(name))
        elif self.dialect == "postgres":
            self.query(f"SELECT setseed({SEED / 100})", repr(name))
            header, rows = self.query(f"SELECT * FROM {q} ORDER BY random() LIMIT {n}", repr(name))
        else:
            header, rows = self.query(
                f"SELECT * FROM {q} ORDER BY RAND({SEED}) LIMIT {n}", repr(name)
            )
        return rows_to_table(header, rows, convert), total
