"""Graph-layer errors → GraphQL: typed problems for mutations, coded errors for queries."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.scalars import JSON

from graph.errors import (
    Conflict,
    Forbidden,
    GraphError,
    InvalidInput,
    NotFound,
    StaleEdit,
    Unavailable,
)

T = TypeVar("T")


class ClientError(GraphQLError):
    """An error meant for the client: shown as is, never masked."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def forbidden(needed: str, have: str) -> ClientError:
    return ClientError(f"this needs the {needed} role; your key has {have}", "FORBIDDEN")


def from_graph_error(e: GraphError) -> ClientError:
    if isinstance(e, NotFound):
        return ClientError(str(e), "NOT_FOUND", id=e.entity_id)
    if isinstance(e, Conflict):
        return ClientError(str(e), "CONFLICT", field=e.field)
    if isinstance(e, InvalidInput):
        return ClientError(
            str(e),
            "BAD_USER_INPUT",
            problems=[{"field": f, "message": m} for f, m in e.problems],
        )
    if isinstance(e, Forbidden):
        return ClientError(str(e), "FORBIDDEN")
    if isinstance(e, Unavailable):
        return ClientError(
            "the graph database is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
        )
    return ClientError(str(e), "GRAPH_ERROR")


@strawberry.interface(description="Something that stopped a mutation; nothing was written.")
class Problem:
    message: str


@strawberry.type(description="One invalid input field.")
class FieldProblem:
    field: str = strawberry.field(description="The input field, as a dotted GraphQL path.")
    message: str


@strawberry.type(description="The input is invalid; `problems` lists every invalid field.")
class ValidationProblem(Problem):
    field: str | None = strawberry.field(description="The first invalid field.")
    problems: list[FieldProblem]


@strawberry.type(description="An entity the mutation names does not exist.")
class NotFoundProblem(Problem):
    id: strawberry.ID


@strawberry.type(
    description="A field someone else changed since the version an edit was made against."
)
class FieldConflict:
    field: str = strawberry.field(description="The input field, as a dotted GraphQL path.")
    yours: JSON = strawberry.field(description="The value the edit would have written.")
    theirs: JSON = strawberry.field(description="The value stored now.")
    changed_by: str | None = strawberry.field(
        description="Who changed it since (a person's name), when the audit trail says."
    )


@strawberry.type(
    description="The change collides with existing data (a duplicate id or name), or with "
    "a change someone else made since the version an edit was made against (`fields`)."
)
class ConflictProblem(Problem):
    field: str | None
    fields: list[FieldConflict] = strawberry.field(
        default_factory=list,
        description="For an edit against an earlier version: each field someone else has "
        "changed since, with both values. Empty for other conflicts.",
    )
    current_updated_at: datetime | None = strawberry.field(
        default=None,
        description="For an edit against an earlier version: the entity's version now "
        "(send it as `expectedUpdatedAt` to write your values over theirs).",
    )


_CAMEL = re.compile(r"_([a-z])")


def camel(name: str) -> str:
    """A Python field name as GraphQL spells it: `role_en` → `roleEn`, `from_` → `from`
    (a trailing underscore only escapes a Python keyword)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name.rstrip("_") or name)


def validation_problem(problems: list[tuple[str, str]]) -> ValidationProblem:
    items = [FieldProblem(field=f, message=m) for f, m in problems]
    return ValidationProblem(
        message="; ".join(f"{p.field}: {p.message}" for p in items),
        field=items[0].field,
        problems=items,
    )


def pydantic_problems(e: ValidationError, prefix: str = "input") -> list[tuple[str, str]]:
    problems = []
    for err in e.errors():
        path = ".".join(camel(str(p)) for p in (prefix, *err["loc"]) if p != "")
        message = err["msg"].removeprefix("Value error, ")
        problems.append((path, message))
    return problems


#: What every mutation may answer instead of its result (its union holds all three).
Problems = ValidationProblem | NotFoundProblem | ConflictProblem


def problem_for(e: GraphError) -> Problems:
    """The typed problem for an expected graph error (mutations)."""
    if isinstance(e, NotFound):
        return NotFoundProblem(message=str(e), id=strawberry.ID(e.entity_id))
    if isinstance(e, StaleEdit):
        return ConflictProblem(
            message=str(e),
            field=f"input.{e.field}",
            fields=[
                FieldConflict(
                    field=f"input.{c.field}", yours=c.yours, theirs=c.theirs, changed_by=c.by
                )
                for c in e.fields
            ],
            current_updated_at=e.current,
        )
    if isinstance(e, Conflict):
        return ConflictProblem(message=str(e), field=e.field)
    if isinstance(e, InvalidInput):
        return validation_problem(e.problems)
    raise from_graph_error(e) from e


async def resolved(work: Awaitable[T]) -> T:
    """`work`'s result; a `GraphError` it raises becomes the client error for it (queries)."""
    try:
        return await work
    except GraphError as e:
        raise from_graph_error(e) from e
