"""Deleting an entity: the node and its relationships go, the audit keeps what it was.
(`graph.entities` offers these with the rest of the generic CRUD.)"""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph import audit
from graph.driver import Graph
from graph.errors import NotFound
from graph.models.registry import entity_type


def _delete(label: str) -> str:
    return f"""
MATCH (n:{label} {{id: $id}})
WITH n, n {{.*}} AS before
DETACH DELETE n
RETURN before
"""


async def delete(graph: Graph, label: str, entity_id: str, *, actor: str) -> str:
    """Delete the entity and its relationships; the audit keeps what it was."""

    async def work(tx: AsyncManagedTransaction) -> str:
        return await delete_in_tx(tx, label, entity_id, actor=actor)

    return await graph.write(work)


async def delete_in_tx(
    tx: AsyncManagedTransaction, label: str, entity_id: str, *, actor: str
) -> str:
    """`delete` in the caller's transaction."""
    spec = entity_type(label)
    row = await (await tx.run(_delete(spec.label), id=entity_id)).single()
    if row is None:
        raise NotFound(entity_id, label)
    await audit.record(
        tx,
        actor=actor,
        action="delete",
        entity_id=entity_id,
        entity_type=label,
        before=row["before"],
        after=None,
    )
    return entity_id
