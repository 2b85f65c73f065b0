"""Common connections of two people or organisations: what they share and who they
both know (the interlocks)."""

from __future__ import annotations

from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.path_queries import ACTORS, TAKES_PART
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound

_TP = "|".join(TAKES_PART)

ENDPOINTS: Final = """
UNWIND $ids AS eid
OPTIONAL MATCH (n:Entity {id: eid})
RETURN eid, [l IN labels(n) WHERE l <> 'Entity'][0] AS type
"""

SHARED: Final = f"""
MATCH (a:Entity {{id: $a}})-[ra:{_TP}]-(x)-[rb:{_TP}]-(b:Entity {{id: $b}})
WHERE x:Event OR x:Programme OR x:Service
WITH x, collect(DISTINCT type(ra)) AS aRoles, collect(DISTINCT type(rb)) AS bRoles
RETURN x.id AS id, [l IN labels(x) WHERE l <> 'Entity'][0] AS type, x.name AS name,
       x.startDate AS startDate, x.endDate AS endDate, aRoles, bRoles
ORDER BY coalesce(x.startDate, '') DESC, name
"""

#: Actors tied to both: directly (MEMBER_OF, PART_OF, COOPERATES_WITH) or through a
#: shared activity (a service one provides and is delivered for the other counts).
NEIGHBOURS: Final = f"""
UNWIND [$a, $b] AS eid
MATCH (e:Entity {{id: eid}})
CALL (e) {{
  MATCH (e)-[:MEMBER_OF|PART_OF|COOPERATES_WITH]-(c)
  WHERE c:Organisation OR c:Person
  RETURN c, 'direct' AS how
  UNION
  MATCH (e)-[:{_TP}]-(x)-[:{_TP}]-(c)
  WHERE (x:Event OR x:Programme OR x:Service) AND (c:Organisation OR c:Person)
  RETURN c, 'shared' AS how
}}
WITH c, eid, collect(DISTINCT how) AS hows
WHERE NOT c.id IN [$a, $b]
WITH c, collect({{end: eid, hows: hows}}) AS ends
WHERE size(ends) = 2
RETURN c.id AS id, [l IN labels(c) WHERE l <> 'Entity'][0] AS type, c.name AS name,
       c.kind AS kind, [t IN ends WHERE t.end = $a][0].hows AS viaA,
       [t IN ends WHERE t.end = $b][0].hows AS viaB
ORDER BY type, c.sortKey, id
"""

INTERLOCKS: Final = """
MATCH (a:Entity {id: $a})<-[ma:MEMBER_OF]-(p:Person)-[mb:MEMBER_OF]->(b:Entity {id: $b})
RETURN p.id AS id, p.name AS name, ma.role AS roleA, mb.role AS roleB
ORDER BY p.sortKey, id
"""


class SharedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str
    start_date: str | None = None
    end_date: str | None = None
    a_roles: list[str]
    b_roles: list[str]


class CommonActor(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str
    kind: str | None = None
    #: how it is tied to a and to b: "direct" and/or "shared"
    via_a: list[str]
    via_b: list[str]


class Interlock(BaseModel):
    """A person who is a member of both organisations."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    role_a: str | None = None
    role_b: str | None = None


class CommonConnections(BaseModel):
    model_config = ConfigDict(frozen=True)

    events: list[SharedItem]
    programmes: list[SharedItem]
    services: list[SharedItem]
    organisations: list[CommonActor]
    people: list[CommonActor]
    interlocks: list[Interlock]


async def common(graph: Graph, a: str, b: str) -> CommonConnections:
    """What `a` and `b` (people or organisations) share and whom they both know."""
    if a == b:
        raise InvalidInput([("b", "must differ from `a`")])

    async def work(tx: AsyncManagedTransaction) -> CommonConnections:
        async for r in await tx.run(ENDPOINTS, ids=[a, b]):
            if r["type"] is None:
                raise NotFound(r["eid"])
            if r["type"] not in ACTORS:
                field = "a" if r["eid"] == a else "b"
                raise InvalidInput([(field, f"{r['eid']!r} is not a person or organisation")])
        shared = [dict(r) async for r in await tx.run(SHARED, a=a, b=b)]
        actors = [dict(r) async for r in await tx.run(NEIGHBOURS, a=a, b=b)]
        locks = [dict(r) async for r in await tx.run(INTERLOCKS, a=a, b=b)]

        def item(r: dict[str, Any]) -> SharedItem:
            return SharedItem(
                id=r["id"],
                type=r["type"],
                name=r["name"],
                start_date=r["startDate"],
                end_date=r["endDate"],
                a_roles=sorted(r["aRoles"]),
                b_roles=sorted(r["bRoles"]),
            )

        def actor(r: dict[str, Any]) -> CommonActor:
            return CommonActor(
                id=r["id"],
                type=r["type"],
                name=r["name"],
                kind=r["kind"],
                via_a=sorted(r["viaA"]),
                via_b=sorted(r["viaB"]),
            )

        return CommonConnections(
            events=[item(r) for r in shared if r["type"] == "Event"],
            programmes=[item(r) for r in shared if r["type"] == "Programme"],
            services=[item(r) for r in shared if r["type"] == "Service"],
            organisations=[actor(r) for r in actors if r["type"] == "Organisation"],
            people=[actor(r) for r in actors if r["type"] == "Person"],
            interlocks=[
                Interlock(id=r["id"], name=r["name"], role_a=r["roleA"], role_b=r["roleB"])
                for r in locks
            ],
        )

    return await graph.read(work)
