"""The one error hierarchy of the graph layer. Only `schema/` and `api/` render these."""

from __future__ import annotations


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


class Forbidden(GraphError):
    """The caller's key may not change this record (a note or task someone else wrote)."""


class Unavailable(GraphError):
    """Neo4j cannot be reached or did not answer in time."""
