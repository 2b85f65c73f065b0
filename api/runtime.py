"""Where the Neo4j server comes from: NEO4J_URI, a running local engine, or a new one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from api.settings import Settings
from graph import local
from graph.driver import Graph, connect


@contextmanager
def neo4j_uri(settings: Settings, *, announce: bool = True) -> Iterator[str]:
    """Yield a Bolt URI: NEO4J_URI when set; else a local engine (started here if needed,
    and then stopped on exit)."""
    if settings.neo4j_uri:
        yield settings.neo4j_uri
        return
    running = local.read_running(settings.local_neo4j_dir)
    if running is not None:
        yield running[1]
        return
    engine = local.LocalNeo4j(
        home=settings.local_neo4j_dir.resolve(),
        port=settings.local_bolt_port,
        heap=settings.local_heap,
        pagecache=settings.local_pagecache,
        tx_max=settings.local_tx_max,
    )
    if announce:
        print(f"Starting the local Neo4j in {engine.home} …", flush=True)
    uri = engine.start()
    try:
        yield uri
    finally:
        engine.stop()


@asynccontextmanager
async def open_graph(settings: Settings, uri: str) -> AsyncIterator[Graph]:
    graph = await connect(
        uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        settings.neo4j_database,
    )
    try:
        yield graph
    finally:
        await graph.driver.close()
