"""An organisation's partners: the organisations it shared events or programmes with
(a field of Organisation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.models.common import Stored
from schema.context import Info
from schema.entity import ExtraField
from schema.pagination import PageInfo, check_first, decode_cursor, encode_cursor

# the derived type (schema/model.py), found when the schema is built
if TYPE_CHECKING:
    OrganisationType = Any
else:
    OrganisationType = Annotated["Organisation", strawberry.lazy("schema.model")]  # noqa: F821


@strawberry.type(description="An organisation that shared events or programmes with another.")
class PartnerEdge:
    cursor: str
    node: OrganisationType
    shared: int = strawberry.field(description="How many events and programmes they shared.")
    first_date: str | None = strawberry.field(description="The earliest shared date.")
    last_date: str | None = strawberry.field(description="The latest shared date.")


@strawberry.type(description="Cooperating organisations, heaviest tie first.")
class PartnerConnection:
    edges: list[PartnerEdge]
    page_info: PageInfo
    total_count: int


async def partners(
    root: Stored, info: Info, first: int = 20, after: str | None = None
) -> PartnerConnection:
    check_first(first, info.context.max_page_size)
    key = decode_cursor(after, size=1)
    ranked = await info.context.loaders.partners.load(root.id)
    start = 0
    if key is not None:
        ids = [p.organisation_id for p in ranked]
        start = ids.index(key[0]) + 1 if key[0] in ids else len(ids)
    window = ranked[start : start + first]
    orgs = await info.context.loaders.entity.load_many([p.organisation_id for p in window])
    edges = [
        PartnerEdge(
            cursor=encode_cursor([p.organisation_id]),
            node=o,
            shared=p.weight,
            first_date=p.first_date,
            last_date=p.last_date,
        )
        for p, o in zip(window, orgs, strict=True)
        if o is not None
    ]
    return PartnerConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + first < len(ranked),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(ranked),
    )


FIELDS = (
    ExtraField(
        "Organisation",
        "partners",
        partners,
        "Organisations that took part in the same events or programmes: `shared` counts "
        "them, with the first and last date; heaviest first.",
    ),
)
