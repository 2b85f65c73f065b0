"""What two actors shared, in GraphQL (`graph/analytics/cooperation_shared.py`): the
items behind a tie of the cooperation network, explained and sourced."""

from __future__ import annotations

import strawberry

from graph.analytics import cooperation_network as coop
from graph.analytics import cooperation_shared as shared
from schema.analytics.cooperation_network import CooperationCentre
from schema.analytics.dates import FromArg, ToArg
from schema.analytics.network import NetworkSource
from schema.analytics.projection import NetworkKind
from schema.context import Info
from schema.cost import PAIR, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="How one actor is tied to a shared item.")
class SharedTie:
    type: str
    role: str | None


@strawberry.type(
    description="An event, programme, service, organisation or relationship two actors shared."
)
class CooperationItem:
    kind: str = strawberry.field(
        description="EVENT, PROGRAMME, SERVICE, ORGANISATION (both members) or RELATIONSHIP."
    )
    id: strawberry.ID = strawberry.field(description="The item; a relationship's type.")
    type: str
    name: str
    item_kind: str | None
    start_date: str | None
    end_date: str | None
    a_ties: list[SharedTie]
    b_ties: list[SharedTie]
    explanation: str = strawberry.field(description="The item in a sentence, roles in words.")
    sources: list[NetworkSource]

    @classmethod
    def from_model(cls, s: shared.SharedItem) -> CooperationItem:
        return cls(
            kind=s.kind,
            id=strawberry.ID(s.id),
            type=s.type,
            name=s.name,
            item_kind=s.item_kind,
            start_date=s.start_date,
            end_date=s.end_date,
            a_ties=[SharedTie(type=t.type, role=t.role) for t in s.a_ties],
            b_ties=[SharedTie(type=t.type, role=t.role) for t in s.b_ties],
            explanation=s.explanation,
            sources=[NetworkSource.from_model(x) for x in s.sources],
        )


@strawberry.type(description="What two actors shared: the items behind their tie.")
class CooperationShared:
    a: CooperationCentre
    b: CooperationCentre
    weight: int
    first_date: str | None
    last_date: str | None
    items: list[CooperationItem] = strawberry.field(description="Newest first.")


def _end(c: coop.Centre) -> CooperationCentre:
    return CooperationCentre(id=strawberry.ID(c.id), type=c.type, label=c.label)


@strawberry.type
class CooperationSharedQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=PAIR)],
        description="What two organisations (or people) shared in the window: the items "
        "behind their tie in `cooperationNetwork`, each in a sentence with its sources.",
    )
    async def cooperation_shared(
        self,
        info: Info,
        a: strawberry.ID,
        b: strawberry.ID,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> CooperationShared:
        found = await resolved(
            shared.shared_between(info.context.graph, str(a), str(b), network, from_=from_, to=to)
        )
        return CooperationShared(
            a=_end(found.a),
            b=_end(found.b),
            weight=found.weight,
            first_date=found.first_date,
            last_date=found.last_date,
            items=[CooperationItem.from_model(i) for i in found.items],
        )
