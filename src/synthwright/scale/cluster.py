"""Dask clients: a local cluster of N worker processes, or an existing scheduler.

Dask is an optional extra (``synthwright[dask]``) and heavy to import (~0.5 s,
tornado and friends), so it is imported here, inside the functions, and only
when a caller asks for workers; a missing install is a located input error
(exit 2 on the command line), not an ImportError.

Workers are single-threaded processes: generating a block holds the GIL in
places (Python-level loops of some generators), so processes, not threads,
are what use the cores.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from ..errors import SpecError

__all__ = ["connect", "require_dask"]


def require_dask(location: str = "--workers") -> None:
    """Refuse (SpecError at ``location``) when dask.distributed is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SpecError(
            "scale-out needs Dask: pip install 'synthwright[dask]' (dask[distributed])",
            location,
        ) from None


@contextlib.contextmanager
def connect(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: N local worker processes, or the cluster at ``scheduler``.

    The local cluster is made for this run and shut down after it (also on
    failure); a client of an existing cluster is only closed. Worker logs
    below ERROR are silenced so the command's own output stays readable.

    Raises:
        SpecError: bad arguments (located at ``--workers``/``--scheduler``), or no Dask.
    """
    if (workers is None) == (scheduler is None):
        raise SpecError("give either a number of workers or a scheduler address", "--workers")
    if workers is not None and workers < 1:
        raise SpecError(f"must be at least 1, got {workers}", "--workers")
    require_dask("--scheduler" if scheduler else "--workers")
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="5s")
        except (OSError, TimeoutError) as exc:
            raise SpecError(f"cannot reach the scheduler: {exc}", "--scheduler") from None
        try:
            yield client
        finally:
            client.close()
        return
    # spawn (Dask's default), not fork: the scheduler runs in this process, and a forked
    # worker would inherit its listening sockets (and any lock held by another thread);
    # a run that hung once that way is why (each worker pays its own imports, ~2 s)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()
