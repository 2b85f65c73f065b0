"""Cooperation partners in GraphQL (`graph/analytics/cooperation.py`): organisations that
took part in the same events and programmes, and those activities."""

from __future__ import annotations

import strawberry

from graph.analytics import cooperation
from schema.analytics.dates import FromArg, ToArg
from schema.context import Info
from schema.cost import PAIR, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="An event or programme two organisations both took part in.")
class CooperationActivity:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    start_date: str | None
    end_date: str | None
    own_roles: list[str] = strawberry.field(description="How the organisation took part.")
    partner_roles: list[str] = strawberry.field(description="How the partner took part.")

    @classmethod
    def from_model(cls, s: cooperation.SharedActivity) -> CooperationActivity:
        return cls(
            id=strawberry.ID(s.id),
            type=s.type,
            name=s.name,
            kind=s.kind,
            start_date=s.start_date,
            end_date=s.end_date,
            own_roles=s.own_roles,
            partner_roles=s.partner_roles,
        )


@strawberry.type(description="A cooperating organisation; weight = shared events and programmes.")
class CooperationPartner:
    organisation_id: strawberry.ID
    name: str
    short_name: str | None
    kind: str | None
    weight: int
    first_date: str | None
    last_date: str | None
    shared: list[CooperationActivity] = strawberry.field(description="Newest first.")

    @classmethod
    def from_model(cls, p: cooperation.Partner) -> CooperationPartner:
        return cls(
            organisation_id=strawberry.ID(p.organisation_id),
            name=p.name,
            short_name=p.short_name,
            kind=p.kind,
            weight=p.weight,
            first_date=p.first_date,
            last_date=p.last_date,
            shared=[CooperationActivity.from_model(s) for s in p.shared],
        )


@strawberry.type
class CooperationQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=PAIR)],
        description="Organisations that took part in the same events and programmes, ranked "
        "by the number shared; with first and last date and the activities themselves.",
    )
    async def partners(
        self,
        info: Info,
        organisation_id: strawberry.ID,
        from_: FromArg = None,
        to: ToArg = None,
        first: int = 50,
    ) -> list[CooperationPartner]:
        oid = str(organisation_id)
        found = await resolved(cooperation.partners(info.context.graph, [oid], from_=from_, to=to))
        return [CooperationPartner.from_model(p) for p in found[oid][: max(0, first)]]
