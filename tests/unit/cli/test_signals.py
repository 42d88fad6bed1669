"""Signals during ``generate``: every catchable one cleans up; SIGKILL's leftovers are swept.

The runs are real subprocesses (``python -m synthwright``) on a spec that takes
several seconds; each signal is sent once the temporary output directory holds
bytes, i.e. mid-write.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from synthwright.cli._signals import Interrupted, handled
from synthwright.sinks import _stale
from synthwright.sinks._stale import TMP_PREFIX, owned_prefix, sweep

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

BIG = {
    "version": 1,
    "tables": {
        "t": {
            "rows": 20_000_000,  # ~10 s of work: far longer than it takes to send a signal
            "columns": {
                "id": {"type": "id"},
                "a": {"type": "int", "min": 0, "max": 1_000_000},
                "b": {"type": "float", "min": 0, "max": 1},
                "c": {"type": "category", "values": ["x", "y", "z"]},
            },
        }
    },
}
SMALL = {"version": 1, "tables": {"t": {"rows": 5, "columns": {"id": {"type": "id"}}}}}


def _default_signals() -> None:
    """The child starts with default dispositions, whatever the test runner ignores."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _start(spec: Path, out: Path, fmt: str) -> subprocess.Popen[str]:
    args = ["generate", str(spec), "--out", str(out), "--format", fmt]
    return subprocess.Popen(
        [sys.executable, "-m", "synthwright", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signals,
    )


def _tmp_dirs(out: Path) -> list[Path]:
    return sorted(out.glob(f"{TMP_PREFIX}*")) if out.exists() else []


def _wait_mid_write(proc: subprocess.Popen[str], out: Path, timeout: float = 120) -> None:
    """Until the run's temporary directory holds a file with bytes in it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for tmp in _tmp_dirs(out):
            try:
                if any(f.stat().st_size > 0 for f in tmp.iterdir() if f.is_file()):
                    return
            except OSError:
                pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the run never started writing")


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _spec(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("sig", "fmt"),
    [(signal.SIGINT, "csv"), (signal.SIGTERM, "parquet"), (signal.SIGHUP, "csv")],
)
def test_a_signal_mid_run_leaves_no_output_and_no_temporary_directory(
    tmp_path: Path, sig: signal.Signals, fmt: str
) -> None:
    out = tmp_path / "out"
    proc = _start(_spec(tmp_path, BIG, "big.yaml"), out, fmt)
    _wait_mid_write(proc, out)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert f"stopped by {sig.name}" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()  # the run made it, the run removed it


def test_sigterm_leaves_an_existing_output_directory_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "t.csv").write_text("id\n1\n")  # a previous run's file: kept, not half-replaced
    (out / "notes.txt").write_text("mine")
    before = _snapshot(out)
    proc = _start(_spec(tmp_path, BIG, "big.yaml"), out, "csv")
    _wait_mid_write(proc, out)
    proc.terminate()
    proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert _snapshot(out) == before
    assert _tmp_dirs(out) == []


def test_after_sigkill_the_next_run_sweeps_the_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start(_spec(tmp_path, BIG, "big.yaml"), out, "csv")
    _wait_mid_write(proc, out)
    proc.kill()
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    (left,) = _tmp_dirs(out)  # SIGKILL cannot be caught: this is what it leaves
    assert any(left.iterdir())
    again = _start(_spec(tmp_path, SMALL, "small.yaml"), out, "csv")
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert _tmp_dirs(out) == []
    assert (out / "t.csv").read_text().splitlines()[1:] == ["1", "2", "3", "4", "5"]


# -- the handlers, in process ---------------------------------------------------------------


def test_handled_installs_for_three_signals_and_restores_them() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with handled():
        for sig in before:
            assert signal.getsignal(sig) not in (before[sig], signal.SIG_DFL)
        with pytest.raises(Interrupted) as info:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at the next bytecode
        assert info.value.code == 143 and info.value.name == "SIGTERM"
        # after the first signal, TERM/HUP are ignored so cleanup is not cut short
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    assert {s: signal.getsignal(s) for s in before} == before


def test_an_ignored_signal_stays_ignored() -> None:
    """``nohup synthwright generate ...`` must survive a hangup."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with handled():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


# -- the sweep --------------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftover(out: Path, name: str, age: float = 0.0) -> Path:
    path = out / name
    path.mkdir(parents=True)
    (path / "t.csv").write_text("partial")
    if age:
        stamp = time.time() - age
        for p in (path / "t.csv", path):
            os.utime(p, (stamp, stamp))
    return path


def test_sweep_removes_a_dead_owners_directory_at_once(tmp_path: Path) -> None:
    host = _stale._host()
    dead = _leftover(tmp_path, f"{TMP_PREFIX}{host}-{_dead_pid()}-{int(time.time())}-abc")
    assert sweep(tmp_path) == []
    assert not dead.exists()


def test_sweep_keeps_a_live_owners_directory_however_old(tmp_path: Path) -> None:
    mine = _leftover(tmp_path, owned_prefix() + "xyz", age=10 * 3600)
    parent = os.getppid()  # alive, started before now: a plausible owner
    started = int(time.time())
    other = _leftover(tmp_path, f"{TMP_PREFIX}{_stale._host()}-{parent}-{started}-abc", age=7200)
    sweep(tmp_path)
    assert mine.exists()
    if _stale._process_started(parent) is not None:  # the owner can be verified (Linux)
        assert other.exists()


def test_sweep_removes_a_reused_pid_and_old_unknown_directories(tmp_path: Path) -> None:
    host = _stale._host()
    # this pid is alive but started after the token's time (1970): not the owner
    reused = _leftover(tmp_path, f"{TMP_PREFIX}{host}-{os.getpid()}-1-abc")
    old_untokened = _leftover(tmp_path, f"{TMP_PREFIX}k2j3h4", age=2 * 3600)
    young_untokened = _leftover(tmp_path, f"{TMP_PREFIX}a8d7f6")
    elsewhere = _leftover(tmp_path, f"{TMP_PREFIX}0badc0de-{_dead_pid()}-1-abc")
    sweep(tmp_path)
    assert not old_untokened.exists()
    assert young_untokened.exists()  # could be a live run of an older version
    assert elsewhere.exists()  # another machine's pid says nothing here: only age counts
    if _stale._process_started(os.getpid()) is not None:
        assert not reused.exists()


def test_sweep_never_removes_a_users_previous_files(tmp_path: Path) -> None:
    dead = _leftover(tmp_path, f"{TMP_PREFIX}{_stale._host()}-{_dead_pid()}-1-abc")
    (dead / ".previous").mkdir()
    (dead / ".previous" / "t.csv").write_text("the user's old file")
    assert sweep(tmp_path) == [dead]
    assert (dead / ".previous" / "t.csv").read_text() == "the user's old file"


def test_sweep_of_a_missing_or_unreadable_folder_is_quiet(tmp_path: Path) -> None:
    assert sweep(tmp_path / "absent") == []
    plain = tmp_path / f"{TMP_PREFIX}file"
    plain.write_text("not a directory")
    sweep(tmp_path)
    assert plain.exists()
