"""What a compiled read selects, as data: the plan that `schema/compiled` makes from a
validated GraphQL document and `graph/compiled/cypher.py` turns into one statement.

A plan names no GraphQL type and holds no value of a request: where a value comes
from the request (an id, a page size, a cursor) the plan holds the name of the
statement parameter that will carry it. Response keys (GraphQL aliases) are kept as
the client wrote them; the statement's one record is the response's `data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from graph.listing import SortDirection, SortField
from graph.relationships import Spec

#: How a stored property is shown: as it is, a timestamp, a date, a float, or the name
#: of the actor it holds (`graph.actors.name_of`).
Kind = Literal["plain", "datetime", "date", "float", "actor"]


@dataclass(frozen=True)
class Const:
    """A value known when the plan is made (`__typename`, a hidden personal field)."""

    value: Any


@dataclass(frozen=True)
class Param:
    """A value of the request, passed as the parameter `name`."""

    name: str


@dataclass(frozen=True)
class Prop:
    """A stored property of the entity (or relationship), `default` when it is absent
    (the stored model's default: `[]` for a list, `false` for `erased`)."""

    key: str
    default: Any = None
    kind: Kind = "plain"


@dataclass(frozen=True)
class Expr:
    """A computed field: the model's Cypher for it (`Meta.computed_cypher`), over the
    node `{n}` and the request's `$today`."""

    cypher: str


@dataclass(frozen=True)
class Entity:
    """An entity, selected according to its type: for each label it may have, the
    fields of that type (the GraphQL fragments that apply to it, merged)."""

    by_label: tuple[tuple[str, Fields], ...]


@dataclass(frozen=True)
class Page:
    """A page of related entities (a relationship field) or of a type's list (a root
    field), and what is selected of it (`Part`s). Its parameters are named with the
    prefix `prefix`: `first` (the page size), `limit` (`first`, or one more where the
    plan needs to know whether there is a next page: `Statement.plus_one`),
    `hasPrevious`, and the keyset position's and the filter's (`Spec.window`,
    `entities.list_window`)."""

    source: Link | Listing
    prefix: str
    parts: tuple[tuple[str, Part], ...]


@dataclass(frozen=True)
class Link:
    """The neighbours of the entity through a relationship field."""

    spec: Spec


@dataclass(frozen=True)
class Listing:
    """The `label` entities a filter keeps."""

    label: str
    sort: SortField
    direction: SortDirection


@dataclass(frozen=True)
class Single:
    """The first related entity of a single-valued relationship field, or null."""

    spec: Spec
    entity: Entity


@dataclass(frozen=True)
class Ref:
    """The entity whose id the property `key` holds, if it is a `label`; else null."""

    key: str
    label: str
    entity: Entity


@dataclass(frozen=True)
class Cited:
    """The documents the entity is cited in, with the quotes (`SourcePart`s)."""

    parts: tuple[tuple[str, SourcePart], ...]


# --- The parts of a page, an edge, a page's info and a source -------------------------


@dataclass(frozen=True)
class Total:
    """All the rows of the page's source, on all pages."""


@dataclass(frozen=True)
class Edges:
    parts: tuple[tuple[str, EdgePart], ...]


@dataclass(frozen=True)
class Nodes:
    entity: Entity


@dataclass(frozen=True)
class Info:
    parts: tuple[tuple[str, InfoPart], ...]


@dataclass(frozen=True)
class Cursor:
    """The row's keyset position, encoded as the resolvers encode it."""


@dataclass(frozen=True)
class Node:
    entity: Entity


@dataclass(frozen=True)
class RelType:
    """The relationship's type."""


@dataclass(frozen=True)
class RelProp:
    """A property of the relationship."""

    key: str
    kind: Kind = "plain"
    default: Any = None


@dataclass(frozen=True)
class RelSources:
    """The documents and quotes the relationship's `sourceIds` and `evidence` name."""

    parts: tuple[tuple[str, SourcePart], ...]


@dataclass(frozen=True)
class HasNext:
    pass


@dataclass(frozen=True)
class HasPrevious:
    pass


@dataclass(frozen=True)
class StartCursor:
    pass


@dataclass(frozen=True)
class EndCursor:
    pass


@dataclass(frozen=True)
class Quote:
    pass


@dataclass(frozen=True)
class Document:
    """The cited document (null if it is gone)."""

    entity: Entity


# --- Root fields -----------------------------------------------------------------------


@dataclass(frozen=True)
class ById:
    """`organisation(id)`, `node(id)`: the entity with the id `$id` if it has one of
    the entity's labels, else null."""

    id: str
    entity: Entity


@dataclass(frozen=True)
class Object:
    """A map of values of the request (`viewer { name role }`)."""

    parts: tuple[tuple[str, Const | Param], ...]


Field: TypeAlias = Const | Param | Prop | Expr | Page | Single | Ref | Cited
Fields: TypeAlias = tuple[tuple[str, Field], ...]
Part: TypeAlias = Const | Total | Edges | Nodes | Info
EdgePart: TypeAlias = Const | Cursor | Node | RelType | RelProp | RelSources
InfoPart: TypeAlias = Const | HasNext | HasPrevious | StartCursor | EndCursor
SourcePart: TypeAlias = Const | Quote | Document
Root: TypeAlias = Const | Param | ById | Page | Object
Roots: TypeAlias = tuple[tuple[str, Root], ...]
