"""The people network's projection: co-attendance and co-membership ties, but not
among the attendees of a crowd event or the members of a crowd organisation."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph.analytics.projection import CROWD, NetworkKind, pull
from graph.driver import Graph

SETUP = """
UNWIND range(1, $crowd + 1) AS i
CREATE (:Entity:Person {id: 'crowd-' + toString(i), name: 'P' + toString(i)})
WITH collect(i) AS _
CREATE (big:Entity:Event {id: 'conference', name: 'Conference', kind: 'CONFERENCE'})
CREATE (small:Entity:Event {id: 'workshop', name: 'Workshop', kind: 'WORKSHOP'})
CREATE (ministry:Entity:Organisation {id: 'ministry', name: 'Ministry', kind: 'MINISTRY'})
CREATE (ngo:Entity:Organisation {id: 'ngo', name: 'NGO', kind: 'NGO'})
WITH big, small, ministry, ngo
MATCH (p:Person)
CREATE (p)-[:ATTENDED]->(big), (p)-[:MEMBER_OF]->(ministry)
WITH DISTINCT small, ngo
MATCH (a:Person {id: 'crowd-1'}), (b:Person {id: 'crowd-2'}), (c:Person {id: 'crowd-3'})
CREATE (a)-[:ATTENDED]->(small), (b)-[:ATTENDED]->(small),
       (b)-[:MEMBER_OF]->(ngo), (c)-[:MEMBER_OF]->(ngo)
"""


async def test_crowds_tie_nobody_small_groups_do(graph: Graph) -> None:
    async def setup(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(SETUP, crowd=CROWD)).consume()

    await graph.write(setup)
    p = await pull(graph, NetworkKind.PEOPLE)
    assert len(p.ids) == CROWD + 1  # everybody is in the network
    ties = {
        tuple(sorted((p.ids[a], p.ids[b]))): w for (a, b), w in zip(p.edges, p.weights, strict=True)
    }
    # The conference (CROWD + 1 attendees) and the ministry (as many members) tie no one.
    assert ties == {("crowd-1", "crowd-2"): 1.0, ("crowd-2", "crowd-3"): 1.0}
