"""The one error hierarchy of the graph layer. Only `schema/` and `api/` render these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class GraphError(Exception):
    """Base class of every error raised by the graph layer."""


class NotFound(GraphError):
    """The entity (or one of the entities) a call names does not exist."""

    def __init__(self, entity_id: str, label: str = "entity") -> None:
        super().__init__(f"{label} {entity_id!r} not found")
        self.entity_id = entity_id
        self.label = label


class Conflict(GraphError):
    """The write would break a uniqueness rule or collides with the current state."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInput(GraphError):
    """The input breaks a rule of the data model; `problems` says which field and why."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems

    @classmethod
    def of(cls, e: ValidationError, prefix: str = "") -> InvalidInput:
        """The problems of a model's validation, each at `prefix.field.path`."""
        return cls(
            [
                (
                    ".".join(str(p) for p in (prefix, *err["loc"]) if p != ""),
                    err["msg"].removeprefix("Value error, "),
                )
                for err in e.errors()
            ]
        )


class Forbidden(GraphError):
    """The caller's key may not change this record (a note or task someone else wrote)."""


class Unavailable(GraphError):
    """Neo4j cannot be reached or did not answer in time."""


@dataclass(frozen=True, slots=True)
class FieldClash:
    """One field of a stale edit: the value the edit sets, the value stored now, and who
    changed it since (a person's name, when the audit trail says)."""

    field: str
    yours: Any
    theirs: Any
    by: str | None = None


class StaleEdit(Conflict):
    """An edit made against an earlier version of an entity would overwrite a field
    someone else has changed since; `fields` names each, with both values."""

    def __init__(self, label: str, fields: list[FieldClash], current: datetime | None) -> None:
        said = "; ".join(
            f"{c.field}: yours {c.yours!r}, theirs {c.theirs!r}" + (f" (by {c.by})" if c.by else "")
            for c in fields
        )
        super().__init__(
            f"this {label.lower()} was changed since you opened it, and nothing was saved: {said}",
            field=fields[0].field if fields else None,
        )
        self.fields = fields
        #: the entity's `updatedAt` now: an edit sent again against it goes through
        self.current = current
