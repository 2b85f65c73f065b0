"""The query and mutation roots and the schema factory."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from graph import entities
from graph.errors import GraphError
from schema.context import Info
from schema.errors import from_graph_error
from schema.extensions import MaskUnexpectedErrors, limits
from schema.node import Node
from schema.organisation import Organisation, OrganisationMutation, OrganisationQuery
from schema.permissions import CanRead


@strawberry.type(description="The API key making the request.")
class Viewer:
    name: str
    role: str


@strawberry.type
class Query(OrganisationQuery):
    @strawberry.field(permission_classes=[CanRead], description="Any entity by its id, or null.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        try:
            label = await entities.label_of(info.context.graph, str(id))
        except GraphError as e:
            raise from_graph_error(e) from e
        if label == "Organisation":
            found = await info.context.loaders.organisation.load(str(id))
            return Organisation.from_model(found) if found else None
        return None

    @strawberry.field(
        permission_classes=[CanRead], description="Who you are: the name and role of your API key."
    )
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        assert principal is not None  # CanRead checked it
        return Viewer(name=principal.name, role=principal.role.value)


@strawberry.type
class Mutation(OrganisationMutation):
    pass


class KoostooSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Unexpected errors are logged (with the request id) by MaskUnexpectedErrors;
        # errors meant for the client are not worth an error log line.
        return None


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    introspection: bool = True


def build_schema(lim: Limits | None = None) -> strawberry.Schema:
    lim = lim or Limits()
    return KoostooSchema(
        query=Query,
        mutation=Mutation,
        types=[Organisation],
        extensions=[
            *limits(
                max_depth=lim.max_depth,
                max_aliases=lim.max_aliases,
                max_tokens=lim.max_tokens,
                introspection=lim.introspection,
            ),
            MaskUnexpectedErrors,
        ],
    )
