"""Reachability of the real services the integration tests use.

A test that needs PostgreSQL, MariaDB or Redis calls `require(name)`: where the
service is unreachable it is skipped with a reason, except when ``CI=true``,
where a missing service is a failure (CI must provide it).
"""

from __future__ import annotations

import os
import socket

import pytest

__all__ = ["SERVICES", "reachable", "require"]

SERVICES: dict[str, tuple[str, int]] = {
    "postgres": ("127.0.0.1", 5432),
    "mariadb": ("127.0.0.1", 3306),
    "redis": ("127.0.0.1", 6379),
}


def reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connection to host:port succeeds within `timeout` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(name: str) -> tuple[str, int]:
    """(host, port) of a service; skip (or fail under CI=true) when it is unreachable."""
    host, port = SERVICES[name]
    if reachable(host, port):
        return host, port
    reason = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the service is required)")
    pytest.skip(reason)
    raise AssertionError("unreachable")  # pytest.skip raises
