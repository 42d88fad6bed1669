"""Token and cost accounting for a run.

Tokens are what the provider reported for requests actually sent; answers
served from the cache count as calls but cost 0 tokens. Cost is computed
from a small price table (US dollars per million input / output tokens,
list prices, matched by the longest model-name prefix); a model not in the
table is accounted in tokens only (``cost_usd`` is None).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PRICES", "Usage", "price_for"]

PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-opus-4": (15.00, 75.00),
}


def price_for(model: str) -> tuple[float, float] | None:
    """(input, output) dollars per million tokens, or None for an unknown model."""
    best = ""
    for prefix in PRICES:
        if model.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return PRICES[best] if best else None


@dataclass
class _ModelUsage:
    calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass
class Usage:
    """Thread-safe running totals, per model; ``to_dict`` is what the CLI shows."""

    models: dict[str, _ModelUsage] = field(default_factory=dict)
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, model: str, input_tokens: int, output_tokens: int, *, cached: bool) -> None:
        with self._lock:
            entry = self.models.setdefault(model, _ModelUsage())
            entry.calls += 1
            if cached:
                entry.cached_calls += 1
            else:
                entry.input_tokens += input_tokens
                entry.output_tokens += output_tokens

    def merge(self, other: Usage) -> None:
        """Add another run's totals to these."""
        with other._lock:
            items = [(k, _ModelUsage(**vars(v))) for k, v in other.models.items()]
            retries = other.retries
        with self._lock:
            for model, entry in items:
                mine = self.models.setdefault(model, _ModelUsage())
                mine.calls += entry.calls
                mine.cached_calls += entry.cached_calls
                mine.input_tokens += entry.input_tokens
                mine.output_tokens += entry.output_tokens
            self.retries += retries

    def record_retry(self) -> None:
        with self._lock:
            self.retries += 1

    @property
    def input_tokens(self) -> int:
        return sum(m.input_tokens for m in self.models.values())

    @property
    def output_tokens(self) -> int:
        return sum(m.output_tokens for m in self.models.values())

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def calls(self) -> int:
        return sum(m.calls for m in self.models.values())

    @property
    def cached_calls(self) -> int:
        return sum(m.cached_calls for m in self.models.values())

    @property
    def cost_usd(self) -> float | None:
        """Dollars spent, or None when a model that spent tokens has no known price."""
        total = 0.0
        for model, entry in self.models.items():
            if entry.input_tokens == 0 and entry.output_tokens == 0:
                continue
            price = price_for(model)
            if price is None:
                return None
            total += (entry.input_tokens * price[0] + entry.output_tokens * price[1]) / 1e6
        return round(total, 6)

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "cached_calls": self.cached_calls,
            "retries": self.retries,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "cost_usd": self.cost_usd,
            "models": {
                name: {
                    "calls": m.calls,
                    "cached_calls": m.cached_calls,
                    "input_tokens": m.input_tokens,
                    "output_tokens": m.output_tokens,
                }
                for name, m in self.models.items()
            },
        }
