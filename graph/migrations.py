"""Versioned, idempotent schema migrations, recorded in the graph itself.

Each migration is a fixed list of schema statements written with `IF NOT EXISTS`, so a
migration interrupted half-way can simply be run again; one that needs the data in
line first has a `prepare` step (idempotent too), which may refuse with a `Conflict`
that says what to fix, and one that fills new derived data a `data` step after its
statements. Applied versions are kept as `(:KoostooMigration {version, name,
appliedAt})` nodes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from neo4j import AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors

from graph import derived
from graph.driver import Graph, TxWork
from graph.errors import Conflict
from graph.migration_steps import cooperation_edges, fill_lemmas
from graph.models.registry import REGISTRY, TYPES
from graph.models.spec import EntityType


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its statements, `;`-terminated, as released."""

    version: int
    name: str
    text: str
    #: a data step after the statements; idempotent, so that a rerun finds nothing to do
    data: Callable[[Graph], Awaitable[int]] | None = None
    #: runs before the statements; raises (and nothing is recorded) if it cannot
    prepare: Callable[[Graph], Awaitable[None]] | None = None

    @property
    def statements(self) -> tuple[str, ...]:
        parts = (" ".join(s.split()) for s in self.text.split(";"))
        return tuple(p for p in parts if p)


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


#: Labels whose folded names are unique (`EntityType.unique_name`).
UNIQUE_NAMED: Final = tuple(t.label for t in TYPES if t.unique_name)

#: Duplicates listed in a refusal, at the most.
_LISTED = 20


def _same_folded_names(label: str) -> str:
    return f"""
MATCH (n:{label}) WHERE n.sortKey IS NOT NULL
WITH n.sortKey AS key, n ORDER BY n.id
WITH key, collect([n.id, n.{REGISTRY[label].name_property}]) AS holders WHERE size(holders) > 1
RETURN key, holders ORDER BY key LIMIT $limit
"""


async def duplicate_names(graph: Graph) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(label, folded name, [(id, name), …]) for each name that more than one entity of a
    unique-name type has once case, accents and spacing are folded away."""

    async def work(tx: AsyncManagedTransaction) -> list[tuple[str, str, list[tuple[str, str]]]]:
        found = []
        for label in UNIQUE_NAMED:
            result = await tx.run(_same_folded_names(label), limit=_LISTED + 1)
            found += [(label, r["key"], [(i, n) for i, n in r["holders"]]) async for r in result]
        return found

    return await graph.read(work)


async def _unique_names_ready(graph: Graph) -> None:
    """Before folded names become unique: every entity's derived keys made again from its
    names (a lost update may have left an old name's), then a refusal that lists the
    entities whose names are one name when folded, if there are any."""
    await derived.repair(graph)
    same = await duplicate_names(graph)
    if not same:
        return
    listed = "; ".join(
        f"{label} {key!r}: " + ", ".join(f"{i!r} ({n})" for i, n in holders)
        for label, key, holders in same[:_LISTED]
    )
    more = " and more" if len(same) > _LISTED else ""
    raise Conflict(
        "migration 6 (unique folded names) cannot be applied: these entities have one name "
        "once case, accents and spacing are ignored; merge the duplicates (mergeEntities) "
        f"or rename them, then start again: {listed}{more}",
        field="name",
    )


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
    Migration(
        6,
        "unique folded names (Organisation, ServiceCategory, Topic, Campaign)",
        """
DROP INDEX organisation_sort_key IF EXISTS;
CREATE CONSTRAINT organisation_name_unique IF NOT EXISTS
  FOR (n:Organisation) REQUIRE n.sortKey IS UNIQUE;
DROP INDEX servicecategory_sort_key IF EXISTS;
CREATE CONSTRAINT servicecategory_name_unique IF NOT EXISTS
  FOR (n:ServiceCategory) REQUIRE n.sortKey IS UNIQUE;
DROP INDEX topic_sort_key IF EXISTS;
CREATE CONSTRAINT topic_name_unique IF NOT EXISTS FOR (n:Topic) REQUIRE n.sortKey IS UNIQUE;
DROP INDEX campaign_sort_key IF EXISTS;
CREATE CONSTRAINT campaign_name_unique IF NOT EXISTS
  FOR (n:Campaign) REQUIRE n.sortKey IS UNIQUE;
""",
        prepare=_unique_names_ready,
    ),
    Migration(
        7,
        "look-alike name keys of the types with unique names (creates, renames, imports)",
        """
CREATE INDEX organisation_name_key IF NOT EXISTS FOR (n:Organisation) ON (n.nameKey);
CREATE INDEX servicecategory_name_key IF NOT EXISTS FOR (n:ServiceCategory) ON (n.nameKey);
CREATE INDEX topic_name_key IF NOT EXISTS FOR (n:Topic) ON (n.nameKey);
CREATE INDEX campaign_name_key IF NOT EXISTS FOR (n:Campaign) ON (n.nameKey);
""",
        data=fill_name_keys,
    ),
    Migration(
        8,
        "organisations' business-register codes are unique (where given)",
        """
CREATE CONSTRAINT organisation_registry_code_unique IF NOT EXISTS
  FOR (n:Organisation) REQUIRE n.registryCode IS UNIQUE;
""",
    ),
    Migration(
        9,
        "full-text index over the Estonian lemmas of names (search, the resolver)",
        """
CREATE FULLTEXT INDEX entity_lemmas IF NOT EXISTS
  FOR (n:Organisation|Person|Event|Programme|Service|ServiceCategory|Place|Document|Topic|Campaign)
  ON EACH [n.lemmaText]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace',
                         `fulltext.eventually_consistent`: false}};
