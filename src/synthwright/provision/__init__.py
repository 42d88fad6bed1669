"""Website -> demo warehouse (SPEC.md section 6): a pack on top of the facade.

``provision(url, out_dir)`` reads a company's website (same origin,
robots.txt obeyed, bounded; :mod:`.fetch`, :mod:`.extract`), infers the
business (:mod:`.research`, or :mod:`.llm_research` with a model), makes
the domain's spec template its own (:mod:`.model`), loads a warehouse
(:mod:`.warehouse`), computes and lints golden queries (:mod:`.golden`,
:mod:`.sqlcheck`) and writes a demo script (:mod:`.script`), as a
checkpointed job (:mod:`.pipeline`, :mod:`.store`, :mod:`.stages`).
``synthwright provision serve`` is :mod:`.web`. Domain knowledge lives in
``domains/*.yaml``.

Example::

    from synthwright.provision import provision
    summary = provision("https://example.com/", "demo/")   # research.json, spec.yaml, ...
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..errors import EXIT_BAD_INPUT, SynthwrightError
from .pipeline import Cancelled, job_id_for, run_job
from .stages import STAGES, Options
from .store import JobStore

__all__ = ["STAGES", "Cancelled", "JobStore", "Options", "provision", "state_path"]


def state_path(out_dir: str | Path) -> Path:
    """Where a CLI run keeps its checkpoints: ``DIR/.provision/state.sqlite``."""
    return Path(out_dir) / ".provision" / "state.sqlite"


def provision(
    url: str,
    out_dir: str | Path,
    *,
    db_url: str | None = None,
    max_pages: int = 20,
    scale: float = 1.0,
    client: Any = None,
    llm: str | None = None,
    model: str | None = None,
    on_event: Any = None,
) -> dict[str, Any]:
    """Provision a demo from ``url`` into ``out_dir`` (resuming or reusing earlier stages)."""
    from .fetch import normalise_url

    options = Options(
        url=normalise_url(url),
        out_dir=str(Path(out_dir).resolve()),
        db_url=db_url,
        max_pages=max_pages,
        scale=scale,
        llm=llm if client is not None else None,
        model=model if client is not None else None,
    )
    fresh = not Path(options.out_dir).exists()
    store = JobStore(state_path(options.out_dir))
    job_id = job_id_for(options)
    store.create_job(job_id, options.url, options.to_dict(), options.out_dir)
    try:
        return run_job(store, job_id, options, client=client, on_event=on_event)
    except SynthwrightError as exc:
        if fresh and exc.exit_status == EXIT_BAD_INPUT:  # bad input leaves no folder behind
            shutil.rmtree(options.out_dir, ignore_errors=True)
        raise
