"""`search`: ranked, accent-insensitive search over names and aliases of every type."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph import resolver
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


strawberry.enum(
    resolver.Match,
    name="SearchMatch",
    description="How a search result matched the text, best first: its `ID`, its "
    "`REGISTRY_CODE`, one of its names or aliases (`NAME`: case, accents and legal forms "
    "such as MTÜ ignored), one of its names in another grammatical case (`LEMMA`: "
    "'Töötukassaga'), every word as a prefix, within a typo or in another case (`FUZZY`: "
    "a 'did you mean'), or only some words of the text (`PARTIAL`).",
)


@strawberry.type(description="One search result and how well it matched.")
class SearchHit:
    node: Stored = strawberry.field(graphql_type=Entity)
    type: str = strawberry.field(description="The entity type.")
    score: float = strawberry.field(
        description="Higher is better; only comparable within a search."
    )
    match: resolver.Match = strawberry.field(
        description="How it matched; results are ordered by this first, then by score."
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="Find entities by id or by name or alias as you type: case- and "
        "accent-insensitive ('tootukassa' finds Eesti Töötukassa, 'sillamae' finds Sillamäe), "
        "in any grammatical case ('Töötukassaga', 'Kaie Kotoviga'), prefixes and small typos "
        "match, Cyrillic too (е matches ё); a text no entity matches in every word finds "
        "those matching some ('kohtumine Töötukassaga'). Best first, with how each matched.",
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
            found = await resolver.resolve(
                info.context.graph,
                text,
                [t.value for t in types] if types else None,
                first=first,
            )
        except GraphError as e:
            raise from_graph_error(e) from e
        return [SearchHit(node=c.node, type=c.label, score=c.score, match=c.match) for c in found]
