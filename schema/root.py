"""The query and mutation roots and the schema factory.

The roots are merged from the `…Query` / `…Mutation` types each module contributes
(the entity types' own root fields are derived from the model, `schema/model.py`); to
add yours, import it and add it to the tuples below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graph.models.common import Stored
from schema.admin import AdminMutation, AdminQuery
from schema.analytics import AnalyticsQuery
from schema.compiled.execute import CompiledReads
from schema.context import Info
from schema.crm import CrmMutation, CrmQuery
from schema.entity import Entity
from schema.execution import FlatObjects
from schema.extensions import MaskUnexpectedErrors, limits, validation_rules
from schema.forms import FormsQuery
from schema.ingest import IngestMutation, IngestQuery
from schema.model import OBJECT_TYPES, EntityMutation, EntityQuery
from schema.node import Node
from schema.permissions import CanRead
from schema.relationships import RelationshipMutation, RelationshipQuery
from schema.search import SearchQuery


@strawberry.type(description="The API key making the request.")
class Viewer:
    name: str = strawberry.field(description="The name of the person the key belongs to.")
    role: str


@strawberry.type
class RootQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="Any entity by its id, or null.",
        graphql_type=Node | None,
    )
    async def node(self, info: Info, id: strawberry.ID) -> Stored | None:
        return await info.context.loaders.entity.load(str(id))

    @strawberry.field(
        permission_classes=[CanRead], description="Who you are: the name and role of your API key."
    )
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        assert principal is not None  # CanRead checked it
        return Viewer(name=principal.name, role=principal.role.value)


Query = merge_types(
    "Query",
    (
        EntityQuery,
        RelationshipQuery,
        SearchQuery,
        CrmQuery,
        AdminQuery,
        AnalyticsQuery,
        FormsQuery,
        IngestQuery,
        RootQuery,
    ),
)
Mutation = merge_types(
    "Mutation", (EntityMutation, RelationshipMutation, CrmMutation, AdminMutation, IngestMutation)
)


class KoostooSchema(strawberry.Schema):
    def __init__(self, *args: Any, suggestions: bool = True, **kwargs: Any) -> None:
        """`suggestions`: whether errors may say "Did you mean …?" — only where
        introspection shows the schema anyway (validation: see `CachedValidation`)."""
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.compiled: CompiledReads | None = None

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # graphql-core's switch for the errors of variable values ("Did you mean the
        # enum value …", "… input field …"); Strawberry passes these on to `execute`.
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        kwargs["hide_suggestions"] = not self.suggestions
        return kwargs

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
    max_cost: int = 25_000
    #: What a `first` given as a variable counts as (the largest page there is).
    assumed_page_size: int = 100


def build_schema(lim: Limits | None = None) -> KoostooSchema:
    """The schema, with its limits; its `compiled` reads run the reads it can plan as
    one statement each (`schema/compiled`), under the same limits."""
    lim = lim or Limits()
    rules = validation_rules(
        max_depth=lim.max_depth,
        max_aliases=lim.max_aliases,
        introspection=lim.introspection,
        max_cost=lim.max_cost,
        assumed_page_size=lim.assumed_page_size,
    )
    schema = KoostooSchema(
        query=Query,
        mutation=Mutation,
        types=[Entity, *OBJECT_TYPES.values()],
        extensions=[
            *limits(max_tokens=lim.max_tokens, introspection=lim.introspection, rules=rules),
            MaskUnexpectedErrors,
        ],
        suggestions=lim.introspection,
        execution_context_class=FlatObjects,
    )
    schema.compiled = CompiledReads(
        schema._schema, rules=rules, max_tokens=lim.max_tokens, suggestions=lim.introspection
    )
    return schema
