"""The Organisation aggregate: typed wrappers over the generic entity functions."""

from __future__ import annotations

from typing import cast

from graph import entities
from graph.driver import Graph
from graph.models.common import Page
from graph.models.organisation import (
    Organisation,
    OrganisationCreate,
    OrganisationFilter,
    OrganisationUpdate,
)

LABEL = "Organisation"


async def get(graph: Graph, org_id: str) -> Organisation | None:
    found = await get_many(graph, [org_id])
    return found.get(org_id)


async def get_many(graph: Graph, ids: list[str]) -> dict[str, Organisation]:
    found = await entities.get_many(graph, ids, LABEL)
    return {k: cast(Organisation, v) for k, v in found.items()}


async def list_page(
    graph: Graph,
    filter: OrganisationFilter,
    *,
    first: int,
    after: tuple[str, str] | None = None,
    place: str | None = None,
    sort: entities.SortField = entities.SortField.NAME,
    direction: entities.SortDirection = entities.SortDirection.ASC,
) -> Page[Organisation]:
    """`place`: located in that place or somewhere inside it."""
    generic = entities.EntityFilter(
        kind=filter.kind.value if filter.kind else None,
        text=filter.name_contains,
        tags=filter.tags,
        place=place,
    )
    page = await entities.list_page(
        graph, LABEL, generic, first=first, after=after, sort=sort, direction=direction
    )
    return Page[Organisation](
        items=[cast(Organisation, o) for o in page.items],
        total_count=page.total_count,
        has_next_page=page.has_next_page,
        keys=page.keys,
    )


async def create(graph: Graph, data: OrganisationCreate, *, actor: str) -> Organisation:
    return cast(Organisation, await entities.create(graph, LABEL, data, actor=actor))


async def update(
    graph: Graph, org_id: str, patch: OrganisationUpdate, *, actor: str
) -> Organisation:
    return cast(Organisation, await entities.update(graph, LABEL, org_id, patch, actor=actor))


async def delete(graph: Graph, org_id: str, *, actor: str) -> str:
    return await entities.delete(graph, LABEL, org_id, actor=actor)
