"""Where facts come from: an entity's sources, and what a document is cited for and
supports (fields of every entity and of documents)."""

from __future__ import annotations

import strawberry

from graph.models.common import Stored
from graph.models.relationships import RelType
from schema.context import Info
from schema.entity import Entity, ExtraField, Source


@strawberry.type(description="An entity a document is a source for, with the quote.")
class Citation:
    node: Stored = strawberry.field(graphql_type=Entity)
    quote: str


@strawberry.type(description="A relationship a document supports, with the quotes.")
class SupportedRelationship:
    type: RelType
    from_id: strawberry.Private[str]
    to_id: strawberry.Private[str]
    quotes: list[str]

    @strawberry.field(name="from", graphql_type=Entity | None)
    async def from_(self, info: Info) -> Stored | None:
        return await info.context.loaders.entity.load(self.from_id)

    @strawberry.field(graphql_type=Entity | None)
    async def to(self, info: Info) -> Stored | None:
        return await info.context.loaders.entity.load(self.to_id)


async def sources(root: Stored, info: Info) -> list[Source]:
    found = await info.context.loaders.sources.load(root.id)
    return [Source(document_id=c.document_id, quote=c.quote) for c in found]


async def cited_for(root: Stored, info: Info) -> list[Citation]:
    found = await info.context.loaders.cited.load(root.id)
    return [Citation(node=c.node, quote=c.quote) for c in found]


async def supports(root: Stored, info: Info) -> list[SupportedRelationship]:
    found = await info.context.loaders.supported.load(root.id)
    return [
        SupportedRelationship(type=s.type, from_id=s.from_id, to_id=s.to_id, quotes=s.quotes)
        for s in found
    ]


FIELDS = (
    ExtraField("*", "sources", sources, "Where this comes from: documents and the quotes in them."),
    ExtraField(
        "Document",
        "citedFor",
        cited_for,
        "Entities this document is a source for, with the quotes.",
    ),
    ExtraField(
        "Document", "supports", supports, "Relationships this document supports, with the quotes."
    ),
)
