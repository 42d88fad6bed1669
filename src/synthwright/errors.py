"""One error tree for the whole project, and one contract for what an error means.

Every error a user can meet is one of these; foreign libraries' errors are
translated once, at the edge where they are called (``raise ... from exc``)::

    SynthwrightError(Exception)            code              exit
    ├── SpecError(ValueError)              spec_invalid       2   bad spec: every problem located
    ├── GenerationError(RuntimeError)      generation_failed  1   a run that could not finish
    ├── SinkError(OSError)                 sink_failed        1   output not written (nothing half-written)
    │   └── SinkInputError                 sink_input         2   the target refused before any change
    ├── DataError(ValueError)              data_invalid       2   data for `check`/`profile` unreadable
    ├── LLMError(RuntimeError)             llm_failed         1   a provider call failed after retries
    ├── LLMConfigError(ValueError)         llm_config         2   the LLM configuration is unusable
    └── service.RequestError(ValueError)   invalid_request... 2   a request the service refuses
                                                                  (+ its HTTP status and gRPC code)

The contract, so that programs (the CLI's ``--json``, the service, the
planners' repair loops) never match message text:

- ``code`` is a stable machine-readable name per class (a `RequestError`
  sets its own per instance); messages may be reworded, codes may not.
- ``exit_status`` is the CLI's status for it: 2 the input was bad (fix the
  spec, the flag, the data, the URL), 1 a sound request whose run failed.
  :func:`exit_status` maps *any* exception (signals included) to a status.
- ``problems`` is a list of :class:`Problem` (location + message + code), so
  a user sees all of them at once and a CLI prints them one per line. A
  problem's code is the producer's precise one where it knows it
  (``unknown_column``, ``capacity``, ``unknown_key``...), else the error's.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "DataError",
    "GenerationError",
    "LLMConfigError",
    "LLMError",
    "Problem",
    "SinkError",
    "SinkInputError",
    "SpecError",
    "SynthwrightError",
    "exit_status",
]

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One finding: where (a dotted path into the spec or data), what, and its stable code.

    ``code`` is left out of equality so that two reports of the same finding
    compare equal whichever producer named it.
    """

    location: str
    message: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def to_dict(self) -> dict[str, str]:
        """The problem as the JSON object every surface prints (``--json``, HTTP, gRPC)."""
        return {"location": self.location, "message": self.message, "code": self.code}


class SynthwrightError(Exception):
    """Base of every synthwright error; carries one or more located problems.

    ``code`` and ``exit_status`` are class attributes (an instance may set its
    own ``code`` before calling this initialiser, as `RequestError` does);
    problems given without a code take the error's.
    """

    code: str = "error"
    exit_status: int = EXIT_FAILED

    def __init__(self, message: str | list[Problem], location: str = "") -> None:
        given = list(message) if isinstance(message, list) else [Problem(location, message)]
        self.problems: list[Problem] = [p if p.code else replace(p, code=self.code) for p in given]
        super().__init__("\n".join(str(p) for p in self.problems))

    def to_dict(self) -> dict[str, Any]:
        """``{"error": class, "code": ..., "problems": [...]}`` for machine-readable output."""
        return {
            "error": type(self).__name__,
            "code": self.code,
            "problems": [p.to_dict() for p in self.problems],
        }


class SpecError(SynthwrightError, ValueError):
    """The spec is malformed or cannot be met; nothing was generated."""

    code = "spec_invalid"
    exit_status = EXIT_BAD_INPUT


class GenerationError(SynthwrightError, RuntimeError):
    """Generation started but a rule could not be met; nothing was written."""

    code = "generation_failed"


class SinkError(SynthwrightError, OSError):
    """Output could not be written; partial output was removed."""

    code = "sink_failed"


class SinkInputError(SinkError):
    """The target refused the request before anything was changed (bad input, not a bad run).

    Raised for an unreachable server, refused credentials, an unknown
    database, a malformed URL and an existing table under ``if_exists='fail'``.
    """

    code = "sink_input"
    exit_status = EXIT_BAD_INPUT


class DataError(SynthwrightError, ValueError):
    """Data handed to `check` could not be read or matched to the spec."""

    code = "data_invalid"
    exit_status = EXIT_BAD_INPUT


class LLMError(SynthwrightError, RuntimeError):
    """A provider call failed (after retries) or answered something unusable."""

    code = "llm_failed"

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

    code = "llm_config"
    exit_status = EXIT_BAD_INPUT


def exit_status(exc: BaseException) -> int:
    """The CLI exit status for any exception: the one mapping every command uses.

    A synthwright error says its own (2 bad input, 1 failed run); an interrupt
    is 128 + the signal's number, as shells report it (130 for Ctrl-C, 143
    for SIGTERM, 129 for SIGHUP); a `SystemExit` keeps its status; anything
    else is an unexpected fault of ours, 1.
    """
    if isinstance(exc, SynthwrightError):
        return exc.exit_status
    signum = getattr(exc, "signum", None)
    if isinstance(signum, int):
        return 128 + signum
    if isinstance(exc, KeyboardInterrupt):
        return 128 + signal.SIGINT
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else EXIT_FAILED
    return EXIT_FAILED
