"""Projections pulled from Neo4j for the graph algorithms: one query each, returning the
actor network as weighted undirected edges.

- ORGANISATIONS: organisations; a tie per pair that took part in the same event or
  programme (weight = number shared) or are linked directly (`MEMBER_OF`, `PART_OF`).
- PEOPLE: people; a tie per pair that attended the same event or belong to the same
  organisation (weight = number of those).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from neo4j import AsyncManagedTransaction

from graph.analytics.cooperation import PARTICIPATION
from graph.driver import Graph


class NetworkKind(StrEnum):
    ORGANISATIONS = "ORGANISATIONS"
    PEOPLE = "PEOPLE"


_TP = "|".join(PARTICIPATION)

#: Nodes (b = null) and weighted ties in one statement, one record per node `a` (the
#: async driver's cost per record dominated the pull with a record per tie).
ORGANISATIONS: Final = f"""
CALL () {{
  MATCH (o:Organisation)
  RETURN o.id AS a, null AS b, 0 AS w
  UNION ALL
  MATCH (a:Organisation)-[:{_TP}]->(x)<-[:{_TP}]-(b:Organisation)
  WHERE (x:Event OR x:Programme) AND a.id < b.id
  WITH a, b, count(DISTINCT x) AS w
  RETURN a.id AS a, b.id AS b, w
  UNION ALL
  MATCH (a:Organisation)-[:MEMBER_OF|PART_OF]-(b:Organisation)
  WHERE a.id < b.id
  RETURN a.id AS a, b.id AS b, count(*) AS w
}}
WITH a, collect([b, w]) AS ties
RETURN a, ties
"""

PEOPLE: Final = """
CALL () {
  MATCH (p:Person)
  RETURN p.id AS a, null AS b, 0 AS w
  UNION ALL
  MATCH (a:Person)-[:ATTENDED]->(x:Event)<-[:ATTENDED]-(b:Person)
  WHERE a.id < b.id
  RETURN a.id AS a, b.id AS b, count(DISTINCT x) AS w
  UNION ALL
  MATCH (a:Person)-[:MEMBER_OF]->(o:Organisation)<-[:MEMBER_OF]-(b:Person)
  WHERE a.id < b.id
  RETURN a.id AS a, b.id AS b, count(DISTINCT o) AS w
}
WITH a, collect([b, w]) AS ties
RETURN a, ties
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
                if other is None:
                    continue
                b = index.setdefault(other, len(index))
                key = (a, b) if a < b else (b, a)
                ties[key] = ties.get(key, 0.0) + float(w)
        return Projection(kind=kind, ids=list(index), edges=list(ties), weights=list(ties.values()))

    return await graph.read(work)
