"""What every entity type shares: the `Entity` interface (sources, notes, tasks),
relationship edges and connections, and thin helpers the type modules call."""

from __future__ import annotations

import importlib
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast

import strawberry

from graph import crm, entities, relationships
from graph.errors import GraphError
from graph.models.common import Stored
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType
from schema.context import Info
from schema.errors import NotFoundProblem, ValidationProblem, from_graph_error, problem_for
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

if TYPE_CHECKING:
    from schema.document import Document
    from schema.note import Note
    from schema.task import Task

strawberry.enum(RelType, name="RelationshipType", description="A relationship type of the model.")

#: label → the module that holds its GraphQL type (a class named like the label).
MODULES = {
    "Organisation": "schema.organisation",
    "Person": "schema.person",
    "Event": "schema.event",
    "Programme": "schema.programme",
    "Service": "schema.service",
    "ServiceCategory": "schema.service_category",
    "Place": "schema.place",
    "Document": "schema.document",
    "Topic": "schema.topic",
    "Note": "schema.note",
    "Task": "schema.task",
    "Campaign": "schema.campaign",
}


def graphql_type(label: str) -> Any:
    return getattr(importlib.import_module(MODULES[label]), label)


def to_node(model: Stored) -> Any:
    """The GraphQL object for any stored entity model."""
    return graphql_type(entities.model_label(model)).from_model(model)


@strawberry.type(description="A source document and the quote in it that supports a fact.")
class Source:
    document_id: strawberry.Private[str]
    quote: str

    @strawberry.field(description="The document (null only if it has been deleted).")
    async def document(
        self, info: Info
    ) -> Annotated[Document, strawberry.lazy("schema.document")] | None:
        found = await info.context.loaders.entity.load(self.document_id)
        return cast("Document", to_node(found)) if found else None


def sources_of(source_ids: list[str], evidence: list[str]) -> list[Source]:
    """Relationship provenance: `sourceIds` and `evidence` are parallel lists."""
    return [
        Source(document_id=d, quote=q)
        for d, q in zip(
            source_ids, evidence + [""] * (len(source_ids) - len(evidence)), strict=False
        )
    ]


@strawberry.interface(description="A node of the network: an organisation, person, event, …")
class Entity(Node):
    @strawberry.field(description="Where this comes from: documents and the quotes in them.")
    async def sources(self, info: Info) -> list[Source]:
        found = await info.context.loaders.sources.load(str(self.id))
        return [Source(document_id=c.document_id, quote=c.quote) for c in found]

    @strawberry.field(description="Notes about this, newest first.")
    async def notes(self, info: Info) -> list[Annotated[Note, strawberry.lazy("schema.note")]]:
        return [to_node(n) for n in await info.context.loaders.notes.load(str(self.id))]

    @strawberry.field(description="Follow-up tasks about this, newest first.")
    async def tasks(self, info: Info) -> list[Annotated[Task, strawberry.lazy("schema.task")]]:
        return [to_node(t) for t in await info.context.loaders.tasks.load(str(self.id))]


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
    for_organisation: str | None
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
    "for_organisation": "forOrganisation",
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
        node=to_node(n.node),
        type=n.type,
        assessed_at=date.fromisoformat(assessed) if isinstance(assessed, str) else assessed,
        evidence=list(p.get("evidence") or []),
        source_ids=list(p.get("sourceIds") or []),
        **{attr: p.get(prop) for attr, prop in _REL_FIELDS.items()},
    )


async def related(
    info: Info,
    entity_id: strawberry.ID,
    spec: relationships.Spec,
    first: int,
    after: str | None,
) -> RelatedConnection[Any]:
    """One page of a relationship field, through the batched neighbour loader."""
    check_first(first, info.context.max_page_size)
    key = decode_cursor(after, size=3)
    page = await info.context.loaders.neighbours.load((spec, first, key, str(entity_id)))
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


def spec(types: RelType | tuple[RelType, ...], direction: str, *labels: str) -> relationships.Spec:
    return relationships.Spec(
        types=types if isinstance(types, tuple) else (types,),
        direction="out" if direction == "out" else "in",
        labels=labels,
    )


# --- Lists and mutations shared by the type modules ----------------------------------


strawberry.enum(entities.SortField, name="SortBy", description="What a list is ordered by.")
strawberry.enum(entities.SortDirection, name="SortDirection")

DeleteResult = Annotated[Deleted | NotFoundProblem, strawberry.union("DeleteResult")]


async def entity_list(
    info: Info,
    label: str,
    first: int,
    after: str | None,
    filter: Any,
    sort: entities.SortField,
    direction: entities.SortDirection,
) -> Connection[Any]:
    check_first(first, info.context.max_page_size)
    key = decode_cursor(after)
    parsed = (
        parse_or_raise(entities.EntityFilter, filter, "filter")
        if filter is not None
        else entities.EntityFilter()
    )
    try:
        page = await entities.list_page(
            info.context.graph,
            label,
            parsed,
            first=first,
            after=(key[0], str(key[1])) if key else None,
            sort=sort,
            direction=direction,
        )
    except GraphError as e:
        raise from_graph_error(e) from e
    return connection(page, to_node, has_previous=key is not None)


async def create_entity(info: Info, label: str, input: Any, **extra: Any) -> Any:
    """Validate, create, map; a typed problem instead of an exception for expected errors."""
    data = parse(REGISTRY[label].create, input, **extra)
    if isinstance(data, ValidationProblem):
        return data
    try:
        created = await entities.create(info.context.graph, label, data, actor=info.context.actor)
    except GraphError as e:
        return problem_for(e)
    return to_node(created)


async def update_entity(info: Info, label: str, id: strawberry.ID, input: Any) -> Any:
    patch = parse(REGISTRY[label].update, input)
    if isinstance(patch, ValidationProblem):
        return patch
    try:
        updated = await entities.update(
            info.context.graph, label, str(id), patch, actor=info.context.actor
        )
    except GraphError as e:
        return problem_for(e)
    return to_node(updated)


async def delete_entity(info: Info, label: str, id: strawberry.ID) -> Any:
    try:
        await entities.delete(info.context.graph, label, str(id), actor=info.context.actor)
    except GraphError as e:
        return problem_for(e)
    return Deleted(id=id)


async def update_owned_entity(info: Info, label: str, id: strawberry.ID, input: Any) -> Any:
    """`update_entity` for a note or task: its author or an admin only (a task's assignee
    may change its status); anyone else gets a FORBIDDEN error."""
    patch = parse(REGISTRY[label].update, input)
    if isinstance(patch, ValidationProblem):
        return patch
    try:
        updated = await crm.update_owned(
            info.context.graph,
            label,
            str(id),
            patch,
            actor=info.context.actor,
            principal=info.context.key,
        )
    except GraphError as e:
        return problem_for(e)
    return to_node(updated)


async def delete_owned_entity(info: Info, label: str, id: strawberry.ID) -> Any:
    """`delete_entity` for a note or task: its author or an admin only."""
    try:
        await crm.delete_owned(
            info.context.graph, label, str(id), actor=info.context.actor, principal=info.context.key
        )
    except GraphError as e:
        return problem_for(e)
    return Deleted(id=id)
