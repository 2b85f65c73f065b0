"""What each input field takes, for the forms that edit it: read from the declarations
(an entity type's update input, a relationship type's properties), so that a field
added to the model appears in the page's forms without a second list of fields.

A form checks in the browser what it can (required, length, a partial date, one of the
kinds) and the server checks everything again; this says what to check and which
widget fits."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import UnionType
from typing import Any

from annotated_types import Ge, Le
from pydantic import AfterValidator, BaseModel, EmailStr
from pydantic.fields import FieldInfo

from graph.models.common import check_partial_date
from graph.models.inputs import Website
from graph.models.spec import EntityType


class InputKind(StrEnum):
    """Which widget fits a field."""

    TEXT = "TEXT"
    LONG_TEXT = "LONG_TEXT"
    PARTIAL_DATE = "PARTIAL_DATE"
    DATE = "DATE"
    EMAIL = "EMAIL"
    URL = "URL"
    CHOICE = "CHOICE"
    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    NUMBER = "NUMBER"
    REFERENCE = "REFERENCE"


#: Text longer than this gets a text area.
_SHORT = 300


@dataclass(frozen=True)
class InputField:
    """One field of an input: its name (as in GraphQL), widget, whether it holds a list
    and must be given, the values it may take (a choice), its limits, whether it is
    personal data (shown and edited by editors and up) and the type it refers to."""

    name: str
    kind: InputKind
    many: bool = False
    required: bool = False
    options: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    personal: bool = False
    ref: str | None = None
    description: str | None = None


def _layers(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under `Annotated` and `| None`, and all the metadata on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (typing.Union, UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _stripped(annotation: Any) -> Any:
    """`annotation` without `| None` (so that it compares equal to a declared alias)."""
    if typing.get_origin(annotation) in (typing.Union, UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def describe(
    name: str,
    annotation: Any,
    info: FieldInfo | None = None,
    *,
    personal: bool = False,
    ref: str | None = None,
) -> InputField:
    """The form field for an input field of this annotation (and pydantic field info)."""
    kind, many, options, limits = _describe(annotation, list(info.metadata) if info else [])
    if ref:
        kind = InputKind.REFERENCE
    return InputField(
        name=name,
        kind=kind,
        many=many,
        required=bool(info and info.is_required()),
        options=options,
        personal=personal,
        ref=ref,
        description=info.description if info else None,
        **limits,
    )


def _describe(
    annotation: Any, metadata: list[Any]
) -> tuple[InputKind, bool, tuple[str, ...], dict[str, Any]]:
    inner, found = _layers(annotation)
    found = metadata + found
    if typing.get_origin(inner) is list:
        kind, _, options, of_each = _describe(typing.get_args(inner)[0], [])
        return kind, True, options, of_each
    limits: dict[str, Any] = {}
    for m in found:
        if isinstance(m, Ge):
            limits["minimum"] = m.ge
        elif isinstance(m, Le):
            limits["maximum"] = m.le
        elif getattr(m, "max_length", None) is not None:  # StringConstraints, Len
            limits["max_length"] = m.max_length
        if getattr(m, "pattern", None):
            limits["pattern"] = m.pattern
    if isinstance(inner, type) and issubclass(inner, StrEnum):
        return InputKind.CHOICE, False, tuple(e.value for e in inner), limits
    if inner is bool:
        return InputKind.BOOLEAN, False, (), limits
    if inner is int:
        return InputKind.INTEGER, False, (), limits
    if inner is float:
        return InputKind.NUMBER, False, (), limits
    if inner is date:
        return InputKind.DATE, False, (), limits
    if inner is EmailStr:
        return InputKind.EMAIL, False, (), limits
    if _stripped(annotation) == Website:
        return InputKind.URL, False, (), limits
    validators = {m.func for m in found if isinstance(m, AfterValidator)}
    if check_partial_date in validators:
        return InputKind.PARTIAL_DATE, False, (), limits
    long = (limits.get("max_length") or 0) > _SHORT
    return InputKind.LONG_TEXT if long else InputKind.TEXT, False, (), limits


def entity_fields(t: EntityType) -> tuple[InputField, ...]:
    """The fields an edit of an entity of type `t` may set (its update input), in
    declaration order; `required` for those a stored entity must keep."""
    update = t.update.model_fields
    out = []
    for f in t.fields:
        if f.name not in update:
            continue
        described = describe(f.key, f.input_type, None, personal=f.prop.personal, ref=f.prop.ref)
        out.append(
            InputField(
                **{
                    **described.__dict__,
                    "required": f.required,
                    "description": f.description,
                }
            )
        )
    return tuple(out)


def model_fields(model: type[BaseModel]) -> tuple[InputField, ...]:
    """The fields of an input model (a relationship type's properties), by input name."""
    return tuple(
        describe(info.alias or name, info.annotation, info)
        for name, info in model.model_fields.items()
    )
