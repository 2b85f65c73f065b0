"""The Task GraphQL type: a follow-up with a due date, status and assignee."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from graph import crm, keys
from graph.entities import SortDirection, SortField
from graph.errors import GraphError
from graph.models import entities as m
from schema.context import Info
from schema.entity import (
    DeleteResult,
    Entity,
    delete_owned_entity,
    entity_list,
    to_node,
    update_owned_entity,
)
from schema.errors import NotFoundProblem, ValidationProblem, problem_for
from schema.inputs import parse
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite

strawberry.enum(m.TaskStatus, description="Where a task stands.")


@strawberry.type(description="A follow-up task, about zero or more entities.")
class Task(Entity):
    title: str
    due_date: date | None
    status: m.TaskStatus
    assignee: str | None
    description: str | None
    author: str | None = strawberry.field(description="The API key that created it.")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, t: m.Task) -> Task:
        return cls(
            id=strawberry.ID(t.id),
            title=t.title,
            due_date=t.due_date,
            status=t.status,
            assignee=t.assignee,
            description=t.description,
            author=t.author,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )

    @strawberry.field(description="The name of the person whose API key created it.")
    def author_name(self) -> str | None:
        return keys.name_of(self.author) if self.author else None

    @strawberry.field(description="The entities the task concerns.")
    async def about(self, info: Info) -> list[Entity]:
        return [to_node(x) for x in await info.context.loaders.concerns.load(str(self.id))]


@strawberry.input
class TaskFilter:
    status: m.TaskStatus | None = strawberry.UNSET
    due_before: date | None = strawberry.field(
        default=strawberry.UNSET, description="Due before this day (not on it)."
    )
    assignee: str | None = strawberry.UNSET
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of the title, accent-insensitive."
    )


@strawberry.input
class CreateTaskInput:
    id: str | None = strawberry.UNSET
    title: str
    about: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Ids of the entities it concerns."
    )
    due_date: date | None = strawberry.UNSET
    status: m.TaskStatus | None = strawberry.UNSET
    assignee: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateTaskInput:
    title: str | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    status: m.TaskStatus | None = strawberry.UNSET
    assignee: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


TaskResult = Annotated[Task | ValidationProblem | NotFoundProblem, strawberry.union("TaskResult")]


@strawberry.type
class TaskQuery:
    @strawberry.field(permission_classes=[CanRead], description="One task, or null.")
    async def task(self, info: Info, id: strawberry.ID) -> Task | None:
        found = await info.context.loaders.entity.load(str(id))
        return Task.from_model(found) if isinstance(found, m.Task) else None

    @strawberry.field(
        permission_classes=[CanRead], description="Tasks, by due date (undated first); paged."
    )
    async def tasks(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: TaskFilter | None = None,
        sort: SortField = SortField.DATE,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Task]:
        return await entity_list(info, "Task", first, after, filter, sort, direction)


@strawberry.type
class TaskMutation:
    @strawberry.mutation(permission_classes=[CanWrite], description="Add a follow-up task.")
    async def create_task(self, info: Info, input: CreateTaskInput) -> TaskResult:
        data = parse(m.TaskCreate, input)
        if isinstance(data, ValidationProblem):
            return data
        try:
            task = await crm.create_task(info.context.graph, data, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)  # type: ignore[return-value]
        return Task.from_model(task)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Change a task: its author or an admin only; its assignee (the name of "
        "the assignee's key) may change its status.",
    )
    async def update_task(
        self, info: Info, id: strawberry.ID, input: UpdateTaskInput
    ) -> TaskResult:
        result: Any = await update_owned_entity(info, "Task", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(
        permission_classes=[CanWrite], description="Delete a task: its author or an admin only."
    )
    async def delete_task(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_owned_entity(info, "Task", id)
        return result  # type: ignore[no-any-return]
