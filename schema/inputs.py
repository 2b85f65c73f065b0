"""Turning Strawberry inputs into pydantic models, with field-level problems."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from schema.errors import ClientError, ValidationProblem, pydantic_problems, validation_problem

M = TypeVar("M", bound=BaseModel)


def input_dict(obj: Any) -> dict[str, Any]:
    """The fields of a Strawberry input that the client actually sent (UNSET left out),
    nested inputs (and lists of them) as dicts too."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is strawberry.UNSET:
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = input_dict(value)
        elif isinstance(value, list):
            value = [
                input_dict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
                for v in value
            ]
        out[f.name] = value
    return out


def parse(model: type[M], obj: Any, prefix: str = "input", **extra: Any) -> M | ValidationProblem:
    """Validate a Strawberry input as `model`; a `ValidationProblem` names every bad field."""
    try:
        return model.model_validate(input_dict(obj) | extra)
    except ValidationError as e:
        return validation_problem(pydantic_problems(e, prefix))


def parse_dict(
    model: type[M], sent: dict[str, Any], prefix: str = "input"
) -> M | ValidationProblem:
    """`parse` for an input already turned into a dict (nested inputs converted)."""
    try:
        return model.model_validate(sent)
    except ValidationError as e:
        return validation_problem(pydantic_problems(e, prefix))


def parse_or_raise(model: type[M], obj: Any, prefix: str, **extra: Any) -> M:
    """Like `parse`, for queries: invalid arguments become a BAD_USER_INPUT error."""
    try:
        return model.model_validate(input_dict(obj) | extra)
    except ValidationError as e:
        problems = pydantic_problems(e, prefix)
        raise ClientError(
            "; ".join(f"{f}: {msg}" for f, msg in problems),
            "BAD_USER_INPUT",
            problems=[{"field": f, "message": msg} for f, msg in problems],
        ) from e
