"""Python's cyclic garbage collector tuned down while a bulk load runs (the importers,
the synthetic-network load): process-wide settings, so they live with the entry points
that start such loads, not in the library (`graph/bulk/`) they call."""

from __future__ import annotations

import functools
import gc
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

#: Collections of the youngest generation before one of the middle generation: far
#: more than a load makes.
_OLDER = 1_000


class _Collections:
    """The collector settings of the loads running in this process (asyncio runs
    several at once in the API): the first to start changes them, the last to end
    puts them back."""

    running = 0
    saved: tuple[int, int, int] = (700, 10, 10)


@contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run Python's cyclic garbage collector less often inside the block, and never
    over what was alive before it.

    A load keeps hundreds of thousands of small objects alive (rows, refs, keys) and
    makes few reference cycles, so the default collections (every 700 allocations,
    each older generation now and then walking everything alive) cost a load a
    quarter of its client time and free next to nothing (measured on the attendance
    validation pass). Reference counting still frees everything else at once. So:

    - the youngest generation is collected every `threshold` allocations, not 700;
    - the middle one not during the load (`_OLDER`): each of its collections walked
      every object the load had kept so far, 0.16-0.47 s of an import of 100k rows;
    - the objects alive when the first load starts are frozen (`gc.freeze()`) until
      the last one ends: a process with a big heap of its own (the API's, or the
      benchmark's generated network) had a full collection walk all of it, once 1.2 s
      of such an import. Cycles among them that die meanwhile are collected after."""
    if _Collections.running == 0:
        _Collections.saved = gc.get_threshold()
        gc.set_threshold(threshold, _OLDER, _Collections.saved[2])
        gc.freeze()
    _Collections.running += 1
    try:
        yield
    finally:
        _Collections.running -= 1
        if _Collections.running == 0:
            gc.unfreeze()
            gc.set_threshold(*_Collections.saved)


P = ParamSpec("P")
R = TypeVar("R")


def loads(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Marks an async function as a load: it runs under `fewer_collections()`."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with fewer_collections():
            return await fn(*args, **kwargs)

    return wrapper
