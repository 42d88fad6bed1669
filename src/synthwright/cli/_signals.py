"""Catchable signals become an exception, so a stopped run cleans up the way a failed one does.

Python turns only SIGINT into an exception by default; SIGTERM (``kill``,
``docker stop``, systemd) and SIGHUP (a closed terminal) end the process at
once, skipping every ``finally`` and ``except BaseException`` -- which is how a
killed ``generate`` left its ``.synthwright-tmp-*`` directory behind. While a
command runs, all three raise `Interrupted`, a `SystemExit` with status 128 +
the signal's number (130, 143, 129, as shells report it): the sinks' abort
paths remove partial files and roll databases back, and nothing in between
(``except Exception``) can swallow it. A signal the parent set to be ignored
(``nohup`` ignores SIGHUP) stays ignored.

After the first signal, SIGTERM and SIGHUP are ignored so that cleanup is not
cut short; a second Ctrl-C still stops at once (a plain KeyboardInterrupt).
SIGKILL cannot be caught: see `synthwright.sinks._stale` for the sweep of
what it leaves.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

__all__ = ["Interrupted", "handled", "received"]

# the first signal of this run: a library that catches the exception our handler
# raises (DuckDB turns it into "Query interrupted") must not change the exit status
_received: list[int] = []


def _catchable() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")  # no SIGHUP on Windows
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


class Interrupted(SystemExit):
    """The run was stopped by a signal; exit status 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name (``SIGTERM``)."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


def received() -> int | None:
    """The number of the first signal this run received, if any."""
    return _received[0] if _received else None


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if not _received:
        _received.append(signum)
    for sig in _catchable():
        with suppress(OSError, ValueError):
            signal.signal(
                sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_IGN
            )
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """While inside, SIGINT/SIGTERM/SIGHUP raise `Interrupted`; the old handlers come back after.

    Off the main thread (where signals cannot be handled) this does nothing.
    """
    previous: dict[signal.Signals, Any] = {}
    for sig in _catchable():
        try:
            if signal.getsignal(sig) == signal.SIG_IGN:
                continue  # ignored by whoever started us (nohup): keep it so
            previous[sig] = signal.signal(sig, _on_signal)
        except (OSError, ValueError):  # not the main thread
            break
    try:
        yield
    finally:
        for sig, handler in previous.items():
            with suppress(OSError, ValueError, TypeError):
                signal.signal(sig, handler)
