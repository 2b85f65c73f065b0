"""The GraphQL side of the model, derived from its declarations (`graph/models/`): an
object type per entity type, its relationship fields, its create and update inputs,
its list filter, its result union, and the root fields that read, list, create,
update and delete it. Adding a field or a relationship type to the model adds it here
without an edit.

Resolvers return the stored models themselves (`graph.models.entities`); the derived
types read their attributes, and tell them apart by `is_type_of`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import reduce
from operator import or_
from types import GenericAlias, UnionType
from typing import Annotated, Any, Literal

import strawberry

from graph import entities, relationships
from graph.models.common import Stored
from graph.models.registry import LINKS, REGISTRY, TYPES, Link, links
from graph.models.spec import EntityType, Field_, Filter, FilterKind
from schema import about, partners, provenance, stakeholders
from schema.context import Info
from schema.entity import (
    DeleteResult,
    Entity,
    ExtraField,
    RelatedConnection,
    create_entity,
    delete_entity,
    delete_owned_entity,
    entity_list,
    related,
    related_one,
    update_entity,
    update_owned_entity,
)
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    ValidationProblem,
)
from schema.filters import filter_values
from schema.inputs import input_dict
from schema.node import Node
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite
from schema.privacy import sees_personal
from schema.relationships import CONNECT_DESCRIPTION, CONNECTABLE, NewTieInput, new_ties

#: Fields with resolvers of their own, by the module that resolves them.
EXTRA_FIELDS: tuple[ExtraField, ...] = (
    *provenance.FIELDS,
    *about.FIELDS,
    *partners.FIELDS,
    *stakeholders.FIELDS,
)


# --- Python annotations for GraphQL, from the model's annotations --------------------

_ENUMS: dict[type[StrEnum], Any] = {}


def _enum(e: type[StrEnum]) -> Any:
    if e not in _ENUMS:
        _ENUMS[e] = strawberry.enum(e, description=(e.__doc__ or "").strip() or None)
    return _ENUMS[e]


def _strip(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `Annotated` metadata and `None`; and whether it took None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner, _ = _strip(args[0] if len(args) == 1 else reduce(or_, args))
        return inner, True
    return annotation, False


def _scalar(annotation: Any, *, ref: bool = False) -> Any:
    """The Python type Strawberry maps to the GraphQL type of a model annotation:
    `str`, `int`, `float`, `bool`, `date`, `datetime`, an enum, a list of those, or `ID`
    for a reference to an entity."""
    inner, _ = _strip(annotation)
    if typing.get_origin(inner) is list:
        return GenericAlias(list, (_scalar(typing.get_args(inner)[0], ref=ref),))
    if isinstance(inner, type) and issubclass(inner, StrEnum):
        return _enum(inner)
    if ref:
        return strawberry.ID
    if inner in (int, float, bool, date, datetime):
        return inner
    return str


def _nullable(annotation: Any) -> Any:
    return typing.Optional[annotation]  # noqa: UP045 - also for lazy references


def ref(label: str) -> Any:
    """The derived object type of `label`, resolved when the schema is built (types
    refer to each other in circles)."""
    return typing.Annotated[label, strawberry.lazy(__name__)]


def _generic(cls: Any, arg: Any) -> Any:
    """`cls[arg]` for a generic Strawberry type and an argument made at run time."""
    return cls[arg]


def _camel_to_snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:]


# --- Object types ----------------------------------------------------------------------


def _personal(f: Field_) -> Any:
    """Personal data: shown to editors and up, null for viewers (least exposure)."""
    name = f.name

    def resolve(root: Stored, info: Info) -> Any:
        return getattr(root, name) if sees_personal(info) else None

    return strawberry.field(
        resolver=resolve, description=f.description, graphql_type=_nullable(_scalar(f.stored))
    )


def _reference(f: Field_) -> Any:
    """A property that holds another entity's id, read as that entity (or null)."""
    name, label = f.name, str(f.prop.ref)
    stored = REGISTRY[label].stored

    async def resolve(root: Stored, info: Info) -> Stored | None:
        key = getattr(root, name)
        found = await info.context.loaders.entity.load(key) if key else None
        return found if isinstance(found, stored) else None

    return strawberry.field(
        resolver=resolve, description=f.description, graphql_type=_nullable(ref(label))
    )


