"""Ingesting a document: its text stored once (by content hash), the facts the rules
find proposed for review, each entity looked up among the existing ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from neo4j import AsyncManagedTransaction
from pydantic import ValidationError

from graph import entities
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.ingest import resolve, store
from graph.ingest.facts import Draft
from graph.ingest.formats import MAX_CHARS, normalise
from graph.ingest.propose import propose
from graph.models.common import partial_date_bounds
from graph.models.registry import REGISTRY

#: Labels whose proposed entities are looked up among the existing ones.
RESOLVED: Final = ("Organisation", "Person", "Place")


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the caller says about a document (its title is required)."""

    title: str
    kind: str = "OTHER"
    language: str | None = "et"
    date: str | None = None
    url: str | None = None
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    document_id: str
    #: False when the same text was ingested before: nothing new was proposed
    created: bool
    proposals: list[store.Proposal]


def _reference(meta: DocumentMeta) -> date | None:
    if not meta.date:
        return None
    try:
        return date.fromisoformat(partial_date_bounds(meta.date)[0])
    except ValueError:
        return None


async def ingest_text(graph: Graph, text: str, meta: DocumentMeta, *, actor: str) -> Ingested:
    """Store `text` as a document and propose its facts; a text ingested before (the
    same content hash) is not stored or proposed again: its proposals are returned."""
    text = normalise(text)
    if not text.strip():
        raise InvalidInput([("text", "holds no text")])
    if len(text) > MAX_CHARS:
        raise InvalidInput([("text", f"holds {len(text):,} characters; at most {MAX_CHARS:,}")])
    doc_id = store.document_id(text)
    known = await store.document(graph, doc_id)
    if known is not None:
        return Ingested(doc_id, False, await store.list_for(graph, doc_id))
    try:
        doc_input = REGISTRY["Document"].create.model_validate(
            {
                "id": doc_id,
                "title": meta.title,
                "kind": meta.kind,
                "language": meta.language,
                "date": meta.date,
                "url": meta.url,
                "file": meta.file,
            }
        )
    except ValidationError as e:
        raise InvalidInput(
            [(".".join(str(p) for p in err["loc"]), err["msg"]) for err in e.errors()]
        ) from None
    drafts = propose(text, reference=_reference(meta))
    found = await _resolve(graph, drafts)

    async def work(tx: AsyncManagedTransaction) -> bool:
        if await (await tx.run("MATCH (d:Document {id: $id}) RETURN d.id", id=doc_id)).single():
            return False  # a concurrent ingest of the same text won
        extra = {"text": text, "contentHash": store.content_hash(text)}
        await entities.create_in_tx(tx, "Document", doc_input, actor=actor, extra=extra)
        await store.save_in_tx(tx, doc_id, drafts, found)
        return True

    created = await graph.write(work)
    return Ingested(doc_id, created, await store.list_for(graph, doc_id))


async def _resolve(graph: Graph, drafts: list[Draft]) -> dict[str, list[store.Candidate]]:
    """Look every proposed organisation, person and place up; a sure match becomes the
    draft's `match_id` (the fact is then about the existing entity)."""
    out: dict[str, list[store.Candidate]] = {}
    for d in drafts:
        if d.label not in RESOLVED or not d.name:
            continue
        found = await resolve.candidates(graph, d.name, [d.label])
        for alias in d.props.get("aliases", []):
            if not any(c.exact for c in found):
                found = await resolve.candidates(graph, alias, [d.label]) or found
        sure = resolve.same(d.name, found)
        if sure is not None:
            d.match_id, d.match_name = sure.id, sure.name
        out[d.key] = [
            store.Candidate(id=c.id, label=c.label, name=c.name, score=c.score) for c in found
        ]
    return out
