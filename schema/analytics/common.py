"""Common connections in GraphQL (`graph/analytics/common.py`): what two people or
organisations share, and whom both know."""

from __future__ import annotations

import strawberry

from graph.analytics import common
from schema.context import Info
from schema.cost import PAIR, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="An event, programme or service both took part in.")
class SharedActivity:
    id: strawberry.ID
    type: str
    name: str
    start_date: str | None
    end_date: str | None
    a_roles: list[str]
    b_roles: list[str]

    @classmethod
    def from_model(cls, s: common.SharedItem) -> SharedActivity:
        return cls(
            id=strawberry.ID(s.id),
            type=s.type,
            name=s.name,
            start_date=s.start_date,
            end_date=s.end_date,
            a_roles=s.a_roles,
            b_roles=s.b_roles,
        )


@strawberry.type(description="Someone both are tied to: `direct` and/or `shared` (activity).")
class CommonActor:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    via_a: list[str]
    via_b: list[str]

    @classmethod
    def from_model(cls, a: common.CommonActor) -> CommonActor:
        return cls(
            id=strawberry.ID(a.id),
            type=a.type,
            name=a.name,
            kind=a.kind,
            via_a=a.via_a,
            via_b=a.via_b,
        )


@strawberry.type(description="A person who is a member of both organisations.")
class Interlock:
    id: strawberry.ID
    name: str
    role_a: str | None
    role_b: str | None


@strawberry.type(description="What two people or organisations share, and whom both know.")
class CommonConnections:
    events: list[SharedActivity]
    programmes: list[SharedActivity]
    services: list[SharedActivity]
    organisations: list[CommonActor]
    people: list[CommonActor]
    interlocks: list[Interlock]


@strawberry.type
class CommonQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=PAIR)],
        description="Shared events, programmes and services of two people or organisations, "
        "the organisations and people tied to both, and interlocking members.",
    )
    async def common_connections(
        self, info: Info, a: strawberry.ID, b: strawberry.ID
    ) -> CommonConnections:
        c = await resolved(common.common(info.context.graph, str(a), str(b)))
        return CommonConnections(
            events=[SharedActivity.from_model(x) for x in c.events],
            programmes=[SharedActivity.from_model(x) for x in c.programmes],
            services=[SharedActivity.from_model(x) for x in c.services],
            organisations=[CommonActor.from_model(x) for x in c.organisations],
            people=[CommonActor.from_model(x) for x in c.people],
            interlocks=[
                Interlock(id=strawberry.ID(x.id), name=x.name, role_a=x.role_a, role_b=x.role_b)
                for x in c.interlocks
            ],
        )
