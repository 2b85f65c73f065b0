"""Loading the curated dataset into the real Neo4j."""

from __future__ import annotations

from collections import Counter

from graph import audit, maintenance
from graph.driver import Graph
from seeds import dataset, loader


async def test_seed_loads_everything_once_and_then_changes_nothing(graph: Graph) -> None:
    data = dataset.read()
    first = await loader.load(graph, data)
    assert first.changed > 0
    assert sum(c.updated + c.unchanged for c in first.nodes.values()) == 0

    by_label = Counter(n.label for n in data.nodes)
    assert await maintenance.label_counts(graph) == dict(by_label)
    rels = await maintenance.relationship_counts(graph)
    by_type = Counter(r.type.value for r in data.relationships)
    assert {t: rels[t] for t in by_type} == dict(by_type)
    assert rels["CITED_IN"] == len(
        {(n.id, s.document, s.quote) for n in data.nodes for s in n.sources}
    )

    second = await loader.load(graph, data)
    assert second.changed == 0
    assert sum(c.unchanged for c in second.nodes.values()) == len(data.nodes)

    trail = await audit.history(graph, "tootukassa")
    assert [(e.action, e.actor) for e in trail] == [("create", "seed")]


async def test_dry_run_writes_nothing(graph: Graph) -> None:
    report = await loader.load(graph, dataset.read(), dry_run=True)
    assert report.node("Organisation").created > 40
    assert await maintenance.count_data_nodes(graph) == 0


async def test_a_changed_record_is_updated_and_a_removed_field_cleared(graph: Graph) -> None:
    data = dataset.read()
    await loader.load(graph, data)
    sev = next(n for n in data.nodes if n.id == "sev")
    sev.props["nameEn"] = "Social Enterprise Network of Estonia"
    sev.props.pop("description")
    report = await loader.load(graph, data)
    assert report.node("Organisation").updated == 1
    assert report.changed == 1