def spec_of(link: Link) -> relationships.Spec:
    """What a relationship field reads: its types, direction and labels."""
    return relationships.Spec(types=link.types, direction=link.direction, labels=link.other)


def _link(link: Link) -> Any:
    spec = spec_of(link)
    other = ref(link.other[0]) if len(link.other) == 1 else Entity
    if link.single:

        async def one(root: Stored, info: Info) -> Stored | None:
            return await related_one(info, root.id, spec)

        return strawberry.field(
            resolver=one, description=link.description, graphql_type=_nullable(other)
        )

    async def page(
        root: Stored, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Any]:
        return await related(info, root.id, spec, first, after)

    return strawberry.field(
        resolver=page,
        description=link.description,
        graphql_type=_generic(RelatedConnection, other),
    )


def _extra(extra: ExtraField) -> Any:
    graphql_type = extra.returns(ref) if extra.returns else None
    return strawberry.field(
        resolver=extra.resolver, description=extra.description, graphql_type=graphql_type
    )


def _is_type_of(stored: type[Stored]) -> Any:
    def is_type_of(obj: Any, info: Any) -> bool:
        return isinstance(obj, stored)

    return staticmethod(is_type_of)


def _object_type(t: EntityType) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": annotations}
    for f in t.fields:
        if f.prop.personal:
            namespace[f.name] = _personal(f)
        elif f.prop.ref:
            namespace[f.name] = _reference(f)
        else:
            annotation = _scalar(f.stored)
            annotations[f.name] = _nullable(annotation) if _strip(f.stored)[1] else annotation
            namespace[f.name] = strawberry.field(description=f.description)
    for name in t.meta.computed:
        getter = getattr(t.stored, name)
        returns = typing.get_type_hints(getter.fget)["return"]
        annotations[name] = _nullable(_scalar(returns)) if _strip(returns)[1] else _scalar(returns)
        namespace[name] = strawberry.field(description=(getter.__doc__ or "").strip() or None)
    annotations["created_at"] = datetime | None
    annotations["updated_at"] = datetime | None
    for link in links(t.label):
        namespace[_camel_to_snake(link.field)] = _link(link)
    for extra in EXTRA_FIELDS:
        if extra.on == t.label:
            namespace[_camel_to_snake(extra.name)] = _extra(extra)
    namespace["is_type_of"] = _is_type_of(t.stored)
    cls = type(t.label, (Entity,), namespace)
    return strawberry.type(cls, description=t.meta.description)


def _entity_interface() -> None:
    """The fields every entity has (sources, notes, tasks) on the `Entity` interface."""
    for extra in EXTRA_FIELDS:
        if extra.on == "*":
            setattr(Entity, _camel_to_snake(extra.name), _extra(extra))
    strawberry.interface(Entity, description=(Entity.__doc__ or "").splitlines()[0])


# --- Inputs ---------------------------------------------------------------------------


_UPDATE_DESCRIPTION = "Only the fields you send change; null clears an optional field."
_EXPECTED_DESCRIPTION = (
    "The `updatedAt` of the entity as you read it. If someone has changed a field you "
    "set since then, nothing is written and a ConflictProblem lists each such field "
    "with your value and the one stored now (fields nobody else changed go through)."
)


