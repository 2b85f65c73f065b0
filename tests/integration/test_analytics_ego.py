"""Ego networks and the whole-network view, on the seed data."""

from __future__ import annotations

import pytest

from graph.analytics import network
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.keys import Role
from tests.conftest import GraphQLClient

THINK_TANK = "huvikaitse-mottekoja-kohtumised"
FORUM = "ida-virumaa-kodanikuuhiskonna-foorum-2016"
SEMINARS = {
    "tootukassa-luhiajalise-kaitstud-too-koostooseminar-2016-10-04",
    "tootukassa-luhiajalise-kaitstud-too-koostooseminar-2016-10-25",
}
SHELTERED_WORK = "luhiajaline-kaitstud-too"


async def test_ego_depth_one_of_tootukassa(seeded: Graph) -> None:
    # Source 000: Töötukassa sits in the think tank and holds two seminars with its
    # short-term sheltered work partners; source 003: it is involved in the forum.
    net = await network.ego(seeded, "tootukassa", depth=1)
    assert {n.id for n in net.nodes} == {"tootukassa", THINK_TANK, FORUM, SHELTERED_WORK} | SEMINARS
    assert not net.truncated
    edges = {e.id for e in net.edges}
    assert edges == {
        f"ATTENDED:tootukassa->{THINK_TANK}",
        *(f"ATTENDED:tootukassa->{s}" for s in SEMINARS),
        f"COMMISSIONED:tootukassa->{SHELTERED_WORK}",
        f"ORGANISED:tootukassa->{FORUM}",
        *(f"CONCERNS:{s}->{SHELTERED_WORK}" for s in SEMINARS),
    }
    ids = {n.id for n in net.nodes}
    assert all(e.source in ids and e.target in ids for e in net.edges)
    centre = next(n for n in net.nodes if n.id == "tootukassa")
    assert (centre.type, centre.label) == ("Organisation", "Eesti Töötukassa")
    assert "searchText" not in centre.properties and centre.properties["kind"] == "AGENCY"
    attended = next(e for e in net.edges if e.id == f"ATTENDED:tootukassa->{THINK_TANK}")
    assert attended.properties["role"] == "PARTICIPANT"
    assert "sourceIds" not in attended.properties
    assert {s.document.id for s in attended.sources} == {"doc-sev-huvikaitse-koostoovorgustik"}
    assert any(s.quote == "Eesti Töötukassa, Riigikantselei" for s in attended.sources)


async def test_ego_filters(seeded: Graph) -> None:
    # from November 2016: the October seminars drop out, the think tank (to 03.11) stays
    late = await network.ego(seeded, "tootukassa", filter=network.NetworkFilter(from_="2016-11"))
    assert {n.id for n in late.nodes} == {"tootukassa", THINK_TANK, FORUM, SHELTERED_WORK}
    only = await network.ego(
        seeded, "tootukassa", filter=network.NetworkFilter(relationship_types=("ORGANISED",))
    )
    assert {n.id for n in only.nodes} == {"tootukassa", FORUM}
    two = await network.ego(seeded, "tootukassa", depth=2)
    assert {"sev", "sillamae-lastekaitse-uhing", "sotsiaalministeerium"} <= {
        n.id for n in two.nodes
    }
    capped = await network.ego(
        seeded, "tootukassa", depth=2, filter=network.NetworkFilter(max_nodes=3)
    )
    assert len(capped.nodes) == 3 and capped.truncated
    with pytest.raises(NotFound):
        await network.ego(seeded, "nobody")
    with pytest.raises(InvalidInput) as e:
        await network.ego(seeded, "tootukassa", depth=4)
    assert e.value.problems[0][0] == "depth"
    with pytest.raises(InvalidInput) as e:
        await network.ego(
            seeded, "tootukassa", filter=network.NetworkFilter(relationship_types=("KNOWS",))
        )
    assert e.value.problems[0][0] == "relationshipTypes"


