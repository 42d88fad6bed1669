"""Checkpoints beside the output, so a long (paid) run resumes where it stopped.

Work is cut into numbered batches. After a batch finishes, its results are
appended to ``.OUT.checkpoint.jsonl`` as one line ``{"batch": i, "items":
[...]}``, flushed and fsynced, and ``.OUT.state.json`` (fingerprint, batches
done, total) is replaced. ``--resume`` loads the finished batches of a
checkpoint with the same config fingerprint and runs only the rest; a torn
last line (a kill in mid-write) is ignored, that batch simply runs again.
A checkpoint of another config is never mixed in: it is set aside and the
run starts over. Both files are removed when the final output is written.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["Checkpoint"]


class Checkpoint:
    """The finished batches of one run; a no-op when ``out`` is None (nothing to resume into)."""

    def __init__(self, out: Path | None, fingerprint: str, total: int, *, resume: bool) -> None:
        self.out = out
        self.fingerprint = fingerprint
        self.total = total
        self.done: dict[int, list[dict[str, Any]]] = {}
        self.resumed = 0
        if out is None:
            return
        self.path = out.parent / f".{out.name}.checkpoint.jsonl"
        self.state = out.parent / f".{out.name}.state.json"
        if resume:
            self._load()
        else:
            self._clear()
        self.resumed = len(self.done)
        if not self.done:
            with open(self.path, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"fingerprint": fingerprint, "total": total}) + "\n")
            self._write_state()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        lines = self.path.read_text(encoding="utf-8").splitlines()
        try:
            header = json.loads(lines[0]) if lines else {}
        except json.JSONDecodeError:
            header = {}
        if header.get("fingerprint") != self.fingerprint:
            self._clear()
            return
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a torn last line: that batch runs again
            self.done[int(entry["batch"])] = entry["items"]

    def _clear(self) -> None:
        for path in (self.path, self.state):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _write_state(self) -> None:
        tmp = self.state.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {"fingerprint": self.fingerprint, "done": sorted(self.done), "total": self.total}
            ),
            encoding="utf-8",
        )
        os.replace(tmp, self.state)

    def has(self, batch: int) -> bool:
        return batch in self.done

    def commit(self, batch: int, items: list[dict[str, Any]]) -> None:
        """Record a finished batch durably (line appended and fsynced, then the state)."""
        self.done[batch] = items
        if self.out is None:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"batch": batch, "items": items}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._write_state()

    def finish(self) -> None:
        """The output is written: the checkpoint has served its purpose."""
        if self.out is not None:
            self._clear()
