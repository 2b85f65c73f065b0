"""The CRM's "about" ties: the notes and tasks about any entity, and what a note or
task is about (fields of every entity, of Note and of Task)."""

from __future__ import annotations

from collections.abc import Callable
from types import GenericAlias
from typing import Any

from graph.models.common import Stored
from schema.context import Info
from schema.entity import Entity, ExtraField


async def notes(root: Stored, info: Info) -> list[Stored]:
    return await info.context.loaders.notes.load(root.id)


async def tasks(root: Stored, info: Info) -> list[Stored]:
    return await info.context.loaders.tasks.load(root.id)


async def about(root: Stored, info: Info) -> list[Stored]:
    return await info.context.loaders.concerns.load(root.id)


def _list_of(label: str) -> Callable[[Callable[[str], Any]], Any]:
    def returns(ref: Callable[[str], Any]) -> Any:
        return GenericAlias(list, (ref(label),))

    return returns


FIELDS = (
    ExtraField("*", "notes", notes, "Notes about this, newest first.", _list_of("Note")),
    ExtraField("*", "tasks", tasks, "Follow-up tasks about this, newest first.", _list_of("Task")),
    ExtraField("Note", "about", about, "The entities the note is about.", lambda _: list[Entity]),
    ExtraField("Task", "about", about, "The entities the task concerns.", lambda _: list[Entity]),
)
