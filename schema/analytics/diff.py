"""Network diffs in GraphQL (`graph/analytics/diff.py`): ties formed and ended between
two dates."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.analytics import diff
from schema.context import Info
from schema.cost import WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead


@strawberry.type(description="A tie that formed or ended.")
class TieChange:
    kind: str = strawberry.field(description="COOPERATION, MEMBER_OF or PROVIDES.")
    source_id: strawberry.ID
    source_name: str
    target_id: strawberry.ID
    target_name: str
    date: str | None
    via_id: strawberry.ID | None
    via_name: str | None


@strawberry.type
class NetworkDiff:
    from_: str = strawberry.field(name="from")
    to: str
    formed: list[TieChange]
    ended: list[TieChange]


def _change(t: diff.TieChange) -> TieChange:
    return TieChange(
        kind=t.kind,
        source_id=strawberry.ID(t.source_id),
        source_name=t.source_name,
        target_id=strawberry.ID(t.target_id),
        target_name=t.target_name,
        date=t.date,
        via_id=strawberry.ID(t.via_id) if t.via_id else None,
        via_name=t.via_name,
    )


@strawberry.type
class DiffQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Ties formed and ended between two (partial) dates.",
    )
    async def network_diff(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
    ) -> NetworkDiff:
        d = await resolved(diff.diff(info.context.graph, from_, to))
        return NetworkDiff(
            from_=d.from_,
            to=d.to,
            formed=[_change(t) for t in d.formed],
            ended=[_change(t) for t in d.ended],
        )
