"""Ingesting a document: its text stored once (by content hash), the facts the rules
find proposed for review, each entity looked up among the existing ones first."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import ValidationError

from graph import entities
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.ingest import resolve, store
from graph.ingest.dates import without_year
from graph.ingest.facts import Draft
from graph.ingest.formats import MAX_CHARS, normalise
from graph.ingest.propose import propose
from graph.models.common import Model, partial_date_bounds
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
    #: (line, as written) of each date whose year neither the text nor the document's
    #: date gives: what it dates is not proposed
    without_year: list[tuple[int, str]] = field(default_factory=list)


def _reference(given: str | None) -> tuple[date | None, int | None]:
    """The document's date for `propose`: a day or month as the reference, a year alone
    as the year of what the document is about."""
    if not given:
        return None, None
    try:
        first = date.fromisoformat(partial_date_bounds(given)[0])
    except ValueError:
        return None, None
    return (None, first.year) if len(given) == 4 else (first, None)


async def ingest_text(graph: Graph, text: str, meta: DocumentMeta, *, actor: str) -> Ingested:
    """Store `text` as a document and propose its facts; a text ingested before (the
    same content hash) is not stored or proposed again: its proposals are returned. Given
    again with a new date, the document takes that date, and the facts the date now
    dates are proposed too (`_redate`)."""
    text = normalise(text)
    if not text.strip():
        raise InvalidInput([("text", "holds no text")])
    if len(text) > MAX_CHARS:
        raise InvalidInput([("text", f"holds {len(text):,} characters; at most {MAX_CHARS:,}")])
    doc_id = store.document_id(text)
    known = await store.document(graph, doc_id)
    if known is not None:
        if meta.date and meta.date != known.date:
            await _redate(graph, doc_id, text, meta, actor=actor)
        date = meta.date or known.date
        return Ingested(
            doc_id, False, await store.list_for(graph, doc_id), dates_without_year(text, date)
        )
    doc_input = _validated(
        REGISTRY["Document"].create,
        {
            "id": doc_id,
            "title": meta.title,
            "kind": meta.kind,
            "language": meta.language,
            "date": meta.date,
            "url": meta.url,
            "file": meta.file,
        },
    )
    drafts, found = await _proposed(graph, text, meta.date)

    async def work(tx: AsyncManagedTransaction) -> bool:
        if await (await tx.run("MATCH (d:Document {id: $id}) RETURN d.id", id=doc_id)).single():
            return False  # a concurrent ingest of the same text won
        extra = {"text": text, "contentHash": store.content_hash(text)}
        await entities.create_in_tx(tx, "Document", doc_input, actor=actor, extra=extra)
        await store.save_in_tx(tx, doc_id, drafts, found)
        return True

    created = await graph.write(work)
    return Ingested(
        doc_id, created, await store.list_for(graph, doc_id), dates_without_year(text, meta.date)
    )


async def _redate(graph: Graph, doc_id: str, text: str, meta: DocumentMeta, *, actor: str) -> None:
    """A document ingested before, given a date now ("09.04" had no year then): the
    document takes the date (audited), and what the rules propose with it is added.
    Proposals made before are kept as they are, decided or not (the same fact has the
    same proposal: `store.save_in_tx` creates only new ones)."""
    patch = _validated(REGISTRY["Document"].update, {"date": meta.date})
    changes = entities.properties("Document", patch, partial=True)
    drafts, found = await _proposed(graph, text, meta.date)

    async def work(tx: AsyncManagedTransaction) -> None:
        await entities.update_in_tx(tx, "Document", doc_id, changes, actor=actor)
        await store.save_in_tx(tx, doc_id, drafts, found)

    await graph.write(work)


def _validated(model: type[Model], data: dict[str, Any]) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InvalidInput.of(e) from None


async def _proposed(
    graph: Graph, text: str, date: str | None
) -> tuple[list[Draft], dict[str, list[store.Candidate]]]:
    """What the rules propose from `text` (of a document dated `date`), looked up."""
    reference, year = _reference(date)
    drafts = propose(text, reference=reference, year=year)
    return drafts, await _resolve(graph, drafts)


def dates_without_year(
    text: str, date: str | None, *, digest: str | None = None
) -> list[tuple[int, str]]:
    """(line, as written) of each date of `text` that neither the text nor the document's
    `date` gives a year. A stored document's text never changes (its id is its content
    hash, `digest` when the caller has it), so the answer is kept for the documents read
    most recently, at most `_WITHOUT_YEAR_KEPT` dates in all (a document may hold
    hundreds of thousands): the review page asks for it on every read, and a long text
    takes a second to scan."""
    key = (digest or store.content_hash(text), date)
    found = _WITHOUT_YEAR.get(key)
    if found is not None:
        _WITHOUT_YEAR.move_to_end(key)
        return list(found)
    reference, year = _reference(date)
    found = [
        (text.count("\n", 0, d.begin) + 1, text[d.begin : d.finish].strip())
        for d in without_year(text, reference=reference, year=year)
    ]
    _WITHOUT_YEAR[key] = found  # the most recent; a document over the bound is not kept
    while sum(map(len, _WITHOUT_YEAR.values())) > _WITHOUT_YEAR_KEPT:
        _WITHOUT_YEAR.popitem(last=False)
    return list(found)


#: `dates_without_year` of the documents read most recently, oldest first.
_WITHOUT_YEAR: OrderedDict[tuple[str, str | None], list[tuple[int, str]]] = OrderedDict()
#: At most this many dates kept in all.
_WITHOUT_YEAR_KEPT: Final = 20_000


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
