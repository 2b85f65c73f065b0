"""The walk over the graph a backup holds: every node but the migration records, then
every relationship between them, streamed from one transaction with their properties
encoded for the file (`graph/backup/values.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from neo4j import AsyncManagedTransaction, AsyncTransaction

from graph.backup.fileformat import BackupError
from graph.backup.values import encode_properties

EXPORT_NODES = """
MATCH (n) WHERE NOT n:KoostooMigration
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""

EXPORT_RELATIONSHIPS = """
MATCH (a)-[r]->(b) WHERE NOT a:KoostooMigration AND NOT b:KoostooMigration
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS props
"""

Tx = AsyncManagedTransaction | AsyncTransaction
NodeSink = Callable[[str, list[str], dict[str, Any]], Awaitable[None]]
RelSink = Callable[[str, str, str, dict[str, Any]], Awaitable[None]]


async def walk(tx: Tx, on_node: NodeSink, on_relationship: RelSink) -> None:
    """Stream every exported node, then every relationship (properties encoded)."""
    async for r in await tx.run(EXPORT_NODES):
        await on_node(r["id"], list(r["labels"]), _encoded(r["props"]))
    async for r in await tx.run(EXPORT_RELATIONSHIPS):
        await on_relationship(r["type"], r["start"], r["end"], _encoded(r["props"]))


def _encoded(props: dict[str, Any]) -> dict[str, Any]:
    try:
        return encode_properties(props)
    except ValueError as e:
        raise BackupError([str(e)]) from e
