"""Generic create/read/update/delete and keyset lists for every entity type.

The label is checked against the registry before it is spliced into Cypher; values
are always parameters. Every write records an audit event in the same transaction.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction
from pydantic import Field

from graph import audit, uniqueness
from graph.driver import Graph
from graph.errors import Conflict, InvalidInput, NotFound
from graph.labels import ENTITY_LABELS, checked_label
from graph.models.common import Model, Page, PartialDate, Stored, new_id, partial_date_bounds
from graph.models.registry import REGISTRY, entity_type, label_of_model, to_model
from graph.models.spec import INPUT_RELATIONSHIPS, Declared
from graph.props import all_props
from graph.text import fold


def _date_property(label: str) -> str | None:
    """The property `sort: DATE` orders by (others fall back to the name)."""
    return REGISTRY[label].meta.date_property


LABEL_OF = "MATCH (n:Entity {id: $id}) RETURN [l IN labels(n) WHERE l IN $labels][0] AS label"

GET_MANY = f"""
UNWIND $ids AS id
MATCH (n:Entity {{id: id}})
RETURN {all_props("n")} AS n, [l IN labels(n) WHERE l IN $labels][0] AS label
"""

ENTITY_EXISTS = "MATCH (n:Entity {id: $id}) RETURN n.id AS id"

MISSING = """
UNWIND $ids AS id
OPTIONAL MATCH (n:Entity {id: id})
WITH id, n WHERE n IS NULL
RETURN collect(id) AS missing
"""


def _tie(rel_type: str) -> str:
    if rel_type not in INPUT_RELATIONSHIPS:
        raise InvalidInput([("type", f"unknown relationship type {rel_type!r}")])
    return f"""
UNWIND $targets AS target
MATCH (x:Entity {{id: $id}}), (t:Entity {{id: target}})
MERGE (x)-[:{rel_type}]->(t)
"""


T = TypeVar("T")


#: Takes the write locks of entities in the order of their ids (two writers that lock the
#: same entities cannot deadlock on them) and returns the ids of those that still exist
#: once locked. A read takes no lock in Neo4j: a writer that reads, decides and then
#: writes locks first, so that what it read stays true until it commits. (A node deleted
#: while this waited for its lock still matches, but without properties.)
LOCK = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
SET n.id = n.id
RETURN collect(n.id) AS locked
"""


def _create(label: str) -> str:
    return f"""
CREATE (n:Entity:{label} {{id: $id}})
SET n += $props, n.createdAt = datetime(), n.updatedAt = n.createdAt
RETURN n {{.*}} AS n
"""


def _locked_one(label: str) -> str:
    return f"MATCH (n:{label} {{id: $id}}) SET n.id = n.id RETURN n {{.*}} AS n"


def _update(label: str) -> str:
    return f"""
MATCH (n:{label} {{id: $id}})
WITH n, n {{.*}} AS before
SET n += $props, n.updatedAt = datetime()
RETURN before, n {{.*}} AS after
"""


def _delete(label: str) -> str:
    return f"""
MATCH (n:{label} {{id: $id}})
WITH n, n {{.*}} AS before
DETACH DELETE n
RETURN before
"""


class SortField(StrEnum):
    NAME = "NAME"
    DATE = "DATE"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class EntityFilter(Model):
    """Filters for lists of any type; a filter a type does not have matches nothing."""

    kind: str | None = None
    text: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = None
    place: str | None = Field(
        default=None, description="A place id: things held/located/available there or inside it."
    )
    date_from: PartialDate | None = Field(default=None, alias="dateFrom")
    date_to: PartialDate | None = Field(default=None, alias="dateTo")
    status: str | None = None
    due_before: date | None = Field(default=None, alias="dueBefore")
    assignee: str | None = None
    #: property → the exact value (the type's `Filter.equals` filters)
    equals: dict[str, str | int | float | bool] | None = None


def _list_where(label: str, date_prop: str | None) -> str:
    dated = (
        f"""
  AND ($dateTo IS NULL OR n.{date_prop} <= $dateTo)
  AND ($dateFrom IS NULL OR coalesce(n.endDate, n.{date_prop}) + '~' >= $dateFrom)"""
        if date_prop
        else "\n  AND $dateFrom IS NULL AND $dateTo IS NULL"
    )
    return f"""
MATCH (n:{label})
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($text IS NULL OR n.searchText CONTAINS $text)
  AND ($tags IS NULL OR any(t IN coalesce(n.tags, []) WHERE t IN $tags))
  AND ($status IS NULL OR n.status = $status)
  AND ($dueBefore IS NULL OR n.dueDate < $dueBefore)
  AND ($assignee IS NULL OR n.assignee = $assignee)
  AND ($place IS NULL
       OR EXISTS {{ (n)-[:LOCATED_IN|HELD_AT|AVAILABLE_IN]->(:Place)
                    -[:PART_OF*0..6]->(:Place {{id: $place}}) }}
       OR EXISTS {{ (n)-[:PART_OF*1..6]->(:Place {{id: $place}}) }}){dated}{_equals(label)}
"""


