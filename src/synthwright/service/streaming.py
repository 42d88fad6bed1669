"""The thread-to-event-loop bridge of a stream: bounded, and stopped when nobody listens.

The engine runs in a worker thread and hands over what it makes through
`emit`; the event loop side is an async iterator. Two things keep memory
flat:

- at most `depth` items are in flight: `emit` waits (in short steps) for the
  consumer to take one, so a slow client slows the engine instead of piling
  batches up;
- when the consumer goes away (the client disconnected, the stream timed out,
  the gRPC call was cancelled), the request's `Cancel` is set and the worker
  stops at its next `emit` or engine block, dropping its buffers. Nothing
  here awaits the worker in a ``finally``: under anyio's level cancellation
  (Starlette) such an await is cancelled again at once.
- the consumer gives the event loop a turn after every item. A queue that
  always has an item never suspends its reader, and uvicorn's ``send`` does not
  suspend either while the socket takes data, so a stream used to run from
  start to end without the loop ever running its callbacks: it never saw its
  client hang up (the connection-lost callback waits for a loop turn), ran the
  whole million records for nobody, and held up every other request meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from typing import Any, TypeVar

import pyarrow as pa

from .limits import Cancel, Cancelled

__all__ = ["from_thread"]

T = TypeVar("T")
_WAIT_STEP_S = 0.05  # how often a waiting worker looks at the stop flag
_ITEM, _DONE, _ERROR = "item", "done", "error"


async def from_thread(
    work: Callable[[Callable[[T], None]], None],
    cancel: Cancel,
    *,
    depth: int = 2,
    deadline: float | None = None,
) -> AsyncGenerator[T, None]:
    """Run ``work(emit)`` in a worker thread; yield each item it emits, in order.

    `cancel` is set when the iteration ends for any reason (exhausted, an
    error, closed early); `work` then stops with `Cancelled` at its next
    `emit` (or wherever else it checks `cancel`). `deadline` (a
    ``time.perf_counter()`` value) bounds the wait for the next item:
    TimeoutError when passed. The worker's own exceptions are raised here.
    """
    loop = asyncio.get_running_loop()
    items: deque[tuple[str, Any]] = deque()
    ready = asyncio.Event()
    room = threading.Semaphore(depth)  # taken by emit, given back when the consumer takes one

    def push(kind: str, value: Any) -> None:
        if cancel.is_set() and kind == _ITEM:
            return
        items.append((kind, value))
        try:
            loop.call_soon_threadsafe(ready.set)
        except RuntimeError:  # the loop is closed: nobody listens any more
            items.clear()

    def emit(item: T) -> None:
        while not room.acquire(timeout=_WAIT_STEP_S):
            cancel.check()
        cancel.check()
        push(_ITEM, item)

    def run() -> None:
        try:
            work(emit)
            push(_DONE, None)
        except Cancelled:
            items.clear()  # the consumer is gone: drop what it never took
        except BaseException as exc:
            push(_ERROR, exc)
        finally:
            # Arrow's allocator keeps freed pages per thread for reuse; a stream's
            # worker made tens of MB of them, given back to the system here
            pa.default_memory_pool().release_unused()

    loop.run_in_executor(None, run)
    try:
        while True:
            while not items:
                ready.clear()
                if items:
                    break
                timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
                await asyncio.wait_for(ready.wait(), timeout)
            kind, value = items.popleft()
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            room.release()
            yield value
            del value  # the consumer holds it now, not this frame
            # give the loop a turn: with items always ready nothing above would ever
            # suspend, and the loop would not even see the client hang up
            await asyncio.sleep(0)
    finally:
        cancel.set("the stream ended")
        items.clear()
