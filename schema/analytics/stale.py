"""Stale ties in GraphQL (`graph/analytics/stale.py`): cooperation partners with no
contact for a while."""

from __future__ import annotations

import strawberry

from graph.analytics import stale
from schema.context import Info
from schema.cost import WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="A cooperation tie with no contact for a while.")
class StaleTie:
    a_id: strawberry.ID
    a_name: str
    b_id: strawberry.ID
    b_name: str
    weight: int
    last_contact: str | None
    days_since: int | None
    importance: float


@strawberry.type
class StaleQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Cooperation partners with no shared event or note for `days` days, "
        "heaviest and most central first.",
    )
    async def stale_relationships(
        self,
        info: Info,
        days: int = 180,
        organisation_id: strawberry.ID | None = None,
        first: int = 100,
    ) -> list[StaleTie]:
        found = await resolved(
            stale.stale(
                info.context.graph,
                days,
                organisation_id=str(organisation_id) if organisation_id else None,
                first=first,
            )
        )
        return [
            StaleTie(
                a_id=strawberry.ID(t.a_id),
                a_name=t.a_name,
                b_id=strawberry.ID(t.b_id),
                b_name=t.b_name,
                weight=t.weight,
                last_contact=t.last_contact,
                days_since=t.days_since,
                importance=t.importance,
            )
            for t in found
        ]