def _equals(label: str) -> str:
    """Cypher for the type's exact-value filters: property names from its declaration."""
    return "".join(
        f"\n  AND ($equals.{prop} IS NULL OR n.{prop} = $equals.{prop})"
        for prop in REGISTRY[label].equality_filters
    )


def _list_page(label: str, sort_expr: str, descending: bool) -> str:
    cmp, order = ("<", "DESC") if descending else (">", "ASC")
    return (
        _list_where(label, _date_property(label))
        + f"""
WITH n, {sort_expr} AS k
WHERE $afterKey IS NULL OR k {cmp} $afterKey OR (k = $afterKey AND n.id {cmp} $afterId)
RETURN {all_props("n")} AS n, k
ORDER BY k {order}, n.id {order}
LIMIT $limit
"""
    )


def _list_count(label: str) -> str:
    return _list_where(label, _date_property(label)) + "RETURN count(n) AS total"


def model_label(model: Stored) -> str:
    """The type label of a stored model."""
    return label_of_model(model)


async def label_of(graph: Graph, entity_id: str) -> str | None:
    """The type label of the entity with this id, or None."""

    async def work(tx: AsyncManagedTransaction) -> str | None:
        return await label_in_tx(tx, entity_id)

    return await graph.read(work)


async def lock_in_tx(tx: AsyncManagedTransaction, ids: list[str]) -> set[str]:
    """Lock the entities with these ids (write locks, held until the transaction ends,
    taken in id order); return the ids of those that exist."""
    row = await (await tx.run(LOCK, ids=sorted(set(ids)))).single(strict=True)
    return set(row["locked"])


async def label_in_tx(tx: AsyncManagedTransaction, entity_id: str) -> str | None:
    row = await (await tx.run(LABEL_OF, id=entity_id, labels=list(ENTITY_LABELS))).single()
    return row["label"] if row else None


async def get(graph: Graph, entity_id: str, label: str | None = None) -> Stored | None:
    return (await get_many(graph, [entity_id], label)).get(entity_id)


async def get_many(graph: Graph, ids: list[str], label: str | None = None) -> dict[str, Stored]:
    """Entities by id (of `label` only, when given); missing ids are left out."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Stored]:
        result = await tx.run(GET_MANY, ids=ids, labels=list(ENTITY_LABELS))
        found: dict[str, Stored] = {}
        async for r in result:
            if r["label"] and (label is None or r["label"] == label):
                found[r["n"]["id"]] = to_model(r["label"], r["n"])
        return found

    return await graph.read(work)


S = TypeVar("S", bound=Declared)


async def get_many_of(graph: Graph, model: type[S], ids: list[str]) -> dict[str, S]:
    """Entities of the type `model` declares, by id (others and missing ids left out)."""
    found = await get_many(graph, ids, model.meta.label)
    return {k: v for k, v in found.items() if isinstance(v, model)}


def _filter_params(label: str, f: EntityFilter) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "text": fold(f.text) if f.text else None,
        "tags": f.tags or None,
        "place": f.place,
        "dateFrom": partial_date_bounds(f.date_from)[0] if f.date_from else None,
        "dateTo": partial_date_bounds(f.date_to)[1] if f.date_to else None,
        "status": f.status,
        "dueBefore": f.due_before.isoformat() if f.due_before else None,
        "assignee": f.assignee,
        "equals": {p: (f.equals or {}).get(p) for p in REGISTRY[label].equality_filters},
    }


async def list_page(
    graph: Graph,
    label: str,
    filter: EntityFilter,
    *,
    first: int,
    after: tuple[Any, str] | None = None,
    sort: SortField = SortField.NAME,
    direction: SortDirection = SortDirection.ASC,
) -> Page[Stored]:
    """One page of `label` entities in a stable keyset order (sort value, then id)."""
    label = checked_label(label)
    date_prop = _date_property(label)
    sort_expr = (
        f"coalesce(n.{date_prop}, '')" if sort is SortField.DATE and date_prop else "n.sortKey"
    )
    page_query = _list_page(label, sort_expr, direction is SortDirection.DESC)
    params = _filter_params(label, filter)

    async def work(tx: AsyncManagedTransaction) -> Page[Stored]:
        total = (await (await tx.run(_list_count(label), params)).single(strict=True))["total"]
        result = await tx.run(
            page_query,
            params,
            afterKey=after[0] if after else None,
            afterId=after[1] if after else None,
            limit=first + 1,
        )
        rows = [(r["n"], r["k"]) async for r in result]
        return Page[Stored](
            items=[to_model(label, p) for p, _ in rows[:first]],
            total_count=total,
            has_next_page=len(rows) > first,
            keys=[[k, p["id"]] for p, k in rows[:first]],
        )

    return await graph.read(work)


def properties(label: str, data: Model, *, partial: bool = False) -> dict[str, Any]:
    """Node properties from an input model (without the id and non-property fields)."""
    skip = {"id"} | {extra.name for extra in REGISTRY[label].meta.inputs}
    dumped = data.model_dump(by_alias=True, mode="json", exclude_unset=partial, exclude_none=False)
    props = {k: v for k, v in dumped.items() if k not in skip}
    if not partial:
        props = {k: v for k, v in props.items() if v is not None and v != []}
    return props


async def create_in_tx(
    tx: AsyncManagedTransaction,
    label: str,
    data: Model,
    *,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create one entity in the caller's transaction; return its stored properties.
    The audit records the input's ties too (the `about` of a note), so that erasure
    finds a note about a person after the note is gone."""
    spec = entity_type(label)
    entity_id = getattr(data, "id", None) or new_id()
    props = properties(label, data) | (extra or {})
    if spec.meta.authored:
        props["author"] = actor
    props |= spec.derived(props)
    # ids an input names, to tie the new entity to: all must exist
    given = {i.name: list(getattr(data, i.name) or []) for i in spec.meta.inputs}
    ties = {i.relationship: given[i.name] for i in spec.meta.inputs}
    for targets in ties.values():
        missing = (await (await tx.run(MISSING, ids=targets)).single(strict=True))["missing"]
        if missing:
            raise NotFound(missing[0])
    await uniqueness.check_name_free(tx, label, props.get(spec.name_property) or "", entity_id)
    await uniqueness.check_unique_values(tx, label, props, entity_id)
    if await (await tx.run(ENTITY_EXISTS, id=entity_id)).single():
        raise Conflict(f"an entity with id {entity_id!r} already exists", field="id")
    created: dict[str, Any] = (
        await (await tx.run(_create(spec.label), id=entity_id, props=props)).single(strict=True)
    )["n"]
    for rel_type, targets in ties.items():
        await tx.run(_tie(rel_type), id=entity_id, targets=targets)
    await audit.record(
        tx,
        actor=actor,
        action="create",
        entity_id=entity_id,
        entity_type=label,
        before=None,
        after=created | given,
    )
    return created


