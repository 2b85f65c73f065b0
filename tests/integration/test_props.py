"""Whole property maps read for display carry the timestamps as UTC strings
(graph/props.py); a timestamp stored with a zone id reads back as the same instant."""

from __future__ import annotations

from datetime import UTC, datetime

import neo4j.time as nt
import pytz
from neo4j import AsyncManagedTransaction

from graph import bulk, entities, export
from graph.analytics import network
from graph.driver import Graph
from graph.models.relationships import RelType

TALLINN_NOON = pytz.timezone("Europe/Tallinn").localize(
    nt.DateTime(2020, 1, 1, 12, 0, 0, 123456789)
)


async def test_zoned_timestamps_read_as_the_same_instant(graph: Graph) -> None:
    async def write(tx: AsyncManagedTransaction) -> None:
        for topic in ("ajaviide", "ajalugu"):
            await bulk.upsert_nodes(
                tx,
                "Topic",
                [{"id": topic, "props": {"name": topic.title(), "createdAt": TALLINN_NOON}}],
                actor="test",
            )
        await bulk.upsert_relationships(
            tx, RelType.PART_OF, [{"from": "ajaviide", "to": "ajalugu", "props": {}}]
        )

    await graph.write(write)
    topic = await entities.get(graph, "ajaviide")
    assert topic is not None and topic.created_at is not None
    assert topic.created_at == datetime(2020, 1, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert topic.updated_at is not None and topic.updated_at.tzinfo is not None

    net = await network.ego(graph, "ajaviide")
    node = next(n for n in net.nodes if n.id == "ajaviide")
    assert node.properties["createdAt"] == "2020-01-01T10:00:00.123456789Z"
    (edge,) = net.edges
    assert edge.properties["createdAt"].endswith("Z")
    assert set(edge.properties) >= {"createdAt", "updatedAt"}

    chunks = [c async for c in export.stream(graph, export.Format.CYTOSCAPE)]
    assert b"2020-01-01T10:00:00.123456789Z" in b"".join(chunks)
