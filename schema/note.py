"""The Note GraphQL type: a note about one or more entities."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from graph import crm, keys
from graph.errors import GraphError
from graph.models import entities as m
from schema.context import Info
from schema.entity import DeleteResult, Entity, delete_owned_entity, to_node, update_owned_entity
from schema.errors import NotFoundProblem, ValidationProblem, problem_for
from schema.inputs import parse
from schema.permissions import CanWrite


@strawberry.type(description="A note about one or more entities.")
class Note(Entity):
    body: str
    author: str | None = strawberry.field(description="The API key that wrote it.")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, n: m.Note) -> Note:
        return cls(
            id=strawberry.ID(n.id),
            body=n.body,
            author=n.author,
            created_at=n.created_at,
            updated_at=n.updated_at,
        )

    @strawberry.field(description="The name of the person whose API key wrote it.")
    def author_name(self) -> str | None:
        return keys.name_of(self.author) if self.author else None

    @strawberry.field(description="The entities the note is about.")
    async def about(self, info: Info) -> list[Entity]:
        return [to_node(x) for x in await info.context.loaders.concerns.load(str(self.id))]


@strawberry.input
class CreateNoteInput:
    id: str | None = strawberry.UNSET
    about: list[strawberry.ID] = strawberry.field(description="Ids of the entities (1–20).")
    body: str


@strawberry.input
class UpdateNoteInput:
    body: str | None = strawberry.UNSET


NoteResult = Annotated[Note | ValidationProblem | NotFoundProblem, strawberry.union("NoteResult")]


@strawberry.type
class NoteMutation:
    @strawberry.mutation(permission_classes=[CanWrite], description="Add a note about entities.")
    async def create_note(self, info: Info, input: CreateNoteInput) -> NoteResult:
        data = parse(m.NoteCreate, input)
        if isinstance(data, ValidationProblem):
            return data
        try:
            note = await crm.create_note(info.context.graph, data, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)  # type: ignore[return-value]
        return Note.from_model(note)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Change a note: its author or an admin only.",
    )
    async def update_note(
        self, info: Info, id: strawberry.ID, input: UpdateNoteInput
    ) -> NoteResult:
        result: Any = await update_owned_entity(info, "Note", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(
        permission_classes=[CanWrite], description="Delete a note: its author or an admin only."
    )
    async def delete_note(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_owned_entity(info, "Note", id)
        return result  # type: ignore[no-any-return]
