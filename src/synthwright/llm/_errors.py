"""Errors of the LLM layer: re-exported from the project's one error tree.

``LLMError`` is a failed call to a provider after our retries (rate limits,
server errors, timeouts, refused requests); ``LLMConfigError`` is bad
configuration (unknown provider, missing key), i.e. bad input. Messages are
always redacted: a key never appears in them.
"""

from __future__ import annotations

from ..errors import LLMConfigError, LLMError

__all__ = ["LLMConfigError", "LLMError"]
