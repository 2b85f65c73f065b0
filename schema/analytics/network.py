"""Ego networks and the whole network in GraphQL (`graph/analytics/network.py`): nodes
and edges as a front end draws them."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from graph.analytics import network
from schema.analytics.dates import FromArg, ToArg
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, WHOLE_NETWORK, Cost
from schema.errors import resolved
from schema.permissions import CanRead
from schema.selection import selected, selects_within


@strawberry.type(description="A source document of an edge or hop.")
class NetworkDocument:
    id: strawberry.ID
    title: str | None


@strawberry.type(description="A document that supports a tie, and the quote in it.")
class NetworkSource:
    document: NetworkDocument
    quote: str | None

    @classmethod
    def from_model(cls, s: network.EdgeSource) -> NetworkSource:
        return cls(
            document=NetworkDocument(id=strawberry.ID(s.document.id), title=s.document.title),
            quote=s.quote,
        )


@strawberry.type(description="A node as a front-end draws it (cytoscape.js, d3).")
class NetworkNode:
    id: strawberry.ID
    type: str = strawberry.field(description="The node label: Organisation, Person, Event, …")
    label: str = strawberry.field(description="The display name.")
    properties: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="Every stored property as JSON (contact details left out)."
    )
    scores: dict[str, Any] = strawberry.field(
        graphql_type=JSON,
        description="Stored analytics scores (centrality…, community…) from `koostoo analyse`.",
    )

    @classmethod
    def from_model(cls, n: network.NetNode) -> NetworkNode:
        return cls(
            id=strawberry.ID(n.id),
            type=n.type,
            label=n.label,
            properties=n.properties,
            scores=n.scores,
        )


@strawberry.type(description="A relationship as a front-end draws it.")
class NetworkEdge:
    id: strawberry.ID = strawberry.field(description="Stable: `TYPE:source->target`.")
    source: strawberry.ID
    target: strawberry.ID
    type: str
    weight: float
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)
    sources: list[NetworkSource]

    @classmethod
    def from_model(cls, e: network.NetEdge) -> NetworkEdge:
        return cls(
            id=strawberry.ID(e.id),
            source=strawberry.ID(e.source),
            target=strawberry.ID(e.target),
            type=e.type,
            weight=e.weight,
            properties=e.properties,
            sources=[NetworkSource.from_model(s) for s in e.sources],
        )


@strawberry.type(description="Nodes and edges, ready for cytoscape.js or d3.")
class Network:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = strawberry.field(description="True when maxNodes cut the network short.")

    @classmethod
    def from_model(cls, n: network.Network) -> Network:
        return cls(
            nodes=[NetworkNode.from_model(x) for x in n.nodes],
            edges=[NetworkEdge.from_model(x) for x in n.edges],
            truncated=n.truncated,
        )


def network_filter(
    relationship_types: list[str] | None,
    labels: list[str] | None,
    from_: str | None,
    to: str | None,
    max_nodes: int,
) -> network.NetworkFilter:
    kwargs: dict[str, Any] = {"from_": from_, "to": to, "max_nodes": max_nodes}
    if relationship_types is not None:
        kwargs["relationship_types"] = tuple(relationship_types)
    if labels is not None:
        kwargs["labels"] = tuple(labels)
    return network.NetworkFilter(**kwargs)


_TYPES_HELP = "Relationship types to follow (default: every domain type)."
_LABELS_HELP = "Node labels to keep (default: all)."
TypesArg = Annotated[list[str] | None, strawberry.argument(description=_TYPES_HELP)]
LabelsArg = Annotated[list[str] | None, strawberry.argument(description=_LABELS_HELP)]


_NODE_DETAIL = frozenset({"properties", "scores"})
_EDGE_DETAIL = frozenset({"properties", "sources"})


def _detail(info: Info) -> network.Detail:
    """The properties the caller selected: a drawing that asks for ids, types and
    labels gets its network without reading every property."""
    asked = selected(info)
    return network.Detail(
        node_properties=selects_within(asked, "nodes", _NODE_DETAIL),
        edge_properties=selects_within(asked, "edges", _EDGE_DETAIL),
    )


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="The entities within `depth` (1–3) hops of one entity, and the edges among "
        "them: ready for cytoscape.js or d3. Per node, stored centrality scores.",
    )
    async def ego_network(
        self,
        info: Info,
        id: strawberry.ID,
        depth: int = 1,
        relationship_types: TypesArg = None,
        labels: LabelsArg = None,
        from_: FromArg = None,
        to: ToArg = None,
        max_nodes: int = 500,
    ) -> Network:
        async def work() -> network.Network:
            f = network_filter(relationship_types, labels, from_, to, max_nodes)
            return await network.ego(
                info.context.graph, str(id), depth=depth, filter=f, detail=_detail(info)
            )

        return Network.from_model(await resolved(work()))

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="The whole network as a filter selects it (for the explorer).",
    )
    async def network_graph(
        self,
        info: Info,
        relationship_types: TypesArg = None,
        labels: LabelsArg = None,
        from_: FromArg = None,
        to: ToArg = None,
        max_nodes: int = 2000,
    ) -> Network:
        async def work() -> network.Network:
            f = network_filter(relationship_types, labels, from_, to, max_nodes)
            return await network.whole(info.context.graph, f)

        return Network.from_model(await resolved(work()))
