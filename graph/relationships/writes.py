"""Relationship writes: connect and disconnect, checked against the MATRIX (and, for
PART_OF, against cycles) and audited on both ends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel

from graph import audit, entities
from graph.driver import Graph
from graph.entities import labels_in_tx, lock_in_tx
from graph.errors import InvalidInput, NotFound
from graph.models.common import Model, Stored, to_native
from graph.models.relationships import MATRIX, RelProps, RelType, SourceRef, allowed, describe


class Relationship(BaseModel):
    type: RelType
    from_id: str
    to_id: str
    props: dict[str, Any]


def _get_rel(rel_type: RelType) -> str:
    return (
        f"MATCH (a:Entity {{id: $from}})-[r:{rel_type.value}]->(b:Entity {{id: $to}}) "
        "RETURN properties(r) AS r"
    )


def _merge_rel(rel_type: RelType) -> str:
    return f"""
MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
MERGE (a)-[r:{rel_type.value}]->(b)
ON CREATE SET r.createdAt = datetime()
SET r += $props, r.updatedAt = datetime()
RETURN properties(r) AS r
"""


def _delete_rel(rel_type: RelType) -> str:
    return (
        f"MATCH (a:Entity {{id: $from}})-[r:{rel_type.value}]->(b:Entity {{id: $to}}) "
        "WITH r, properties(r) AS before DELETE r RETURN before"
    )


#: Locks the entities with these ids (in id order) and returns, once locked, the
#: PART_OF parents of those that exist (`[child, parent]`, parent null for none).
_LOCKED_PARENTS = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
SET n.id = n.id
WITH n WHERE n.id IS NOT NULL
OPTIONAL MATCH (n)-[:PART_OF]->(p:Entity)
RETURN collect([n.id, p.id]) AS pairs
"""


async def part_of_path(tx: AsyncManagedTransaction, start: str, target: str) -> list[str] | None:
    """The PART_OF path up from `start` to `target` (`[start, …, target]`), or None.

    A breadth-first walk up the hierarchy that locks every entity before it reads its
    parents. Every PART_OF writer locks the entity the arrow starts at, so none can add
    a tie this walk would have had to see until this transaction ends, and of two
    writers that would close a cycle together the second sees the first's tie."""
    via: dict[str, str] = {}
    seen = {start}
    frontier = [start]
    while frontier:
        row = await (await tx.run(_LOCKED_PARENTS, ids=sorted(frontier))).single(strict=True)
        frontier = []
        for child, parent in row["pairs"]:
            if parent is None:
                continue
            if parent == target:
                path = [child, target]
                while path[0] != start:
                    path.insert(0, via[path[0]])
                return path
            if parent not in seen:
                seen.add(parent)
                via[parent] = child
                frontier.append(parent)
    return None


async def refuse_part_of_cycle(tx: AsyncManagedTransaction, from_id: str, to_id: str) -> None:
    """InvalidInput if `(from)-[:PART_OF]->(to)` would close a cycle (itself included)."""
    if from_id == to_id:
        raise InvalidInput([("toId", f"{from_id!r} cannot be PART_OF itself")])
    path = await part_of_path(tx, to_id, from_id)
    if path is not None:
        raise InvalidInput(
            [
                (
                    "toId",
                    f"{from_id!r} cannot be PART_OF {to_id!r}: {to_id!r} is already part of "
                    f"{from_id!r} ({' → '.join(path)}), and a hierarchy has no cycles",
                )
            ]
        )


def rel_properties(props: RelProps) -> dict[str, Any]:
    """Relationship properties from a validated model; None clears a property."""
    return props.model_dump(by_alias=True, mode="json")


async def check_allowed(
    tx: AsyncManagedTransaction, rel_type: RelType, from_id: str, to_id: str
) -> tuple[str, str]:
    labels = await labels_in_tx(tx, (from_id, to_id))
    from_label = labels.get(from_id)
    if from_label is None:
        raise NotFound(from_id)
    to_label = labels.get(to_id)
    if to_label is None:
        raise NotFound(to_id)
    if not allowed(rel_type, from_label, to_label):
        raise InvalidInput(
            [
                (
                    "type",
                    f"{rel_type.value} cannot connect a {from_label} to a {to_label}; "
                    f"allowed: {describe(rel_type)}",
                )
            ]
        )
    return from_label, to_label


def _snapshot(
    rel_type: RelType, from_id: str, to_id: str, props: dict[str, Any] | None
) -> dict[str, Any] | None:
    if props is None:
        return None
    # The ends also go last under keys of their own: period properties named `from` and
    # `to` (MEMBER_OF dates) overwrite the first two, and erasure and export must find
    # the change by the ids of its ends (graph/data_subject.py).
    return (
        {"type": rel_type.value, "from": from_id, "to": to_id}
        | {k: v for k, v in props.items() if k not in ("createdAt", "updatedAt")}
        | {"fromId": from_id, "toId": to_id}
    )


