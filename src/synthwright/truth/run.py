"""Generate a spec with its truth records, and write data and manifest together.

The pipeline of the pack: apply a preset, scale, plant (``plant``), generate
through the facade, build the manifest (``manifest``), write. The manifest
needs the whole tables (its ``expected`` is a query over them), so a truth
run holds them in memory.

Writing is all or nothing with the data: ``truth.json`` is first written to
a temporary file beside its final place, the sink then writes (and commits)
the tables all-or-nothing, and only then is the manifest renamed into place
(an atomic rename in the same folder). A failed or interrupted run removes
the temporary file and any folder it made, so it leaves neither tables nor a
manifest; the one window left is a crash between the sink's commit and that
rename, which leaves the data without its manifest, never a manifest without
its data.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from .. import api
from ..engine.generate import ProgressCallback
from ..engine.run import effective_seed, scaled
from ..errors import DataError, GenerationError, Problem, SpecError
from ..loading import spec_from_any
from ..spec import Spec
from .bundled import resolve_source
from .manifest import build_manifest, manifest_text
from .plant import Planting, plant, relocate

__all__ = [
    "MANIFEST_NAME",
    "TruthRun",
    "apply_preset",
    "execute",
    "generate",
    "manifest_path",
    "prepare",
]

MANIFEST_NAME = "truth.json"


def apply_preset(spec: Spec, name: str) -> Spec:
    """The spec with preset ``name``'s row counts (and truth set, when it has one).

    Raises:
        SpecError: an unknown preset (located at ``--preset``), or a preset
            naming an unknown or per_parent table (at ``presets.NAME.rows.T``).
    """
    import difflib

    presets = spec.presets or {}
    if name not in presets:
        close = difflib.get_close_matches(name, list(presets), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        known = ", ".join(presets) or "none"
        raise SpecError(f"unknown preset {name!r}{hint}; the spec's presets: {known}", "--preset")
    preset = presets[name]
    out = spec.model_copy(deep=True)
    problems = []
    for table, rows in preset.rows.items():
        where = f"presets.{name}.rows.{table}"
        ts = out.tables.get(table)
        if ts is None:
            problems.append(Problem(where, f"unknown table {table!r}", "unknown_table"))
        elif ts.rows is None:
            problems.append(
                Problem(where, "a per_parent or existing table has no row count to set")
            )
        else:
            ts.rows = rows
    if problems:
        raise SpecError(problems)
    if preset.truth is not None:
        out.truth = preset.truth
    return out


def prepare(
    source: Spec | dict[str, Any] | str | Path,
    *,
    seed: int | None = None,
    rows: int | None = None,
    scale: float | None = None,
    preset: str | None = None,
) -> Planting:
    """The planting of a spec (a Spec, dict, path, YAML text or bundled name such as ``file_index``)."""
    spec = spec_from_any(resolve_source(source))
    if preset is not None:
        spec = apply_preset(spec, preset)
    spec = scaled(spec, rows, scale)
    return plant(spec, seed=effective_seed(spec, seed))


class TruthRun:
    """A generated dataset with its truth manifest (tables held in memory)."""

    def __init__(self, planting: Planting, dataset: api.Dataset) -> None:
        self.planting = planting
        self.dataset = dataset
        self._manifest: dict[str, Any] | None = None

    @property
    def spec(self) -> Spec:
        return self.planting.spec

    def tables(self) -> dict[str, pa.Table]:
        """The generated tables; a planting the engine could not place is a located SpecError."""
        try:
            return self.dataset.materialize()
        except GenerationError as exc:
            moved = relocate(exc.problems, self.planting)
            if moved != exc.problems:
                raise SpecError(moved) from None
            raise

    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest (see :mod:`synthwright.truth.manifest`), built once."""
        if self._manifest is None:
            self._manifest = build_manifest(self.planting, self.tables())
        return self._manifest

    def write(self, out_dir: str | Path, *, format: str = "parquet", **options: Any) -> list[str]:
        """The tables into ``out_dir`` and ``truth.json`` beside them, all or nothing."""
        path = Path(out_dir) / MANIFEST_NAME
        return self._with_manifest(
            path, lambda: self.dataset.write(out_dir, format=format, **options)
        )

    def to_db(self, url: str, *, if_exists: str = "fail", manifest: str | Path) -> list[str]:
        """The tables into a database and the manifest to ``manifest``, all or nothing.

        ``append`` is refused: appended rows take keys after the rows already
        there, and those rows may match a query too, so the manifest could not
        be exact.
        """
        if if_exists == "append" and self.planting.has_truth:
            raise SpecError(
                "a truth manifest lists every row that matches; appending to rows it never saw "
                "cannot keep it exact (use fail, replace or truncate)",
                "--if-exists",
            )
        return self._with_manifest(
            Path(manifest), lambda: self.dataset.to_db(url, if_exists=if_exists)
        )

    def _with_manifest(self, path: Path, write: Any) -> list[str]:
        text = manifest_text(self.manifest) if self.planting.has_truth else None
        if text is None:
            return list(write())
        staged = _Staged(path, text)
        try:
            written = list(write())
        except BaseException:
            staged.discard()
            raise
        staged.commit()
        return [*written, str(path)]


def generate(
    source: Spec | dict[str, Any] | str | Path,
    *,
    seed: int | None = None,
    rows: int | None = None,
    scale: float | None = None,
    preset: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> TruthRun:
    """Plant, generate and (lazily) build the manifest of a spec with a ``truth:`` section."""
    return execute(prepare(source, seed=seed, rows=rows, scale=scale, preset=preset), on_progress)


def execute(planting: Planting, on_progress: ProgressCallback | None = None) -> TruthRun:
    """The run of a planting (its plan was compiled while planting: no second compile)."""
    if planting.plan is not None:
        dataset = api.Dataset(planting.spec, planting.plan, planting.seed, on_progress)
    else:
        dataset = api.generate(planting.spec, seed=planting.seed, on_progress=on_progress)
    return TruthRun(planting, dataset)


def manifest_path(out_dir: str | Path, db: str | None) -> Path:
    """Where the manifest goes: beside a SQLite/DuckDB file, else in the output folder."""
    if db:
        from .. import db as database

        url = database.parse_url(db, location="--db")
        if url.is_file and url.database not in ("", ":memory:"):
            return Path(url.database).parent / MANIFEST_NAME
    return Path(out_dir) / MANIFEST_NAME


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Staged:
    """The manifest in a temporary file beside its place until the data is committed."""

    def __init__(self, path: Path, text: str) -> None:
        folder = path.parent if str(path.parent) else Path(".")
        self.path = path
        self.created = [p for p in (folder, *folder.parents) if not p.exists()]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary file (mkstemp makes it 0600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            self._remove_folders()
            raise DataError(f"cannot write {path}: {exc.strerror or exc}", str(path)) from exc
        self.tmp = Path(tmp)

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise DataError(
                f"the data was written but {self.path} could not be: {exc.strerror or exc}",
                str(self.path),
            ) from exc

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink()
        self._remove_folders()

    def _remove_folders(self) -> None:
        for folder in self.created:  # deepest first; only if nothing else was put there
            with contextlib.suppress(OSError):
                folder.rmdir()
