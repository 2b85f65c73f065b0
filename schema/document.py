"""The Document GraphQL type: a source, and everything it supports."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.entities import SortDirection, SortField
from graph.models import entities as m
from graph.models.relationships import RelType
from schema.context import Info
from schema.entity import (
    DeleteResult,
    Entity,
    RelatedConnection,
    create_entity,
    delete_entity,
    entity_list,
    related,
    spec,
    to_node,
    update_entity,
)
from schema.errors import ConflictProblem, NotFoundProblem, ValidationProblem
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite

if TYPE_CHECKING:
    from schema.organisation import Organisation
    from schema.programme import Programme

strawberry.enum(m.DocumentKind, description="What sort of document.")

PRODUCED_BY = spec(RelType.PRODUCED, "in", "Programme")


@strawberry.type(description="An entity a document is a source for, with the quote.")
class Citation:
    node: Entity
    quote: str


@strawberry.type(description="A relationship a document supports, with the quotes.")
class SupportedRelationship:
    type: RelType
    from_id: strawberry.Private[str]
    to_id: strawberry.Private[str]
    quotes: list[str]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Entity | None:
        found = await info.context.loaders.entity.load(self.from_id)
        return to_node(found) if found else None

    @strawberry.field
    async def to(self, info: Info) -> Entity | None:
        found = await info.context.loaders.entity.load(self.to_id)
        return to_node(found) if found else None


@strawberry.type(description="A source: web page, brochure, report, press release, …")
class Document(Entity):
    title: str
    kind: m.DocumentKind
    language: str | None
    date: str | None = strawberry.field(description="Partial ISO date of publication.")
    url: str | None
    file: str | None = strawberry.field(description="The text file of the source, if kept.")
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None
    publisher_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, d: m.Document) -> Document:
        return cls(
            id=strawberry.ID(d.id),
            title=d.title,
            kind=d.kind,
            language=d.language,
            date=d.date,
            url=d.url,
            file=d.file,
            description=d.description,
            created_at=d.created_at,
            updated_at=d.updated_at,
            publisher_id=d.publisher,
        )

    @strawberry.field(description="The document's title (same as `title`).")
    def name(self) -> str:
        return self.title

    @strawberry.field(description="The organisation that published it.")
    async def publisher(
        self, info: Info
    ) -> Annotated[Organisation, strawberry.lazy("schema.organisation")] | None:
        if not self.publisher_id:
            return None
        found = await info.context.loaders.organisation.load(self.publisher_id)
        if found is None:
            return None
        from schema.organisation import Organisation

        return Organisation.from_model(found)

    @strawberry.field(description="Programmes that produced it.")
    async def produced_by(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Programme, strawberry.lazy("schema.programme")]]:
        return await related(info, self.id, PRODUCED_BY, first, after)

    @strawberry.field(description="Entities this document is a source for, with the quotes.")
    async def cited_for(self, info: Info) -> list[Citation]:
        found = await info.context.loaders.cited.load(str(self.id))
        return [Citation(node=to_node(c.node), quote=c.quote) for c in found]

    @strawberry.field(description="Relationships this document supports, with the quotes.")
    async def supports(self, info: Info) -> list[SupportedRelationship]:
        found = await info.context.loaders.supported.load(str(self.id))
        return [
            SupportedRelationship(type=s.type, from_id=s.from_id, to_id=s.to_id, quotes=s.quotes)
            for s in found
        ]


@strawberry.input
class DocumentFilter:
    kind: m.DocumentKind | None = strawberry.UNSET
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of the title, accent-insensitive."
    )
    date_from: str | None = strawberry.UNSET
    date_to: str | None = strawberry.UNSET


@strawberry.input
class CreateDocumentInput:
    id: str | None = strawberry.UNSET
    title: str
    kind: m.DocumentKind
    language: str | None = strawberry.UNSET
    date: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    file: str | None = strawberry.UNSET
    publisher: strawberry.ID | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateDocumentInput:
    title: str | None = strawberry.UNSET
    kind: m.DocumentKind | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    date: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


DocumentResult = Annotated[
    Document | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("DocumentResult"),
]


@strawberry.type
class DocumentQuery:
    @strawberry.field(permission_classes=[CanRead], description="One document, or null.")
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        found = await info.context.loaders.entity.load(str(id))
        return Document.from_model(found) if isinstance(found, m.Document) else None

    @strawberry.field(permission_classes=[CanRead], description="Source documents; paged.")
    async def documents(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: DocumentFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Document]:
        return await entity_list(info, "Document", first, after, filter, sort, direction)


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_document(self, info: Info, input: CreateDocumentInput) -> DocumentResult:
        result: Any = await create_entity(info, "Document", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_document(
        self, info: Info, id: strawberry.ID, input: UpdateDocumentInput
    ) -> DocumentResult:
        result: Any = await update_entity(info, "Document", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_document(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Document", id)
        return result  # type: ignore[no-any-return]
