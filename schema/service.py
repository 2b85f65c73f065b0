"""The Service GraphQL type."""

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
    from schema.service_category import ServiceCategory

PROVIDERS = spec(RelType.PROVIDES, "in", "Organisation")
COMMISSIONERS = spec(RelType.COMMISSIONED, "in", "Organisation")
CATEGORIES = spec(RelType.IN_CATEGORY, "out", "ServiceCategory")
PLACES = spec(RelType.AVAILABLE_IN, "out", "Place")
CONCERNED_BY = spec(RelType.CONCERNS, "in", "Event", "Programme")


@strawberry.type(description="A public service (delegated, commissioned or provided).")
class Service(Entity):
    name: str
    name_en: str | None
    aliases: list[str]
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, x: m.Service) -> Service:
        return cls(
            id=strawberry.ID(x.id),
            name=x.name,
            name_en=x.name_en,
            aliases=x.aliases,
            description=x.description,
            created_at=x.created_at,
            updated_at=x.updated_at,
        )

    @strawberry.field(description="Organisations that provide it, with basis and dates.")
    async def providers(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, PROVIDERS, first, after)

    @strawberry.field(description="Organisations that commission it.")
    async def commissioners(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, COMMISSIONERS, first, after)

    @strawberry.field(description="Its service category.")
    async def category(
        self, info: Info
    ) -> Annotated[ServiceCategory, strawberry.lazy("schema.service_category")] | None:
        page = await related(info, self.id, CATEGORIES, 1, None)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="All its service categories.")
    async def categories(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[ServiceCategory, strawberry.lazy("schema.service_category")]]:
        return await related(info, self.id, CATEGORIES, first, after)

    @strawberry.field(description="Where it is available.")
    async def places(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Place, strawberry.lazy("schema.place")]]:
        return await related(info, self.id, PLACES, first, after)

    @strawberry.field(description="Events and programmes about it.")
    async def concerned_by(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, CONCERNED_BY, first, after)


@strawberry.input
class ServiceFilter:
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )


@strawberry.input
class CreateServiceInput:
    id: str | None = strawberry.UNSET
    name: str
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateServiceInput:
    name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


ServiceResult = Annotated[
    Service | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("ServiceResult"),
]


@strawberry.type
class ServiceQuery:
    @strawberry.field(permission_classes=[CanRead], description="One service, or null.")
    async def service(self, info: Info, id: strawberry.ID) -> Service | None:
        found = await info.context.loaders.entity.load(str(id))
        return Service.from_model(found) if isinstance(found, m.Service) else None

    @strawberry.field(permission_classes=[CanRead], description="Public services, filtered; paged.")
    async def services(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ServiceFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Service]:
        return await entity_list(info, "Service", first, after, filter, sort, direction)


@strawberry.type
class ServiceMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_service(self, info: Info, input: CreateServiceInput) -> ServiceResult:
        result: Any = await create_entity(info, "Service", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_service(
        self, info: Info, id: strawberry.ID, input: UpdateServiceInput
    ) -> ServiceResult:
        result: Any = await update_entity(info, "Service", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_service(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Service", id)
        return result  # type: ignore[no-any-return]