""",
        data=fill_lemmas,
    ),
    Migration(
        10,
        "cooperation as a tie: PROVIDES.forOrganisation becomes COOPERATES_WITH and "
        "DELIVERED_FOR edges",
        "",
        data=cooperation_edges,
    ),
    Migration(
        11,
        "proposed facts of ingested documents (issue 27): unique ids, found by document",
        """
CREATE CONSTRAINT proposal_id_unique IF NOT EXISTS FOR (p:Proposal) REQUIRE p.id IS UNIQUE;
CREATE INDEX proposal_document IF NOT EXISTS FOR (p:Proposal) ON (p.documentId, p.key);
""",
    ),
    Migration(
        12,
        "proposed facts found by the entity they are or were accepted as (erasure)",
        """
CREATE INDEX proposal_entity IF NOT EXISTS FOR (p:Proposal) ON (p.entityId);
CREATE INDEX proposal_match IF NOT EXISTS FOR (p:Proposal) ON (p.matchId);
""",
    ),
    Migration(
        13,
        "proposed facts found by key across documents (a revision proposes nothing decided)",
        """
CREATE INDEX proposal_key IF NOT EXISTS FOR (p:Proposal) ON (p.key);
""",
    ),
    Migration(
        14,
        "one full-text index: the lemmas join the names in entity_names (each write that "
        "names an entity commits one Lucene index, not two)",
        """
DROP INDEX entity_lemmas IF EXISTS;
DROP INDEX entity_names IF EXISTS;
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
  FOR (n:Organisation|Person|Event|Programme|Service|ServiceCategory|Place|Document|Topic|Campaign)
  ON EACH [n.name, n.shortName, n.nameEn, n.aliases, n.title, n.lemmaText]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding',
                         `fulltext.eventually_consistent`: false}};
""",
    ),
)


LATEST_VERSION = MIGRATIONS[-1].version
#: Backups from this schema version on can be restored: what the later migrations add to
#: the data (derived keys) their data steps make from the restored names.
OLDEST_RESTORABLE = 5


async def upgrade_data(graph: Graph, version: int) -> list[int]:
    """Run the data steps of the migrations after `version` (on data restored from a
    backup made at that version, into a database whose schema is current); return
    their versions."""
    ran = []
    for migration in MIGRATIONS:
        if migration.version <= version:
            continue
        if migration.prepare is not None:
            await migration.prepare(graph)
        if migration.data is not None:
            await migration.data(graph)
        if migration.prepare is not None or migration.data is not None:
            ran.append(migration.version)
    return ran


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
        if migration.prepare is not None:
            await migration.prepare(graph)
        # Schema commands cannot share a transaction with data writes: run each in
        # its own auto-commit transaction, then record the version.
        async with graph.driver.session(database=graph.database) as session:
            for statement in migration.statements:
                try:
                    await (await session.run(statement)).consume()
                except neo4j_errors.Neo4jError:
                    # A constraint Neo4j cannot create over data that a writer changed
                    # since `prepare`: say why as `prepare` does, if that is why.
                    if migration.prepare is not None:
                        await migration.prepare(graph)
                    raise
            await (await session.run("CALL db.awaitIndexes(300)")).consume()
        if migration.data is not None:
            await migration.data(graph)
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
    type (a uniqueness constraint, and a look-alike key index, for a type with unique
    names), a uniqueness constraint per unique field, and each searchable type's names and
    their lemmas in the full-text indexes. A type or a field added to the model needs a new
    migration to meet these (`unmet` tells)."""
    out: set[Needed] = {Needed("UNIQUENESS", "Entity", ("id",))}
    for t in TYPES:
        out.add(Needed("UNIQUENESS", t.label, ("id",)))
        if t.unique_name:
            out.add(Needed("UNIQUENESS", t.label, ("sortKey",)))
            out.add(Needed("RANGE", t.label, ("nameKey",)))
        else:
            out.add(Needed("RANGE", t.label, ("sortKey",)))
        out |= {Needed("UNIQUENESS", t.label, (p,)) for p in t.unique_fields}
        if t.meta.searchable:
            out |= {Needed("FULLTEXT", t.label, (p,)) for p in t.searchable}
            out.add(Needed("FULLTEXT", t.label, ("lemmaText",)))
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
