"""Structured JSON logs (structlog), one object per line, each with a request_id.

The request id is bound in a context variable for the duration of a request
(`bind_request`), so every line logged while serving it carries it, whichever
module logs; lines outside a request carry ``"request_id": "-"``. Standard
library loggers (uvicorn, grpc) are rendered as the same JSON lines.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

__all__ = ["bind_request", "configure_logging"]


def _request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event.setdefault("request_id", "-")
    return event


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """JSON lines on `stream` (stderr by default) for structlog and stdlib loggers."""
    out = stream or sys.stderr
    numeric = logging.getLevelName(level.upper())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _request_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=structlog.processors.JSONRenderer(), foreign_pre_chain=shared
        )
    )
    for name in ("uvicorn", "uvicorn.error", "grpc", "synthwright"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(numeric)
        logger.propagate = False


@contextmanager
def bind_request(request_id: str, **values: Any) -> Iterator[None]:
    """Every log line inside the block carries `request_id` (and `values`)."""
    tokens = structlog.contextvars.bind_contextvars(request_id=request_id, **values)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
