"""Queries over any entity, whatever its type."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from graph.labels import ENTITY_LABELS


async def label_of(graph: Graph, entity_id: str) -> str | None:
    """The type label of the entity with this id, or None."""

    async def work(tx: AsyncManagedTransaction) -> str | None:
        row = await (
            await tx.run(
                "MATCH (n:Entity {id: $id}) RETURN [l IN labels(n) WHERE l IN $labels][0] AS label",
                id=entity_id,
                labels=list(ENTITY_LABELS),
            )
        ).single()
        return row["label"] if row else None

    return await graph.read(work)
