from __future__ import annotations

from typing import Any

import pytest

from graph import maintenance, migration_steps, migrations
from graph.driver import Graph
from graph.errors import Conflict
from graph.search import search
from graph.uniqueness import _same_names


async def test_migrations_twice_change_nothing(graph: Graph) -> None:
    # The session fixture applied them already.
    assert await migrations.migrate(graph) == []
    assert await migrations.is_current(graph)
    assert await migrations.applied_versions(graph) == {m.version for m in migrations.MIGRATIONS}
    schema_before = await migrations.schema_objects(graph)
    assert await migrations.migrate(graph) == []
    assert await migrations.schema_objects(graph) == schema_before
    assert "entity_names" in schema_before
    assert "organisation_id" in schema_before


async def test_the_name_clash_check_seeks_the_sort_key_and_name_key_indexes(graph: Graph) -> None:
    row = {"i": 0, "id": "x", "sortKey": "sev", "nameKey": "SEV"}
    async with graph.driver.session(database=graph.database) as session:
        query = "EXPLAIN " + _same_names("Organisation")
        result = await session.run(query, rows=[row], nameProperty="name")
        plan = (await result.consume()).plan
    assert plan is not None

    def operators(p: dict[str, Any]) -> list[str]:
        below = (o for c in p.get("children", []) for o in operators(c))
        return [p["operatorType"].split("@")[0], *below]

    ops = operators(plan)
    # sortKey: the index behind the unique folded-name constraint (migration 6);
    # nameKey: its own index (migration 7)
    assert sum(o.startswith("NodeUniqueIndexSeek") for o in ops) == 1, ops
    assert sum(o.startswith("NodeIndexSeek") for o in ops) == 1, ops
    assert not any(o.startswith("NodeByLabelScan") for o in ops), ops


async def test_the_migrations_give_the_model_every_index_it_needs(graph: Graph) -> None:
    assert await migrations.unmet(graph) == []


async def test_an_index_no_migration_makes_is_unmet(graph: Graph) -> None:
    extra = migrations.Needed("RANGE", "Organisation", ("website",))
    assert await migrations.unmet(graph, migrations.needed() | {extra}) == [extra]


async def _undo_migration_6(graph: Graph) -> None:
    """The schema as it was before migration 6, and no record of it."""
    async with graph.driver.session(database=graph.database) as session:
        for label in migrations.UNIQUE_NAMED:
            for statement in (
                f"DROP CONSTRAINT {label.lower()}_name_unique IF EXISTS",
                f"CREATE INDEX {label.lower()}_sort_key IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.sortKey)",
            ):
                await (await session.run(statement)).consume()
        await (await session.run("CALL db.awaitIndexes(300)")).consume()
        await (await session.run("MATCH (m:KoostooMigration {version: 6}) DELETE m")).consume()


async def test_unique_names_migration_refuses_duplicates_and_lists_them(graph: Graph) -> None:
    """A graph written before the constraint may hold names that differ only in case,
    accents or spacing, and derived keys a lost update left stale: migration 6 repairs
    the keys, then refuses with the duplicates listed, and applies once they are gone."""
    await _undo_migration_6(graph)
    try:

        async def write(tx: Any) -> None:
            await tx.run(
                "CREATE (:Entity:Organisation {id: 'tk-1', name: 'Eesti Töötukassa', "
                "  sortKey: 'eesti tootukassa', searchText: 'eesti tootukassa'}), "
                # renamed, but its keys still say the old name (the lost update of item 10)
                "(:Entity:Organisation {id: 'tk-2', name: 'EESTI  TÖÖTUKASSA', "
                "  sortKey: 'vana nimi', searchText: 'vana nimi'}), "
                "(:Entity:Topic {id: 'shahta', name: 'Шахтёры', sortKey: 'шахтеры'}), "
                "(:Entity:Topic {id: 'shahta-2', name: 'шахтеры', sortKey: 'шахтеры'}), "
                "(:Entity:Organisation {id: 'other', name: 'Muu', sortKey: 'muu'})"
            )

        await graph.write(write)
        with pytest.raises(Conflict) as refused:
            await migrations.migrate(graph)
        message = str(refused.value)
        assert "migration 6" in message and "mergeEntities" in message
        assert "Organisation 'eesti tootukassa': 'tk-1' (Eesti Töötukassa), 'tk-2'" in message
        assert "Topic 'шахтеры': 'shahta' (Шахтёры), 'shahta-2' (шахтеры)" in message
        assert "'other'" not in message
        assert 6 not in await migrations.applied_versions(graph)

        async def keys(tx: Any) -> dict[str, str]:
            result = await tx.run("MATCH (n:Entity) RETURN n.id AS id, n.searchText AS text")
            return {r["id"]: r["text"] async for r in result}

        # The stale keys were made again from the names even so.
        assert (await graph.read(keys))["tk-2"] == "eesti tootukassa"

        async def resolve(tx: Any) -> None:
            await tx.run("MATCH (n:Entity) WHERE n.id IN ['tk-2', 'shahta-2'] DELETE n")

        await graph.write(resolve)
        assert [m.version for m in await migrations.migrate(graph)] == [6]
        assert {"organisation_name_unique", "topic_name_unique"} <= (
            await migrations.schema_objects(graph)
        )
    finally:
        await maintenance.wipe(graph, allow_data=True)
        await migrations.migrate(graph)


