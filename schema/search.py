"""`search`: ranked, accent-insensitive search over names and aliases of every type."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph import search as graph_search
from graph.errors import GraphError
from graph.models.common import Stored
from schema.context import Info
from schema.entity import Entity
from schema.errors import ClientError, from_graph_error
from schema.permissions import CanRead


@strawberry.enum(description="The entity types `search` can look in.")
class SearchType(Enum):
    Organisation = "Organisation"
    Person = "Person"
    Event = "Event"
    Programme = "Programme"
    Service = "Service"
    ServiceCategory = "ServiceCategory"
    Place = "Place"
    Document = "Document"
    Topic = "Topic"
    Campaign = "Campaign"


@strawberry.type(description="One search result and how well it matched.")
class SearchHit:
    node: Stored = strawberry.field(graphql_type=Entity)
    type: str = strawberry.field(description="The entity type.")
    score: float = strawberry.field(
        description="Higher is better; only comparable within a search."
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="Find entities by name or alias as you type: case- and accent-insensitive "
        "('tootukassa' finds Eesti Töötukassa, 'sillamae' finds Sillamäe), prefixes and small "
        "typos match, Cyrillic too (е matches ё). Best first.",
    )
    async def search(
        self,
        info: Info,
        text: str,
        types: list[SearchType] | None = None,
        first: int = 10,
    ) -> list[SearchHit]:
        if first < 1 or first > info.context.max_page_size:
            raise ClientError(
                f"`first` must be between 1 and {info.context.max_page_size}",
                "BAD_USER_INPUT",
                field="first",
            )
        try:
            hits = await graph_search.search(
                info.context.graph,
                text,
                types=[t.value for t in types] if types else None,
                first=first,
            )
        except GraphError as e:
            raise from_graph_error(e) from e
        return [SearchHit(node=h.node, type=h.label, score=h.score) for h in hits]
