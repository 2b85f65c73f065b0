"""The closed request loop: N clients, each sending its next request as soon as the
last one answered, for a fixed time; latencies and throughput."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.stats import Stats, summarise

# --- the request loop ------------------------------------------------------------------


async def closed_loop(
    call: Callable[[int], Awaitable[Any]],
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    warmup: int,
    first_index: int = 0,
    request_timeout: float | None = None,
) -> Stats:
    """`concurrency` workers issue requests back to back until `duration` seconds or
    `max_requests` have passed; failed requests are counted, not timed."""
    counter = itertools.count(first_index)
    for _ in range(warmup):
        with contextlib.suppress(Exception):
            await call(next(counter))
    latencies: list[float] = []
    errors = 0
    first_error: str | None = None
    issued = itertools.count()
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal errors, first_error
        while time.perf_counter() < deadline and next(issued) < max_requests:
            i = next(counter)
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(call(i), request_timeout)
            except Exception as e:
                errors += 1
                first_error = first_error or f"{type(e).__name__}: {e}"[:300]
            else:
                latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(latencies, time.perf_counter() - start, errors, first_error)
