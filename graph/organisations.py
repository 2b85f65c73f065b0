"""Cypher for the Organisation aggregate."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph import audit
from graph.driver import Graph
from graph.errors import Conflict, NotFound
from graph.models.common import Page, new_id, to_native
from graph.models.organisation import (
    Organisation,
    OrganisationCreate,
    OrganisationFilter,
    OrganisationUpdate,
)
from graph.text import fold, search_text

ENTITY_EXISTS = "MATCH (n:Entity {id: $id}) RETURN n.id AS id"
GET_ONE = "MATCH (n:Organisation {id: $id}) RETURN n {.*} AS n"

GET_MANY = """
UNWIND $ids AS id
MATCH (n:Organisation {id: id})
RETURN n {.*} AS n
"""

LIST_WHERE = """
MATCH (n:Organisation)
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($text IS NULL OR n.searchText CONTAINS $text)
  AND ($tags IS NULL OR any(t IN coalesce(n.tags, []) WHERE t IN $tags))
"""

LIST_PAGE = (
    LIST_WHERE
    + """
  AND ($afterKey IS NULL OR n.sortKey > $afterKey OR (n.sortKey = $afterKey AND n.id > $afterId))
RETURN n {.*} AS n
ORDER BY n.sortKey, n.id
LIMIT $limit
"""
)

LIST_COUNT = LIST_WHERE + "RETURN count(n) AS total"

SAME_NAME = """
MATCH (n:Organisation {sortKey: $sortKey})
WHERE n.id <> $id
RETURN n.id AS id LIMIT 1
"""

CREATE = """
CREATE (n:Entity:Organisation {id: $id})
SET n += $props, n.createdAt = datetime(), n.updatedAt = n.createdAt
RETURN n {.*} AS n
"""

UPDATE = """
MATCH (n:Organisation {id: $id})
WITH n, n {.*} AS before
SET n += $props, n.updatedAt = datetime()
RETURN before, n {.*} AS after
"""

DELETE = """
MATCH (n:Organisation {id: $id})
WITH n, n {.*} AS before
DETACH DELETE n
RETURN before
"""


def _model(props: dict[str, Any]) -> Organisation:
    return Organisation.model_validate(to_native(props))


def _derived(props: dict[str, Any]) -> dict[str, Any]:
    """Properties kept for sorting and accent-insensitive filtering."""
    return {
        "sortKey": fold(props["name"]),
        "searchText": search_text(
            props.get("name"),
            props.get("shortName"),
            props.get("nameEn"),
            props.get("aliases") or [],
        ),
    }


async def get(graph: Graph, org_id: str) -> Organisation | None:
    found = await get_many(graph, [org_id])
    return found.get(org_id)


async def get_many(graph: Graph, ids: list[str]) -> dict[str, Organisation]:
    async def work(tx: AsyncManagedTransaction) -> dict[str, Organisation]:
        result = await tx.run(GET_MANY, ids=ids)
        return {org.id: org for org in [_model(r["n"]) async for r in result]}

    return await graph.read(work)


async def list_page(
    graph: Graph,
    filter: OrganisationFilter,
    *,
    first: int,
    after: tuple[str, str] | None = None,
) -> Page[Organisation]:
    params = {
        "kind": filter.kind.value if filter.kind else None,
        "text": fold(filter.name_contains) if filter.name_contains else None,
        "tags": filter.tags or None,
    }

    async def work(tx: AsyncManagedTransaction) -> Page[Organisation]:
        total = (await (await tx.run(LIST_COUNT, params)).single(strict=True))["total"]
        result = await tx.run(
            LIST_PAGE,
            params,
            afterKey=after[0] if after else None,
            afterId=after[1] if after else None,
            limit=first + 1,
        )
        rows = [r["n"] async for r in result]
        items = [_model(p) for p in rows[:first]]
        return Page[Organisation](
            items=items,
            total_count=total,
            has_next_page=len(rows) > first,
            keys=[[p["sortKey"], p["id"]] for p in rows[:first]],
        )

    return await graph.read(work)


async def _check_name_free(tx: AsyncManagedTransaction, name: str, org_id: str) -> None:
    clash = await (await tx.run(SAME_NAME, sortKey=fold(name), id=org_id)).single()
    if clash:
        raise Conflict(
            f"an organisation named {name!r} already exists (id {clash['id']!r})", field="name"
        )


async def create(graph: Graph, data: OrganisationCreate, *, actor: str) -> Organisation:
    org_id = data.id or new_id()
    props = data.model_dump(by_alias=True, exclude={"id"}, mode="json", exclude_none=True)
    props |= _derived(props)

    async def work(tx: AsyncManagedTransaction) -> Organisation:
        await _check_name_free(tx, data.name, org_id)
        existing = await (await tx.run(ENTITY_EXISTS, id=org_id)).single()
        if existing:
            raise Conflict(f"an entity with id {org_id!r} already exists", field="id")
        created = (await (await tx.run(CREATE, id=org_id, props=props)).single(strict=True))["n"]
        await audit.record(
            tx,
            actor=actor,
            action="create",
            entity_id=org_id,
            entity_type="Organisation",
            before=None,
            after=created,
        )
        return _model(created)

    return await graph.write(work)


async def update(
    graph: Graph, org_id: str, patch: OrganisationUpdate, *, actor: str
) -> Organisation:
    changes = patch.model_dump(by_alias=True, mode="json", exclude_unset=True)

    async def work(tx: AsyncManagedTransaction) -> Organisation:
        current = await get_in_tx(tx, org_id)
        if current is None:
            raise NotFound(org_id, "Organisation")
        merged = current | changes
        if "name" in changes:
            await _check_name_free(tx, changes["name"], org_id)
        props = changes | _derived(merged)
        row = await (await tx.run(UPDATE, id=org_id, props=props)).single(strict=True)
        await audit.record(
            tx,
            actor=actor,
            action="update",
            entity_id=org_id,
            entity_type="Organisation",
            before=row["before"],
            after=row["after"],
        )
        return _model(row["after"])

    return await graph.write(work)


async def delete(graph: Graph, org_id: str, *, actor: str) -> str:
    async def work(tx: AsyncManagedTransaction) -> str:
        row = await (await tx.run(DELETE, id=org_id)).single()
        if row is None:
            raise NotFound(org_id, "Organisation")
        await audit.record(
            tx,
            actor=actor,
            action="delete",
            entity_id=org_id,
            entity_type="Organisation",
            before=row["before"],
            after=None,
        )
        return org_id

    return await graph.write(work)


async def get_in_tx(tx: AsyncManagedTransaction, org_id: str) -> dict[str, Any] | None:
    row = await (await tx.run(GET_ONE, id=org_id)).single()
    return dict(row["n"]) if row else None
