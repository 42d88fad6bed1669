"""The one rule for database credentials in anything a person or a program is shown.

**Rule: a login never leaves the process -- neither the password nor the
user name.** Every place that shows a database URL or a driver's message
(errors and their ``--json`` locations, ``wrote:`` lines, logs, notes, a
spec's ``source``) goes through here:

- a URL's userinfo becomes ``***``: ``postgresql://***@host:5432/shop``
  (the marker says that a login was given and hidden);
- secret-named query parameters and DSN keywords (``password``, ``pwd``,
  ``passwd``, ``user``, ``sslpassword``, ``token``, ...) keep their name
  and lose their value: ``?sslmode=require&password=***``,
  ``user=*** password=*** host=db``;
- the literal password and user name of the URL at hand, wherever a driver
  repeats them (``password authentication failed for user "alice"``).

Why the user name too: half of the previous copies of this code dropped it
and half kept it, and only dropping it is safe in every form -- a lone
userinfo is the *secret* for many services (``redis://token@host``,
``https://<token>@host``, cloud databases whose user name carries the
project or tenant), and a DSN cannot tell which field a reader will treat as
a secret. What a person needs to fix a refused login -- which server, which
database, what the server said -- is all still shown.

API keys of LLM providers are a different shape of secret with their own
registry (:mod:`synthwright.llm.redact`); this module knows databases only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, unquote

__all__ = [
    "REDACTED",
    "SECRET_KEYS",
    "RedactingFilter",
    "install_log_filter",
    "redact",
    "redact_url",
]

REDACTED = "***"

#: query parameters and DSN keywords whose value is (part of) a login
SECRET_KEYS = (
    "password",
    "passwd",
    "pwd",
    "pass",
    "sslpassword",
    "user",
    "username",
    "uid",
    "secret",
    "token",
    "access_token",
    "auth_token",
    "api_key",
    "apikey",
)

# scheme://userinfo@ -- also the one-slash form a Path makes of a URL
# (``postgresql:/u:pw@h/db``); never the ``scheme:///path`` of a file URL.
_USERINFO = re.compile(
    r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*:/{1,2})(?!/)[^\s/?#@]*(?:@[^\s/?#@]*)*@"
)
# user:password@host with the scheme left off (an email has no colon before its @)
_BARE_LOGIN = re.compile(r"(?<![\w/:.%+\-])[\w.%+\-]+:[^\s/@]*@(?=[\w\[])")
_KEYS = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
_KEY_VALUE = re.compile(
    rf"(?P<key>(?<![A-Za-z0-9_\-])(?:{_KEYS}))(?P<sep>\s*=\s*)"
    r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s&;,'\")]+)",
    re.IGNORECASE,
)
_JSON_KEY_VALUE = re.compile(
    rf"(?P<key>[\"'](?:{_KEYS})[\"'])(?P<sep>\s*:\s*)(?P<value>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')",
    re.IGNORECASE,
)
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*:/{1,3}[^\s'\"<>]*")
_MIN_ANYWHERE = 3  # shorter literals are replaced only as whole words


def _literal_forms(secret: str) -> set[str]:
    """A secret as written in a URL (percent-encoded) and as the driver sees it."""
    return {secret, unquote(secret), quote(secret, safe=""), quote(secret)} - {""}


def _mask_keys(text: str) -> str:
    return _KEY_VALUE.sub(lambda m: m.group("key") + m.group("sep") + REDACTED, text)


def redact(
    text: str,
    secrets: Iterable[str | None] = (),
    *,
    names: Iterable[str | None] = (),
    keywords: bool = True,
) -> str:
    """`text` with every database login in it masked (see the module docstring).

    `secrets` (passwords) and `names` (user names) are the literals of the
    login at hand, which a driver's message may repeat. A secret of at least
    3 characters is replaced wherever it appears, a shorter one as a whole
    word; a name only as a whole word of at least 2 characters, so that a
    user ``postgres`` does not turn ``postgresql://`` into ``***ql://``.

    `keywords=False` masks only what is shaped as a URL (its userinfo and
    secret query parameters), for text written by a person -- a prompt, a
    spec -- where ``token = upper(token)`` is a rule, not a DSN.
    """
    text = _USERINFO.sub(lambda m: m.group("head") + REDACTED + "@", text)
    if keywords:
        text = _BARE_LOGIN.sub(REDACTED + "@", text)
        text = _mask_keys(text)
        text = _JSON_KEY_VALUE.sub(
            lambda m: m.group("key") + m.group("sep") + f'"{REDACTED}"', text
        )
    else:
        text = _URL.sub(lambda m: _mask_keys(m.group(0)), text)
    anywhere = {f for s in secrets if s for f in _literal_forms(s) if len(f) >= _MIN_ANYWHERE}
    words = {f for s in secrets if s for f in _literal_forms(s)} - anywhere
    words |= {f for n in names if n and len(n) >= 2 for f in _literal_forms(n)}
    for form in sorted(anywhere, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    for form in sorted(words - {REDACTED}, key=len, reverse=True):
        if form in text:
            text = re.sub(rf"(?<![\w.\-]){re.escape(form)}(?![\w\-])", REDACTED, text)
    return text


def redact_url(url: str) -> str:
    """A database URL as it may be shown: login masked, everything else as given.

    Works on text, not on a parse, so that a URL too broken to parse (a bad
    port, an unclosed ``[``) is redacted just the same.
    """
    return redact(url)


class RedactingFilter(logging.Filter):
    """Renders a record's message, cleans it with `clean`, and drops the arguments.

    Generic on purpose: the LLM layer installs one with its API-key rule
    (:mod:`synthwright.llm.redact`), this module one with the database rule.
    """

    def __init__(self, clean: Callable[[str], str]) -> None:
        super().__init__()
        self._clean = clean

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record alone
            return True
        cleaned = self._clean(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = RedactingFilter(redact)
#: loggers that may see a URL or DSN: the drivers', SQLAlchemy's and ours
_LOGGERS = ("synthwright.db", "sqlalchemy.engine", "sqlalchemy.pool", "psycopg", "pymysql")


def install_log_filter() -> None:
    """Attach the masking filter to the loggers of the drivers, SQLAlchemy and this package.

    Called whenever a connection is made, so that turning on a driver's
    debug logging cannot print a login either.
    """
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
