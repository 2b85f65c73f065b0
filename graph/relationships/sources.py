"""Sources: the documents an entity is cited in (`CITED_IN` edges, with quotes), and,
per document, the entities and relationships it supports."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.driver import Graph
from graph.labels import ENTITY_LABELS
from graph.models.common import Stored
from graph.models.registry import to_model
from graph.models.relationships import RelType


class Citation(BaseModel):
    document_id: str
    quote: str


SOURCES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[c:CITED_IN]->(d:Document)
WITH id, d, c ORDER BY d.id, c.quote
RETURN id, collect({document: d.id, quote: c.quote}) AS sources
"""


async def sources_many(graph: Graph, ids: list[str]) -> dict[str, list[Citation]]:
    """The documents (and quotes) each entity is cited in."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Citation]]:
        result = await tx.run(SOURCES, ids=ids)
        return {
            r["id"]: [Citation(document_id=s["document"], quote=s["quote"]) for s in r["sources"]]
            async for r in result
        }

    return await graph.read(work)


class Cited(BaseModel):
    """An entity a document is cited for, with the quote."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    node: Stored
    quote: str


CITED = """
UNWIND $ids AS id
MATCH (n:Entity)-[c:CITED_IN]->(:Document {id: id})
WITH id, n, c ORDER BY n.sortKey, n.id, c.quote
RETURN id, collect({node: n {.*}, label: [l IN labels(n) WHERE l IN $labels][0],
                    quote: c.quote}) AS items
"""


async def cited_many(graph: Graph, document_ids: list[str]) -> dict[str, list[Cited]]:
    """Per document: the entities it is a source for, with the quotes."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Cited]]:
        result = await tx.run(CITED, ids=document_ids, labels=list(ENTITY_LABELS))
        return {
            r["id"]: [
                Cited(node=to_model(x["label"], x["node"]), quote=x["quote"]) for x in r["items"]
            ]
            async for r in result
        }

    return await graph.read(work)


class Supported(BaseModel):
    """A relationship a document supports."""

    type: RelType
    from_id: str
    to_id: str
    quotes: list[str]


SUPPORTED = """
UNWIND $ids AS id
MATCH (a:Entity)-[r]->(b:Entity)
WHERE id IN r.sourceIds
WITH id, a, r, b ORDER BY type(r), a.id, b.id
RETURN id, collect({type: type(r), from: a.id, to: b.id,
  quotes: [i IN range(0, size(r.sourceIds) - 1) WHERE r.sourceIds[i] = id
           | coalesce(r.evidence[i], '')]}) AS rels
"""


async def supported_many(graph: Graph, document_ids: list[str]) -> dict[str, list[Supported]]:
    """Per document: the relationships that name it in `sourceIds`, with the quotes.

    A scan of relationships (list membership cannot use an index); fine at the size
    of a stakeholder network, batched for all documents of a request.
    """

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Supported]]:
        result = await tx.run(SUPPORTED, ids=document_ids)
        return {
            r["id"]: [
                Supported(
                    type=RelType(x["type"]), from_id=x["from"], to_id=x["to"], quotes=x["quotes"]
                )
                for x in r["rels"]
            ]
            async for r in result
        }

    return await graph.read(work)
