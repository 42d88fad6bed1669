"""Keep API keys out of logs, errors and transcripts.

Every secret the configuration resolves is registered here; ``redact``
replaces registered secrets and anything shaped like a provider key
(``sk-...``, ``sk-ant-...``, ``Bearer ...``, ``x-api-key: ...``) with a
marker. ``install_log_filter`` adds a filter that redacts the SDKs' and
httpx's log records before any handler sees them, so turning on debug
logging cannot leak a key either.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from ..db._redact import RedactingFilter

__all__ = ["REDACTED", "install_log_filter", "mask", "redact", "register_secret"]

REDACTED = "***"
_MIN_SECRET = 6

_lock = threading.Lock()
_secrets: set[str] = set()

_KEY_SHAPES = re.compile(
    r"(sk-ant-[A-Za-z0-9_\-]{6,}|sk-(?:proj-)?[A-Za-z0-9_\-]{12,}"
    r"|(?i:bearer)\s+[A-Za-z0-9._\-]{8,}"
    r"|(?i:x-api-key|api[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9._\-]{8,})"
)

_LOGGERS = (
    "openai",
    "openai._base_client",
    "anthropic",
    "anthropic._base_client",
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore.http11",
    "httpcore.connection",
    "synthwright",
    "synthwright.llm",
)


def register_secret(secret: str | None) -> None:
    """Remember a secret so every later ``redact`` removes it."""
    if secret and len(secret) >= _MIN_SECRET:
        with _lock:
            _secrets.add(secret)


def mask(secret: str | None) -> str:
    """What a secret looks like when shown to a person: its presence, not its value."""
    if not secret:
        return "(not set)"
    return f"{REDACTED} (set, {len(secret)} chars)"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every registered (or given) secret and key-shaped token masked."""
    with _lock:
        known = sorted(_secrets.union(s for s in secrets if s), key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _KEY_SHAPES.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    token = match.group(0)
    for sep in (":", "=", " "):
        if sep in token and not token.startswith("sk-"):
            head = token.split(sep, 1)[0]
            return f"{head}{sep} {REDACTED}" if sep != " " else f"{head} {REDACTED}"
    return REDACTED


_filter = RedactingFilter(redact)


def install_log_filter() -> None:
    """Attach the redacting filter to the loggers of the SDKs, httpx and synthwright."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
