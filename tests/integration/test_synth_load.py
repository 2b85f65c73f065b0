"""The synthetic network loads completely through the concurrent batch writers, and
loading it again changes nothing."""

from __future__ import annotations

from graph import maintenance
from graph.driver import Graph
from seeds import synth


async def test_the_network_loads_whole_and_a_second_load_changes_nothing(graph: Graph) -> None:
    net = synth.generate("XS", seed=3)
    seen: dict[str, int] = {}

    def progress(what: str, n: int) -> None:
        seen[what] = seen.get(what, 0) + n

    # Small batches, so that many transactions are in flight side by side.
    report = await synth.load(graph, net, batch=100, writers=3, progress=progress)
    assert await maintenance.label_counts(graph) == {k: len(v) for k, v in net.nodes.items()}
    assert await maintenance.relationship_counts(graph) == {
        t.value: len(rows) for t, rows in net.rels.items() if rows
    }
    assert {k: c.created for k, c in report.nodes.items()} == {
        k: len(v) for k, v in net.nodes.items()
    }
    assert sum(seen.values()) == net.node_count() + net.rel_count()

    again = await synth.load(graph, net, batch=100, writers=3)
    assert again.changed == 0
    assert sum(c.unchanged for c in again.relationships.values()) == net.rel_count()