async def test_the_lemma_migration_indexes_the_names_written_before_it(graph: Graph) -> None:
    """A database at version 8 (the registry-code constraint) upgrades: migration 9 makes
    the `entity_lemmas` index and gives every named node written before it (no
    `lemmaText`) the lemmas a write gives it now: "Kaie Kotoviga" then finds Kaie Kotov,
    and "Töötukassaga" Eesti Töötukassa by its alias; migration 10 finds no
    `PROVIDES.forOrganisation` to turn into edges; migration 14 folds the lemma index
    into `entity_names`, and the same searches find the same entities."""
    version_3 = next(m for m in migrations.MIGRATIONS if m.version == 3)
    async with graph.driver.session(database=graph.database) as session:
        for statement in ("DROP INDEX entity_lemmas IF EXISTS", "DROP INDEX entity_names"):
            await (await session.run(statement)).consume()
        for statement in version_3.statements:  # entity_names as version 8 has it
            await (await session.run(statement)).consume()
        await (
            await session.run("MATCH (m:KoostooMigration) WHERE m.version >= 9 DELETE m")
        ).consume()
    try:

        async def write(tx: Any) -> None:
            await tx.run(
                "CREATE (:Entity:Organisation {id: 'tk', name: 'Eesti Töötukassa', "
                "  aliases: ['Töötukassa'], kind: 'AGENCY', sortKey: 'eesti tootukassa'}), "
                "(:Entity:Person {id: 'kk', name: 'Kaie Kotov', sortKey: 'kaie kotov'}), "
                "(:Entity:Note {id: 'n', body: 'Märge', sortKey: 'marge'})"
            )

        await graph.write(write)
        assert [m.version for m in await migrations.migrate(graph)] == [9, 10, 11, 12, 13, 14]

        async def fulltext(tx: Any) -> dict[str, list[str]]:
            result = await tx.run(
                "SHOW INDEXES YIELD name, type, properties WHERE type = 'FULLTEXT' "
                "RETURN name, properties"
            )
            return {r["name"]: r["properties"] async for r in result}

        assert await graph.read(fulltext) == {
            "entity_names": ["name", "shortName", "nameEn", "aliases", "title", "lemmaText"]
        }

        async def lemmas(tx: Any) -> dict[str, Any]:
            result = await tx.run(
                "MATCH (n:Entity) RETURN n.id AS id, n.lemmaText AS text, n.lemmaKeys AS keys"
            )
            return {r["id"]: (r["text"], r["keys"]) async for r in result}

        found = await graph.read(lemmas)
        assert found["tk"] == ("eesti tootukassa", ["eesti tootukassa", "tootukassa"])
        assert found["kk"] == ("kaie kotov", ["kaie kotov"])
        assert found["n"] == (None, None)  # notes are not searched
        assert [h.node.id for h in await search(graph, "Kaie Kotoviga")][:1] == ["kk"]
        assert [h.node.id for h in await search(graph, "Töötukassaga")][:1] == ["tk"]
        assert await migrations.unmet(graph) == []
        assert await migration_steps.fill_lemmas(graph) == 0  # a rerun finds nothing to do
    finally:
        await maintenance.wipe(graph, allow_data=True)
        await migrations.migrate(graph)
