"""Centrality in GraphQL (`graph/analytics/centrality.py`): the most central actors of
the organisation or person network, computed now."""

from __future__ import annotations

import strawberry

from graph.analytics import centrality
from graph.analytics.centrality import Metric
from schema.analytics.projection import NetworkKind
from schema.context import Info
from schema.cost import WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead

strawberry.enum(Metric, name="CentralityMetric", description="A centrality measure.")


@strawberry.type(description="A centrality score; rank 1 = most central in the whole network.")
class CentralityScore:
    id: strawberry.ID
    name: str
    type: str
    kind: str | None
    score: float
    rank: int


@strawberry.input(description="Which actors to list (scores are over the whole network).")
class CentralityFilter:
    kind: str | None = None
    place_id: strawberry.ID | None = None


@strawberry.type
class CentralityQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="The most central actors (BETWEENNESS finds the brokers), computed now "
        "with igraph on the organisation or person network; ties weighted by strength. "
        "On a network of more than 2,000 actors BETWEENNESS and CLOSENESS are estimated "
        "from the shortest paths of 256 sampled actors.",
    )
    async def centrality(
        self,
        info: Info,
        metric: Metric,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        filter: CentralityFilter | None = None,
        first: int = 20,
    ) -> list[CentralityScore]:
        f = centrality.CentralityFilter(
            kind=filter.kind if filter else None,
            place_id=str(filter.place_id) if filter and filter.place_id else None,
        )
        found = await resolved(
            centrality.centrality(info.context.graph, metric, network, filter=f, first=first)
        )
        return [
            CentralityScore(
                id=strawberry.ID(s.id),
                name=s.name,
                type=s.type,
                kind=s.kind,
                score=s.score,
                rank=s.rank,
            )
            for s in found
        ]
