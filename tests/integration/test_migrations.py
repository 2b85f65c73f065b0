from __future__ import annotations

from typing import Any

from graph import migrations
from graph.driver import Graph
from graph.entities import _same_names


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
    assert sum(o.startswith("NodeIndexSeek") for o in ops) == 2, ops
    assert not any(o.startswith("NodeByLabelScan") for o in ops), ops
