"""Generic create/read/update/delete and keyset lists for every entity type.

The label is checked against the registry before it is spliced into Cypher; values
are always parameters. Every write records an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction

from graph import audit, uniqueness, versions
from graph.deletion import delete as delete
from graph.deletion import delete_in_tx as delete_in_tx
from graph.driver import Graph
from graph.errors import Conflict, InvalidInput, NotFound
from graph.labels import ENTITY_LABELS
from graph.listing import EntityFilter as EntityFilter  # callers say `entities.…`
from graph.listing import SortDirection as SortDirection
from graph.listing import SortField as SortField
from graph.listing import list_count, list_order, list_params, list_window
from graph.models.common import Model, Page, Stored, new_id
from graph.models.registry import REGISTRY, entity_type, label_of_model, to_model
from graph.models.spec import INPUT_RELATIONSHIPS, Declared
from graph.props import all_props

LABELS_OF = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN id, [l IN labels(n) WHERE l IN $labels][0] AS label
"""

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
SET n += $props, n.createdAt = datetime(), n.updatedAt = datetime()
RETURN n {{.*}} AS n
"""


def _locked_one(label: str) -> str:
    return f"MATCH (n:{label} {{id: $id}}) SET n.id = n.id RETURN n {{.*}} AS n"


def _update(label: str) -> str:
    # `updatedAt` is the version edits are checked against (graph/versions.py): it grows
    # by a microsecond (what the API shows) at least, also when the clock does not.
    return f"""
MATCH (n:{label} {{id: $id}})
WITH n, n {{.*}} AS before, datetime() AS now,
     CASE WHEN n.updatedAt IS NOT NULL
          THEN datetime.truncate('microsecond', n.updatedAt) + duration({{microseconds: 1}})
     END AS next
SET n += $props, n.updatedAt = CASE WHEN next IS NULL OR now >= next THEN now ELSE next END
RETURN before, n {{.*}} AS after
"""


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
    return (await labels_in_tx(tx, [entity_id])).get(entity_id)


async def labels_in_tx(tx: AsyncManagedTransaction, ids: Iterable[str]) -> dict[str, str | None]:
    """The type label of each entity of `ids` that exists, in one round trip."""
    result = await tx.run(LABELS_OF, ids=list(dict.fromkeys(ids)), labels=list(ENTITY_LABELS))
    return {r["id"]: r["label"] async for r in result}


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
    window = (
        list_window(label, sort, direction)
        + f"RETURN {all_props('n')} AS n, k ORDER BY {list_order(direction)}"
    )
    count = list_count(label)
    params = list_params(label, filter, after, first + 1)

    async def work(tx: AsyncManagedTransaction) -> Page[Stored]:
        total = (await (await tx.run(count, params)).single(strict=True))["total"]
        result = await tx.run(window, params)
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


#: More work in the transaction that created an entity, given its id (graph/relationships:
#: the relationships made with it).
Then = Callable[[AsyncManagedTransaction, str], Awaitable[None]]


async def create(
    graph: Graph,
    label: str,
    data: Model,
    *,
    actor: str,
    extra: dict[str, Any] | None = None,
    then: Then | None = None,
) -> Stored:
    """Create an entity of type `label` from its validated `…Create` model; `then`, in the
    same transaction (nothing is kept if it raises)."""
    name = getattr(data, entity_type(label).name_property, None)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        created = await create_in_tx(tx, label, data, actor=actor, extra=extra)
        if then is not None:
            await then(tx, created["id"])
        return to_model(label, created)

    return await uniqueness.write_named(graph, label, name, work)


async def update_in_tx(
    tx: AsyncManagedTransaction,
    label: str,
    entity_id: str,
    changes: dict[str, Any],
    *,
    actor: str,
    action: str = "update",
    expected: datetime | None = None,
) -> dict[str, Any]:
    """Apply property `changes` (None clears) in the caller's transaction; audited.
    `expected`: the version (`updatedAt`) the edit was made against (`graph.versions`).

    The node is locked before it is read: the derived `sortKey`/`searchText` are made
    from what is stored and what changes, and a concurrent writer must not change the
    stored part in between (a rename meanwhile would leave the old name's keys)."""
    spec = entity_type(label)
    row = await (await tx.run(_locked_one(spec.label), id=entity_id)).single()
    if row is None or not row["n"]:
        raise NotFound(entity_id, label)
    if expected is not None:
        await versions.check_version(tx, label, row["n"], changes, expected)
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
        version=result["after"]["updatedAt"],
    )
    after: dict[str, Any] = result["after"]
    return after


async def update(
    graph: Graph,
    label: str,
    entity_id: str,
    patch: Model,
    *,
    actor: str,
    expected: datetime | None = None,
) -> Stored:
    """Apply a validated `…Update` patch: only the fields that were set change."""
    changes = properties(label, patch, partial=True)
    name = changes.get(entity_type(label).name_property)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        after = await update_in_tx(tx, label, entity_id, changes, actor=actor, expected=expected)
        return to_model(label, after)

    return await uniqueness.write_named(graph, label, name, work)
