"""Scale-out on Dask: the same tables as one process, made by many (SPEC.md section 7).

Every random draw of the engine is keyed by (seed, table, column, block), so
any block can be made anywhere; this package makes that real on a
``dask.distributed`` cluster. Tasks are ranges of whole blocks
(``tasks.make_part``), parents' retained columns travel as futures of their
parts, each worker computes a table's layout itself, and the parts are
written in parallel into a partitioned dataset ``DIR/T/part-00000.parquet``
(csv and jsonl too) committed all or nothing (``partitioned``). Reading a
table's parts in name order gives exactly the rows, in the same order, of a
single-process ``DIR/T.parquet``.

Usage::

    from synthwright.scale import connect
    with connect(workers=2) as client:
        synthwright.generate(spec, client=client).write("out/")

Dask is the optional extra ``synthwright[dask]``; it is imported only by
``connect`` and the client-side run, never by ``import synthwright``.
"""

from __future__ import annotations

from .cluster import connect, require_dask
from .partitioned import PARTITIONED_FORMATS, PartitionedSink
from .runner import write_partitioned

__all__ = [
    "PARTITIONED_FORMATS",
    "PartitionedSink",
    "connect",
    "require_dask",
    "write_partitioned",
]
