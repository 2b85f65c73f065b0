"""Loads of many batches: `Pipeline` keeps a few batch transactions in flight at once
(Neo4j runs each on its own thread, and the client prepares the next batch meanwhile);
`by_start()` cuts relationship rows into batches that two concurrent transactions can
write without deadlocking each other."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any, TypeVar

from graph.driver import Graph, TxWork

T = TypeVar("T")

#: Batch transactions a load keeps in flight. Two keep a small server's cores busy
#: (measured with bench/import_bench.py); more mostly add lock waits on shared nodes.
WRITERS = 2

#: Seconds before a batch that failed on a transient error is run again (the driver's
#: default is about a second). Batches in flight that add relationships to one node
#: while it turns dense fail with `Transaction.Outdated`: the other batch has already
#: committed, so waiting longer does not help, and at a second per retry it cost an
#: import of 100k rows a fifth of its time (measured on a freshly loaded M graph).
FIRST_RETRY = 0.05


class Pipeline:
    """Runs batch transactions with up to `writers` in flight; `submit` waits for a
    free slot, so at most `writers` prepared batches are held in memory.

    Every batch is its own transaction, as in a sequential load: after a failure the
    batches already committed stay, and the load is re-run (the writers are
    idempotent). After the first failure no new batch starts; `drain()` (and leaving
    the `async with` block) waits for those in flight and raises the failure.
    """

    def __init__(self, graph: Graph, writers: int = WRITERS) -> None:
        self._graph = graph
        self._slots = asyncio.Semaphore(max(1, writers))
        self._tasks: set[asyncio.Task[None]] = set()
        self._error: BaseException | None = None

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is None:
            await self.drain()
        else:
            await self._wait()  # the caller's own error wins

    async def submit(
        self, work: TxWork[T], done: Callable[[T], None], *, write: bool = True
    ) -> None:
        """Start `work` in its own transaction (read-only with `write=False`); `done`
        gets its result once it has committed."""
        await self._slots.acquire()
        if self._error is not None:  # a batch failed while this one waited for its slot
            self._slots.release()
            await self.drain()
        task = asyncio.create_task(self._run(work, done, write))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every submitted batch has finished; raise the first failure."""
        await self._wait()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    async def _wait(self) -> None:
        while self._tasks:
            await asyncio.gather(*self._tasks)

    async def _run(self, work: TxWork[T], done: Callable[[T], None], write: bool) -> None:
        try:
            result = await (
                self._graph.write(work, first_retry=FIRST_RETRY)
                if write
                else self._graph.read(work)
            )
            done(result)
        except BaseException as e:  # kept, and raised by drain() (also KeyboardInterrupt)
            if self._error is None:
                self._error = e
        finally:
            self._slots.release()


def even_size(n: int, size: int) -> int:
    """The length of each of the fewest batches of at most `size` that hold `n` items
    evenly: 10,100 items in batches of 5,000 are three of 3,367."""
    return -(-n // -(-n // size)) if n else size


def by_start(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Relationship rows (`{from, to, props}`) in batches of about `size` for a
    `Pipeline`: every row of a start node in the same batch, so two batches in flight
    never wait for each other's start-node locks (`upserts._lock_starts`), and each batch
    ordered by end node, so the end nodes they share are visited in the same order.

    The batches are of even length (101,000 rows in batches of 5,000 are 21 of about
    4,810, not 20 and one of 1,000): the last batch is not left alone at the end with
    one writer, and every batch is in the same size class of Neo4j's plan cache
    (`upserts._lock_starts`), so one plan serves them all."""
    size = even_size(len(rows), size)
    batch: list[dict[str, Any]] = []
    for _, group in groupby(sorted(rows, key=itemgetter("from")), key=itemgetter("from")):
        batch.extend(group)
        if len(batch) >= size:
            yield sorted(batch, key=itemgetter("to"))
            batch = []
    if batch:
        yield sorted(batch, key=itemgetter("to"))
