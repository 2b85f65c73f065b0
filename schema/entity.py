"""What every entity type shares in GraphQL: the `Entity` interface, sources, and the
edges and connections of relationship fields, with the thin resolvers the derived
types (`schema/model.py`) call. Nothing here knows a particular entity type.

The GraphQL object of an entity is its stored model (`graph.models.entities`): the
derived types read its attributes, and `is_type_of` tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry

from graph import crm, entities, relationships
from graph.errors import GraphError
from graph.models.common import Stored
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType
from schema.context import Info
from schema.errors import (
    Problems,
    ValidationProblem,
    from_graph_error,
    problem_for,
    validation_problem,
)
from schema.inputs import parse, parse_or_raise
from schema.node import Deleted, Node
from schema.pagination import (
    Connection,
    PageInfo,
    check_first,
    connection,
    decode_cursor,
    encode_cursor,
)

# the derived type (schema/model.py), found when the schema is built
if TYPE_CHECKING:
    DocumentType = Any
else:
    DocumentType = Annotated["Document", strawberry.lazy("schema.model")]  # noqa: F821

strawberry.enum(RelType, name="RelationshipType", description="A relationship type of the model.")


@strawberry.type(description="A source document and the quote in it that supports a fact.")
class Source:
    document_id: strawberry.Private[str]
    quote: str

    @strawberry.field(description="The document (null only if it has been deleted).")
    async def document(self, info: Info) -> DocumentType | None:
        found = await info.context.loaders.entity.load(self.document_id)
        return found if found is not None and entities.model_label(found) == "Document" else None


def sources_of(source_ids: list[str], evidence: list[str]) -> list[Source]:
    """Relationship provenance: `sourceIds` and `evidence` are parallel lists."""
    return [
        Source(document_id=d, quote=q)
        for d, q in zip(
            source_ids, evidence + [""] * (len(source_ids) - len(evidence)), strict=False
        )
    ]


class Entity(Node):
    """A node of the network: an organisation, person, event, …

    Made a GraphQL interface by `schema/model.py`, which adds the fields every entity
    has from the model (its sources, the notes and tasks about it)."""


N = TypeVar("N")


@strawberry.type(description="A related entity and the relationship's own properties.")
class RelatedEdge(Generic[N]):
    cursor: str
    node: N
    type: RelType = strawberry.field(description="The relationship type.")
    role: str | None = strawberry.field(
        description="Membership/implementation role (text) or attendance/organiser role."
    )
    role_note: str | None
    role_en: str | None
    from_: str | None = strawberry.field(name="from", description="Start (partial date).")
    to: str | None = strawberry.field(description="End (partial date).")
    former: bool | None
    amount: float | None
    currency: str | None
    instrument: str | None
    basis: str | None
    status: str | None
    about: str | None = strawberry.field(
        description="COOPERATES_WITH: the id of the service, event or programme they cooperate in."
    )
    idea: str | None = strawberry.field(
        description="BROUGHT_IDEA, GREW_OUT_OF: the idea, as the source words it."
    )
    note: str | None
    inferred: bool | None
    influence: int | None
    interest: int | None
    stance: str | None
    assessed_at: date | None
    evidence: list[str] = strawberry.field(description="The quotes that support the tie.")
    source_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The documents and quotes that support this relationship.")
    def sources(self) -> list[Source]:
        return sources_of(self.source_ids, self.evidence)


@strawberry.type(description="A page of related entities.")
class RelatedConnection(Generic[N]):
    edges: list[RelatedEdge[N]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All related entities, on all pages.")

    @strawberry.field(description="The nodes of this page (shortcut for edges { node }).")
    def nodes(self) -> list[N]:
        return [e.node for e in self.edges]


_REL_FIELDS = {
    "role": "role",
    "role_note": "roleNote",
    "role_en": "roleEn",
    "from_": "from",
    "to": "to",
    "former": "former",
    "amount": "amount",
    "currency": "currency",
    "instrument": "instrument",
    "basis": "basis",
    "status": "status",
    "about": "about",
    "idea": "idea",
    "note": "note",
    "inferred": "inferred",
    "influence": "influence",
    "interest": "interest",
    "stance": "stance",
}


def _edge(n: relationships.Neighbour) -> RelatedEdge[Any]:
    p = n.props
    assessed = p.get("assessedAt")
    return RelatedEdge(
        cursor=encode_cursor(n.key),
        node=n.node,
        type=n.type,
        assessed_at=date.fromisoformat(assessed) if isinstance(assessed, str) else assessed,
        evidence=list(p.get("evidence") or []),
        source_ids=list(p.get("sourceIds") or []),
        **{attr: p.get(prop) for attr, prop in _REL_FIELDS.items()},
    )


async def related(
    info: Info, entity_id: str, spec: relationships.Spec, first: int, after: str | None
) -> RelatedConnection[Any]:
    """One page of a relationship field, through the batched neighbour loader."""
    check_first(first, info.context.max_page_size)
    key = decode_cursor(after, size=3)
    page = await info.context.loaders.neighbours.load((spec, first, key, entity_id))
    edges = [_edge(n) for n in page.items]
    return RelatedConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=key is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total_count,
    )


async def related_one(info: Info, entity_id: str, spec: relationships.Spec) -> Stored | None:
    """The first related entity of a single-valued relationship field, or None."""
    page = await info.context.loaders.neighbours.load((spec, 1, None, entity_id))
    return page.items[0].node if page.items else None


# --- Lists and mutations the derived root fields call -------------------------------


strawberry.enum(entities.SortField, name="SortBy", description="What a list is ordered by.")
strawberry.enum(entities.SortDirection, name="SortDirection")

DeleteResult = Annotated[Deleted | Problems, strawberry.union("DeleteResult")]


async def entity_list(
    info: Info,
    label: str,
    first: int,
    after: str | None,
    filter: entities.EntityFilter,
    sort: entities.SortField,
    direction: entities.SortDirection,
) -> Connection[Any]:
    check_first(first, info.context.max_page_size)
    key = decode_cursor(after)
    try:
        page = await entities.list_page(
            info.context.graph,
            label,
            filter,
            first=first,
            after=(key[0], str(key[1])) if key else None,
            sort=sort,
            direction=direction,
        )
    except GraphError as e:
        raise from_graph_error(e) from e
    return connection(page, lambda m: m, has_previous=key is not None)


def list_filter(values: dict[str, Any]) -> entities.EntityFilter:
    """The generic list filter from a type's filter argument (keys as `EntityFilter`'s)."""
    return parse_or_raise(entities.EntityFilter, values, "filter")


async def create_entity(
    info: Info,
    label: str,
    input: Any,
    ties: list[relationships.NewTie] | ValidationProblem | None = None,
) -> Stored | Problems:
    """Validate, create (with the relationships `ties`, already validated, in the same
    transaction); a typed problem instead of an exception for expected errors, naming
    every bad field of the input and of the ties."""
    data = parse(REGISTRY[label].create, input)
    bad = [p for p in (data, ties) if isinstance(p, ValidationProblem)]
    if bad:
        return validation_problem([(f.field, f.message) for p in bad for f in p.problems])
    assert not isinstance(data, ValidationProblem) and not isinstance(ties, ValidationProblem)
    graph, actor = info.context.graph, info.context.actor
    try:
        if ties:
            return await relationships.create_connected(graph, label, data, ties, actor=actor)
        return await entities.create(graph, label, data, actor=actor)
    except GraphError as e:
        return problem_for(e)


async def update_entity(
    info: Info, label: str, id: str, input: Any, expected: datetime | None = None
) -> Stored | Problems:
    """Validate, update; `expected`: the version the edit was made against."""
    patch = parse(REGISTRY[label].update, input)
    if isinstance(patch, ValidationProblem):
        return patch
    try:
        return await entities.update(
            info.context.graph, label, id, patch, actor=info.context.actor, expected=expected
        )
    except GraphError as e:
        return problem_for(e)


async def delete_entity(info: Info, label: str, id: strawberry.ID) -> Deleted | Problems:
    try:
        await entities.delete(info.context.graph, label, str(id), actor=info.context.actor)
    except GraphError as e:
        return problem_for(e)
    return Deleted(id=id)


async def update_owned_entity(
    info: Info, label: str, id: str, input: Any, expected: datetime | None = None
) -> Stored | Problems:
    """`update_entity` for a note or task: its author or an admin only (a task's assignee
    may change its status); anyone else gets a FORBIDDEN error."""
    patch = parse(REGISTRY[label].update, input)
    if isinstance(patch, ValidationProblem):
        return patch
    try:
        return await crm.update_owned(
            info.context.graph,
            label,
            id,
            patch,
            actor=info.context.actor,
            principal=info.context.key,
            expected=expected,
        )
    except GraphError as e:
        return problem_for(e)


async def delete_owned_entity(info: Info, label: str, id: strawberry.ID) -> Deleted | Problems:
    """`delete_entity` for a note or task: its author or an admin only."""
    try:
        await crm.delete_owned(
            info.context.graph, label, str(id), actor=info.context.actor, principal=info.context.key
        )
    except GraphError as e:
        return problem_for(e)
    return Deleted(id=id)


# --- Fields of entity types that the model's declarations do not derive ------------


@dataclass(frozen=True)
class ExtraField:
    """A field of an entity type (`on`, or `"*"` for the `Entity` interface) with a
    resolver of its own. `returns` gives its GraphQL type from the derived types by
    label (`ref(label)`: the derived type of an entity type), for resolvers that return
    stored models (whose Python type is not a GraphQL one)."""

    on: str
    name: str
    resolver: Callable[..., Any]
    description: str
    returns: Callable[[Callable[[str], Any]], Any] | None = None
