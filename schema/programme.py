"""The Programme GraphQL type: projects, programmes and pilots."""

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
    update_entity,
)
from schema.errors import ConflictProblem, NotFoundProblem, ValidationProblem
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite

if TYPE_CHECKING:
    from schema.document import Document
    from schema.event import Event
    from schema.organisation import Organisation

strawberry.enum(m.ProgrammeKind, description="What sort of programme.")

EVENTS = spec(RelType.PART_OF, "in", "Event")
COMMISSIONERS = spec(RelType.COMMISSIONED, "in", "Organisation")
FUNDERS = spec(RelType.FUNDED, "in", "Organisation")
IMPLEMENTERS = spec(RelType.IMPLEMENTED, "in", "Organisation")
ORGANISERS = spec(RelType.ORGANISED, "in", "Organisation")
PARTICIPANTS = spec(RelType.ATTENDED, "in", "Person", "Organisation")
CONCERNS = spec(RelType.CONCERNS, "out", "Service", "Topic")
PRODUCED = spec(RelType.PRODUCED, "out", "Document")


@strawberry.type(description="A project, programme or pilot.")
class Programme(Entity):
    name: str
    kind: m.ProgrammeKind
    name_en: str | None
    aliases: list[str]
    description: str | None
    start_date: str | None = strawberry.field(description="Partial ISO date: 2016, 2016-11, …")
    end_date: str | None
    date_inferred: bool | None
    date_note: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, p: m.Programme) -> Programme:
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            kind=p.kind,
            name_en=p.name_en,
            aliases=p.aliases,
            description=p.description,
            start_date=p.start_date,
            end_date=p.end_date,
            date_inferred=p.date_inferred,
            date_note=p.date_note,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )

    @strawberry.field(description="Events that are part of the programme, oldest first.")
    async def events(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Event, strawberry.lazy("schema.event")]]:
        return await related(info, self.id, EVENTS, first, after)

    @strawberry.field(description="Organisations that commissioned it.")
    async def commissioners(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, COMMISSIONERS, first, after)

    @strawberry.field(description="Organisations that funded it, with amount and instrument.")
    async def funders(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, FUNDERS, first, after)

    @strawberry.field(description="Organisations that implemented it.")
    async def implementers(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, IMPLEMENTERS, first, after)

    @strawberry.field(description="Organisations that organised it.")
    async def organisers(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, ORGANISERS, first, after)

    @strawberry.field(
        description="People and organisations that took part in it (led, mentored, as a "
        "team), with role."
    )
    async def participants(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, PARTICIPANTS, first, after)

    @strawberry.field(description="The services and topics it concerned.")
    async def concerns(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, CONCERNS, first, after)

    @strawberry.field(description="Documents it produced (reports, analyses, brochures).")
    async def produced(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Document, strawberry.lazy("schema.document")]]:
        return await related(info, self.id, PRODUCED, first, after)


@strawberry.input
class ProgrammeFilter:
    kind: m.ProgrammeKind | None = strawberry.UNSET
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )
    date_from: str | None = strawberry.field(
        default=strawberry.UNSET, description="Running on this partial date or later."
    )
    date_to: str | None = strawberry.field(
        default=strawberry.UNSET, description="Running on this partial date or earlier."
    )


@strawberry.input
class CreateProgrammeInput:
    id: str | None = strawberry.UNSET
    name: str
    kind: m.ProgrammeKind
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start_date: str | None = strawberry.UNSET
    end_date: str | None = strawberry.UNSET
    date_inferred: bool | None = strawberry.UNSET
    date_note: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateProgrammeInput:
    name: str | None = strawberry.UNSET
    kind: m.ProgrammeKind | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start_date: str | None = strawberry.UNSET
    end_date: str | None = strawberry.UNSET
    date_inferred: bool | None = strawberry.UNSET
    date_note: str | None = strawberry.UNSET


ProgrammeResult = Annotated[
    Programme | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("ProgrammeResult"),
]


@strawberry.type
class ProgrammeQuery:
    @strawberry.field(permission_classes=[CanRead], description="One programme, or null.")
    async def programme(self, info: Info, id: strawberry.ID) -> Programme | None:
        found = await info.context.loaders.entity.load(str(id))
        return Programme.from_model(found) if isinstance(found, m.Programme) else None

    @strawberry.field(permission_classes=[CanRead], description="Programmes, filtered; paged.")
    async def programmes(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ProgrammeFilter | None = None,
        sort: SortField = SortField.DATE,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Programme]:
        return await entity_list(info, "Programme", first, after, filter, sort, direction)


@strawberry.type
class ProgrammeMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_programme(self, info: Info, input: CreateProgrammeInput) -> ProgrammeResult:
        result: Any = await create_entity(info, "Programme", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_programme(
        self, info: Info, id: strawberry.ID, input: UpdateProgrammeInput
    ) -> ProgrammeResult:
        result: Any = await update_entity(info, "Programme", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_programme(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Programme", id)
        return result  # type: ignore[no-any-return]
