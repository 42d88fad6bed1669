"""One error tree for the whole project.

Every error a user can meet is one of these; foreign libraries' errors are
translated once, at the edge where they are called (``raise ... from exc``)::

    SynthwrightError(Exception)
    ├── SpecError(ValueError)          bad spec: every problem, each with a location
    ├── GenerationError(RuntimeError)  a run that could not finish (a rule unmet)
    ├── SinkError(OSError)             output could not be written (nothing half-written)
    │   └── SinkInputError             the target refused before anything changed (bad input)
    ├── DataError(ValueError)          data given to `check`/`profile` could not be read
    ├── LLMError(RuntimeError)         a provider call failed after retries
    └── LLMConfigError(ValueError)     the LLM configuration is unusable (bad input)

Each error carries `problems`: a list of :class:`Problem` (location + message),
so a user sees all of them at once and a CLI can print them one per line.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataError",
    "GenerationError",
    "LLMConfigError",
    "LLMError",
    "Problem",
    "SinkError",
    "SinkInputError",
    "SpecError",
    "SynthwrightError",
]


@dataclass(frozen=True)
class Problem:
    """One finding: where (a dotted path into the spec or data) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class SynthwrightError(Exception):
    """Base of every synthwright error; carries one or more located problems."""

    def __init__(self, message: str | list[Problem], location: str = "") -> None:
        if isinstance(message, list):
            self.problems: list[Problem] = list(message)
        else:
            self.problems = [Problem(location, message)]
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(SynthwrightError, ValueError):
    """The spec is malformed or cannot be met; nothing was generated."""


class GenerationError(SynthwrightError, RuntimeError):
    """Generation started but a rule could not be met; nothing was written."""


class SinkError(SynthwrightError, OSError):
    """Output could not be written; partial output was removed."""


class SinkInputError(SinkError):
    """The target refused the request before anything was changed (bad input, not a bad run).

    Raised for an unreachable server, refused credentials, an unknown
    database, a malformed URL and an existing table under ``if_exists='fail'``.
    """


class DataError(SynthwrightError, ValueError):
    """Data handed to `check` could not be read or matched to the spec."""


class LLMError(SynthwrightError, RuntimeError):
    """A provider call failed (after retries) or answered something unusable."""

    def __init__(
        self,
        message: str | list[Problem],
        location: str = "llm",
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, location)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


class LLMConfigError(SynthwrightError, ValueError):
    """The LLM configuration is unusable (bad input: exit status 2)."""
