"""Ingested documents and their proposed facts in the graph.

A document is a `Document` entity whose id comes from its text's SHA-256 (so the same
text is one document, whoever sends it and however often), with the text kept in its
`text` property and the hash in `contentHash`; the offsets of its proposals point into
that text. A proposed fact is an internal `(:Proposal)` node (not an `Entity`: it is not
in the graph's facts until accepted) holding its document's id, the quote and its
offsets, what it proposes, and its review status.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from enum import StrEnum
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph.driver import Graph
from graph.errors import Conflict, InvalidInput, NotFound
from graph.ingest.facts import Draft, FactKind

#: Namespace of ingested documents' ids (UUID5 of their text's SHA-256).
NAMESPACE: Final = uuid.UUID("0d1e9a53-53c8-5e43-9b61-8a3d6f2b7c10")
#: Proposals one document may have (a 1,000-page text proposes far fewer).
MAX_PROPOSALS: Final = 20_000


class Status(StrEnum):
    """Where a proposed fact stands in its review."""

    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(text: str) -> str:
    return str(uuid.uuid5(NAMESPACE, content_hash(text)))


def proposal_id(doc_id: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{doc_id}|{key}"))


class Candidate(BaseModel):
    """An existing entity a proposed one may be."""

    id: str
    label: str
    name: str
    score: float


class Proposal(BaseModel):
    """A proposed fact as stored (`propsJson` and `candidatesJson` decoded)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str
    document_id: str = Field(alias="documentId")
    key: str
    kind: FactKind
    status: Status
    quote: str
    start: int
    end: int
    at: int
    to: int
    rule: str
    label: str | None = None
    name: str | None = None
    props: dict[str, Any] = Field(default_factory=dict)
    rel_type: str | None = Field(default=None, alias="relType")
    from_key: str | None = Field(default=None, alias="fromKey")
    to_key: str | None = Field(default=None, alias="toKey")
    weak: bool = False
    match_id: str | None = Field(default=None, alias="matchId")
    match_name: str | None = Field(default=None, alias="matchName")
    candidates: list[Candidate] = Field(default_factory=list)
    #: the entity an accepted entity proposal became (created or merged into)
    entity_id: str | None = Field(default=None, alias="entityId")
    decided_by: str | None = Field(default=None, alias="decidedBy")


def _row(doc_id: str, d: Draft, candidates: list[Candidate]) -> dict[str, Any]:
    return {
        "id": proposal_id(doc_id, d.key),
        "documentId": doc_id,
        "key": d.key,
        "kind": d.kind.value,
        "status": Status.PROPOSED.value,
        "quote": d.quote,
        "start": d.start,
        "end": d.end,
        "at": d.at,
        "to": d.to,
        "rule": d.rule,
        "label": d.label,
        "name": d.name,
        "propsJson": json.dumps(d.props, ensure_ascii=False, sort_keys=True),
        "relType": d.rel_type,
        "fromKey": d.from_key,
        "toKey": d.to_key,
        "weak": d.weak,
        "matchId": d.match_id,
        "matchName": d.match_name,
        "candidatesJson": json.dumps(
            [c.model_dump() for c in candidates], ensure_ascii=False, sort_keys=True
        ),
    }


def _proposal(row: dict[str, Any]) -> Proposal:
    data = dict(row)
    data["props"] = json.loads(data.pop("propsJson", None) or "{}")
    data["candidates"] = json.loads(data.pop("candidatesJson", None) or "[]")
    return Proposal.model_validate(data)


SAVE = """
UNWIND $rows AS row
MERGE (p:Proposal {id: row.id})
ON CREATE SET p += row, p.createdAt = datetime()
"""

_FIELDS = (
    "id, documentId, key, kind, status, quote, start, end, at, to, rule, label, name, "
    "propsJson, relType, fromKey, toKey, weak, matchId, matchName, candidatesJson, "
    "entityId, decidedBy"
)
_PROJECTION = "p {" + ", ".join("." + f.strip() for f in _FIELDS.split(",")) + "}"

LIST = f"""
MATCH (p:Proposal {{documentId: $document}})
WHERE ($status IS NULL OR p.status = $status) AND ($kind IS NULL OR p.kind = $kind)
WITH p ORDER BY p.start, p.at, p.key
RETURN collect({_PROJECTION}) AS rows
"""

