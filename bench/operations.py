"""The fixed set of operations, each as our GraphQL, the floor's Cypher and the peer's GraphQL.

Our API grows while the benchmark is written, so each operation lists candidate
documents; the harness validates them against the live schema (introspection) and runs
the first that fits, or records "n/a — not implemented yet". The floor's Cypher does
what our resolvers are meant to do, by hand, with nothing in between.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Vars = dict[str, Any]


@dataclass(frozen=True)
class Samples:
    """Ids and terms the operations draw from (deterministic, from the loaded network)."""

    organisations: list[str]
    people: list[str]
    terms: list[str]
    run_id: str

    def org(self, i: int) -> str:
        return self.organisations[i % len(self.organisations)]

    def person_pair(self, i: int) -> tuple[str, str]:
        n = len(self.people)
        return self.people[(2 * i) % n], self.people[(2 * i + 1) % n]


@dataclass(frozen=True)
class Operation:
    name: str
    write: bool
    #: candidate documents for our API, best first
    ours: list[str]
    floor: str | None
    peer: str | None
    variables: Callable[[Samples, int, str], Vars]
    #: floor parameters when they differ from the GraphQL variables
    floor_params: Callable[[Samples, int, str], Vars] | None = None
    max_requests: int = 2_000
    notes: dict[str, str] = field(default_factory=dict)


def _org_vars(s: Samples, i: int, target: str) -> Vars:
    return {"id": s.org(i)}


ORG_BY_ID = Operation(
    name="organisation by id with members and events",
    write=False,
    ours=[
        """query($id: ID!) { organisation(id: $id) { id name kind
            members(first: 20) { edges { node { id name } } }
            events(first: 20) { edges { node { id name startDate } } } } }""",
        """query($id: ID!) { organisation(id: $id) { id name kind
            members(first: 20) { nodes { id name } }
            events(first: 20) { nodes { id name startDate } } } }""",
        """query($id: ID!) { organisation(id: $id) { id name kind
            members(first: 20) { edges { node { ... on Person { id name } } } }
            events(first: 20) { edges { node { ... on Event { id name startDate } } } } } }""",
        """query($id: ID!) { organisation(id: $id) { id name kind
            members { id name } events { id name startDate } } }""",
    ],
    floor="""
MATCH (o:Organisation {id: $id})
CALL (o) {
  MATCH (o)<-[:MEMBER_OF]-(p:Person)
  WITH p ORDER BY p.sortKey, p.id LIMIT 20
  RETURN collect(p {.id, .name}) AS members
}
CALL (o) {
  MATCH (o)-[r:ATTENDED|ORGANISED|FUNDED]->(e:Event)
  WITH e ORDER BY coalesce(e.startDate, ''), e.id, type(r) LIMIT 20
  RETURN collect(e {.id, .name, .startDate}) AS events
}
RETURN o {.id, .name, .kind, members: members, events: events} AS organisation
""",
    peer="""query($id: ID!) { organisations(where: {id: {eq: $id}}) { id name kind
        members(limit: 20, sort: [{name: ASC}]) { id name }
        events(limit: 20, sort: [{startDate: ASC}]) { id name startDate } } }""",
    variables=_org_vars,
)

NESTED_100 = Operation(
    name="100 organisations, two nested levels",
    write=False,
    ours=[
        """{ organisations(first: 100) { edges { node { id name
            members(first: 10) { edges { node { id name
                events(first: 5) { edges { node { id name } } } } } } } } } }""",
        """{ organisations(first: 100) { nodes { id name
            members(first: 10) { nodes { id name
                events(first: 5) { nodes { id name } } } } } } }""",
        """{ organisations(first: 100) { edges { node { id name
            members(first: 10) { edges { node { ... on Person { id name
                events(first: 5) { edges { node { ... on Event { id name } } } } } } } } } } } }""",
    ],
    floor="""
MATCH (o:Organisation)
WITH o ORDER BY o.sortKey, o.id LIMIT 100
CALL (o) {
  MATCH (o)<-[:MEMBER_OF]-(p:Person)
  WITH p ORDER BY p.sortKey, p.id LIMIT 10
  CALL (p) {
    MATCH (p)-[r:ATTENDED|ORGANISED|FUNDED]->(e:Event)
    WITH e ORDER BY coalesce(e.startDate, ''), e.id, type(r) LIMIT 5
    RETURN collect(e {.id, .name}) AS events
  }
  RETURN collect(p {.id, .name, events: events}) AS members
}
RETURN o {.id, .name, members: members} AS organisation
""",
    peer="""{ organisations(limit: 100, sort: [{name: ASC}]) { id name
        members(limit: 10, sort: [{name: ASC}]) { id name
            events(limit: 5, sort: [{startDate: ASC}]) { id name } } } }""",
    variables=lambda s, i, t: {},
)

SEARCH = Operation(
    name="search",
    write=False,
    ours=[
        """query($q: String!) { search(text: $q, first: 20) { type score node { id } } }""",
        """query($q: String!) { search(text: $q, first: 20) {
            edges { node { __typename ... on Node { id } } } } }""",
        """query($q: String!) { search(text: $q, first: 20) { nodes { ... on Node { id } } } }""",
        """query($q: String!) { search(text: $q, first: 20) {
            entity { __typename ... on Node { id } } score } }""",
        """query($q: String!) { search(text: $q, first: 20) { __typename ... on Node { id } } }""",
        """query($q: String!) { search(text: $q, first: 20) { id } }""",
    ],
    floor="""
CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node, score
RETURN node.id AS id, [l IN labels(node) WHERE l <> 'Entity'][0] AS type, score
LIMIT 20
""",
    peer=None,
    variables=lambda s, i, t: {"q": s.terms[i % len(s.terms)]},
    notes={"peer": "n/a — the Neo4j GraphQL Library has no ranked full-text search field"},
)

EGO = Operation(
    name="ego network depth 2",
    write=False,
    ours=[
        """query($id: ID!) { egoNetwork(id: $id, depth: 2) {
            nodes { id type label } edges { id source target type } } }""",
        """query($id: ID!) { egoNetwork(id: $id, depth: 2) {
            nodes { id } edges { source target type } } }""",
    ],
    # Nodes within two hops, nearest first, capped at 500 (the API's default maxNodes),
    # then every relationship among them.
    floor="""
MATCH (c:Entity {id: $id})
OPTIONAL MATCH (c)--(n1:Entity)
WITH c, collect(DISTINCT n1) AS first
CALL (c, first) {
  UNWIND first AS n1
  MATCH (n1)--(n2:Entity)
  WHERE n2 <> c
  RETURN collect(DISTINCT n2) AS second
}
WITH c, first, second, [n IN first | n.id] AS firstIds
WITH ([c] + first + [x IN second WHERE NOT x.id IN firstIds])[..500] AS ns
WITH ns, [n IN ns | n.id] AS ids
CALL (ns, ids) {
  UNWIND ns AS a
  MATCH (a)-[r]->(b:Entity)
  WHERE b.id IN ids
  RETURN collect({id: type(r) + ':' + a.id + '->' + b.id, source: a.id, target: b.id,
                  type: type(r)}) AS edges
}
RETURN [n IN ns | {id: n.id, type: [l IN labels(n) WHERE l <> 'Entity'][0],
                   label: n.name}] AS nodes, edges
""",
    peer=None,
    variables=_org_vars,
    max_requests=500,
    notes={"peer": "n/a — no neighbourhood query without hand-written @cypher"},
)

#: A hop between two people/organisations is a direct tie or a shared event, programme or
#: service, so four hops are at most eight relationships.
_PATH_TYPES = "MEMBER_OF|PART_OF|ATTENDED|ORGANISED|FUNDED|IMPLEMENTED|COMMISSIONED|PROVIDES"

PATH = Operation(
    name="shortest path",
    write=False,
    ours=[
        """query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 4, limit: 1) {
            shortest { length hops { kind explanation source { id name } target { id name }
              via { id name } sources { quote document { id title } } } } } }""",
        """query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 4, limit: 1) {
            shortest { length hops { kind source { id } target { id } via { id } } } } }""",
    ],
    # The same information as ours: the path's people, organisations and what they
    # shared, every relationship with its role and its evidence (quotes and the titles
    # of their documents).
    floor=f"""
MATCH (a:Entity {{id: $a}}), (b:Entity {{id: $b}})
OPTIONAL MATCH p = shortestPath((a)-[:{_PATH_TYPES}*..8]-(b))
WITH p, [r IN relationships(p) | r] AS rels
RETURN [n IN nodes(p) | n {{.id, .name, .startDate, .endDate,
                           type: [l IN labels(n) WHERE l <> 'Entity'][0]}}] AS nodes,
       [r IN rels | {{type: type(r), source: startNode(r).id, target: endNode(r).id,
                      role: r.role, from: r.from, to: r.to,
                      sources: [i IN range(0, size(coalesce(r.sourceIds, [])) - 1) |
                                {{document: r.sourceIds[i], quote: r.evidence[i]}}]}}] AS hops,
       COLLECT {{ UNWIND rels AS r UNWIND coalesce(r.sourceIds, []) AS d
                 MATCH (doc:Document {{id: d}}) RETURN DISTINCT [doc.id, doc.title] }} AS titles
""",
    peer=None,
    variables=lambda s, i, t: dict(zip(("a", "b"), s.person_pair(i), strict=True)),
    max_requests=500,
    notes={"peer": "n/a — the Neo4j GraphQL Library has no path queries"},
)

STRONGEST = Operation(
    name="strongest path (detour search)",
    write=False,
    ours=[
        """query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 4, limit: 1) {
            strongest { length strength hops { kind source { id } target { id } via { id } } }
            detoursSearched } }""",
    ],
    # The paths of the three shortest lengths (what ours ranks by the weakest hop),
    # without the ranking: a lower bound of the same search.
    floor=f"""
