"""The Topic GraphQL type."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

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

CONCERNED_BY = spec(RelType.CONCERNS, "in", "Event", "Programme")


@strawberry.type(description="A subject events and programmes are about.")
class Topic(Entity):
    name: str
    name_en: str | None
    aliases: list[str]
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, x: m.Topic) -> Topic:
        return cls(
            id=strawberry.ID(x.id),
            name=x.name,
            name_en=x.name_en,
            aliases=x.aliases,
            description=x.description,
            created_at=x.created_at,
            updated_at=x.updated_at,
        )

    @strawberry.field(description="Events and programmes about it.")
    async def concerned_by(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Entity]:
        return await related(info, self.id, CONCERNED_BY, first, after)


@strawberry.input
class TopicFilter:
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )


@strawberry.input
class CreateTopicInput:
    id: str | None = strawberry.UNSET
    name: str
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateTopicInput:
    name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


TopicResult = Annotated[
    Topic | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("TopicResult"),
]


@strawberry.type
class TopicQuery:
    @strawberry.field(permission_classes=[CanRead], description="One topic, or null.")
    async def topic(self, info: Info, id: strawberry.ID) -> Topic | None:
        found = await info.context.loaders.entity.load(str(id))
        return Topic.from_model(found) if isinstance(found, m.Topic) else None

    @strawberry.field(permission_classes=[CanRead], description="Topics, filtered; paged.")
    async def topics(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: TopicFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Topic]:
        return await entity_list(info, "Topic", first, after, filter, sort, direction)


@strawberry.type
class TopicMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_topic(self, info: Info, input: CreateTopicInput) -> TopicResult:
        result: Any = await create_entity(info, "Topic", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_topic(
        self, info: Info, id: strawberry.ID, input: UpdateTopicInput
    ) -> TopicResult:
        result: Any = await update_entity(info, "Topic", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_topic(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Topic", id)
        return result  # type: ignore[no-any-return]