BY_IDS = f"""
UNWIND $ids AS id
MATCH (p:Proposal {{id: id}})
RETURN collect({_PROJECTION}) AS rows
"""

BY_KEYS = f"""
UNWIND $keys AS key
MATCH (p:Proposal {{documentId: $document, key: key}})
RETURN collect({_PROJECTION}) AS rows
"""

LOCK = """
UNWIND $ids AS id
MATCH (p:Proposal {id: id})
SET p._lock = true REMOVE p._lock
"""

DECIDE = """
UNWIND $rows AS row
MATCH (p:Proposal {id: row.id})
SET p.status = row.status, p.entityId = row.entityId, p.decidedBy = $actor,
    p.decidedAt = datetime()
"""

EDIT = """
MATCH (p:Proposal {id: $id})
SET p.name = $name, p.propsJson = $props, p.relType = $relType, p.matchId = $matchId,
    p.matchName = $matchName, p.updatedAt = datetime()
"""

#: A person's erasure (graph/privacy.py) drops the proposals that are them, or were
#: accepted as them, and every proposal of the same document that quotes them with
#: one of those (their relationships and co-occurrences).
_OF_PERSON = """
MATCH (p:Proposal)
WHERE p.entityId = $id OR p.matchId = $id
MATCH (q:Proposal {documentId: p.documentId})
WHERE q = p OR q.fromKey = p.key OR q.toKey = p.key
WITH DISTINCT q
"""
FORGET_PERSON = _OF_PERSON + "DETACH DELETE q RETURN count(*) AS n"
#: … and what a GDPR export shows of them: the facts proposed about the person.
PERSON_PROPOSALS = (
    _OF_PERSON
    + """ORDER BY q.documentId, q.start, q.key
RETURN q {.documentId, .kind, .status, .quote, .name, .relType, .fromKey, .toKey} AS q
"""
)

AWAITING = """
MATCH (p:Proposal {status: 'PROPOSED'}) WHERE NOT p.weak
WITH p.documentId AS id, count(*) AS pending
MATCH (d:Document {id: id})
RETURN d.id AS id, d.title AS title, pending
ORDER BY d.createdAt DESC, d.id LIMIT $first
"""

DOCUMENT = """
MATCH (d:Document {id: $id})
RETURN d {.id, .title, .text, .contentHash, .date} AS d
"""


class Awaiting(BaseModel):
    """A document with stated facts still under review."""

    id: str
    title: str
    pending: int


async def awaiting(graph: Graph, *, first: int = 20) -> list[Awaiting]:
    """The documents whose stated facts are not all decided, newest first."""

    async def work(tx: AsyncManagedTransaction) -> list[Awaiting]:
        result = await tx.run(AWAITING, first=first)
        return [Awaiting.model_validate(dict(r)) async for r in result]

    return await graph.read(work)


async def of_person_in_tx(tx: AsyncManagedTransaction, person_id: str) -> list[dict[str, Any]]:
    """The proposals that are a person or quote them with another (for their export)."""
    return [dict(r["q"]) async for r in await tx.run(PERSON_PROPOSALS, id=person_id)]


async def forget_person_in_tx(tx: AsyncManagedTransaction, person_id: str) -> int:
    """Drop the proposals that name an erased person; return how many."""
    record = await (await tx.run(FORGET_PERSON, id=person_id)).single(strict=True)
    return int(record["n"])


#: The latest decision about the same fact (key) with the same quote in another
#: document: a revised or re-exported document (another text, so another content hash)
#: proposes nothing already accepted or rejected.
EARLIER = """
UNWIND $rows AS row
MATCH (p:Proposal {key: row.key})
WHERE p.documentId <> $document AND p.quote = row.quote
  AND p.status IN ['ACCEPTED', 'REJECTED']
WITH row, p ORDER BY p.decidedAt DESC
WITH row, collect(p)[0] AS p
RETURN row.key AS key, p.status AS status, p.entityId AS entityId, p.documentId AS documentId
"""


