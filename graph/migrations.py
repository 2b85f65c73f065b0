"""Versioned, idempotent schema migrations, recorded in the graph itself.

Each migration is a fixed list of schema statements written with `IF NOT EXISTS`, so a
migration interrupted half-way can simply be run again. Applied versions are kept
as `(:KoostooMigration {version, name, appliedAt})` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, TxWork
from graph.models.registry import TYPES


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its statements, `;`-terminated, as released."""

    version: int
    name: str
    text: str

    @property
    def statements(self) -> tuple[str, ...]:
        parts = (" ".join(s.split()) for s in self.text.split(";"))
        return tuple(p for p in parts if p)


#: Every migration, written out. A released migration never changes: a new label's
#: constraints and indexes come in a new one (tests/integration/test_migrations.py
#: checks the schema they build against what the model declares).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "unique ids per label",
        """
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT programme_id IF NOT EXISTS FOR (n:Programme) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT servicecategory_id IF NOT EXISTS FOR (n:ServiceCategory) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT place_id IF NOT EXISTS FOR (n:Place) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT topic_id IF NOT EXISTS FOR (n:Topic) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT note_id IF NOT EXISTS FOR (n:Note) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (n:Campaign) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT apikey_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT auditevent_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT koostoomigration_id IF NOT EXISTS FOR (n:KoostooMigration) REQUIRE n.id IS UNIQUE;
""",
    ),
    Migration(
        2,
        "lookup indexes",
        """
CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.name);
CREATE INDEX organisation_kind IF NOT EXISTS FOR (n:Organisation) ON (n.kind);
CREATE INDEX event_start IF NOT EXISTS FOR (n:Event) ON (n.startDate);
CREATE INDEX apikey_hash IF NOT EXISTS FOR (n:ApiKey) ON (n.hash);
CREATE INDEX audit_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entityId);
CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at);
""",
    ),
    Migration(
        3,
        "full-text index over names and aliases",
        """
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
  FOR (n:Organisation|Person|Event|Programme|Service|ServiceCategory|Place|Document|Topic|Campaign)
  ON EACH [n.name, n.shortName, n.nameEn, n.aliases, n.title]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding',
                         `fulltext.eventually_consistent`: false}};
""",
    ),
    Migration(
        4,
        "text index over folded names (search: substring and Cyrillic ё/е matches)",
        """
CREATE TEXT INDEX entity_search_text IF NOT EXISTS FOR (n:Entity) ON (n.searchText);
""",
    ),
    Migration(
        5,
        "sort-key indexes (the name-clash check of creates and renames, name-ordered lists)",
        """
CREATE INDEX organisation_sort_key IF NOT EXISTS FOR (n:Organisation) ON (n.sortKey);
CREATE INDEX person_sort_key IF NOT EXISTS FOR (n:Person) ON (n.sortKey);
CREATE INDEX event_sort_key IF NOT EXISTS FOR (n:Event) ON (n.sortKey);
CREATE INDEX programme_sort_key IF NOT EXISTS FOR (n:Programme) ON (n.sortKey);
CREATE INDEX service_sort_key IF NOT EXISTS FOR (n:Service) ON (n.sortKey);
CREATE INDEX servicecategory_sort_key IF NOT EXISTS FOR (n:ServiceCategory) ON (n.sortKey);
CREATE INDEX place_sort_key IF NOT EXISTS FOR (n:Place) ON (n.sortKey);
CREATE INDEX document_sort_key IF NOT EXISTS FOR (n:Document) ON (n.sortKey);
CREATE INDEX topic_sort_key IF NOT EXISTS FOR (n:Topic) ON (n.sortKey);
CREATE INDEX note_sort_key IF NOT EXISTS FOR (n:Note) ON (n.sortKey);
CREATE INDEX task_sort_key IF NOT EXISTS FOR (n:Task) ON (n.sortKey);
CREATE INDEX campaign_sort_key IF NOT EXISTS FOR (n:Campaign) ON (n.sortKey);
""",
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


def _record(migration: Migration) -> TxWork[None]:
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


# --- What the model needs of the schema --------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Needed:
    """A constraint or index the model needs: `kind` is Neo4j's (`UNIQUENESS`, `RANGE`,
    `FULLTEXT`), on `label` and `properties`."""

    kind: str
    label: str
    properties: tuple[str, ...]


def needed() -> set[Needed]:
    """What the model's declarations need: a unique id and a sort-key index per entity
    type, and each searchable type's names in the full-text index. A type or a field
    added to the model needs a new migration to meet these (`unmet` tells)."""
    out: set[Needed] = {Needed("UNIQUENESS", "Entity", ("id",))}
    for t in TYPES:
        out.add(Needed("UNIQUENESS", t.label, ("id",)))
        out.add(Needed("RANGE", t.label, ("sortKey",)))
        if t.meta.searchable:
            out |= {Needed("FULLTEXT", t.label, (p,)) for p in t.searchable}
    return out


#: Neo4j's schema: its constraints, and the indexes that back none of them.
SCHEMA = (
    "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties",
    "SHOW INDEXES YIELD type, labelsOrTypes, properties, owningConstraint "
    "WHERE owningConstraint IS NULL RETURN type, labelsOrTypes, properties",
)


async def unmet(graph: Graph, wanted: set[Needed] | None = None) -> list[Needed]:
    """What the model needs (or `wanted`) that the database's schema lacks."""

    async def work(tx: AsyncManagedTransaction) -> set[Needed]:
        have: set[Needed] = set()
        rows = [r for query in SCHEMA async for r in await tx.run(query)]
        for r in rows:
            for label in r["labelsOrTypes"] or []:
                if r["type"] == "FULLTEXT":
                    have |= {Needed("FULLTEXT", label, (p,)) for p in r["properties"]}
                else:
                    have.add(Needed(r["type"], label, tuple(r["properties"])))
        return have

    return sorted((needed() if wanted is None else wanted) - await graph.read(work))
