"""Centrality on the organisation and person networks, computed with igraph (C) on a
projection pulled from Neo4j, and stored on the nodes by `koostoo analyse`.

Ties are weighted by strength (shared activities); for the path-based metrics
(betweenness, closeness) the distance of a tie is 1 / weight, so strong ties are short.
"""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

import igraph
from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.projection import NetworkKind, Projection, pull
from graph.driver import Graph
from graph.errors import InvalidInput


class Metric(StrEnum):
    DEGREE = "DEGREE"
    BETWEENNESS = "BETWEENNESS"
    CLOSENESS = "CLOSENESS"
    PAGERANK = "PAGERANK"
    EIGENVECTOR = "EIGENVECTOR"


#: The node property each stored score lives in.
PROPERTY: Final = {
    Metric.DEGREE: "centralityDegree",
    Metric.BETWEENNESS: "centralityBetweenness",
    Metric.CLOSENESS: "centralityCloseness",
    Metric.PAGERANK: "centralityPagerank",
    Metric.EIGENVECTOR: "centralityEigenvector",
}
COMMUNITY_PROPERTY: Final = "community"
ANALYSED_AT: Final = "centralityAnalysedAt"
MAX_FIRST: Final = 1000
STORE_BATCH: Final = 1000

FILTERED: Final = """
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($place IS NULL OR EXISTS {
        MATCH (n)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..4]->(:Place {id: $place}) })
RETURN n.id AS id, n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS type,
       n.kind AS kind
"""

STORE: Final = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.scores
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


def to_igraph(p: Projection) -> igraph.Graph:
    g = igraph.Graph(n=len(p.ids), edges=p.edges, directed=False)
    g.es["weight"] = p.weights
    g.es["distance"] = [1.0 / w if w > 0 else 1.0 for w in p.weights]
    return g


def compute(g: igraph.Graph, metric: Metric) -> list[float]:
    """Scores by vertex index."""
    if g.vcount() == 0:
        return []
    if metric is Metric.DEGREE:
        return [float(d) for d in g.degree()]
    if g.ecount() == 0:
        return [0.0] * g.vcount()
    if metric is Metric.BETWEENNESS:
        n = g.vcount()
        raw = g.betweenness(weights="distance", directed=False)
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        return [b * scale for b in raw]
    if metric is Metric.CLOSENESS:
        # Harmonic closeness: well defined on a network of several components (plain
        # closeness calls a pair that only knows each other perfectly central).
        return list(g.harmonic_centrality(weights="distance", normalized=True))
    if metric is Metric.PAGERANK:
        return list(g.pagerank(weights="weight"))
    with warnings.catch_warnings():
        # igraph warns that eigenvector centrality means little on a disconnected network;
        # the scores are still the leading eigenvector, which is what we report.
        warnings.simplefilter("ignore", RuntimeWarning)
        return list(g.eigenvector_centrality(weights="weight", scale=True))


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
    scores = await asyncio.to_thread(lambda: compute(to_igraph(projection), metric))
    order = ranked(projection.ids, scores)

    async def work(tx: AsyncManagedTransaction) -> dict[str, dict[str, Any]]:
        result = await tx.run(
            FILTERED,
            ids=[i for i, _, _ in order],
            kind=filter.kind,
            place=filter.place_id,
        )
        return {r["id"]: dict(r) async for r in result}

    kept = await graph.read(work)
    out: list[Score] = []
    for nid, score, rank in order:
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
                break
    return out


class AnalyseReport(BaseModel):
    network: NetworkKind
    nodes: int
    ties: int
    communities: int
    seconds: float


async def analyse(graph: Graph, *, resolution: float = 1.0) -> list[AnalyseReport]:
    """Compute every metric and the communities of both networks and store them on the
    nodes (`centralityDegree`, …, `community`, `centralityAnalysedAt`), in batches."""
    from graph.analytics.communities import detect

    reports = []
    for kind in NetworkKind:
        started = datetime.now(UTC)
        projection = await pull(graph, kind)

        def run(p: Projection = projection) -> tuple[dict[Metric, list[float]], list[int]]:
            g = to_igraph(p)
            return {m: compute(g, m) for m in Metric}, detect(g, resolution)

        scores, membership = await asyncio.to_thread(run)
        at = datetime.now(UTC).isoformat()
        rows = [
            {
                "id": nid,
                "scores": {PROPERTY[m]: scores[m][i] for m in Metric}
                | {COMMUNITY_PROPERTY: membership[i], ANALYSED_AT: at},
            }
            for i, nid in enumerate(projection.ids)
        ]
        # small batches: each stays well inside Neo4j's transaction memory limit
        for start in range(0, len(rows), STORE_BATCH):
            batch = rows[start : start + STORE_BATCH]

            async def work(
                tx: AsyncManagedTransaction, batch: list[dict[str, Any]] = batch
            ) -> None:
                await (await tx.run(STORE, rows=batch)).consume()

            await graph.write(work)
        reports.append(
            AnalyseReport(
                network=kind,
                nodes=len(projection.ids),
                ties=len(projection.edges),
                communities=len(set(membership)),
                seconds=(datetime.now(UTC) - started).total_seconds(),
            )
        )
    return reports
