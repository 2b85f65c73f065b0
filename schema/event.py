"""The Event GraphQL type: meetings, seminars, trainings, forums, info days, …"""

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
    from schema.organisation import Organisation
    from schema.place import Place

strawberry.enum(m.EventKind, description="What sort of event.")

ATTENDEES = spec(RelType.ATTENDED, "in", "Person", "Organisation")
ORGANISERS = spec(RelType.ORGANISED, "in", "Organisation")
FUNDERS = spec(RelType.FUNDED, "in", "Organisation")
PLACE = spec(RelType.HELD_AT, "out", "Place")
PART_OF = spec(RelType.PART_OF, "out", "Programme", "Event")
PARTS = spec(RelType.PART_OF, "in", "Event")
CONCERNS = spec(RelType.CONCERNS, "out", "Service", "Topic")


@strawberry.type(description="A meeting, seminar, training, forum part, info day, call, …")
class Event(Entity):
    name: str
    kind: m.EventKind
    name_en: str | None
    aliases: list[str]
    description: str | None
    start_date: str | None = strawberry.field(description="Partial ISO date: 2016, 2016-11, …")
    end_date: str | None
    date_inferred: bool | None = strawberry.field(
        description="True when the date was worked out rather than stated in the source."
    )
    date_note: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, e: m.Event) -> Event:
        return cls(
            id=strawberry.ID(e.id),
            name=e.name,
            kind=e.kind,
            name_en=e.name_en,
            aliases=e.aliases,
            description=e.description,
            start_date=e.start_date,
            end_date=e.end_date,
            date_inferred=e.date_inferred,
            date_note=e.date_note,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )

    @strawberry.field(description="People and organisations that took part, with their role.")
    async def attendees(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, ATTENDEES, first, after)

    @strawberry.field(description="Organisations that organised it.")
    async def organisers(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, ORGANISERS, first, after)

    @strawberry.field(description="Organisations that funded it, with amount and instrument.")
    async def funders(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, FUNDERS, first, after)

    @strawberry.field(description="Where it was held.")
    async def place(self, info: Info) -> Annotated[Place, strawberry.lazy("schema.place")] | None:
        page = await related(info, self.id, PLACE, 1, None)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="The programmes or event series it belongs to.")
    async def part_of(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, PART_OF, first, after)

    @strawberry.field(description="Events that are part of this one (a series' meetings).")
    async def parts(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Event]:
        return await related(info, self.id, PARTS, first, after)

    @strawberry.field(description="The services and topics it concerned.")
    async def concerns(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, CONCERNS, first, after)


@strawberry.input
class EventFilter:
    kind: m.EventKind | None = strawberry.UNSET
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )
    place: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Held at this place or somewhere inside it."
    )
    date_from: str | None = strawberry.field(
        default=strawberry.UNSET, description="Overlapping this partial date or later."
    )
    date_to: str | None = strawberry.field(
        default=strawberry.UNSET, description="Overlapping this partial date or earlier."
    )


@strawberry.input
class CreateEventInput:
    id: str | None = strawberry.UNSET
    name: str
    kind: m.EventKind
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start_date: str | None = strawberry.UNSET
    end_date: str | None = strawberry.UNSET
    date_inferred: bool | None = strawberry.UNSET
    date_note: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateEventInput:
    name: str | None = strawberry.UNSET
    kind: m.EventKind | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start_date: str | None = strawberry.UNSET
    end_date: str | None = strawberry.UNSET
    date_inferred: bool | None = strawberry.UNSET
    date_note: str | None = strawberry.UNSET


EventResult = Annotated[
    Event | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("EventResult"),
]


@strawberry.type
class EventQuery:
    @strawberry.field(permission_classes=[CanRead], description="One event, or null.")
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        found = await info.context.loaders.entity.load(str(id))
        return Event.from_model(found) if isinstance(found, m.Event) else None

    @strawberry.field(permission_classes=[CanRead], description="Events, filtered; paged.")
    async def events(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: EventFilter | None = None,
        sort: SortField = SortField.DATE,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Event]:
        return await entity_list(info, "Event", first, after, filter, sort, direction)


@strawberry.type
class EventMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_event(self, info: Info, input: CreateEventInput) -> EventResult:
        result: Any = await create_entity(info, "Event", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_event(
        self, info: Info, id: strawberry.ID, input: UpdateEventInput
    ) -> EventResult:
        result: Any = await update_entity(info, "Event", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_event(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Event", id)
        return result  # type: ignore[no-any-return]
