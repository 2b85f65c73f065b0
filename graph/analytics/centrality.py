"""Centrality on the organisation and person networks, computed with igraph (C) on a
projection pulled from Neo4j (stored on the nodes by `koostoo analyse`: see
`graph/analytics/stored.py`).

Ties are weighted by strength (shared activities); for the path-based metrics
(betweenness, closeness) the distance of a tie is 1 / weight, so strong ties are short.

Betweenness and closeness need the shortest paths from every actor: exact up to
`EXACT_UP_TO` actors; on a larger network they are estimated from the shortest paths of
`SAMPLED_SOURCES` sampled actors (Brandes & Pich, "Centrality estimation in large
networks", 2007), which keeps the cost at that many path searches. The sample is fixed
by the actors' ids, so the same network gives the same scores. On the M synthetic
network (10k organisations) exact betweenness took 70 s.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import warnings
from enum import StrEnum
from functools import partial
from typing import Any, Final

import igraph
from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.projection import NetworkKind, pull, to_igraph
from graph.driver import Graph
from graph.errors import InvalidInput


class Metric(StrEnum):
    DEGREE = "DEGREE"
    BETWEENNESS = "BETWEENNESS"
    CLOSENESS = "CLOSENESS"
    PAGERANK = "PAGERANK"
    EIGENVECTOR = "EIGENVECTOR"


MAX_FIRST: Final = 1000
#: networks up to this many actors get exact betweenness and closeness
EXACT_UP_TO: Final = 2000
#: actors whose shortest paths estimate betweenness and closeness above that size
SAMPLED_SOURCES: Final = 256
#: ranked actors checked against a filter per query (at least)
FILTER_CHUNK = 200

FILTERED: Final = """
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($place IS NULL OR EXISTS {
        MATCH (n)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..4]->(:Place {id: $place}) })
RETURN n.id AS id, n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS type,
       n.kind AS kind
"""


class Score(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    type: str
    kind: str | None = None
    score: float
    #: 1 = most central in the whole network (before the filter)
    rank: int


class CentralityFilter(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: an organisation kind (NGO, MINISTRY, …)
    kind: str | None = None
    #: only actors located in this place or a place within it
    place_id: str | None = None


def sources(ids: list[str]) -> list[int] | None:
    """The vertices whose shortest paths estimate the path-based metrics, or None (all:
    exact). A sample fixed by the ids (the order of a pull is not)."""
    if len(ids) <= EXACT_UP_TO:
        return None
    order = sorted(range(len(ids)), key=lambda i: hashlib.sha1(ids[i].encode()).digest())
    return sorted(order[:SAMPLED_SOURCES])


def compute(g: igraph.Graph, metric: Metric, sample: list[int] | None = None) -> list[float]:
    """Scores by vertex index; `sample`: estimate the path-based metrics from the
    shortest paths of these vertices only (see `sources()`)."""
    if g.vcount() == 0:
        return []
    if metric is Metric.DEGREE:
        return [float(d) for d in g.degree()]
    if g.ecount() == 0:
        return [0.0] * g.vcount()
    n = g.vcount()
    if metric is Metric.BETWEENNESS:
        raw = g.betweenness(weights="distance", directed=False, sources=sample)
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        if sample is not None:
            scale *= n / len(sample)
        return [b * scale for b in raw]
    if metric is Metric.CLOSENESS:
        # Harmonic closeness: well defined on a network of several components (plain
        # closeness calls a pair that only knows each other perfectly central).
        if sample is None:
            return list(g.harmonic_centrality(weights="distance", normalized=True))
        return _sampled_harmonic(g, sample)
    if metric is Metric.PAGERANK:
        return list(g.pagerank(weights="weight"))
    with warnings.catch_warnings():
        # igraph warns that eigenvector centrality means little on a disconnected network;
        # the scores are still the leading eigenvector, which is what we report.
        warnings.simplefilter("ignore", RuntimeWarning)
        return list(g.eigenvector_centrality(weights="weight", scale=True))


def _sampled_harmonic(g: igraph.Graph, sample: list[int]) -> list[float]:
    """Normalised harmonic closeness, the mean of 1/distance over the sampled sources
    (the distances are symmetric: from the source to each vertex is to it)."""
    total = [0.0] * g.vcount()
    for source in sample:
        (row,) = g.distances(source=[source], weights="distance")
        total = [
            t + (1.0 / d if 0 < d < math.inf else 0.0) for t, d in zip(total, row, strict=True)
        ]
    k = len(sample)
    members = set(sample)
    # a sampled vertex has no distance to itself among its k sources: k - 1 of them count
    return [t / (k - 1 if i in members else k) for i, t in enumerate(total)]


def ranked(ids: list[str], scores: list[float]) -> list[tuple[str, float, int]]:
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], scores[i], rank) for rank, i in enumerate(order, start=1)]


async def centrality(
    graph: Graph,
    metric: Metric,
    network: NetworkKind = NetworkKind.ORGANISATIONS,
    *,
    filter: CentralityFilter | None = None,
    first: int = 20,
) -> list[Score]:
    """The `first` most central actors of `network` that pass `filter`, best first."""
    if not 1 <= first <= MAX_FIRST:
        raise InvalidInput([("first", f"must be between 1 and {MAX_FIRST}")])
    filter = filter or CentralityFilter()
    projection = await pull(graph, network)
    sample = sources(projection.ids)
    scores = await asyncio.to_thread(lambda: compute(to_igraph(projection), metric, sample))
    order = ranked(projection.ids, scores)

    async def work(tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, dict[str, Any]]:
        result = await tx.run(FILTERED, ids=ids, kind=filter.kind, place=filter.place_id)
        return {r["id"]: dict(r) async for r in result}

    # The filter is checked in rank order, a chunk at a time, until `first` pass: the
    # names of a 25k-organisation network are not fetched to show its top 20.
    out: list[Score] = []
    chunk = max(4 * first, FILTER_CHUNK)
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        kept = await graph.read(partial(work, ids=[i for i, _, _ in part]))
        for nid, score, rank in part:
            if nid in kept:
                row = kept[nid]
                out.append(
                    Score(
                        id=nid,
                        name=row["name"] or nid,
                        type=row["type"],
                        kind=row["kind"],
                        score=score,
                        rank=rank,
                    )
                )
                if len(out) >= first:
                    return out
    return out
