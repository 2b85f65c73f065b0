"""A validated GraphQL read as a plan (`graph/compiled/plan.py`): the document walked
with graphql-core's own field collection (fragments, inline fragments on interfaces,
`@skip`/`@include`, merged fields), per concrete type, against the model
(`schema/compiled/fields.py`). Whatever the compiler does not plan (a field with a
resolver of its own, a mutation, analytics) raises `NotCompiled`: that read takes the
resolvers.

Values of the request are not part of a plan: each argument becomes statement
parameters made by a `Provider` when the request runs, with the checks the resolvers
make (`check_first`, `decode_cursor`, the filter's validation); a check that fails
sends the request to the resolvers, which answer it with their error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values

from graph import entities, listing
from graph.compiled import plan as p
from graph.compiled.cypher import NotCompiled
from graph.keys import ApiKey
from graph.labels import ENTITY_LABELS
from graph.models.registry import REGISTRY, Link
from graph.relationships.neighbours import page_params
from schema.compiled.fields import EDGE, Personal, Reference, Sources, reads
from schema.filters import filter_values
from schema.model import ENTITY_ROOTS, spec_of
from schema.pagination import check_first, decode_cursor


@dataclass(frozen=True)
class Request:
    """What the parameters of a request are made from besides its variables."""

    variables: VariableValues
    max_page_size: int
    principal: ApiKey


#: Makes statement parameters for a request; raises (a `ClientError`, a `GraphError`,
#: a `ValueError`) where the resolvers would answer with an error.
Provider = Callable[[Request], dict[str, Any]]


def _today(request: Request) -> dict[str, Any]:
    # dates are stored as ISO text (`entities.properties`), which sorts as they do
    return {"today": date.today().isoformat()}


@dataclass
class Walker:
    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    #: whether the caller sees personal data (`schema.privacy.sees_personal`)
    personal: bool
    providers: list[Provider] = field(default_factory=list)
    count: int = 0

    def prefix(self) -> str:
        self.count += 1
        return f"a{self.count}_"

    def _sub(self, parent: GraphQLObjectType, details: FieldDetailsList) -> GroupedFieldSet:
        return collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, parent, details
        ).grouped_field_set

    def _object(self, parent: GraphQLObjectType, name: str) -> GraphQLObjectType:
        found = get_named_type(parent.fields[name].type)
        assert isinstance(found, GraphQLObjectType), found
        return found

    def _type(self, name: str) -> GraphQLObjectType:
        found = self.schema.type_map[name]
        assert isinstance(found, GraphQLObjectType), found
        return found

    # --- roots ------------------------------------------------------------------

    def roots(self) -> p.Roots:
        query = self.schema.query_type
        assert query is not None
        grouped = collect_fields(
            self.schema, self.fragments, self.variables, query, self.operation
        ).grouped_field_set
        return tuple((key, self.root(query, details)) for key, details in grouped.items())

    def root(self, query: GraphQLObjectType, details: FieldDetailsList) -> p.Root:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            return p.Const(query.name)
        if name not in query.fields:  # `__schema`, `__type`: introspection
            raise NotCompiled(f"Query.{name} is introspection")
        field_def = query.fields[name]
        if name in ENTITY_ROOTS:
            label, kind = ENTITY_ROOTS[name]
            if kind == "one":
                return p.ById(self._id(field_def, node), self.entity((label,), details))
            return self.listing(label, query, field_def, details)
        if name == "node":
            return p.ById(self._id(field_def, node), self.entity(ENTITY_LABELS, details))
        if name == "viewer":
            return self.viewer(query, details)
        raise NotCompiled(f"Query.{name} has a resolver of its own")

    def today(self) -> None:
        """`$today` for a computed field (`p.Expr`): the date the request runs on, as
        the model's Python rule takes it (`date.today()`, the API process's date)."""
        if _today not in self.providers:
            self.providers.append(_today)

    def _id(self, field_def: GraphQLField, node: FieldNode) -> str:
        name = self.prefix() + "id"

        def provide(request: Request) -> dict[str, Any]:
            args = get_argument_values(field_def, node, request.variables)
            return {name: str(args["id"])}

        self.providers.append(provide)
        return name

    def viewer(self, query: GraphQLObjectType, details: FieldDetailsList) -> p.Object:
        viewer = self._object(query, "viewer")
        parts: list[tuple[str, p.Const | p.Param]] = []
        for key, d in self._sub(viewer, details).items():
            name = d[0].node.name.value
            if name == "__typename":
                parts.append((key, p.Const(viewer.name)))
            elif name in ("name", "role"):
                parts.append((key, p.Param(f"viewer_{name}")))
            else:
                raise NotCompiled(f"Viewer.{name}")

        def provide(request: Request) -> dict[str, Any]:
            key = request.principal
            return {"viewer_name": key.name, "viewer_role": key.role.value}

        self.providers.append(provide)
        return p.Object(tuple(parts))

    def listing(
        self,
        label: str,
        query: GraphQLObjectType,
        field_def: GraphQLField,
        details: FieldDetailsList,
    ) -> p.Page:
        node = details[0].node
        args = get_argument_values(field_def, node, self.variables)
        sort = entities.SortField(args["sort"])
        direction = entities.SortDirection(args["direction"])
        prefix = self.prefix()
        t = REGISTRY[label]

        def provide(request: Request) -> dict[str, Any]:
            args = get_argument_values(field_def, node, request.variables)
            given = args.get("filter")
            found = filter_values(t, given) if given is not None else entities.EntityFilter()
            first = check_first(args["first"], request.max_page_size)
            key = decode_cursor(args.get("after"))
            after = (key[0], str(key[1])) if key else None
            return listing.list_params(label, found, after, first, prefix) | {
                prefix + "first": first,
                prefix + "hasPrevious": key is not None,
            }

        self.providers.append(provide)
        connection = self._object(query, node.name.value)
        source = p.Listing(label, sort, direction)
        return p.Page(source, prefix, self.parts(connection, details, (label,), relationship=False))

    # --- entities -----------------------------------------------------------------

    def entity(self, labels: tuple[str, ...], details: FieldDetailsList) -> p.Entity:
        return p.Entity(
            tuple(
                (label, self.fields(label, self._sub(self._type(label), details)))
                for label in labels
            )
        )

    def fields(self, label: str, grouped: GroupedFieldSet) -> p.Fields:
        known = reads(label)
        out: list[tuple[str, p.Field]] = []
        for key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                out.append((key, p.Const(label)))
                continue
            read = known.get(name)
            match read:
                case p.Prop():
                    out.append((key, read))
                case p.Expr():
                    out.append((key, read))
                    self.today()
                case Personal(prop):
                    out.append((key, prop if self.personal else p.Const(None)))
                case Reference(prop, other):
                    out.append((key, p.Ref(prop, other, self.entity((other,), details))))
                case Sources():
                    source = self._object(self._type(label), name)
                    out.append((key, p.Cited(self.source_parts(source, details))))
                case Link() if read.single:
                    out.append((key, p.Single(spec_of(read), self.entity(read.other, details))))
                case Link():
                    out.append((key, self.link(label, read, details)))
                case _:
                    raise NotCompiled(f"{label}.{name} has a resolver of its own")
        return tuple(out)

    def link(self, label: str, link: Link, details: FieldDetailsList) -> p.Page:
        parent = self._type(label)
        field_def = parent.fields[link.field]
        node = details[0].node
        prefix = self.prefix()

        def provide(request: Request) -> dict[str, Any]:
            args = get_argument_values(field_def, node, request.variables)
            first = check_first(args["first"], request.max_page_size)
            key = decode_cursor(args.get("after"), size=3)
            return page_params(key, first, prefix) | {
                prefix + "first": first,
                prefix + "hasPrevious": key is not None,
            }

        self.providers.append(provide)
        connection = self._object(parent, link.field)
        parts = self.parts(connection, details, link.other, relationship=True)
        return p.Page(p.Link(spec_of(link)), prefix, parts)

    # --- connections --------------------------------------------------------------

    def parts(
        self,
        connection: GraphQLObjectType,
        details: FieldDetailsList,
        labels: tuple[str, ...],
        *,
        relationship: bool,
    ) -> tuple[tuple[str, p.Part], ...]:
        out: list[tuple[str, p.Part]] = []
        for key, d in self._sub(connection, details).items():
            name = d[0].node.name.value
            if name == "__typename":
                out.append((key, p.Const(connection.name)))
            elif name == "totalCount":
                out.append((key, p.Total()))
            elif name == "nodes":
                out.append((key, p.Nodes(self.entity(labels, d))))
            elif name == "edges":
                edge = self._object(connection, "edges")
                out.append((key, p.Edges(self.edge(edge, d, labels, relationship))))
            elif name == "pageInfo":
                out.append((key, p.Info(self.info(self._object(connection, "pageInfo"), d))))
            else:
                raise NotCompiled(f"{connection.name}.{name}")
        return tuple(out)

    def edge(
        self,
        edge: GraphQLObjectType,
        details: FieldDetailsList,
        labels: tuple[str, ...],
        relationship: bool,
    ) -> tuple[tuple[str, p.EdgePart], ...]:
        out: list[tuple[str, p.EdgePart]] = []
        for key, d in self._sub(edge, details).items():
            name = d[0].node.name.value
            read = EDGE.get(name) if relationship else None
            if name == "__typename":
                out.append((key, p.Const(edge.name)))
            elif name == "cursor":
                out.append((key, p.Cursor()))
            elif name == "node":
                out.append((key, p.Node(self.entity(labels, d))))
            elif name == "sources" and relationship:
                source = self._object(edge, "sources")
                out.append((key, p.RelSources(self.source_parts(source, d))))
            elif isinstance(read, p.RelType | p.RelProp):
                out.append((key, read))
            else:
                raise NotCompiled(f"{edge.name}.{name}")
        return tuple(out)

    def info(
        self, info: GraphQLObjectType, details: FieldDetailsList
    ) -> tuple[tuple[str, p.InfoPart], ...]:
        parts: dict[str, p.InfoPart] = {
            "hasNextPage": p.HasNext(),
            "hasPreviousPage": p.HasPrevious(),
            "startCursor": p.StartCursor(),
            "endCursor": p.EndCursor(),
            "__typename": p.Const(info.name),
        }
        return tuple(
            (key, parts[d[0].node.name.value]) for key, d in self._sub(info, details).items()
        )

    def source_parts(
        self, source: GraphQLObjectType, details: FieldDetailsList
    ) -> tuple[tuple[str, p.SourcePart], ...]:
        out: list[tuple[str, p.SourcePart]] = []
        for key, d in self._sub(source, details).items():
            name = d[0].node.name.value
            if name == "__typename":
                out.append((key, p.Const(source.name)))
            elif name == "quote":
                out.append((key, p.Quote()))
            elif name == "document":
                out.append((key, p.Document(self.entity(("Document",), d))))
            else:
                raise NotCompiled(f"{source.name}.{name}")
        return tuple(out)