def _input_type(name: str, model: Any, t: EntityType, *, update: bool) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": annotations}
    refs = {f.name: bool(f.prop.ref) for f in t.fields}
    refs |= {i.name: bool(i.ref) for i in t.meta.inputs}
    descriptions = {i.name: i.description for i in t.meta.inputs}
    descriptions["id"] = "A slug; a UUID is generated when left out."
    for field_name, info in model.model_fields.items():
        annotation = _scalar(info.annotation, ref=refs.get(field_name, False))
        description = descriptions.get(field_name)
        if info.is_required():
            annotations[field_name] = annotation
            namespace[field_name] = strawberry.field(description=description)
        else:
            annotations[field_name] = _nullable(annotation)
            namespace[field_name] = strawberry.field(
                default=strawberry.UNSET, description=description
            )
    cls = type(name, (), namespace)
    return strawberry.input(cls, description=_UPDATE_DESCRIPTION if update else None)


def _filter_annotation(f: Filter, t: EntityType) -> Any:
    match f.kind:
        case FilterKind.KIND | FilterKind.STATUS:
            return _scalar(t.field(f.kind.value).stored)
        case FilterKind.EQUALS:
            return _scalar(t.field(str(f.property)).stored)
        case FilterKind.TAGS:
            return list[str]
        case FilterKind.PLACE:
            return strawberry.ID
        case FilterKind.DUE_BEFORE:
            return date
        case _:
            return str


def _filter_type(t: EntityType) -> type | None:
    if not t.meta.filters:
        return None
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": annotations}
    for f in t.meta.filters:
        annotations[_camel_to_snake(f.name)] = _nullable(_filter_annotation(f, t))
        namespace[_camel_to_snake(f.name)] = strawberry.field(
            default=strawberry.UNSET, description=f.description
        )
    return strawberry.input(type(f"{t.label}Filter", (), namespace))


def _filter_values(t: EntityType, given: Any) -> entities.EntityFilter:
    """The generic list filter from a type's filter argument."""
    if given is None:
        return entities.EntityFilter()
    sent = input_dict(given)
    return filter_values(
        t,
        {
            f.name: sent[_camel_to_snake(f.name)]
            for f in t.meta.filters
            if _camel_to_snake(f.name) in sent
        },
    )


# --- Root fields ---------------------------------------------------------------------


def union(name: str, *members: Any) -> Any:
    """A named union of types made at run time (for `graphql_type=`)."""
    return typing.Annotated[reduce(or_, members), strawberry.union(name)]


def _result(t: EntityType, object_type: type) -> Any:
    return union(
        f"{t.label}Result", object_type, ValidationProblem, NotFoundProblem, ConflictProblem
    )


def plural_of(t: EntityType) -> str:
    """The name of a type's list root field (`organisations`, `people`)."""
    return t.meta.plural or f"{_lower_first(t.label)}s"


def _query_fields(t: EntityType, object_type: type) -> dict[str, Any]:
    label, stored = t.label, t.stored
    filter_type = _filter_type(t)
    word = label[0] + _camel_to_snake(label[1:]).replace("_", " ")

    async def one(info: Info, id: strawberry.ID) -> Stored | None:
        found = await info.context.loaders.entity.load(str(id))
        return found if isinstance(found, stored) else None

    default_sort = entities.SortField(t.default_sort)

    async def many(
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: Any = None,
        sort: entities.SortField = default_sort,
        direction: entities.SortDirection = entities.SortDirection.ASC,
    ) -> Connection[Any]:
        parsed = _filter_values(t, filter)
        return await entity_list(info, label, first, after, parsed, sort, direction)

    many.__annotations__ = dict(many.__annotations__) | {"filter": _nullable(filter_type)}
    plural = plural_of(t)
    return {
        _lower_first(label): strawberry.field(
            resolver=one,
            permission_classes=[CanRead],
            description=f"One {word.lower()}, or null.",
            graphql_type=_nullable(object_type),
        ),
        plural: strawberry.field(
            resolver=many,
            permission_classes=[CanRead],
            description=t.meta.docs.get(
                "list",
                f"{plural[0].upper()}{_camel_to_snake(plural[1:]).replace('_', ' ')}, "
                "filtered; paged.",
            ),
            graphql_type=_generic(Connection, object_type),
        ),
    }


