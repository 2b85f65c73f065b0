"""Service coverage in GraphQL (`graph/analytics/coverage.py`): per place, a category's
services, their providers and commissioners; gaps and single points of failure."""

from __future__ import annotations

import strawberry

from graph.analytics import coverage
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, Cost
from schema.errors import resolved
from schema.permissions import CanRead


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
    delivered_for: list[CoverageRef] = strawberry.field(
        description="The organisations (municipalities) it is delivered for."
    )


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
                        delivered_for=[ref(x) for x in s.delivered_for],
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


@strawberry.type
class CoverageQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="Per place (within `placeId`, if given): the category's services, their "
        "providers and commissioners; gaps and single points of failure.",
    )
    async def service_coverage(
        self, info: Info, category_id: strawberry.ID, place_id: strawberry.ID | None = None
    ) -> ServiceCoverage:
        found = await resolved(
            coverage.coverage(
                info.context.graph, str(category_id), str(place_id) if place_id else None
            )
        )
        return _coverage(found)
