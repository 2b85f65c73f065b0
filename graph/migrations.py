"""Versioned, idempotent schema migrations, recorded in the graph itself.

Each migration is a list of schema statements written with `IF NOT EXISTS`, so a
migration interrupted half-way can simply be run again. Applied versions are kept
as `(:KoostooMigration {version, name, appliedAt})` nodes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from graph.labels import ENTITY, ENTITY_LABELS, INTERNAL_LABELS, NAMED_LABELS
from graph.models.registry import TYPES, EntityType


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    #: a data step after the statements; idempotent, so that a rerun finds nothing to do
    data: Callable[[Graph], Awaitable[int]] | None = None


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


#: How many names one step of `fill_name_keys` reads and writes.
NAME_KEY_PAGE = 1000


def _missing_name_keys(label: str) -> str:
    return f"""
MATCH (n:{label}) WHERE n.nameKey IS NULL
WITH n ORDER BY n.id LIMIT $page
RETURN collect([n.id, n[$nameProperty]]) AS rows
"""


def _set_name_keys(label: str) -> str:
    return f"UNWIND $rows AS row MATCH (n:{label} {{id: row[0]}}) SET n.nameKey = row[1]"


def _fill_step(spec: EntityType) -> Callable[[AsyncManagedTransaction], Awaitable[int]]:
    async def step(tx: AsyncManagedTransaction) -> int:
        read = _missing_name_keys(spec.label)
        found = await (
            await tx.run(read, page=NAME_KEY_PAGE, nameProperty=spec.name_property)
        ).single(strict=True)
        rows = [[i, spec.derived({spec.name_property: n})["nameKey"]] for i, n in found["rows"]]
        await tx.run(_set_name_keys(spec.label), rows=rows)
        return len(rows)

    return step


async def fill_name_keys(graph: Graph) -> int:
    """Give every entity of a type with unique names that has no `nameKey` (written
    before there was one, or by a raw statement) the key `EntityType.derived` gives new
    ones; return how many were given one."""
    filled = 0
    for spec in (t for t in TYPES if t.unique_name):
        step = _fill_step(spec)
        while (done := await graph.write(step)) > 0:
            filled += done
    return filled


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
    Migration(
        6,
        "look-alike name keys of the types with unique names (creates, renames, imports)",
        tuple(
            f"CREATE INDEX {t.label.lower()}_name_key IF NOT EXISTS FOR (n:{t.label}) "
            "ON (n.nameKey)"
            for t in TYPES
            if t.unique_name
        ),
        fill_name_keys,
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
        if migration.data is not None:
            await migration.data(graph)
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