MATCH (a:Entity {{id: $a}}), (b:Entity {{id: $b}})
MATCH p = SHORTEST 3 GROUPS (a)-[:{_PATH_TYPES}]-{{1,8}}(b)
WITH p LIMIT 200
RETURN [n IN nodes(p) | n.id] AS nodes, [r IN relationships(p) | type(r)] AS types
""",
    peer=None,
    variables=lambda s, i, t: dict(zip(("a", "b"), s.person_pair(i), strict=True)),
    max_requests=200,
    notes={"peer": "n/a — the Neo4j GraphQL Library has no path queries"},
)


def _mutation_vars(s: Samples, i: int, target: str) -> Vars:
    new_id = f"bench-{s.run_id}-{target}-{i}"
    return {
        "id": new_id,
        "ref": new_id,  # the same id, typed ID! where the schema wants one
        "name": f"Bench organisation {s.run_id} {target} {i}",
        "person": s.people[i % len(s.people)],
    }


CREATE_CONNECT = Operation(
    name="create-and-connect mutation",
    write=True,
    ours=[
        # the peer's shape: the member connected as the organisation is created, in one
        # transaction
        """mutation($id: String!, $name: String!, $person: ID!) {
            createOrganisation(input: {id: $id, name: $name, kind: NGO},
                connect: [{type: MEMBER_OF, fromId: $person, properties: {role: "liige"}}]) {
              __typename } }""",
        """mutation($id: String!, $ref: ID!, $name: String!, $person: ID!) {
            createOrganisation(input: {id: $id, name: $name, kind: NGO}) { __typename }
            connect(input: {type: MEMBER_OF, fromId: $person, toId: $ref,
                            properties: {role: "liige"}}) { __typename } }""",
        """mutation($id: String!, $name: String!, $person: ID!) {
            createOrganisation(input: {id: $id, name: $name, kind: NGO}) { __typename }
            addMember(organisationId: $id, personId: $person, role: "liige") { __typename } }""",
        """mutation($id: String!, $name: String!, $person: ID!) {
            createOrganisation(input: {id: $id, name: $name, kind: NGO}) { __typename }
            connectMemberOf(from: $person, to: $id, role: "liige") { __typename } }""",
    ],
    floor="""
CREATE (o:Entity:Organisation {id: $id, name: $name, kind: 'NGO', sortKey: toLower($name),
        searchText: toLower($name), tags: [], aliases: [], createdAt: datetime(),
        updatedAt: datetime()})
CREATE (:AuditEvent {id: randomUUID(), at: datetime(), actor: 'bench', action: 'create',
        entityId: $id, entityType: 'Organisation'})
WITH o
MATCH (p:Person {id: $person})
CREATE (p)-[:MEMBER_OF {role: 'liige', createdAt: datetime(), updatedAt: datetime()}]->(o)
RETURN o.id AS id
""",
    peer="""mutation($id: ID!, $name: String!, $person: ID!) {
        createOrganisations(input: [{id: $id, name: $name, kind: NGO,
            members: {connect: [{where: {node: {id: {eq: $person}}},
                                 edge: {role: "liige"}}]}}]) { organisations { id } } }""",
    variables=_mutation_vars,
    max_requests=1_000,
)

CENTRALITY = Operation(
    name="centrality (degree, top 20)",
    write=False,
    ours=[
        """{ centrality(metric: DEGREE, first: 20) { edges { node { __typename } score } } }""",
        """{ centrality(metric: DEGREE, first: 20) { nodes { __typename } } }""",
        """{ centrality(metric: DEGREE, first: 20) { id score } }""",
        """{ centrality(metric: DEGREE, first: 20) { score } }""",
        """{ centrality(metric: DEGREE, first: 20) { __typename } }""",
    ],
    # The cooperation network: organisations that attended the same event.
    floor="""
MATCH (o:Organisation)-[:ATTENDED]->(:Event)<-[:ATTENDED]-(other:Organisation)
WHERE o <> other
WITH o, count(DISTINCT other) AS degree
RETURN o.id AS id, degree ORDER BY degree DESC, id LIMIT 20
""",
    peer=None,
    variables=lambda s, i, t: {},
    max_requests=20,
    notes={"peer": "n/a — no graph algorithms in the Neo4j GraphQL Library"},
)

LOOPED = (ORG_BY_ID, NESTED_100, SEARCH, EGO, PATH, STRONGEST, CREATE_CONNECT)


def sample(
    organisations: list[str], people: list[str], seed: int = 11, n: int = 200
) -> tuple[list[str], list[str]]:
    """A deterministic sample of organisation and person ids."""
    rng = random.Random(seed)
    return (
        rng.sample(organisations, min(n, len(organisations))),
        rng.sample(people, min(2 * n, len(people))),
    )


SEARCH_TERMS = [
    "noorte",
    "tervise",
    "parnu",
    "sillamae",
    "kula selts",
    "tamm",
    "voru",
    "haridus",
    "uhing",
    "kultuuri",
]
