"""The ServiceCategory GraphQL type."""

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
    from schema.service import Service

SERVICES = spec(RelType.IN_CATEGORY, "in", "Service")


@strawberry.type(
    description="A category of public services (Kultuur, Noorsootöö, Sotsiaalhoolekanne, …)."
)
class ServiceCategory(Entity):
    name: str
    examples: list[str]
    name_en: str | None
    aliases: list[str]
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, x: m.ServiceCategory) -> ServiceCategory:
        return cls(
            id=strawberry.ID(x.id),
            name=x.name,
            examples=x.examples,
            name_en=x.name_en,
            aliases=x.aliases,
            description=x.description,
            created_at=x.created_at,
            updated_at=x.updated_at,
        )

    @strawberry.field(description="Services in this category.")
    async def services(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Service, strawberry.lazy("schema.service")]]:
        return await related(info, self.id, SERVICES, first, after)


@strawberry.input
class ServiceCategoryFilter:
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )


@strawberry.input
class CreateServiceCategoryInput:
    id: str | None = strawberry.UNSET
    name: str
    examples: list[str] | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateServiceCategoryInput:
    name: str | None = strawberry.UNSET
    examples: list[str] | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


ServiceCategoryResult = Annotated[
    ServiceCategory | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("ServiceCategoryResult"),
]


@strawberry.type
class ServiceCategoryQuery:
    @strawberry.field(permission_classes=[CanRead], description="One service category, or null.")
    async def service_category(self, info: Info, id: strawberry.ID) -> ServiceCategory | None:
        found = await info.context.loaders.entity.load(str(id))
        return ServiceCategory.from_model(found) if isinstance(found, m.ServiceCategory) else None

    @strawberry.field(
        permission_classes=[CanRead], description="Service categories, filtered; paged."
    )
    async def service_categories(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ServiceCategoryFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[ServiceCategory]:
        return await entity_list(info, "ServiceCategory", first, after, filter, sort, direction)


@strawberry.type
class ServiceCategoryMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_service_category(
        self, info: Info, input: CreateServiceCategoryInput
    ) -> ServiceCategoryResult:
        result: Any = await create_entity(info, "ServiceCategory", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_service_category(
        self, info: Info, id: strawberry.ID, input: UpdateServiceCategoryInput
    ) -> ServiceCategoryResult:
        result: Any = await update_entity(info, "ServiceCategory", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_service_category(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "ServiceCategory", id)
        return result  # type: ignore[no-any-return]
