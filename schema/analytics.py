"""Network analytics in GraphQL: ego networks, the whole network, explained paths,
cooperation partners, common connections, centrality, communities, service coverage,
stale ties and network diffs. Resolvers are thin: arguments → `graph.analytics` → types."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from graph.analytics import (
    centrality,
    common,
    communities,
    cooperation,
    coverage,
    diff,
    network,
    paths,
    stale,
)
from graph.analytics.centrality import Metric
from graph.analytics.projection import NetworkKind
from graph.errors import GraphError
from schema.console import ConsoleQuery
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, PAIR, WHOLE_NETWORK, Cost
from schema.errors import from_graph_error
from schema.permissions import CanRead

T = TypeVar("T")


async def _call(work: Awaitable[T]) -> T:
    try:
        return await work
    except GraphError as e:
        raise from_graph_error(e) from e


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


@strawberry.type(description="A person, organisation, event, programme or service on a path.")
class PathNode:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    start_date: str | None
    end_date: str | None

    @classmethod
    def from_model(cls, n: paths.PathNode) -> PathNode:
        return cls(
            id=strawberry.ID(n.id),
            type=n.type,
            name=n.name,
            kind=n.kind,
            start_date=n.start_date,
            end_date=n.end_date,
        )


@strawberry.type(description="How one side of a hop is tied in: the relationship and its role.")
class HopTie:
    type: str
    outgoing: bool = strawberry.field(description="True when the relationship starts here.")
    role: str | None
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)


@strawberry.type(description="One step of a path between two people or organisations.")
class PathHop:
    source: PathNode
    target: PathNode
    kind: str = strawberry.field(
        description="RELATIONSHIP (a direct tie) or SHARED (both took part in `via`)."
    )
    via: PathNode | None = strawberry.field(
        description="The event, programme or service both took part in."
    )
    source_tie: HopTie
    target_tie: HopTie | None
    date_from: str | None
    date_to: str | None
    strength: int = strawberry.field(
        description="Shared activities plus direct ties between the two."
    )
    sources: list[NetworkSource]
    explanation: str

    @classmethod
    def from_model(cls, h: paths.Hop) -> PathHop:
        def tie(t: paths.Participation | None) -> HopTie | None:
            if t is None:
                return None
            return HopTie(type=t.type, outgoing=t.outgoing, role=t.role, properties=t.properties)

        source_tie = tie(h.source_tie)
        assert source_tie is not None
        return cls(
            source=PathNode.from_model(h.source),
            target=PathNode.from_model(h.target),
            kind=h.kind,
            via=PathNode.from_model(h.via) if h.via else None,
            source_tie=source_tie,
            target_tie=tie(h.target_tie),
            date_from=h.date_from,
            date_to=h.date_to,
            strength=h.strength,
            sources=[NetworkSource.from_model(s) for s in h.sources],
            explanation=h.explanation,
        )


@strawberry.type(description="An introduction path, hop by hop.")
class IntroductionPath:
    length: int = strawberry.field(description="Hops between people/organisations.")
    strength: int = strawberry.field(description="The weakest hop's strength.")
    total_strength: int
    hops: list[PathHop]

    @classmethod
    def from_model(cls, p: paths.Path) -> IntroductionPath:
        return cls(
            length=p.length,
            strength=p.strength,
            total_strength=p.total_strength,
            hops=[PathHop.from_model(h) for h in p.hops],
        )


@strawberry.type(description="The shortest and the strongest introduction paths.")
class IntroductionPaths:
    shortest: list[IntroductionPath]
    strongest: list[IntroductionPath]
    detours_searched: bool = strawberry.field(
        default=True,
        description="False when the search for longer but stronger paths was skipped (a "
        "network of more than 10,000 people and organisations) or stopped (time or memory "
        "budget): `strongest` is then the strongest of the shortest paths.",
    )


@strawberry.type(description="An event or programme two organisations both took part in.")
class CooperationActivity:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    start_date: str | None
    end_date: str | None
    own_roles: list[str] = strawberry.field(description="How the organisation took part.")
    partner_roles: list[str] = strawberry.field(description="How the partner took part.")

    @classmethod
    def from_model(cls, s: cooperation.SharedActivity) -> CooperationActivity:
        return cls(
            id=strawberry.ID(s.id),
            type=s.type,
            name=s.name,
            kind=s.kind,
            start_date=s.start_date,
            end_date=s.end_date,
            own_roles=s.own_roles,
            partner_roles=s.partner_roles,
        )


@strawberry.type(description="A cooperating organisation; weight = shared events and programmes.")
class CooperationPartner:
    organisation_id: strawberry.ID
    name: str
    short_name: str | None
    kind: str | None
    weight: int
    first_date: str | None
    last_date: str | None
    shared: list[CooperationActivity] = strawberry.field(description="Newest first.")

    @classmethod
    def from_model(cls, p: cooperation.Partner) -> CooperationPartner:
        return cls(
            organisation_id=strawberry.ID(p.organisation_id),
            name=p.name,
            short_name=p.short_name,
            kind=p.kind,
            weight=p.weight,
            first_date=p.first_date,
            last_date=p.last_date,
            shared=[CooperationActivity.from_model(s) for s in p.shared],
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
_FROM_HELP = "Keep ties and events valid on or after this (partial) date."
_TO_HELP = "Keep ties and events valid on or before this (partial) date."
TypesArg = Annotated[list[str] | None, strawberry.argument(description=_TYPES_HELP)]
LabelsArg = Annotated[list[str] | None, strawberry.argument(description=_LABELS_HELP)]
FromArg = Annotated[str | None, strawberry.argument(name="from", description=_FROM_HELP)]
ToArg = Annotated[str | None, strawberry.argument(description=_TO_HELP)]


@strawberry.type
class _EgoQuery:
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
            return await network.ego(info.context.graph, str(id), depth=depth, filter=f)

        return Network.from_model(await _call(work()))

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

        return Network.from_model(await _call(work()))

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="The shortest and the strongest introduction paths between two people or "
        "organisations; each hop says which relationship or shared event, when, and the "
        "source document and quote. `asOf` keeps only ties valid on that date.",
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
        limit: int = 3,
        as_of: str | None = None,
    ) -> IntroductionPaths:
        found = await _call(
            paths.find(
                info.context.graph,
                str(from_),
                str(to),
                max_hops=max_hops,
                limit=limit,
                as_of=as_of,
            )
        )
        return IntroductionPaths(
            shortest=[IntroductionPath.from_model(p) for p in found.shortest],
            strongest=[IntroductionPath.from_model(p) for p in found.strongest],
            detours_searched=found.detours_searched,
        )

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=PAIR)],
        description="Organisations that took part in the same events and programmes, ranked "
        "by the number shared; with first and last date and the activities themselves.",
    )
    async def partners(
        self,
        info: Info,
        organisation_id: strawberry.ID,
        from_: FromArg = None,
        to: ToArg = None,
        first: int = 50,
    ) -> list[CooperationPartner]:
        oid = str(organisation_id)
        found = await _call(cooperation.partners(info.context.graph, [oid], from_=from_, to=to))
        return [CooperationPartner.from_model(p) for p in found[oid][: max(0, first)]]


# --- common connections, centrality, communities, coverage, stale ties, diffs -------

strawberry.enum(Metric, name="CentralityMetric", description="A centrality measure.")
strawberry.enum(NetworkKind, name="ActorNetwork", description="Which actor network.")


@strawberry.type(description="An event, programme or service both took part in.")
class SharedActivity:
    id: strawberry.ID
    type: str
    name: str
    start_date: str | None
    end_date: str | None
    a_roles: list[str]
    b_roles: list[str]

    @classmethod
    def from_model(cls, s: common.SharedItem) -> SharedActivity:
        return cls(
            id=strawberry.ID(s.id),
            type=s.type,
            name=s.name,
            start_date=s.start_date,
            end_date=s.end_date,
            a_roles=s.a_roles,
            b_roles=s.b_roles,
        )


@strawberry.type(description="Someone both are tied to: `direct` and/or `shared` (activity).")
class CommonActor:
    id: strawberry.ID
    type: str
    name: str
    kind: str | None
    via_a: list[str]
    via_b: list[str]

    @classmethod
    def from_model(cls, a: common.CommonActor) -> CommonActor:
        return cls(
            id=strawberry.ID(a.id),
            type=a.type,
            name=a.name,
            kind=a.kind,
            via_a=a.via_a,
            via_b=a.via_b,
        )


@strawberry.type(description="A person who is a member of both organisations.")
class Interlock:
    id: strawberry.ID
    name: str
    role_a: str | None
    role_b: str | None


@strawberry.type(description="What two people or organisations share, and whom both know.")
class CommonConnections:
    events: list[SharedActivity]
    programmes: list[SharedActivity]
    services: list[SharedActivity]
    organisations: list[CommonActor]
    people: list[CommonActor]
    interlocks: list[Interlock]


@strawberry.type(description="A centrality score; rank 1 = most central in the whole network.")
class CentralityScore:
    id: strawberry.ID
    name: str
    type: str
    kind: str | None
    score: float
    rank: int


@strawberry.input(description="Which actors to list (scores are over the whole network).")
class CentralityFilter:
    kind: str | None = None
    place_id: strawberry.ID | None = None


@strawberry.type
class CommunityMember:
    id: strawberry.ID
    name: str
    type: str
    kind: str | None
    internal_strength: float


@strawberry.type(description="A community (Leiden, modularity); index 0 is the largest.")
class Community:
    index: int
    size: int
    members: list[CommunityMember]


@strawberry.type
class CoverageRef:
    id: strawberry.ID
    name: str


@strawberry.type
class CoverageProvider:
    id: strawberry.ID
    name: str
    status: str | None
    basis: str | None
    people: list[CoverageRef] = strawberry.field(description="The provider's known people.")


@strawberry.type
class CoverageService:
    id: strawberry.ID
    name: str
    status: str | None = strawberry.field(description="Availability in the place.")
    providers: list[CoverageProvider]
    commissioners: list[CoverageRef]


@strawberry.type(description="A service resting on one provider, or a provider on one person.")
class SinglePointOfFailure:
    service_id: strawberry.ID
    provider_id: strawberry.ID
    reason: str = strawberry.field(description="ONE_PROVIDER or ONE_PERSON.")
    person_id: strawberry.ID | None


@strawberry.type
class PlaceCoverage:
    place_id: strawberry.ID
    place_name: str
    place_kind: str | None
    services: list[CoverageService]
    gap: bool = strawberry.field(description="No service of the category has a provider here.")
    unprovided: list[strawberry.ID]
    single_points: list[SinglePointOfFailure]


@strawberry.type
class UnplacedService:
    id: strawberry.ID
    name: str
    providers: list[strawberry.ID]
    commissioners: list[strawberry.ID]


@strawberry.type(description="Coverage of a service category, place by place.")
class ServiceCoverage:
    category_id: strawberry.ID
    places: list[PlaceCoverage]
    gaps: list[strawberry.ID] = strawberry.field(description="Places with no provider.")
    unplaced: list[UnplacedService] = strawberry.field(
        description="Services of the category with no place recorded."
    )


@strawberry.type(description="A cooperation tie with no contact for a while.")
class StaleTie:
    a_id: strawberry.ID
    a_name: str
    b_id: strawberry.ID
    b_name: str
    weight: int
    last_contact: str | None
    days_since: int | None
    importance: float


@strawberry.type(description="A tie that formed or ended.")
class TieChange:
    kind: str = strawberry.field(description="COOPERATION, MEMBER_OF or PROVIDES.")
    source_id: strawberry.ID
    source_name: str
    target_id: strawberry.ID
    target_name: str
    date: str | None
    via_id: strawberry.ID | None
    via_name: str | None


@strawberry.type
class NetworkDiff:
    from_: str = strawberry.field(name="from")
    to: str
    formed: list[TieChange]
    ended: list[TieChange]


def _coverage(c: coverage.Coverage) -> ServiceCoverage:
    def ref(r: coverage.Ref) -> CoverageRef:
        return CoverageRef(id=strawberry.ID(r.id), name=r.name)

    return ServiceCoverage(
        category_id=strawberry.ID(c.category_id),
        places=[
            PlaceCoverage(
                place_id=strawberry.ID(p.place_id),
                place_name=p.place_name,
                place_kind=p.place_kind,
                services=[
                    CoverageService(
                        id=strawberry.ID(s.id),
                        name=s.name,
                        status=s.status,
                        providers=[
                            CoverageProvider(
                                id=strawberry.ID(x.id),
                                name=x.name,
                                status=x.status,
                                basis=x.basis,
                                people=[ref(y) for y in x.people],
                            )
                            for x in s.providers
                        ],
                        commissioners=[ref(x) for x in s.commissioners],
                    )
                    for s in p.services
                ],
                gap=p.gap,
                unprovided=[strawberry.ID(x) for x in p.unprovided],
                single_points=[
                    SinglePointOfFailure(
                        service_id=strawberry.ID(x.service_id),
                        provider_id=strawberry.ID(x.provider_id),
                        reason=x.reason,
                        person_id=strawberry.ID(x.person_id) if x.person_id else None,
                    )
                    for x in p.single_points
                ],
            )
            for p in c.places
        ],
        gaps=[strawberry.ID(x) for x in c.gaps],
        unplaced=[
            UnplacedService(
                id=strawberry.ID(u.id),
                name=u.name,
                providers=[strawberry.ID(x) for x in u.providers],
                commissioners=[strawberry.ID(x) for x in u.commissioners],
            )
            for u in c.unplaced
        ],
    )


def _change(t: diff.TieChange) -> TieChange:
    return TieChange(
        kind=t.kind,
        source_id=strawberry.ID(t.source_id),
        source_name=t.source_name,
        target_id=strawberry.ID(t.target_id),
        target_name=t.target_name,
        date=t.date,
        via_id=strawberry.ID(t.via_id) if t.via_id else None,
        via_name=t.via_name,
    )


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=PAIR)],
        description="Shared events, programmes and services of two people or organisations, "
        "the organisations and people tied to both, and interlocking members.",
    )
    async def common_connections(
        self, info: Info, a: strawberry.ID, b: strawberry.ID
    ) -> CommonConnections:
        c = await _call(common.common(info.context.graph, str(a), str(b)))
        return CommonConnections(
            events=[SharedActivity.from_model(x) for x in c.events],
            programmes=[SharedActivity.from_model(x) for x in c.programmes],
            services=[SharedActivity.from_model(x) for x in c.services],
            organisations=[CommonActor.from_model(x) for x in c.organisations],
            people=[CommonActor.from_model(x) for x in c.people],
            interlocks=[
                Interlock(id=strawberry.ID(x.id), name=x.name, role_a=x.role_a, role_b=x.role_b)
                for x in c.interlocks
            ],
        )

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="The most central actors (BETWEENNESS finds the brokers), computed now "
        "with igraph on the organisation or person network; ties weighted by strength. "
        "On a network of more than 2,000 actors BETWEENNESS and CLOSENESS are estimated "
        "from the shortest paths of 256 sampled actors.",
    )
    async def centrality(
        self,
        info: Info,
        metric: Metric,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        filter: CentralityFilter | None = None,
        first: int = 20,
    ) -> list[CentralityScore]:
        f = centrality.CentralityFilter(
            kind=filter.kind if filter else None,
            place_id=str(filter.place_id) if filter and filter.place_id else None,
        )
        found = await _call(
            centrality.centrality(info.context.graph, metric, network, filter=f, first=first)
        )
        return [
            CentralityScore(
                id=strawberry.ID(s.id),
                name=s.name,
                type=s.type,
                kind=s.kind,
                score=s.score,
                rank=s.rank,
            )
            for s in found
        ]

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Communities of the organisation or person network, largest first.",
    )
    async def communities(
        self,
        info: Info,
        resolution: float = 1.0,
        network: NetworkKind = NetworkKind.ORGANISATIONS,
        min_size: int = 2,
    ) -> list[Community]:
        found = await _call(
            communities.communities(
                info.context.graph, network, resolution=resolution, min_size=min_size
            )
        )
        return [
            Community(
                index=c.index,
                size=c.size,
                members=[
                    CommunityMember(
                        id=strawberry.ID(m.id),
                        name=m.name,
                        type=m.type,
                        kind=m.kind,
                        internal_strength=m.internal_strength,
                    )
                    for m in c.members
                ],
            )
            for c in found
        ]

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="Per place (within `placeId`, if given): the category's services, their "
        "providers and commissioners; gaps and single points of failure.",
    )
    async def service_coverage(
        self, info: Info, category_id: strawberry.ID, place_id: strawberry.ID | None = None
    ) -> ServiceCoverage:
        found = await _call(
            coverage.coverage(
                info.context.graph, str(category_id), str(place_id) if place_id else None
            )
        )
        return _coverage(found)

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Cooperation partners with no shared event or note for `days` days, "
        "heaviest and most central first.",
    )
    async def stale_relationships(
        self,
        info: Info,
        days: int = 180,
        organisation_id: strawberry.ID | None = None,
        first: int = 100,
    ) -> list[StaleTie]:
        found = await _call(
            stale.stale(
                info.context.graph,
                days,
                organisation_id=str(organisation_id) if organisation_id else None,
                first=first,
            )
        )
        return [
            StaleTie(
                a_id=strawberry.ID(t.a_id),
                a_name=t.a_name,
                b_id=strawberry.ID(t.b_id),
                b_name=t.b_name,
                weight=t.weight,
                last_contact=t.last_contact,
                days_since=t.days_since,
                importance=t.importance,
            )
            for t in found
        ]

    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=WHOLE_NETWORK)],
        description="Ties formed and ended between two (partial) dates.",
    )
    async def network_diff(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
    ) -> NetworkDiff:
        d = await _call(diff.diff(info.context.graph, from_, to))
        return NetworkDiff(
            from_=d.from_,
            to=d.to,
            formed=[_change(t) for t in d.formed],
            ended=[_change(t) for t in d.ended],
        )


@strawberry.type
class AnalyticsQuery(_EgoQuery, NetworkQuery, ConsoleQuery):
    """Every analytics field (ego networks, paths, partners, …) and the analyst console."""
