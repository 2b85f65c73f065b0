"""The cooperation network in GraphQL (`graph/analytics/cooperation_network.py`): actors
as nodes, one weighted tie per pair that worked together, for a map."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph.analytics import cooperation_network as coop
from schema.analytics.dates import FromArg, ToArg
from schema.analytics.projection import NetworkKind
from schema.context import Info
from schema.cost import WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="The entity a cooperation network is drawn around.")
class CooperationCentre:
    id: strawberry.ID
    type: str
    label: str


@strawberry.type(description="An organisation or person on the cooperation map.")
class CooperationNode:
    id: strawberry.ID
    type: str
    label: str
    short_name: str | None
    kind: str | None
    degree: int = strawberry.field(description="Partners on the map.")
    strength: int = strawberry.field(
        description="Weighted degree centrality: shared items with the actors on the map."
    )
    betweenness: float = strawberry.field(
        description="Normalised betweenness on the map (ties as distances 1/weight)."
    )
    community: int = strawberry.field(
        description="Community on the map (Leiden, modularity); 0 is the largest."
    )
    first_date: str | None
    last_date: str | None
    scores: dict[str, Any] = strawberry.field(
        graphql_type=JSON,
        description="Whole-network scores stored by `koostoo analyse` (centrality…, community), "
        "as the server's exports carry them.",
    )

    @classmethod
    def from_model(cls, n: coop.CoNode) -> CooperationNode:
        return cls(
            id=strawberry.ID(n.id),
            type=n.type,
            label=n.label,
            short_name=n.short_name,
            kind=n.kind,
            degree=n.degree,
            strength=n.strength,
            betweenness=n.betweenness,
            community=n.community,
            first_date=n.first_date,
            last_date=n.last_date,
            scores=n.scores,
        )


@strawberry.type(description="Two actors that worked together: how much, by kind, and when.")
class CooperationTie:
    id: strawberry.ID = strawberry.field(description="`source|target`, the ids in order.")
    source: strawberry.ID
    target: strawberry.ID
    weight: int = strawberry.field(description="Shared items of every kind.")
    events: int
    programmes: int
    services: int
    relationships: int = strawberry.field(description="Direct relationships (organisations).")
    organisations: int = strawberry.field(
        description="Organisations both were members of at the same time (people)."
    )
    first_date: str | None
    last_date: str | None
    shared_dates: list[str] = strawberry.field(
        description="The start date of each dated shared item, oldest first."
    )

    @classmethod
    def from_model(cls, t: coop.CoTie) -> CooperationTie:
        return cls(
            id=strawberry.ID(t.id),
            source=strawberry.ID(t.source),
            target=strawberry.ID(t.target),
            weight=t.weight,
            events=t.events,
            programmes=t.programmes,
            services=t.services,
            relationships=t.relationships,
            organisations=t.organisations,
            first_date=t.first_date,
            last_date=t.last_date,
            shared_dates=t.shared_dates,
        )


@strawberry.type(description="Actors as nodes, one weighted tie per pair that worked together.")
class CooperationNetwork:
    network: NetworkKind
    centre: CooperationCentre | None
    from_: str | None = strawberry.field(name="from")
    to: str | None
    min_weight: int
    nodes: list[CooperationNode] = strawberry.field(description="Strongest first.")
    ties: list[CooperationTie]
    truncated: bool = strawberry.field(description="True when maxNodes cut the network short.")


@strawberry.type
class CooperationNetworkQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Who worked with whom: organisations (or people) as nodes, one tie per "
        "pair that shared events, programmes or services, or are related directly (people: "
        "events, programmes, organisations), weighted by the number shared, with first and "
        "last date. Around `centre` (an actor and its partners, `depth` 1–2; for an event, "
        "programme or service, who took part), or the whole network's `maxNodes` strongest "
        "actors. A date window keeps what overlaps it and leaves out what has no date. "
        "What a pair shared, with sources: `cooperationShared`.",
    )
    async def cooperation_network(
        self,
        info: Info,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        centre: strawberry.ID | None = None,
        depth: int = 1,
        from_: FromArg = None,
        to: ToArg = None,
        min_weight: int = 1,
        max_nodes: int = 200,
    ) -> CooperationNetwork:
        found = await resolved(
            coop.cooperation_network(
                info.context.graph,
                network,
                centre=str(centre) if centre is not None else None,
                depth=depth,
                from_=from_,
                to=to,
                min_weight=min_weight,
                max_nodes=max_nodes,
            )
        )
        c = found.centre
        return CooperationNetwork(
            network=found.network,
            centre=CooperationCentre(id=strawberry.ID(c.id), type=c.type, label=c.label)
            if c
            else None,
            from_=found.from_,
            to=found.to,
            min_weight=found.min_weight,
            nodes=[CooperationNode.from_model(n) for n in found.nodes],
            ties=[CooperationTie.from_model(t) for t in found.ties],
            truncated=found.truncated,
        )
