from __future__ import annotations

from typing import Any

from graph import migrations
from graph.driver import Graph
from graph.entities import _same_name


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


async def test_the_name_clash_check_seeks_the_sort_key_index(graph: Graph) -> None:
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run("EXPLAIN " + _same_name("Organisation"), sortKey="sev", id="x")
        plan = (await result.consume()).plan
    assert plan is not None

    def operators(p: dict[str, Any]) -> list[str]:
        below = (o for c in p.get("children", []) for o in operators(c))
        return [p["operatorType"].split("@")[0], *below]

    ops = operators(plan)
    assert any(o.startswith("NodeIndexSeek") for o in ops), ops
    assert not any(o.startswith("NodeByLabelScan") for o in ops), ops


async def test_the_migrations_give_the_model_every_index_it_needs(graph: Graph) -> None:
    assert await migrations.unmet(graph) == []


async def test_an_index_no_migration_makes_is_unmet(graph: Graph) -> None:
    extra = migrations.Needed("RANGE", "Organisation", ("website",))
    assert await migrations.unmet(graph, migrations.needed() | {extra}) == [extra]
