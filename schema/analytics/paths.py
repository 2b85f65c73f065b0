"""Explained introduction paths in GraphQL (`graph/analytics/paths.py`): each hop says
which relationship or shared activity, when, and the source document and quote."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from graph.analytics import paths
from schema.analytics.network import NetworkSource
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, Cost
from schema.errors import resolved
from schema.permissions import CanRead
from schema.selection import selected, selects


@strawberry.type(description="A person, organisation, event, programme or service on a path.")
class PathNode:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    start_date: str | None
    end_date: str | None

    @classmethod
    def from_model(cls, n: paths.PathNode) -> PathNode:
        return cls(
            id=strawberry.ID(n.id),
            type=n.type,
            name=n.name,
            kind=n.kind,
            start_date=n.start_date,
            end_date=n.end_date,
        )


@strawberry.type(description="How one side of a hop is tied in: the relationship and its role.")
class HopTie:
    type: str
    outgoing: bool = strawberry.field(description="True when the relationship starts here.")
    role: str | None
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)


@strawberry.type(description="One step of a path between two people or organisations.")
class PathHop:
    source: PathNode
    target: PathNode
    kind: str = strawberry.field(
        description="RELATIONSHIP (a direct tie) or SHARED (both took part in `via`)."
    )
    via: PathNode | None = strawberry.field(
        description="The event, programme or service both took part in."
    )
    source_tie: HopTie
    target_tie: HopTie | None
    date_from: str | None
    date_to: str | None
    strength: int = strawberry.field(
        description="Shared activities plus direct ties between the two."
    )
    sources: list[NetworkSource]
    explanation: str

    @classmethod
    def from_model(cls, h: paths.Hop) -> PathHop:
        def tie(t: paths.Participation | None) -> HopTie | None:
            if t is None:
                return None
            return HopTie(type=t.type, outgoing=t.outgoing, role=t.role, properties=t.properties)

        source_tie = tie(h.source_tie)
        assert source_tie is not None
        return cls(
            source=PathNode.from_model(h.source),
            target=PathNode.from_model(h.target),
            kind=h.kind,
            via=PathNode.from_model(h.via) if h.via else None,
            source_tie=source_tie,
            target_tie=tie(h.target_tie),
            date_from=h.date_from,
            date_to=h.date_to,
            strength=h.strength,
            sources=[NetworkSource.from_model(s) for s in h.sources],
            explanation=h.explanation,
        )


@strawberry.type(description="An introduction path, hop by hop.")
class IntroductionPath:
    length: int = strawberry.field(description="Hops between people/organisations.")
    strength: int = strawberry.field(description="The weakest hop's strength.")
    total_strength: int
    hops: list[PathHop]

    @classmethod
    def from_model(cls, p: paths.Path) -> IntroductionPath:
        return cls(
            length=p.length,
            strength=p.strength,
            total_strength=p.total_strength,
            hops=[PathHop.from_model(h) for h in p.hops],
        )


@strawberry.type(description="The shortest and the strongest introduction paths.")
class IntroductionPaths:
    shortest: list[IntroductionPath]
    strongest: list[IntroductionPath]
    detours_searched: bool = strawberry.field(
        default=True,
        description="False when the search for longer but stronger paths was skipped (a "
        "network of more than 10,000 people and organisations) or stopped (time or memory "
        "budget): `strongest` is then the strongest of the shortest paths.",
    )


#: The fields that need the search for longer, stronger detours: without them the
#: shortest paths are found and explained in one statement.
_DETOUR_FIELDS = frozenset({"strongest", "detoursSearched"})


@strawberry.type
class PathsQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="The shortest and the strongest introduction paths between two people or "
        "organisations; each hop says which relationship or shared event, when, and the "
        "source document and quote. `asOf` keeps only ties valid on that date.",
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
        limit: int = 3,
        as_of: str | None = None,
    ) -> IntroductionPaths:
        found = await resolved(
            paths.find(
                info.context.graph,
                str(from_),
                str(to),
                max_hops=max_hops,
                limit=limit,
                as_of=as_of,
                detours=selects(selected(info), _DETOUR_FIELDS),
            )
        )
        return IntroductionPaths(
            shortest=[IntroductionPath.from_model(p) for p in found.shortest],
            strongest=[IntroductionPath.from_model(p) for p in found.strongest],
            detours_searched=found.detours_searched,
        )
