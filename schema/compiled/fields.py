"""What each GraphQL field of the compiled part of the schema reads, from the model's
one registry and the derived types: a stored property, a relationship field, a
reference, the sources, or nothing the compiler can plan (a field with a resolver of
its own). Built once, by GraphQL name, from the types Strawberry made."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from types import UnionType
from typing import Any, Final

from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import get_object_definition

from graph.compiled import plan as p
from graph.models.registry import REGISTRY, Link, links
from graph.models.spec import Field_
from graph.props import TIMESTAMPS
from schema.entity import _REL_FIELDS, RelatedEdge
from schema.model import OBJECT_TYPES


@dataclass(frozen=True)
class Personal:
    """Personal data: the property for editors and up, null for the rest."""

    prop: p.Prop


@dataclass(frozen=True)
class Reference:
    key: str
    label: str


@dataclass(frozen=True)
class Sources:
    """The entity's sources (`CITED_IN`)."""


#: What a field of an entity type reads; None: a field the compiler does not plan.
Read = p.Prop | p.Expr | Personal | Reference | Link | Sources | None


def _strip(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _strip(args[0]) if len(args) == 1 else annotation
    return annotation


def kind_of(annotation: Any) -> p.Kind:
    inner = _strip(annotation)
    if inner is datetime:
        return "datetime"
    if inner is date:
        return "date"
    if inner is float:
        return "float"
    return "plain"


def _default(f: Field_) -> Any:
    """The value the stored model gives a field its node does not hold."""
    if f.required:
        return None
    value = f.info.get_default(call_default_factory=True)
    return value.value if isinstance(value, Enum) else value


def _prop(f: Field_) -> p.Prop:
    return p.Prop(f.key, _default(f), kind_of(f.stored))


def _graphql_names(cls: type) -> dict[str, str]:
    """A Strawberry type's fields: Python name by GraphQL name (as the schema names
    them: camelCase unless a field says otherwise)."""
    converter = NameConverter()
    definition = get_object_definition(cls, strict=True)
    return {converter.get_graphql_name(f): f.python_name for f in definition.fields}


def _reads(label: str) -> dict[str, Read]:
    t = REGISTRY[label]
    by_python: dict[str, Read] = {"id": p.Prop("id")}
    for f in t.fields:
        if f.prop.personal:
            by_python[f.name] = Personal(_prop(f))
        elif f.prop.ref:
            by_python[f.name] = Reference(f.key, f.prop.ref)
        else:
            by_python[f.name] = _prop(f)
    for stamp in TIMESTAMPS:
        by_python[stamp_python(stamp)] = p.Prop(stamp, None, "datetime")
    if "name" in t.meta.computed and t.name_property != "name":
        # `Document.name`: the title (the computed property returns the name property)
        by_python["name"] = p.Prop(t.name_property)
    if "author_name" in t.meta.computed:
        # `authorName`: the name of the key that wrote it (`graph.actors.name_of`)
        by_python["author_name"] = p.Prop("author", None, "actor")
    for name, cypher in t.meta.computed_cypher.items():
        by_python[name] = p.Expr(cypher)
    for link in links(label):
        by_python[_snake(link.field)] = link
    by_python["sources"] = Sources()
    names = _graphql_names(OBJECT_TYPES[label])
    return {name: by_python.get(python) for name, python in names.items()}


def stamp_python(stamp: str) -> str:
    return _snake(stamp)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@cache
def reads(label: str) -> dict[str, Read]:
    """What each GraphQL field of the type `label` reads, by GraphQL name."""
    return _reads(label)


def _edge_reads() -> dict[str, p.EdgePart | str]:
    names = _graphql_names(RelatedEdge)
    kinds = {"amount": "float", "assessedAt": "date"}
    out: dict[str, p.EdgePart | str] = {}
    for name, python in names.items():
        if python in _REL_FIELDS:
            prop = _REL_FIELDS[python]
            out[name] = p.RelProp(prop, typing.cast(p.Kind, kinds.get(prop, "plain")))
        elif python == "assessed_at":
            out[name] = p.RelProp("assessedAt", "date")
        elif python == "evidence":
            out[name] = p.RelProp("evidence", "plain", [])
        elif python == "type":
            out[name] = p.RelType()
        elif python == "cursor":
            out[name] = p.Cursor()
        else:
            out[name] = python  # node, sources: planned by the walker
    return out


#: What each field of a relationship edge reads, by GraphQL name.
EDGE: Final = _edge_reads()
