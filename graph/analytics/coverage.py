"""Service coverage: per place, the services of a category, who provides and who
commissions them and whom they are delivered for (`DELIVERED_FOR`: the municipality a
provider works with); the gaps (no provider) and the single points of failure (one
provider, or a provider whose partnership is carried by one known person)."""

from __future__ import annotations

from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.driver import Graph
from graph.errors import NotFound

#: Places where services are delivered (not venues, counties or countries).
LOCAL_KINDS: Final = ("MUNICIPALITY", "CITY", "VILLAGE")

CHECK: Final = """
OPTIONAL MATCH (c:ServiceCategory {id: $category})
OPTIONAL MATCH (p:Place {id: $place})
RETURN c IS NOT NULL AS category, $place IS NULL OR p IS NOT NULL AS place
"""

#: Every local place in scope, with the category's services available there (or in a
#: place it lies within), their providers (with each provider's known people) and
#: commissioners.
COVERAGE: Final = """
MATCH (pl:Place)
WHERE pl.kind IN $kinds
  AND ($place IS NULL OR EXISTS { MATCH (pl)-[:PART_OF*0..4]->(:Place {id: $place}) })
OPTIONAL MATCH (pl)-[:PART_OF*0..4]->(area:Place)<-[av:AVAILABLE_IN]-(s:Service)
               -[:IN_CATEGORY]->(:ServiceCategory {id: $category})
WITH pl, s, collect(av.status)[0] AS status
CALL (s) {
  OPTIONAL MATCH (prov:Organisation)-[pr:PROVIDES]->(s)
  OPTIONAL MATCH (m:Person)-[:MEMBER_OF]->(prov)
  WITH prov, pr, collect(DISTINCT {id: m.id, name: m.name}) AS people
  RETURN collect(CASE WHEN prov IS NULL THEN null ELSE
           {id: prov.id, name: prov.name, status: pr.status, basis: pr.basis,
            people: [x IN people WHERE x.id IS NOT NULL]} END) AS providers
}
CALL (s) {
  OPTIONAL MATCH (com:Organisation)-[:COMMISSIONED]->(s)
  RETURN collect({id: com.id, name: com.name}) AS commissioners
}
CALL (s) {
  OPTIONAL MATCH (s)-[:DELIVERED_FOR]->(f:Organisation)
  RETURN collect({id: f.id, name: f.name}) AS deliveredFor
}
RETURN pl.id AS placeId, pl.name AS placeName, pl.kind AS placeKind, pl.sortKey AS placeKey,
       collect(CASE WHEN s IS NULL THEN null ELSE
         {id: s.id, name: s.name, status: status, providers: providers,
          commissioners: [c IN commissioners WHERE c.id IS NOT NULL],
          deliveredFor: [f IN deliveredFor WHERE f.id IS NOT NULL]} END) AS services
ORDER BY placeKey, placeId
"""

#: Services of the category with no place recorded (national, or not yet placed).
UNPLACED: Final = """
MATCH (s:Service)-[:IN_CATEGORY]->(:ServiceCategory {id: $category})
WHERE NOT (s)-[:AVAILABLE_IN]->(:Place)
OPTIONAL MATCH (prov:Organisation)-[:PROVIDES]->(s)
OPTIONAL MATCH (com:Organisation)-[:COMMISSIONED]->(s)
RETURN s.id AS id, s.name AS name, collect(DISTINCT prov.id) AS providers,
       collect(DISTINCT com.id) AS commissioners
ORDER BY name, id
"""


class Ref(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str


class Provider(Ref):
    status: str | None = None
    basis: str | None = None
    #: the provider's known people; one person = a partnership carried by one person
    people: list[Ref]


class PlacedService(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    #: availability status in the place, as the source gives it (current, planned, …)
    status: str | None = None
    providers: list[Provider]
    commissioners: list[Ref]
    #: the organisations (municipalities) it is delivered for
    delivered_for: list[Ref] = []


class SinglePoint(BaseModel):
    """A service that rests on one provider, or a provider carried by one person."""

    model_config = ConfigDict(frozen=True)

    service_id: str
    provider_id: str
    #: ONE_PROVIDER or ONE_PERSON
    reason: str
    person_id: str | None = None


class PlaceCoverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    place_id: str
    place_name: str
    place_kind: str | None = None
    services: list[PlacedService]
    #: no service of the category with a provider here
    gap: bool
    #: services available here that nobody is recorded as providing
    unprovided: list[str]
    single_points: list[SinglePoint]


class UnplacedService(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    providers: list[str]
    commissioners: list[str]


class Coverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    category_id: str
    places: list[PlaceCoverage]
    #: places with no provider for the category
    gaps: list[str]
    #: services of the category with no place recorded
    unplaced: list[UnplacedService]


def _place(row: dict[str, Any]) -> PlaceCoverage:
    services = []
    for s in sorted(row["services"], key=lambda s: s["name"]):
        providers = sorted(
            (
                Provider(
                    id=p["id"],
                    name=p["name"],
                    status=p["status"],
                    basis=p["basis"],
                    people=[Ref(**x) for x in p["people"]],
                )
                for p in s["providers"]
            ),
            key=lambda p: p.name,
        )
        commissioners = sorted((Ref(**c) for c in s["commissioners"]), key=lambda c: c.name)
        services.append(
            PlacedService(
                id=s["id"],
                name=s["name"],
                status=s["status"],
                providers=providers,
                commissioners=commissioners,
                delivered_for=sorted((Ref(**f) for f in s["deliveredFor"]), key=lambda f: f.name),
            )
        )
    points: list[SinglePoint] = []
    for s in services:
        if len(s.providers) == 1:
            points.append(
                SinglePoint(service_id=s.id, provider_id=s.providers[0].id, reason="ONE_PROVIDER")
            )
        for p in s.providers:
            if len(p.people) == 1:
                points.append(
                    SinglePoint(
                        service_id=s.id,
                        provider_id=p.id,
                        reason="ONE_PERSON",
                        person_id=p.people[0].id,
                    )
                )
    return PlaceCoverage(
        place_id=row["placeId"],
        place_name=row["placeName"],
        place_kind=row["placeKind"],
        services=services,
        gap=not any(s.providers for s in services),
        unprovided=[s.id for s in services if not s.providers],
        single_points=points,
    )


async def coverage(graph: Graph, category_id: str, place_id: str | None = None) -> Coverage:
    """Coverage of a service category in every local place (within `place_id`, if given)."""

    async def work(tx: AsyncManagedTransaction) -> Coverage:
        found = await (await tx.run(CHECK, category=category_id, place=place_id)).single(
            strict=True
        )
        if not found["category"]:
            raise NotFound(category_id, "ServiceCategory")
        if not found["place"]:
            raise NotFound(str(place_id), "Place")
        params = {"category": category_id, "place": place_id, "kinds": list(LOCAL_KINDS)}
        places = [_place(dict(r)) async for r in await tx.run(COVERAGE, params)]
        unplaced = [UnplacedService(**dict(r)) async for r in await tx.run(UNPLACED, params)]
        return Coverage(
            category_id=category_id,
            places=places,
            gaps=[p.place_id for p in places if p.gap],
            unplaced=unplaced,
        )

    return await graph.read(work)
