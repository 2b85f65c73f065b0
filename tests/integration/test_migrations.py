from __future__ import annotations

from graph import migrations
from graph.driver import Graph


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
