"""The Place GraphQL type."""

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
    from schema.event import Event
    from schema.organisation import Organisation
    from schema.service import Service

strawberry.enum(m.PlaceKind, description="What sort of place.")

PARENT = spec(RelType.PART_OF, "out", "Place")
CONTAINS = spec(RelType.PART_OF, "in", "Place")
EVENTS = spec(RelType.HELD_AT, "in", "Event")
ORGANISATIONS = spec(RelType.LOCATED_IN, "in", "Organisation")
SERVICES = spec(RelType.AVAILABLE_IN, "in", "Service")


@strawberry.type(description="A country, county, municipality, city, village or venue.")
class Place(Entity):
    name: str
    kind: m.PlaceKind
    name_en: str | None
    aliases: list[str]
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, x: m.Place) -> Place:
        return cls(
            id=strawberry.ID(x.id),
            name=x.name,
            kind=x.kind,
            name_en=x.name_en,
            aliases=x.aliases,
            description=x.description,
            created_at=x.created_at,
            updated_at=x.updated_at,
        )

    @strawberry.field(description="The place this one lies in.")
    async def part_of(self, info: Info) -> Annotated[Place, strawberry.lazy("schema.place")] | None:
        page = await related(info, self.id, PARENT, 1, None)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="Places inside this one.")
    async def contains(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Place, strawberry.lazy("schema.place")]]:
        return await related(info, self.id, CONTAINS, first, after)

    @strawberry.field(description="Events held here.")
    async def events(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Event, strawberry.lazy("schema.event")]]:
        return await related(info, self.id, EVENTS, first, after)

    @strawberry.field(description="Organisations located here.")
    async def organisations(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, ORGANISATIONS, first, after)

    @strawberry.field(description="Services available here.")
    async def services(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Service, strawberry.lazy("schema.service")]]:
        return await related(info, self.id, SERVICES, first, after)


@strawberry.input
class PlaceFilter:
    kind: m.PlaceKind | None = strawberry.UNSET
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )


@strawberry.input
class CreatePlaceInput:
    id: str | None = strawberry.UNSET
    name: str
    kind: m.PlaceKind
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdatePlaceInput:
    name: str | None = strawberry.UNSET
    kind: m.PlaceKind | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


PlaceResult = Annotated[
    Place | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("PlaceResult"),
]


@strawberry.type
class PlaceQuery:
    @strawberry.field(permission_classes=[CanRead], description="One place, or null.")
    async def place(self, info: Info, id: strawberry.ID) -> Place | None:
        found = await info.context.loaders.entity.load(str(id))
        return Place.from_model(found) if isinstance(found, m.Place) else None

    @strawberry.field(permission_classes=[CanRead], description="Places, filtered; paged.")
    async def places(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PlaceFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Place]:
        return await entity_list(info, "Place", first, after, filter, sort, direction)


@strawberry.type
class PlaceMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_place(self, info: Info, input: CreatePlaceInput) -> PlaceResult:
        result: Any = await create_entity(info, "Place", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_place(
        self, info: Info, id: strawberry.ID, input: UpdatePlaceInput
    ) -> PlaceResult:
        result: Any = await update_entity(info, "Place", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_place(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Place", id)
        return result  # type: ignore[no-any-return]
