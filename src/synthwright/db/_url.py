"""Database URLs read once: scheme -> dialect, the driver we ship, the parts, the limits.

Every package that takes a database URL (sinks, ``check``, ``profile``,
``introspect``) asks this module what it means, so that they agree on which
schemes exist, which driver serves them, what ``sqlite:///`` with no path
is (refused: an in-memory database is gone when the connection closes, so a
load "succeeds" into nothing and a read finds nothing), and how long a
name may be. The password lives only in the parsed object (``repr``
hides it); what may be shown is ``.redacted``.

Schemes: ``sqlite:///path.db`` (``sqlite:////abs/path.db``),
``duckdb:///path.duckdb``, ``postgresql://`` (``postgres://``,
``postgresql+psycopg://``), ``mysql://`` (``mysql+pymysql://``,
``mariadb://``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import SinkInputError, SynthwrightError
from ._redact import SECRET_KEYS, redact, redact_url

__all__ = [
    "DIALECTS",
    "NAME_LIMITS",
    "SCHEMES",
    "SUPPORTED",
    "DatabaseURL",
    "base_scheme",
    "dialect_of",
    "is_database_url",
    "parse_url",
]

#: base scheme -> dialect
SCHEMES: dict[str, str] = {
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
}
DIALECTS = ("sqlite", "duckdb", "postgres", "mysql")
#: drivers a URL may name after ``+`` (the first one is the one we ship and pick)
_DRIVERS: dict[str, tuple[str, ...]] = {
    "postgres": ("psycopg", "psycopg2"),
    "mysql": ("pymysql",),
    "sqlite": ("pysqlite",),
    "duckdb": (),
}
#: the longest identifier each dialect keeps (PostgreSQL: bytes, NAMEDATALEN - 1;
#: MySQL/MariaDB: characters); longer ones PostgreSQL truncates silently
NAME_LIMITS: dict[str, tuple[int, str]] = {"postgres": (63, "bytes"), "mysql": (64, "characters")}
SUPPORTED = (
    "supported schemes are postgresql://user@host/db, mysql://user@host/db "
    "(or mariadb://), sqlite:///path.db and duckdb:///path.duckdb"
)
_MYSQL_OPTIONS = ("charset", "unix_socket", "connect_timeout")


def base_scheme(url: str) -> str:
    """The lower-case scheme without a driver suffix (``postgresql+psycopg`` -> ``postgresql``)."""
    return url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""


def is_database_url(text: str) -> bool:
    """Whether `text` is a URL of a database this package can read or load."""
    return base_scheme(text) in SCHEMES


def dialect_of(
    url: str, *, location: str = "database", error: type[SynthwrightError] = SinkInputError
) -> str:
    """``sqlite``, ``duckdb``, ``postgres`` or ``mysql`` for a database URL.

    Raises:
        `error`: not a URL of a supported database (the login is not shown).
    """
    dialect = SCHEMES.get(base_scheme(url))
    if dialect is None:
        what = "unsupported database URL" if "://" in url else "not a database URL"
        raise error(f"{what} {redact_url(url)!r}: {SUPPORTED}", location)
    return dialect


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL; only ``redacted`` may appear in anything shown."""

    dialect: str
    scheme: str  #: as written, lower-case (``mariadb``, ``postgresql+psycopg``)
    host: str
    port: int | None
    user: str | None = field(repr=False)
    password: str | None = field(repr=False)
    #: the database name of a server, the file of SQLite/DuckDB
    database: str
    options: dict[str, str] = field(repr=False)
    redacted: str
    raw: str = field(repr=False)

    @property
    def is_file(self) -> bool:
        """SQLite and DuckDB live in a file named by ``database``."""
        return self.dialect in ("sqlite", "duckdb")

    def scrub(self, text: str) -> str:
        """`text` (a driver's message) with this URL's login masked in every form."""
        secrets = [self.password, *(v for k, v in self.options.items() if _secret(k))]
        # the URL itself is shown redacted, and its database name left alone
        pieces = [redact(p, secrets, names=[self.user]) for p in text.split(self.raw)]
        return self.redacted.join(pieces)

    def sqlalchemy_url(self) -> str:
        """The URL naming the driver we ship (psycopg 3, PyMySQL) unless it names one."""
        head, rest = self.raw.split("://", 1)
        base = base_scheme(self.raw)
        if "+" in head:
            driver = head.split("+", 1)[1].lower()
        else:
            driver = _DRIVERS[self.dialect][0] if _DRIVERS[self.dialect] else ""
        name = {"postgres": "postgresql"}.get(base, base)
        return f"{name}+{driver}://{rest}" if driver else f"{name}://{rest}"

    def libpq(self) -> str:
        """The URI libpq reads (no driver suffix; query options pass through)."""
        return "postgresql://" + self.raw.split("://", 1)[1]


def _secret(key: str) -> bool:
    return key.lower() in SECRET_KEYS


def parse_url(
    url: str, *, location: str = "database", error: type[SynthwrightError] = SinkInputError
) -> DatabaseURL:
    """Read ``scheme://[user[:password]@]host[:port]/database[?k=v]`` (or a file URL).

    Raises:
        `error`: an unknown scheme or driver, an unreadable URL (bad port,
            broken brackets), a file URL without a path, a MySQL URL without a
            database or with an unknown option. The message shows the URL
            redacted, never its login.
    """
    dialect = dialect_of(url, location=location, error=error)
    shown = redact_url(url)
    head = url.split("://", 1)[0].lower()
    if "+" in head and head.split("+", 1)[1] not in _DRIVERS[dialect]:
        known = ", ".join(_DRIVERS[dialect]) or "none"
        raise error(
            f"unknown driver {head.split('+', 1)[1]!r} in {shown!r} (known: {known})", location
        )
    try:
        parts = urlsplit(url)
        port = parts.port
        options = dict(parse_qsl(parts.query, keep_blank_values=True))
    except ValueError as exc:
        raise error(f"not a valid database URL: {shown!r} ({redact(str(exc))})", location) from None
    if dialect in ("sqlite", "duckdb"):
        database = _file_path(url)
        if not database or database == ":memory:":
            raise error(
                f"{shown!r} names no database file: use {dialect}:///path (relative) or "
                f"{dialect}:////path (absolute); an in-memory database would be gone "
                "when the connection closes",
                location,
            )
    else:
        database = unquote(parts.path.lstrip("/"))
    if dialect == "mysql":
        if not database:
            raise error(f"no database in {shown!r} (mysql://user@host/database)", location)
        unknown = sorted(set(options) - set(_MYSQL_OPTIONS))
        if unknown:
            raise error(
                f"unknown option(s) {', '.join(unknown)} in {shown!r}; "
                f"known: {', '.join(_MYSQL_OPTIONS)}",
                location,
            )
    return DatabaseURL(
        dialect=dialect,
        scheme=head,
        host=unquote(parts.hostname or ""),
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database,
        options=options,
        redacted=shown,
        raw=url,
    )


def _file_path(url: str) -> str:
    """The file of ``scheme:///rel``, ``scheme:////abs`` (or ``scheme://rel``), query dropped."""
    rest = url.split("://", 1)[1].split("?", 1)[0]
    return rest[1:] if rest.startswith("/") else rest
