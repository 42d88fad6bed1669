"""Owned temporary output directories, and the sweep that removes ones a dead run left.

A file sink writes into ``<out>/.synthwright-tmp-<host>-<pid>-<started>-<random>``
and renames the files into place at the end. Every catchable way out (an
error, Ctrl-C, SIGTERM, SIGHUP: the CLI turns the signals into exceptions)
removes that directory. SIGKILL, a power cut or an OOM kill cannot be
caught, so the name carries an owner token -- which machine, which process,
when -- and the next sink opened on the same directory sweeps the leftovers:

- made on this machine by a process that no longer exists (or whose pid now
  belongs to a younger process): removed at once;
- otherwise (another machine on a shared disk, or an owner we cannot
  verify): removed once nothing inside has changed for `STALE_AFTER` seconds;
- a directory still holding a user's previous files (``.previous``, kept when
  a failed commit could not put them back) is never removed: it is reported
  by `sweep` and left for a person to look at.

Directories of older versions (``.synthwright-tmp-<random>``, no token) fall
under the age rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import time
from pathlib import Path

__all__ = ["STALE_AFTER", "TMP_PREFIX", "owned_prefix", "sweep"]

TMP_PREFIX = ".synthwright-tmp-"
STALE_AFTER = 3600.0  # seconds without a change before an unverifiable leftover is removed
_STARTED = int(time.time())
_SLACK = 2  # seconds: clock ticks and the token's whole seconds


def _host() -> str:
    """A short, file-name-safe token for this machine."""
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def owned_prefix() -> str:
    """The ``mkdtemp`` prefix that names this process as the owner."""
    return f"{TMP_PREFIX}{_host()}-{os.getpid()}-{_STARTED}-"


def _token(name: str) -> tuple[str, int, int] | None:
    """(host, pid, started) from a directory name, None for an untokened one."""
    parts = name[len(TMP_PREFIX) :].split("-")
    if len(parts) < 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError:
        return True  # cannot tell: assume the owner lives
    return True


def _process_started(pid: int) -> float | None:
    """When `pid` started (Unix time) where /proc says so (Linux), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        ticks = float(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _last_change(path: Path) -> float:
    """The newest modification time of the directory or anything directly in it."""
    newest = path.stat().st_mtime
    with contextlib.suppress(OSError):
        for entry in os.scandir(path):
            with contextlib.suppress(OSError):
                newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
    return newest


def _orphaned(name: str, path: Path, now: float, stale_after: float) -> bool:
    token = _token(name)
    if token is not None and token[0] == _host():
        _, pid, started = token
        if pid == os.getpid() and started == _STARTED:
            return False  # this process's own, in use
        if not _alive(pid):
            return True
        began = _process_started(pid)
        if began is not None:
            return began > started + _SLACK  # the pid was reused by a younger process
    return now - _last_change(path) > stale_after


def sweep(folder: Path, *, stale_after: float = STALE_AFTER) -> list[Path]:
    """Remove orphaned temporary directories in `folder`; return those kept for a person.

    Never raises: a sweep that cannot look or delete leaves things as they are.
    """
    kept: list[Path] = []
    now = time.time()
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TMP_PREFIX)]
    except OSError:
        return kept
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if not _orphaned(entry.name, path, now, stale_after):
                continue
            previous = path / ".previous"
            if previous.is_dir() and any(previous.iterdir()):
                kept.append(path)  # holds a user's old files: never ours to delete
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
    return kept
