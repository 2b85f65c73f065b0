"""The generic list filter (`graph.entities.EntityFilter`) from the values of a type's
filter argument: shared by the derived list fields (`schema/model.py`) and the compiled
reads (`schema/compiled/`), so both filter alike and refuse alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from pydantic import ValidationError

from graph import entities
from graph.models.spec import EntityType
from schema.errors import ClientError, pydantic_problems


def filter_values(t: EntityType, sent: dict[str, Any]) -> entities.EntityFilter:
    """The generic list filter from the values of a type's filter argument, by their
    GraphQL names (the compiled reads pass graphql-core's coerced values)."""
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for f in t.meta.filters:
        value = sent.get(f.name, strawberry.UNSET)
        if value is strawberry.UNSET or value is None:
            continue  # not sent, or null: not filtered by it
        value = value.value if isinstance(value, StrEnum) else value
        if f.property is not None:
            values.setdefault("equals", {})[f.property] = value
            names[f"equals.{f.property}"] = f.name
        else:
            values[f.kind.value] = value
            names[f.kind.value] = f.name
    try:
        return entities.EntityFilter.model_validate(values)
    except ValidationError as e:
        problems = [
            (f"filter.{names.get(p.partition('.')[2], p.partition('.')[2])}", m)
            for p, m in pydantic_problems(e, "filter")
        ]
        raise ClientError(
            "; ".join(f"{f}: {m}" for f, m in problems),
            "BAD_USER_INPUT",
            problems=[{"field": f, "message": m} for f, m in problems],
        ) from e
