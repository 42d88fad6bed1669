"""Our own retries: exponential backoff on 429, 5xx and timeouts, honouring Retry-After.

The SDK clients are built with ``max_retries=0`` so every attempt is counted
here. A failed attempt is retried when :class:`LLMError` says so
(``retryable``); the wait is the server's Retry-After when it sent one
(capped by ``max_delay``), else ``base_delay * 2**attempt`` with up to 25 %
jitter. At most ``max_tries`` attempts (4) in all; the last error is raised.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ._errors import LLMError

__all__ = ["RetryPolicy", "call_with_retries"]

T = TypeVar("T")


@dataclass
class RetryPolicy:
    """How to retry; ``sleep`` and ``jitter`` are injectable so waits can be observed."""

    max_tries: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.25
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        base = min(self.base_delay * (2**attempt), self.max_delay)
        return base * (1 + self.jitter * self.rng.random())


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    on_retry: Callable[[int, LLMError, float], None] | None = None,
) -> T:
    """Call ``fn`` until it succeeds, fails for good, or ``max_tries`` is reached."""
    tries = max(1, policy.max_tries)
    for attempt in range(tries):
        try:
            return fn()
        except LLMError as exc:
            if not exc.retryable:
                raise
            if attempt == tries - 1:
                raise LLMError(
                    f"{exc.problems[0].message} (gave up after {tries} tries)",
                    exc.problems[0].location,
                    status=exc.status,
                    retryable=False,
                ) from exc
            wait = policy.delay(attempt, exc.retry_after)
            if on_retry is not None:
                on_retry(attempt, exc, wait)
            policy.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