def _mutation_fields(t: EntityType, object_type: type) -> dict[str, Any]:
    label = t.label
    create_input = _input_type(f"Create{label}Input", t.create, t, update=False)
    update_input = _input_type(f"Update{label}Input", t.update, t, update=True)
    result = _result(t, object_type)

    async def create(info: Info, input: Any) -> Any:
        return await create_entity(info, label, input)

    async def create_connected(
        info: Info,
        input: Any,
        connect: Annotated[
            list[NewTieInput] | None, strawberry.argument(description=CONNECT_DESCRIPTION)
        ] = None,
    ) -> Any:
        return await create_entity(info, label, input, new_ties(connect))

    # `connect` where the matrix has a relationship for the type; not on an authored
    # type (its author or an admin changes it, and `connect` is any editor's)
    if label in CONNECTABLE and not t.meta.authored:
        create = create_connected

    # an authored type (notes, tasks) is changed by its author or an admin only
    owned = t.meta.authored

    async def update(
        info: Info,
        id: strawberry.ID,
        input: Any,
        expected_updated_at: Annotated[
            datetime | None, strawberry.argument(description=_EXPECTED_DESCRIPTION)
        ] = None,
    ) -> Any:
        if owned:
            return await update_owned_entity(info, label, str(id), input, expected_updated_at)
        return await update_entity(info, label, str(id), input, expected_updated_at)

    async def delete(info: Info, id: strawberry.ID) -> Any:
        if owned:
            return await delete_owned_entity(info, label, id)
        return await delete_entity(info, label, id)

    create.__annotations__ = dict(create.__annotations__) | {"input": create_input}
    update.__annotations__ = dict(update.__annotations__) | {"input": update_input}
    return {
        f"create_{_camel_to_snake(label)[1:]}": strawberry.mutation(
            resolver=create,
            permission_classes=[CanWrite],
            graphql_type=result,
            description=t.meta.docs.get("create"),
        ),
        f"update_{_camel_to_snake(label)[1:]}": strawberry.mutation(
            resolver=update,
            permission_classes=[CanWrite],
            graphql_type=result,
            description=t.meta.docs.get("update"),
        ),
        f"delete_{_camel_to_snake(label)[1:]}": strawberry.mutation(
            resolver=delete,
            permission_classes=[CanWrite],
            graphql_type=DeleteResult,
            description=t.meta.docs.get("delete"),
        ),
    }


def _root(name: str, fields: Iterable[tuple[str, Any]]) -> type:
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": {}}
    namespace.update(fields)
    return strawberry.type(type(name, (), namespace))


# --- Building it all ----------------------------------------------------------------


_entity_interface()
#: The object type of every entity type, by label.
OBJECT_TYPES: dict[str, type] = {t.label: _object_type(t) for t in TYPES}
# module attributes, for `ref` (`strawberry.lazy`) to find them
globals().update(OBJECT_TYPES)

#: The root fields of every entity type: `organisation(id)`, `organisations(…)`, …
EntityQuery = _root(
    "EntityQuery",
    (
        item
        for t in TYPES
        if t.meta.queries
        for item in _query_fields(t, OBJECT_TYPES[t.label]).items()
    ),
)
#: The entity root fields of the query: `organisation` → ("Organisation", "one"),
#: `organisations` → ("Organisation", "list"), …
ENTITY_ROOTS: dict[str, tuple[str, Literal["one", "list"]]] = {}
for _t in TYPES:
    if _t.meta.queries:
        ENTITY_ROOTS[_lower_first(_t.label)] = (_t.label, "one")
        ENTITY_ROOTS[plural_of(_t)] = (_t.label, "list")
#: `createOrganisation`, `updateOrganisation`, `deleteOrganisation`, …
EntityMutation = _root(
    "EntityMutation",
    (item for t in TYPES for item in _mutation_fields(t, OBJECT_TYPES[t.label]).items()),
)

__all__ = [
    "ENTITY_ROOTS",
    "LINKS",
    "OBJECT_TYPES",
    "EntityMutation",
    "EntityQuery",
    "Node",
    "ref",
    "union",
]