async def test_whole_network_by_label(seeded: Graph) -> None:
    orgs = await network.whole(
        seeded,
        network.NetworkFilter(labels=("Organisation", "Person"), relationship_types=("MEMBER_OF",)),
    )
    assert {n.type for n in orgs.nodes} == {"Organisation", "Person"}
    assert len(orgs.nodes) == 63  # 53 organisations and 10 people
    assert orgs.edges and all(e.type == "MEMBER_OF" for e in orgs.edges)
    people = [n for n in orgs.nodes if n.type == "Person"]
    assert all("email" not in n.properties and "phone" not in n.properties for n in people)


EGO = """
query ($id: ID!) {
  egoNetwork(id: $id, depth: 1, relationshipTypes: ["ORGANISED"], from: "2016") {
    nodes { id type label properties scores }
    edges { id source target type weight properties sources { document { id title } quote } }
    truncated
  }
}
"""


async def test_ego_through_graphql(seeded: Graph, gql: dict[Role, GraphQLClient]) -> None:
    data = await gql[Role.VIEWER](EGO, id="sillamae-lastekaitse-uhing")
    net = data["egoNetwork"]
    assert {n["id"] for n in net["nodes"]} == {"sillamae-lastekaitse-uhing", FORUM}
    [edge] = net["edges"]
    assert edge["source"] == "sillamae-lastekaitse-uhing" and edge["target"] == FORUM
    assert edge["weight"] == 1.0
    assert edge["sources"][0]["document"]["title"]
    forum = next(n for n in net["nodes"] if n["id"] == FORUM)
    assert forum["properties"]["startDate"] == "2016-11-25"
    assert forum["scores"] == {}
    body = (await gql[Role.VIEWER].post(EGO.replace('"2016"', '"soon"'), id="sev")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_ego_reads_properties_only_when_they_are_selected(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    # The same network with and without properties: leaving them out changes what is
    # read, never which nodes and edges come back.
    full = (await gql[Role.VIEWER](EGO.replace("1,", "2,"), id="sillamae-lastekaitse-uhing"))[
        "egoNetwork"
    ]
    bare = (
        await gql[Role.VIEWER](
            """query ($id: ID!) { egoNetwork(id: $id, depth: 2, relationshipTypes: ["ORGANISED"],
                from: "2016") { nodes { id type label } edges { id source target type } } }""",
            id="sillamae-lastekaitse-uhing",
        )
    )["egoNetwork"]
    assert len(full["nodes"]) > 2
    assert bare["nodes"] == [{k: n[k] for k in ("id", "type", "label")} for n in full["nodes"]]
    assert bare["edges"] == [
        {k: e[k] for k in ("id", "source", "target", "type")} for e in full["edges"]
    ]
    # Asked for in a fragment under an alias: the properties and sources are read.
    via_fragment = (
        await gql[Role.VIEWER](
            """query ($id: ID!) { g: egoNetwork(id: $id, depth: 2, relationshipTypes: ["ORGANISED"],
                from: "2016") { n: nodes { ...Props } ... on Network { edges { id ...Sources } } } }
               fragment Props on NetworkNode { id properties }
               fragment Sources on NetworkEdge { sources { quote } }""",
            id="sillamae-lastekaitse-uhing",
        )
    )["g"]
    assert [n["properties"] for n in via_fragment["n"]] == [n["properties"] for n in full["nodes"]]
    assert [e["sources"] for e in via_fragment["edges"]] == [
        [{"quote": s["quote"]} for s in e["sources"]] for e in full["edges"]
    ]
    assert any(e["sources"] for e in via_fragment["edges"])


async def test_ego_selected_twice_reads_what_either_selection_asks_for(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    # graphql-core merges two selections of the same field into one answer: the
    # properties one of them asks for are read, whichever comes first.
    data = await gql[Role.VIEWER](
        """query ($id: ID!) { ...Drawing ...Panel }
           fragment Drawing on Query { egoNetwork(id: $id) { nodes { id } edges { id } } }
           fragment Panel on Query {
             egoNetwork(id: $id) { nodes { properties } edges { sources { quote } } } }""",
        id="sillamae-lastekaitse-uhing",
    )
    net = data["egoNetwork"]
    forum = next(n for n in net["nodes"] if n["id"] == FORUM)
    assert forum["properties"]["startDate"] == "2016-11-25"
    assert any(e["sources"] for e in net["edges"])