async def create(
    graph: Graph, label: str, data: Model, *, actor: str, extra: dict[str, Any] | None = None
) -> Stored:
    """Create an entity of type `label` from its validated `…Create` model."""
    name = getattr(data, entity_type(label).name_property, None)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        return to_model(label, await create_in_tx(tx, label, data, actor=actor, extra=extra))

    return await uniqueness.write_named(graph, label, name, work)


async def update_in_tx(
    tx: AsyncManagedTransaction,
    label: str,
    entity_id: str,
    changes: dict[str, Any],
    *,
    actor: str,
    action: str = "update",
) -> dict[str, Any]:
    """Apply property `changes` (None clears) in the caller's transaction; audited.

    The node is locked before it is read: the derived `sortKey`/`searchText` are made
    from what is stored and what changes, and a concurrent writer must not change the
    stored part in between (a rename meanwhile would leave the old name's keys)."""
    spec = entity_type(label)
    row = await (await tx.run(_locked_one(spec.label), id=entity_id)).single()
    if row is None or not row["n"]:
        raise NotFound(entity_id, label)
    merged = dict(row["n"]) | changes
    if spec.name_property in changes:
        await uniqueness.check_name_free(tx, label, changes[spec.name_property] or "", entity_id)
    await uniqueness.check_unique_values(tx, label, changes, entity_id)
    props = changes | spec.derived(merged)
    result = await (await tx.run(_update(spec.label), id=entity_id, props=props)).single(
        strict=True
    )
    await audit.record(
        tx,
        actor=actor,
        action=action,
        entity_id=entity_id,
        entity_type=label,
        before=result["before"],
        after=result["after"],
    )
    after: dict[str, Any] = result["after"]
    return after


async def update(graph: Graph, label: str, entity_id: str, patch: Model, *, actor: str) -> Stored:
    """Apply a validated `…Update` patch: only the fields that were set change."""
    changes = properties(label, patch, partial=True)
    name = changes.get(entity_type(label).name_property)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        return to_model(label, await update_in_tx(tx, label, entity_id, changes, actor=actor))

    return await uniqueness.write_named(graph, label, name, work)


async def delete(graph: Graph, label: str, entity_id: str, *, actor: str) -> str:
    """Delete the entity and its relationships; the audit keeps what it was."""

    async def work(tx: AsyncManagedTransaction) -> str:
        return await delete_in_tx(tx, label, entity_id, actor=actor)

    return await graph.write(work)


async def delete_in_tx(
    tx: AsyncManagedTransaction, label: str, entity_id: str, *, actor: str
) -> str:
    """`delete` in the caller's transaction."""
    spec = entity_type(label)
    row = await (await tx.run(_delete(spec.label), id=entity_id)).single()
    if row is None:
        raise NotFound(entity_id, label)
    await audit.record(
        tx,
        actor=actor,
        action="delete",
        entity_id=entity_id,
        entity_type=label,
        before=row["before"],
        after=None,
    )
    return entity_id