async def record_change(
    tx: AsyncManagedTransaction,
    *,
    actor: str,
    action: str,
    rel_type: RelType,
    from_id: str,
    to_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Audit a relationship change on both of its ends, so `history` of either shows it."""
    await audit.record_all(
        tx,
        [
            audit.event(
                actor=actor,
                action=action,
                entity_id=entity_id,
                entity_type=rel_type.value,
                before=_snapshot(rel_type, from_id, to_id, before),
                after=_snapshot(rel_type, from_id, to_id, after),
            )
            for entity_id in dict.fromkeys((from_id, to_id))
        ],
    )


async def connect_in_tx(
    tx: AsyncManagedTransaction,
    rel_type: RelType,
    from_id: str,
    to_id: str,
    props: RelProps,
    *,
    sources: list[SourceRef] | None = None,
    actor: str,
) -> Relationship:
    rel_type = RelType(rel_type)
    if rel_type is RelType.PART_OF:
        # Both ends locked first, in id order: two opposite PART_OF at once wait for
        # each other, and the second one's cycle check sees the first.
        await lock_in_tx(tx, [from_id, to_id])
    await check_allowed(tx, rel_type, from_id, to_id)
    if rel_type is RelType.PART_OF:
        await refuse_part_of_cycle(tx, from_id, to_id)
    row = await (await tx.run(_get_rel(rel_type), {"from": from_id, "to": to_id})).single()
    before = dict(row["r"]) if row else None
    values = rel_properties(props)
    source_ids = list((before or {}).get("sourceIds") or [])
    evidence = list((before or {}).get("evidence") or [])
    for s in sources or []:
        if s.document not in source_ids or s.quote not in evidence:
            source_ids.append(s.document)
            evidence.append(s.quote)
    if sources:
        kinds = await labels_in_tx(tx, (s.document for s in sources))
        for i, s in enumerate(sources):
            if kinds.get(s.document) != "Document":
                raise InvalidInput([(f"sources.{i}.document", f"{s.document!r} is not a document")])
    if sources:
        values |= {"sourceIds": source_ids, "evidence": evidence}
    after = (
        await (
            await tx.run(_merge_rel(rel_type), {"from": from_id, "to": to_id, "props": values})
        ).single(strict=True)
    )["r"]
    await record_change(
        tx,
        actor=actor,
        action="connect" if before is None else "update-relationship",
        rel_type=rel_type,
        from_id=from_id,
        to_id=to_id,
        before=before,
        after=after,
    )
    return Relationship(type=rel_type, from_id=from_id, to_id=to_id, props=to_native(dict(after)))


#: At most this many relationships made with an entity as it is created.
MAX_NEW_TIES = 50


@dataclass(frozen=True, slots=True)
class NewTie:
    """A relationship made with an entity as it is created (`create_connected`): one of
    `from_id`, `to_id` is None, the new entity's end."""

    type: RelType
    from_id: str | None
    to_id: str | None
    props: RelProps
    sources: list[SourceRef] = field(default_factory=list)


async def create_connected(
    graph: Graph, label: str, data: Model, ties: Sequence[NewTie], *, actor: str
) -> Stored:
    """Create an entity (`entities.create`) and make `ties` with it, in one transaction:
    each checked and audited as `connect` does; should one fail, nothing is written and
    the error names it (`connect.{i}.…`)."""
    if len(ties) > MAX_NEW_TIES:
        raise InvalidInput([("connect", f"at most {MAX_NEW_TIES} relationships")])

    async def make_ties(tx: AsyncManagedTransaction, new_id: str) -> None:
        for i, tie in enumerate(ties):
            try:
                await connect_in_tx(
                    tx,
                    tie.type,
                    tie.from_id or new_id,
                    tie.to_id or new_id,
                    tie.props,
                    sources=tie.sources,
                    actor=actor,
                )
            except InvalidInput as e:
                raise InvalidInput([(f"connect.{i}.{f}", m) for f, m in e.problems]) from e

    return await entities.create(graph, label, data, actor=actor, then=make_ties)


async def connect(
    graph: Graph,
    rel_type: RelType,
    from_id: str,
    to_id: str,
    props: RelProps,
    *,
    sources: list[SourceRef] | None = None,
    actor: str,
) -> Relationship:
    """Create (or update the properties of) `(from)-[:TYPE]->(to)`; audited."""

    async def work(tx: AsyncManagedTransaction) -> Relationship:
        return await connect_in_tx(
            tx, rel_type, from_id, to_id, props, sources=sources, actor=actor
        )

    return await graph.write(work)


async def disconnect(
    graph: Graph, rel_type: RelType, from_id: str, to_id: str, *, actor: str
) -> Relationship:
    """Remove `(from)-[:TYPE]->(to)`; NotFound when there is none. Audited."""
    rel_type = RelType(rel_type)

    async def work(tx: AsyncManagedTransaction) -> Relationship:
        row = await (await tx.run(_delete_rel(rel_type), {"from": from_id, "to": to_id})).single()
        if row is None:
            raise NotFound(f"({from_id})-[:{rel_type.value}]->({to_id})", "relationship")
        await record_change(
            tx,
            actor=actor,
            action="disconnect",
            rel_type=rel_type,
            from_id=from_id,
            to_id=to_id,
            before=row["before"],
            after=None,
        )
        return Relationship(
            type=rel_type, from_id=from_id, to_id=to_id, props=to_native(dict(row["before"]))
        )

    return await graph.write(work)


def allowed_pairs() -> dict[str, list[tuple[str, str]]]:
    """The matrix, for documentation and errors."""
    return {t.value: sorted(pairs) for t, pairs in MATRIX.items()}
