"""A read whose caller is cancelled (graphql-core cancels the sibling fields of one that
fails) leaves no socket behind, wherever the cancellation lands: neo4j 6.4 leaks the
socket of a connection cancelled while it opens, so `Graph` lets the transaction finish."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings

from neo4j import AsyncGraphDatabase, AsyncManagedTransaction

from api.settings import Settings
from graph.driver import Graph


async def _one(tx: AsyncManagedTransaction) -> int:
    record = await (await tx.run("RETURN 1 AS x")).single(strict=True)
    return int(record["x"])


async def test_a_read_cancelled_at_any_step_leaves_no_socket_open(neo4j_server: str) -> None:
    settings = Settings()
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for steps in range(16):  # cancelled after 0, 1, … turns of the event loop
            # a driver of its own: its pool is empty, so the read opens a connection
            driver = AsyncGraphDatabase.driver(neo4j_server, auth=auth)
            graph = Graph(driver, settings.neo4j_database)
            before = asyncio.all_tasks()
            task = asyncio.ensure_future(graph.read(_one))
            for _ in range(steps):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                assert await task == 1  # finished before the cancellation arrived
            # what goes on in the background ends (before the driver closes)
            if left := asyncio.all_tasks() - before - {asyncio.current_task()}:
                await asyncio.wait(left)
            assert await graph.read(_one) == 1  # and the pool still serves reads
            await driver.close()
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