async def save_in_tx(
    tx: AsyncManagedTransaction,
    doc_id: str,
    drafts: list[Draft],
    candidates: dict[str, list[Candidate]],
) -> None:
    if len(drafts) > MAX_PROPOSALS:
        raise InvalidInput(
            [("file", f"proposes {len(drafts):,} facts; at most {MAX_PROPOSALS:,} a document")]
        )
    rows = [_row(doc_id, d, candidates.get(d.key, [])) for d in drafts]
    for i in range(0, len(rows), 1000):
        part = [{"key": r["key"], "quote": r["quote"]} for r in rows[i : i + 1000]]
        result = await tx.run(EARLIER, rows=part, document=doc_id)
        earlier = {r["key"]: r async for r in result}
        for row in rows[i : i + 1000]:
            if (e := earlier.get(row["key"])) is not None:
                row["status"] = e["status"]
                row["entityId"] = e["entityId"]
                row["decidedBy"] = f"as in document {e['documentId']}"
    for i in range(0, len(rows), 1000):
        await tx.run(SAVE, rows=rows[i : i + 1000])


async def list_for(
    graph: Graph, doc_id: str, *, status: Status | None = None, kind: FactKind | None = None
) -> list[Proposal]:
    """The proposals of a document, in the order of their quotes."""

    async def work(tx: AsyncManagedTransaction) -> list[Proposal]:
        record = await (
            await tx.run(
                LIST,
                document=doc_id,
                status=status.value if status else None,
                kind=kind.value if kind else None,
            )
        ).single(strict=True)
        return [_proposal(r) for r in record["rows"]]

    return await graph.read(work)


async def by_ids_in_tx(tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, Proposal]:
    record = await (await tx.run(BY_IDS, ids=ids)).single(strict=True)
    return {r["id"]: _proposal(r) for r in record["rows"]}


async def by_keys_in_tx(
    tx: AsyncManagedTransaction, doc_id: str, keys: list[str]
) -> dict[str, Proposal]:
    record = await (await tx.run(BY_KEYS, document=doc_id, keys=keys)).single(strict=True)
    return {r["key"]: _proposal(r) for r in record["rows"]}


async def lock_in_tx(tx: AsyncManagedTransaction, ids: list[str]) -> None:
    """Write-lock the proposals, so two reviewers deciding one at once are serialised."""
    await tx.run(LOCK, ids=sorted(ids))


async def decide_in_tx(
    tx: AsyncManagedTransaction, rows: list[dict[str, Any]], *, actor: str
) -> None:
    await tx.run(DECIDE, rows=rows, actor=actor)


class DocumentText(BaseModel):
    id: str
    title: str
    text: str
    content_hash: str = Field(alias="contentHash")
    #: the document's date as given (partial ISO), if any
    date: str | None = None


async def document(graph: Graph, doc_id: str) -> DocumentText | None:
    """An ingested document's text (None for a document that was not ingested)."""

    async def work(tx: AsyncManagedTransaction) -> DocumentText | None:
        record = await (await tx.run(DOCUMENT, id=doc_id)).single()
        if record is None or record["d"].get("text") is None:
            return None
        return DocumentText.model_validate(record["d"])

    return await graph.read(work)


async def edit(
    graph: Graph,
    proposal: str,
    *,
    name: str | None = None,
    props: dict[str, Any] | None = None,
    rel_type: str | None = None,
    match: tuple[str, str, str] | None = None,
) -> Proposal:
    """Change what a proposal proposes before it is accepted: its name or properties, a
    co-occurrence's relationship type, or the existing entity it is (`match`: id, name
    and type, for "merge into"). Only a proposal still under review can change."""

    async def work(tx: AsyncManagedTransaction) -> Proposal:
        await lock_in_tx(tx, [proposal])
        found = (await by_ids_in_tx(tx, [proposal])).get(proposal)
        if found is None:
            raise NotFound(proposal)
        if found.status is not Status.PROPOSED:
            raise Conflict(f"proposal {proposal} is already {found.status.value.lower()}")
        if match and match[2] != found.label:
            raise InvalidInput(
                [("input.mergeInto", f"is a {match[2]}, and this proposal is a {found.label}")]
            )
        if rel_type and found.from_key is None:
            raise InvalidInput([("input.relationshipType", "this proposal is not a relationship")])
        new_props = found.props | (props or {})
        await tx.run(
            EDIT,
            id=proposal,
            name=name if name is not None else found.name,
            props=json.dumps(new_props, ensure_ascii=False, sort_keys=True),
            relType=rel_type or found.rel_type,
            matchId=match[0] if match else found.match_id,
            matchName=match[1] if match else found.match_name,
        )
        return (await by_ids_in_tx(tx, [proposal]))[proposal]

    return await graph.write(work)
