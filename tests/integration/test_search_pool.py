"""Search keeps its ranking when the substring matcher finds more nodes than its pool:
the best are kept, exact names first, and the type filter applies before the cut."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph import bulk
from graph.driver import Graph
from graph.models.registry import REGISTRY
from graph.search import search


async def _nodes(graph: Graph, label: str, names: list[str], **props: str) -> None:
    spec = REGISTRY[label]
    rows = [
        {"id": f"{label.lower()}-{i}", "props": {"name": n, **props} | spec.derived({"name": n})}
        for i, n in enumerate(names)
    ]

    async def work(tx: AsyncManagedTransaction) -> None:
        await bulk.upsert_nodes(tx, label, rows, actor="test")

    await graph.write(work)


async def test_a_common_substring_keeps_the_best_hits(graph: Graph) -> None:
    # 120 organisations with 'küla' inside a word (no full-text match for 'ülakes'),
    # more than the pool of 50 that first=5 gives the substring matcher
    await _nodes(graph, "Organisation", [f"Vana{i:03d}külakeskus" for i in range(120)], kind="NGO")
    await _nodes(graph, "Topic", ["ülakes"])  # the exact name, sorting after them all
    await _nodes(graph, "Person", ["Zoja Põhjakülakese"])  # the only person

    hits = await search(graph, "ülakes", first=5)
    assert [h.node.id for h in hits][:1] == ["topic-0"]
    names = [h.node.model_dump()["name"] for h in hits[1:]]
    assert names == [f"Vana{i:03d}külakeskus" for i in range(4)]

    people = await search(graph, "ülakes", types=["Person"], first=5)
    assert [h.node.id for h in people] == ["person-0"]
    assert people[0].node.model_dump()["name"] == "Zoja Põhjakülakese"
