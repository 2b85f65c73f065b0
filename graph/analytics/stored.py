"""The analysis `koostoo analyse` stores on the nodes: every centrality metric and the
community of each actor of both networks (`centralityDegree`, …, `community`,
`centralityAnalysedAt`), for exports and for readers that do not compute them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel

from graph.analytics.centrality import Metric, compute, sources
from graph.analytics.communities import detect
from graph.analytics.projection import NetworkKind, Projection, pull, to_igraph
from graph.driver import Graph, Rows

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
STORE_BATCH: Final = 1000

STORE: Final = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.scores
"""


class AnalyseReport(BaseModel):
    network: NetworkKind
    nodes: int
    ties: int
    communities: int
    seconds: float


async def analyse(graph: Graph, *, resolution: float = 1.0) -> list[AnalyseReport]:
    """Compute every metric and the communities of both networks and store them on the
    nodes (`centralityDegree`, …, `community`, `centralityAnalysedAt`), in batches."""
    reports = []
    for kind in NetworkKind:
        started = datetime.now(UTC)
        projection = await pull(graph, kind)

        def run(p: Projection = projection) -> tuple[dict[Metric, list[float]], list[int]]:
            g, sample = to_igraph(p), sources(p.ids)
            return {m: compute(g, m, sample) for m in Metric}, detect(g, resolution)

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
                await (await tx.run(STORE, rows=Rows(batch))).consume()

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
