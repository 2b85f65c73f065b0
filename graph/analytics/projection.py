"""Projections pulled from Neo4j for the graph algorithms: one query each, returning the
actor network as weighted undirected edges.

- ORGANISATIONS: organisations; a tie per pair that took part in the same event or
  programme (weight = number shared) or are linked directly (`MEMBER_OF`, `PART_OF`,
  `COOPERATES_WITH`: a stated cooperation, "koostöös", such as an NGO delivering a
  service with a municipality).
- PEOPLE: people; a tie per pair that attended the same event or belong to the same
  organisation (weight = number of those). An event with more than `CROWD` attendees,
  or an organisation with more than `CROWD` members, ties nobody to anybody: sitting in
  the same conference hall, or working for the same ministry of 2,000, is not knowing
  each other, and it would add a tie per pair (2,000 members: 2M ties). On the M
  synthetic network such crowds made 5.8M of the 6.7M ties and a 60 s pull.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import igraph
from neo4j import AsyncManagedTransaction

from graph.analytics.cooperation import PARTICIPATION
from graph.driver import Graph


class NetworkKind(StrEnum):
    ORGANISATIONS = "ORGANISATIONS"
    PEOPLE = "PEOPLE"


_TP = "|".join(PARTICIPATION)

# One record per actor with its ties (b, weight) to the actors after it by id. The ties
# are aggregated in a subquery per actor, so Neo4j holds one actor's ties at a time
# (an aggregation over the whole network ran out of transaction memory on the M people
# network), and one record per actor, not per tie, keeps the async driver's per-record
# cost down.
ORGANISATIONS: Final = f"""
MATCH (a:Organisation)
CALL (a) {{
  CALL (a) {{
    MATCH (a)-[:{_TP}]->(x)<-[:{_TP}]-(b:Organisation)
    WHERE (x:Event OR x:Programme) AND a.id < b.id
    RETURN b.id AS b, count(DISTINCT x) AS w
    UNION ALL
    MATCH (a)-[:MEMBER_OF|PART_OF|COOPERATES_WITH]-(b:Organisation)
    WHERE a.id < b.id
    RETURN b.id AS b, count(*) AS w
  }}
  RETURN collect([b, w]) AS ties
}}
RETURN a.id AS a, ties
"""

#: attendees above which an event ties no one in the people network
CROWD: Final = 100

PEOPLE: Final = f"""
MATCH (a:Person)
CALL (a) {{
  CALL (a) {{
    MATCH (a)-[:ATTENDED]->(x:Event)
    WHERE COUNT {{ (x)<-[:ATTENDED]-() }} <= {CROWD}
    MATCH (x)<-[:ATTENDED]-(b:Person)
    WHERE a.id < b.id
    RETURN b.id AS b, count(DISTINCT x) AS w
    UNION ALL
    MATCH (a)-[:MEMBER_OF]->(o:Organisation)
    WHERE COUNT {{ (o)<-[:MEMBER_OF]-() }} <= {CROWD}
    MATCH (o)<-[:MEMBER_OF]-(b:Person)
    WHERE a.id < b.id
    RETURN b.id AS b, count(DISTINCT o) AS w
  }}
  RETURN collect([b, w]) AS ties
}}
RETURN a.id AS a, ties
"""

QUERIES: Final = {NetworkKind.ORGANISATIONS: ORGANISATIONS, NetworkKind.PEOPLE: PEOPLE}


@dataclass(frozen=True)
class Projection:
    """Vertex ids (index = igraph vertex) and undirected weighted edges by index."""

    kind: NetworkKind
    ids: list[str]
    edges: list[tuple[int, int]]
    weights: list[float]


async def pull(graph: Graph, kind: NetworkKind) -> Projection:
    """The projection of `kind`, in one query; parallel ties are summed."""

    async def work(tx: AsyncManagedTransaction) -> Projection:
        index: dict[str, int] = {}
        ties: dict[tuple[int, int], float] = {}
        async for r in await tx.run(QUERIES[kind]):
            a = index.setdefault(r["a"], len(index))
            for other, w in r["ties"]:
                b = index.setdefault(other, len(index))
                key = (a, b) if a < b else (b, a)
                ties[key] = ties.get(key, 0.0) + float(w)
        return Projection(kind=kind, ids=list(index), edges=list(ties), weights=list(ties.values()))

    return await graph.read(work)


def to_igraph(p: Projection) -> igraph.Graph:
    g = igraph.Graph(n=len(p.ids), edges=p.edges, directed=False)
    g.es["weight"] = p.weights
    g.es["distance"] = [1.0 / w if w > 0 else 1.0 for w in p.weights]
    return g
