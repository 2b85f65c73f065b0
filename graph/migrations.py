"""Versioned, idempotent schema migrations, recorded in the graph itself.

Each migration is a list of schema statements written with `IF NOT EXISTS`, so a
migration interrupted half-way can simply be run again. Applied versions are kept
as `(:KoostooMigration {version, name, appliedAt})` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from graph.labels import ENTITY, ENTITY_LABELS, INTERNAL_LABELS, NAMED_LABELS


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def _unique_id(label: str) -> str:
    return (
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    )


def _fulltext() -> str:
    labels = "|".join(NAMED_LABELS)
    return (
        "CREATE FULLTEXT INDEX entity_names IF NOT EXISTS "
        f"FOR (n:{labels}) ON EACH [n.name, n.shortName, n.nameEn, n.aliases, n.title] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding', "
        "`fulltext.eventually_consistent`: false}}"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "unique ids per label",
        tuple(_unique_id(label) for label in (ENTITY, *ENTITY_LABELS, *INTERNAL_LABELS)),
    ),
    Migration(
        2,
        "lookup indexes",
        (
            "CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.name)",
            "CREATE INDEX organisation_kind IF NOT EXISTS FOR (n:Organisation) ON (n.kind)",
            "CREATE INDEX event_start IF NOT EXISTS FOR (n:Event) ON (n.startDate)",
            "CREATE INDEX apikey_hash IF NOT EXISTS FOR (n:ApiKey) ON (n.hash)",
            "CREATE INDEX audit_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entityId)",
            "CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at)",
        ),
    ),
    Migration(3, "full-text index over names and aliases", (_fulltext(),)),
    Migration(
        4,
        "text index over folded names (search: substring and Cyrillic ё/е matches)",
        ("CREATE TEXT INDEX entity_search_text IF NOT EXISTS FOR (n:Entity) ON (n.searchText)",),
    ),
    Migration(
        5,
        "sort-key indexes (the name-clash check of creates and renames, name-ordered lists)",
        tuple(
            f"CREATE INDEX {label.lower()}_sort_key IF NOT EXISTS FOR (n:{label}) ON (n.sortKey)"
            for label in ENTITY_LABELS
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


async def applied_versions(graph: Graph) -> set[int]:
    async def work(tx: AsyncManagedTransaction) -> set[int]:
        result = await tx.run("MATCH (m:KoostooMigration) RETURN m.version AS version")
        return {record["version"] async for record in result}

    return await graph.read(work)


async def migrate(graph: Graph) -> list[Migration]:
    """Apply the migrations the graph has not recorded yet; return those applied."""
    done = await applied_versions(graph)
    applied: list[Migration] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        # Schema commands cannot share a transaction with data writes: run each in
        # its own auto-commit transaction, then record the version.
        async with graph.driver.session(database=graph.database) as session:
            for statement in migration.statements:
                await (await session.run(statement)).consume()
            await (await session.run("CALL db.awaitIndexes(300)")).consume()
        await graph.write(_record(migration))
        applied.append(migration)
    return applied


def _record(migration: Migration):  # type: ignore[no-untyped-def]
    async def work(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            "MERGE (m:KoostooMigration {id: $id}) "
            "ON CREATE SET m.version = $version, m.name = $name, m.appliedAt = datetime()",
            id=f"migration-{migration.version}",
            version=migration.version,
            name=migration.name,
        )

    return work


async def is_current(graph: Graph) -> bool:
    return LATEST_VERSION in await applied_versions(graph)


async def schema_objects(graph: Graph) -> set[str]:
    """Names of every constraint and index in the database."""

    async def work(tx: AsyncManagedTransaction) -> set[str]:
        names = set()
        for statement in ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name"):
            names |= {r["name"] async for r in await tx.run(statement)}
        return names

    return await graph.read(work)
