"""Deciding proposed facts: accepting writes them into the graph, with their document as
the source and their quote as the evidence, all of one batch in one transaction;
rejecting writes nothing but the decision.

Accepting a relationship accepts the entities at its ends too (a meeting's attendance
needs the meeting and the attendee). An entity proposal that names an existing entity
(the resolver's match, or the reviewer's "merge into") is cited on that entity instead
of creating one. A weak co-occurrence is accepted only once the reviewer gave it a
relationship type (`store.edit`), and never by `accept_kind`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import ValidationError

from graph import bulk, entities
from graph.driver import Graph
from graph.errors import Conflict, InvalidInput, NotFound
from graph.ingest.facts import FactKind
from graph.ingest.store import (
    Proposal,
    Status,
    by_ids_in_tx,
    by_keys_in_tx,
    decide_in_tx,
    list_for,
    lock_in_tx,
)
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType, SourceRef, props_model
from graph.relationships.writes import connect_in_tx

#: Proposals one acceptance may decide (one transaction).
MAX_BATCH: Final = 2_000

#: Kinds each label's new entities get when the rules could not tell.
_DEFAULT_KIND: Final = {"Organisation": "OTHER", "Place": "CITY", "Event": "OTHER"}
#: Proposal properties that are not the entity's.
_NOT_STORED: Final = frozenset({"role"})


@dataclass
class Decided:
    """What a decision did: the proposals decided, and the entities it created."""

    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _entity_input(p: Proposal) -> Any:
    assert p.label is not None
    spec = REGISTRY[p.label]
    values: dict[str, Any] = {"name": p.name}
    for key, value in p.props.items():
        if key in _NOT_STORED:
            continue
        values[_snake(key)] = value
    if "kind" in spec.create.model_fields and not values.get("kind"):
        values["kind"] = _DEFAULT_KIND.get(p.label, "OTHER")
    if p.label == "Event" and "date_note" in values:
        values["date_inferred"] = True
    try:
        return spec.create.model_validate(values)
    except ValidationError as e:
        raise InvalidInput.of(e, f"proposals.{p.id}") from None


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


async def decide(
    graph: Graph, ids: list[str], *, accept: bool, actor: str, weak_ok: bool = True
) -> Decided:
    """Accept (or reject) the proposals `ids` in one transaction. A proposal decided
    the same way before is left as it is; one decided the other way is a `Conflict`."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_BATCH:
        raise InvalidInput([("ids", f"at most {MAX_BATCH} proposals at once")])

    async def work(tx: AsyncManagedTransaction) -> Decided:
        await lock_in_tx(tx, ids)
        found = await by_ids_in_tx(tx, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(missing[0])
        wanted = Status.ACCEPTED if accept else Status.REJECTED
        out = Decided()
        todo = []
        for p in (found[i] for i in ids):
            if p.status is wanted:
                continue
            if p.status is not Status.PROPOSED:
                raise Conflict(f"proposal {p.id} is already {p.status.value.lower()}")
            todo.append(p)
        if not accept:
            await decide_in_tx(
                tx,
                [{"id": p.id, "status": wanted.value, "entityId": None} for p in todo],
                actor=actor,
            )
            out.rejected = [p.id for p in todo]
            return out
        await _accept(tx, todo, out, actor=actor, weak_ok=weak_ok)
        return out

    return await graph.write(work)


async def _accept(
    tx: AsyncManagedTransaction, todo: list[Proposal], out: Decided, *, actor: str, weak_ok: bool
) -> None:
    rels = [p for p in todo if p.from_key is not None]
    for p in rels:
        if p.weak and (not weak_ok or p.rel_type is None):
            raise InvalidInput(
                [(f"proposals.{p.id}", "a co-occurrence needs a relationship type first (edit)")]
            )
    # the entities of the batch, and those at the ends of its relationships
    ends: dict[str, Proposal] = {p.key: p for p in todo if p.from_key is None}
    doc_ids = {p.document_id for p in todo}
    for doc in doc_ids:
        keys = [
            k
            for p in rels
            if p.document_id == doc
            for k in (p.from_key, p.to_key)
            if k is not None and k not in ends
        ]
        if keys:
            more = await by_keys_in_tx(tx, doc, keys)
            await lock_in_tx(tx, [p.id for p in more.values()])
            ends |= more
    ids: dict[str, str] = {}
    decided: list[dict[str, Any]] = []
    citations: list[dict[str, str]] = []
    for key, p in ends.items():
        if p.status is Status.REJECTED:
            raise Conflict(f"{p.label} {p.name!r} was rejected: accept it first or edit the fact")
        if p.status is Status.ACCEPTED and p.entity_id:
            ids[key] = p.entity_id
            continue
        if p.match_id:
            ids[key] = p.match_id
        else:
            assert p.label is not None
            created = await entities.create_in_tx(tx, p.label, _entity_input(p), actor=actor)
            ids[key] = created["id"]
            out.created.append(created["id"])
        citations.append({"id": ids[key], "document": p.document_id, "quote": p.quote})
        decided.append({"id": p.id, "status": Status.ACCEPTED.value, "entityId": ids[key]})
        out.accepted.append(p.id)
    for p in rels:
        assert p.from_key and p.to_key and p.rel_type
        try:
            rel = RelType(p.rel_type)
            props = props_model(rel).model_validate(p.props)
        except (ValueError, ValidationError) as e:
            raise InvalidInput([(f"proposals.{p.id}.props", str(e))]) from None
        await connect_in_tx(
            tx,
            rel,
            ids[p.from_key],
            ids[p.to_key],
            props,
            sources=[SourceRef(document=p.document_id, quote=p.quote)],
            actor=actor,
        )
        decided.append({"id": p.id, "status": Status.ACCEPTED.value, "entityId": None})
        out.accepted.append(p.id)
    await bulk.cite(tx, citations)
    await decide_in_tx(tx, decided, actor=actor)


async def accept_in_batches(graph: Graph, ids: list[str], *, actor: str) -> Decided:
    """Accept `ids` in batches of at most `MAX_BATCH`, one transaction each (a bulk
    acceptance of a long document must not be refused for its length)."""
    done = Decided()
    for i in range(0, len(ids), MAX_BATCH):
        part = await decide(graph, ids[i : i + MAX_BATCH], accept=True, actor=actor)
        done.accepted += part.accepted
        done.created += part.created
    return done


async def accept_kind(graph: Graph, doc_id: str, kind: FactKind, *, actor: str) -> Decided:
    """Accept every proposal of `kind` still under review in a document (never the weak
    co-occurrences)."""
    if kind is FactKind.COOCCURRENCE:
        raise InvalidInput([("kind", "co-occurrences are suggestions: accept them one by one")])
    pending = await list_for(graph, doc_id, status=Status.PROPOSED, kind=kind)
    return await accept_in_batches(graph, [p.id for p in pending if not p.weak], actor=actor)


async def accept_known(graph: Graph, doc_id: str, *, actor: str) -> Decided:
    """Accept the stated relationships between entities that already exist (both ends
    matched), and those entities' citations."""
    pending = await list_for(graph, doc_id, status=Status.PROPOSED)
    matched = {p.key for p in pending if p.match_id}
    ids = [
        p.id
        for p in pending
        if p.kind is FactKind.RELATIONSHIP and p.from_key in matched and p.to_key in matched
    ]
    return await accept_in_batches(graph, ids, actor=actor)
