"""The path-based centralities: exact on small networks, estimated from sampled sources
on large ones (graph/analytics/centrality.py)."""

from __future__ import annotations

import random
import statistics

import igraph
import pytest

from graph.analytics import centrality
from graph.analytics.centrality import Metric


def _network(n: int, m: int, seed: int) -> igraph.Graph:
    rng = random.Random(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < m:
        a, b = sorted(rng.sample(range(n), 2))
        edges.add((a, b))
    g = igraph.Graph(n=n, edges=sorted(edges))
    g.es["weight"] = [float(rng.randint(1, 4)) for _ in range(g.ecount())]
    g.es["distance"] = [1.0 / w for w in g.es["weight"]]
    return g


@pytest.mark.parametrize("metric", [Metric.BETWEENNESS, Metric.CLOSENESS])
def test_sampling_every_vertex_is_the_exact_score(metric: Metric) -> None:
    g = _network(120, 400, seed=1)
    exact = centrality.compute(g, metric)
    every = centrality.compute(g, metric, list(range(g.vcount())))
    assert every == pytest.approx(exact)


@pytest.mark.parametrize("metric", [Metric.BETWEENNESS, Metric.CLOSENESS])
def test_a_sample_estimates_the_scores_and_their_order(metric: Metric) -> None:
    g = _network(600, 2400, seed=2)
    exact = centrality.compute(g, metric)
    estimate = centrality.compute(g, metric, sorted(random.Random(3).sample(range(600), 150)))
    assert statistics.correlation(exact, estimate) > 0.9
    assert sum(estimate) == pytest.approx(sum(exact), rel=0.1)  # same scale, not n/k off
    top = set(sorted(range(600), key=lambda i: -exact[i])[:30])
    found = set(sorted(range(600), key=lambda i: -estimate[i])[:30])
    assert len(top & found) >= 15  # at random about 1.5 of 30 would be


def test_small_networks_are_exact_and_large_ones_sample_by_id() -> None:
    assert centrality.sources([f"org-{i}" for i in range(centrality.EXACT_UP_TO)]) is None
    ids = [f"org-{i}" for i in range(centrality.EXACT_UP_TO + 1)]
    sample = centrality.sources(ids)
    assert sample is not None and len(sample) == centrality.SAMPLED_SOURCES
    # The same actors in another order (pulls have none) are the same sample.
    shuffled = ids[::-1]
    again = centrality.sources(shuffled)
    assert again is not None
    assert {shuffled[i] for i in again} == {ids[i] for i in sample}
