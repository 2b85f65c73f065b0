"""Communities in GraphQL (`graph/analytics/communities.py`): the organisation or person
network's communities, largest first."""

from __future__ import annotations

import strawberry

from graph.analytics import communities
from schema.analytics.projection import NetworkKind
from schema.context import Info
from schema.cost import WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type
class CommunityMember:
    id: strawberry.ID
    name: str
    type: str
    kind: str | None
    internal_strength: float


@strawberry.type(description="A community (Leiden, modularity); index 0 is the largest.")
class Community:
    index: int
    size: int
    members: list[CommunityMember]


@strawberry.type
class CommunitiesQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Communities of the organisation or person network, largest first.",
    )
    async def communities(
        self,
        info: Info,
        resolution: float = 1.0,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        min_size: int = 2,
    ) -> list[Community]:
        found = await resolved(
            communities.communities(
                info.context.graph, network, resolution=resolution, min_size=min_size
            )
        )
        return [
            Community(
                index=c.index,
                size=c.size,
                members=[
                    CommunityMember(
                        id=strawberry.ID(m.id),
                        name=m.name,
                        type=m.type,
                        kind=m.kind,
                        internal_strength=m.internal_strength,
                    )
                    for m in c.members
                ],
            )
            for c in found
        ]
