"""Whole-database housekeeping: counts and the guarded wipe used by tests and restores."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from graph.errors import Conflict


async def count_data_nodes(graph: Graph) -> int:
    """Nodes other than migration records."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await (
            await tx.run("MATCH (n) WHERE NOT n:KoostooMigration RETURN count(n) AS c")
        ).single(strict=True)
        return int(row["c"])

    return await graph.read(work)


async def count_entities(graph: Graph) -> int:
    """Domain nodes (organisations, people, events, …)."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await (await tx.run("MATCH (n:Entity) RETURN count(n) AS c")).single(strict=True)
        return int(row["c"])

    return await graph.read(work)


async def wipe(graph: Graph, *, allow_data: bool, batch_size: int = 10_000) -> int:
    """Delete every node but the migration records, `batch_size` per inner transaction;
    refuse a non-empty graph unless `allow_data`. Returns how many nodes were deleted."""
    existing = await count_data_nodes(graph)
    if existing and not allow_data:
        raise Conflict(f"refusing to wipe a database that holds {existing} nodes")

    # Relationships first, then the bare nodes, each in bounded batches: a DETACH DELETE
    # of a dense node (an event with 100k attendance records) in one inner transaction
    # needs more than the transaction memory cap. CALL … IN TRANSACTIONS needs an
    # implicit (auto-commit) transaction.
    # Large nodes (long texts) need smaller batches: a restore passes its own size.
    async with graph.driver.session(database=graph.database) as session:
        for statement in (WIPE_RELATIONSHIPS, WIPE_NODES):
            await (await session.run(statement, batch=batch_size)).consume()
    return existing


WIPE_RELATIONSHIPS = (
    "MATCH (a)-[r]->(b) WHERE NOT (a:KoostooMigration AND b:KoostooMigration) "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF $batch ROWS"
)
WIPE_NODES = (
    "MATCH (n) WHERE NOT n:KoostooMigration "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS"
)


async def label_counts(graph: Graph) -> dict[str, int]:
    """Entity nodes per type label."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, int]:
        result = await tx.run(
            "MATCH (n:Entity) UNWIND [l IN labels(n) WHERE l <> 'Entity'] AS label "
            "RETURN label, count(*) AS c"
        )
        return {r["label"]: r["c"] async for r in result}

    return await graph.read(work)


async def relationship_counts(graph: Graph) -> dict[str, int]:
    """Relationships between entities, per type."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, int]:
        result = await tx.run("MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS t, count(r) AS c")
        return {r["t"]: r["c"] async for r in result}

    return await graph.read(work)
