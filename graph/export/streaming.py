"""Streaming an export: the selection read in one read transaction and handed to the
format's writer, its output passed on in chunks of about `CHUNK_BYTES`, so memory stays
flat however large the graph."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Final

import neo4j
from neo4j import AsyncTransaction

from graph.analytics.network import NetworkFilter, ego_ids
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.export import csv_zip, cytoscape, gexf, graphml
from graph.export.formats import CHUNK_BYTES, Format
from graph.export.selection import Selection, select

Writer = Callable[[AsyncTransaction, Selection], AsyncIterator[str | bytes]]


WRITERS: Final[dict[Format, Writer]] = {
    Format.CYTOSCAPE: cytoscape.write,
    Format.GRAPHML: graphml.write,
    Format.GEXF: gexf.write,
    Format.CSV: csv_zip.write,
}


async def stream(
    graph: Graph,
    fmt: Format,
    *,
    centre: str | None = None,
    depth: int = 1,
    filter: NetworkFilter | None = None,
) -> AsyncIterator[bytes]:
    """The export as chunks of bytes (about `CHUNK_BYTES` each).

    Validation (format, filter, centre) happens before the first chunk: call `prepare`
    first when the caller must answer bad input with an error status instead of a broken
    stream.
    """
    filter = filter or NetworkFilter(max_nodes=5000)
    writer = WRITERS[Format(fmt)]
    async with graph.driver.session(
        database=graph.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        tx = await session.begin_transaction()
        try:
            selection = await select(tx, centre, depth, filter)
            buffer: list[bytes] = []
            size = 0
            async for piece in writer(tx, selection):
                # "replace": a lone surrogate (which Neo4j never returns) becomes "?"
                # instead of ending the download half-way
                data = piece.encode("utf-8", "replace") if isinstance(piece, str) else piece
                buffer.append(data)
                size += len(data)
                if size >= CHUNK_BYTES:
                    yield b"".join(buffer)
                    buffer, size = [], 0
            if buffer:
                yield b"".join(buffer)
        finally:
            await tx.rollback()


async def prepare(graph: Graph, *, centre: str | None, depth: int, filter: NetworkFilter) -> None:
    """Check the request (raises `InvalidInput` / `NotFound`) before streaming starts."""
    filter.params()

    async def work(tx: Any) -> None:
        if centre is not None:
            if not 1 <= depth <= 3:
                raise InvalidInput([("depth", "must be 1, 2 or 3")])
            await ego_ids(tx, centre, 0, filter.params(), filter.max_nodes)

    await graph.read(work)
