"""The cooperation network (issue 26, item 1): organisations (or people) as nodes, one
weighted tie per pair that worked together, on the seed data and on generated networks
checked against a count made here from the participation records.

On the seed data (see test_analytics_partners for the sources): in 2015–2020 SEV ran the
think tank (29.10.2015–03.11.2016) with twelve organisations, co-organised the Ida-Virumaa
forum (25–26.11.2016) and co-implements the 2019 co-creation programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j import AsyncManagedTransaction

from graph import maintenance
from graph.analytics import cooperation, cooperation_shared
from graph.analytics.cooperation_network import cooperation_network
from graph.analytics.projection import NetworkKind
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.keys import Role
from tests.conftest import GraphQLClient

FORUM = "ida-virumaa-kodanikuuhiskonna-foorum-2016"
THINK_TANK = "huvikaitse-mottekoja-kohtumised"


async def test_sev_2015_2020_is_sev_and_the_organisations_it_worked_with(seeded: Graph) -> None:
    net = await cooperation_network(seeded, centre="sev", from_="2015", to="2020")
    partners = (await cooperation.partners(seeded, ["sev"], from_="2015", to="2020"))["sev"]
    assert partners
    assert {n.id for n in net.nodes} == {"sev"} | {p.organisation_id for p in partners}
    assert all(n.type == "Organisation" for n in net.nodes)
    # SEV's ties are its partners, weighted as the partner list weighs them.
    at_sev = {t.target if t.source == "sev" else t.source: t for t in net.ties if "sev" in t.id}
    assert {k: t.weight for k, t in at_sev.items()} == {
        p.organisation_id: p.weight for p in partners
    }
    assert all(
        (at_sev[p.organisation_id].first_date, at_sev[p.organisation_id].last_date)
        == (p.first_date, p.last_date)
        for p in partners
    )
    # Partners tie to each other too: the think tank's twelve organisations met there.
    assert any("sev" not in t.id for t in net.ties)
    sev = next(n for n in net.nodes if n.id == "sev")
    assert sev.degree == len(partners) and sev.short_name == "SEV"
    assert net.nodes[0].strength == max(n.strength for n in net.nodes)  # strongest first
    assert {n.community for n in net.nodes} >= {0}
    assert (net.from_, net.to, net.centre and net.centre.type) == (
        "2015-01-01",
        "2020-12-31",
        "Organisation",
    )


async def test_an_event_centre_draws_who_took_part_and_how_they_worked_together(
    seeded: Graph,
) -> None:
    net = await cooperation_network(seeded, centre=FORUM)
    assert net.centre is not None and net.centre.type == "Event"
    expected = {
        "sev",
        "sillamae-lastekaitse-uhing",
        "sotsiaalministeerium",
        "sotsiaalkindlustusamet",
        "tootukassa",
        "ida-virumaa-kodanikuuhiskonna-vorgustik",
        "narva-kolledz",
        "ida-virumaa-rajaleidja-keskus",
    }
    assert {n.id for n in net.nodes} == expected
    # Every pair shared the forum at least.
    assert {(t.source, t.target) for t in net.ties} == set(combinations(sorted(expected), 2))
    tie = next(t for t in net.ties if t.id == "sev|sotsiaalministeerium")
    assert tie.weight >= 2 and tie.events >= 2  # the forum and the think tank


async def test_min_weight_keeps_strong_ties_and_the_actors_on_them(seeded: Graph) -> None:
    net = await cooperation_network(seeded, centre="sev", from_="2015", to="2020", min_weight=2)
    assert net.ties and all(t.weight >= 2 for t in net.ties)
    tied = {t.source for t in net.ties} | {t.target for t in net.ties}
    assert {n.id for n in net.nodes} == tied | {"sev"}


async def test_the_whole_network_and_its_strongest_actors(seeded: Graph) -> None:
    whole = await cooperation_network(seeded)
    assert whole.centre is None and not whole.truncated and len(whole.nodes) > 20
    top = await cooperation_network(seeded, max_nodes=5)
    strongest = sorted(whole.nodes, key=lambda n: (-n.strength, n.id))[:5]
    # the five strongest of the whole network, less any left without a tie among them
    assert top.truncated and 2 <= len(top.nodes) <= 5
    assert {n.id for n in top.nodes} <= {n.id for n in strongest}
    ids = {n.id for n in top.nodes}
    assert all(t.source in ids and t.target in ids for t in top.ties)


async def test_people_and_an_organisation_s_members(seeded: Graph) -> None:
    people = await cooperation_network(seeded, NetworkKind.PEOPLE, centre="sev")
    assert people.nodes and all(n.type == "Person" for n in people.nodes)
    assert {"jaan-aps", "kaie-kotov"} <= {n.id for n in people.nodes}
    # Colleagues at SEV at the same time (2016–2017) share the organisation.
    tie = next(t for t in people.ties if {t.source, t.target} == {"jaan-aps", "kaie-kotov"})
    assert tie.organisations == 1


async def test_bad_arguments_name_the_argument(seeded: Graph) -> None:
    with pytest.raises(NotFound):
        await cooperation_network(seeded, centre="no-such-organisation")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"centre": "narva"}, "centre"),  # a place
        ({"centre": "sev", "depth": 3}, "depth"),
        ({"min_weight": 0}, "minWeight"),
        ({"max_nodes": 5000}, "maxNodes"),
        ({"from_": "2020", "to": "2015"}, "to"),
        ({"from_": "last year"}, "from"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as e:
            await cooperation_network(seeded, **kwargs)
        assert e.value.problems[0][0] == field, kwargs


async def test_what_two_shared_reads_in_words_with_its_sources(seeded: Graph) -> None:
    found = await cooperation_shared.shared_between(seeded, "sev", "sotsiaalministeerium")
    net = await cooperation_network(seeded, centre="sev")
    tie = next(t for t in net.ties if t.id == "sev|sotsiaalministeerium")
    assert found.weight == tie.weight == len(found.items)
    forum = next(i for i in found.items if i.id == FORUM)
    assert forum.explanation.startswith("Sotsiaalsete Ettevõtete Võrgustik co-organised the forum")
    assert "CO_ORGANISER" not in forum.explanation and "PARTICIPANT" not in forum.explanation
    assert forum.sources and all(s.document.title for s in forum.sources)
    think_tank = next(i for i in found.items if i.id == THINK_TANK)
    assert "took part in it as a participant" in think_tank.explanation
    # newest first
    assert [i.id for i in found.items].index(FORUM) < [i.id for i in found.items].index(THINK_TANK)

    # A direct relationship reads as recorded: the unit is part of SEV, not the reverse.
    unit = await cooperation_shared.shared_between(seeded, "sev", "sev-huvikaitse-mottekoda")
    (item,) = unit.items
    assert item.kind == "RELATIONSHIP"
    assert item.explanation == "Huvikaitse mõttekoda is part of Sotsiaalsete Ettevõtete Võrgustik"

    with pytest.raises(InvalidInput) as e:
        await cooperation_shared.shared_between(seeded, "sev", FORUM)
    assert e.value.problems[0][0] == "b"


COOPERATION = """
query($centre: ID, $from: String, $to: String, $min: Int) {
  cooperationNetwork(centre: $centre, from: $from, to: $to, minWeight: $min) {
    network centre { id type label } from to minWeight truncated
    nodes { id type label shortName kind degree strength betweenness community
            firstDate lastDate scores }
    ties { id source target weight events programmes services relationships organisations
           firstDate lastDate sharedDates }
  }
}
"""
SHARED = """
query($a: ID!, $b: ID!) {
  cooperationShared(a: $a, b: $b, from: "2016", to: "2016") {
    a { id label } b { id label } weight
    items { kind id name explanation aTies { type role } bTies { type role }
            sources { quote document { id title } } }
  }
}
"""


async def test_graphql_fields(seeded: Graph, gql: dict[Role, GraphQLClient]) -> None:
    viewer = gql[Role.VIEWER]
    data = (await viewer(COOPERATION, centre="sev", **{"from": "2015", "to": "2020"}, min=1))[
        "cooperationNetwork"
    ]
    assert data["network"] == "ORGANISATIONS" and data["centre"]["id"] == "sev"
    assert len(data["nodes"]) == 21 and data["ties"]
    shared = (await viewer(SHARED, a="tootukassa", b="sillamae-lastekaitse-uhing"))[
        "cooperationShared"
    ]
    assert [i["id"] for i in shared["items"]] == [FORUM]
    assert "Eesti Töötukassa co-organised the forum" in shared["items"][0]["explanation"]

    refused = (await viewer.post(COOPERATION, centre="narva")).json()
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["extensions"]["problems"][0]["field"] == "centre"


# ---- generated networks, checked against a count made here ----------------------------


@dataclass(frozen=True)
class World:
    orgs: int
    #: per event: its year (None: undated) and the organisations in it (index, how)
    events: list[tuple[int | None, list[tuple[int, str]]]]
    #: direct ties: (member, network, from year or None)
    members: list[tuple[int, int, int | None]]


def _worlds() -> st.SearchStrategy[World]:
    how = st.sampled_from(["ATTENDED", "ORGANISED", "FUNDED"])

    def build(orgs: int) -> st.SearchStrategy[World]:
        org = st.integers(0, orgs - 1)
        event = st.tuples(
            st.one_of(st.none(), st.integers(2012, 2020)),
            st.lists(st.tuples(org, how), min_size=1, max_size=orgs),
        )
        member = st.tuples(org, org, st.one_of(st.none(), st.integers(2012, 2020))).filter(
            lambda m: m[0] != m[1]
        )
        return st.builds(
            World,
            st.just(orgs),
            st.lists(event, max_size=5),
            st.lists(member, max_size=2, unique_by=lambda m: (m[0], m[1])),
        )

    return st.integers(2, 6).flatmap(build)


PLANT = """
UNWIND range(0, $orgs - 1) AS i
CREATE (:Entity:Organisation {id: 'org-' + toString(i), name: 'Ühing ' + toString(i)})
WITH count(*) AS _
UNWIND range(0, size($events) - 1) AS e
CREATE (x:Entity:Event {id: 'event-' + toString(e), name: 'Üritus ' + toString(e),
                        startDate: $events[e].date})
WITH x, $events[e].parts AS parts
UNWIND parts AS part
MATCH (o:Organisation {id: 'org-' + toString(part[0])})
FOREACH (_ IN CASE WHEN part[1] = 'ATTENDED' THEN [1] ELSE [] END | MERGE (o)-[:ATTENDED]->(x))
FOREACH (_ IN CASE WHEN part[1] = 'ORGANISED' THEN [1] ELSE [] END | MERGE (o)-[:ORGANISED]->(x))
FOREACH (_ IN CASE WHEN part[1] = 'FUNDED' THEN [1] ELSE [] END | MERGE (o)-[:FUNDED]->(x))
WITH count(*) AS _
UNWIND $members AS m
MATCH (a:Organisation {id: 'org-' + toString(m[0])}), (b:Organisation {id: 'org-' + toString(m[1])})
CREATE (a)-[r:MEMBER_OF]->(b)
SET r.from = m[2]
"""


async def _plant(graph: Graph, world: World) -> None:
    events = [
        {"date": str(year) if year else None, "parts": [list(p) for p in parts]}
        for year, parts in world.events
    ]
    members = [[a, b, str(y) if y else None] for a, b, y in world.members]

    async def work(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(PLANT, orgs=world.orgs, events=events, members=members)).consume()

    await graph.write(work)


def _expected(world: World, lo: int | None, hi: int | None) -> dict[tuple[str, str], int]:
    """Shared events and direct ties per pair, counted from the records."""
    windowed = lo is not None or hi is not None

    def kept(start: int | None, open_end: bool) -> bool:
        if not windowed:
            return True
        if start is None:
            return False  # with a window, what has no date is left out
        if hi is not None and start > hi:
            return False
        # an event of one year must reach the window; an open membership always does
        return open_end or lo is None or start >= lo

    counts: dict[tuple[str, str], int] = {}
    for year, parts in world.events:
        if not kept(year, open_end=False):
            continue
        orgs = sorted({f"org-{i}" for i, _ in parts})
        for pair in combinations(orgs, 2):
            counts[pair] = counts.get(pair, 0) + 1
    for a, b, year in world.members:
        # a membership since `year` with no end holds from then on
        if not kept(year, open_end=True):
            continue
        key = (f"org-{min(a, b)}", f"org-{max(a, b)}")
        counts[key] = counts.get(key, 0) + 1
    return counts


WINDOWS = st.sampled_from([(None, None), (2015, 2018), (None, 2014), (2019, None)])


@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=_worlds(), span=WINDOWS, centre=st.integers(0, 5))
async def test_generated_networks_count_what_the_records_say(
    graph: Graph, world: World, span: tuple[int | None, int | None], centre: int
) -> None:
    await maintenance.wipe(graph, allow_data=True)
    await _plant(graph, world)
    lo, hi = span
    since, until = (str(lo) if lo else None), (str(hi) if hi else None)
    expected = _expected(world, lo, hi)

    whole = await cooperation_network(graph, from_=since, to=until)
    assert {(t.source, t.target): t.weight for t in whole.ties} == expected
    assert {n.id for n in whole.nodes} == {i for pair in expected for i in pair}
    for n in whole.nodes:
        mine = [w for pair, w in expected.items() if n.id in pair]
        assert (n.degree, n.strength) == (len(mine), sum(mine))

    me = f"org-{centre % world.orgs}"
    ego = await cooperation_network(graph, centre=me, from_=since, to=until)
    partners = {a if b == me else b for a, b in expected if me in (a, b)}
    assert {n.id for n in ego.nodes} == {me} | partners
    inside = {me} | partners
    assert {(t.source, t.target): t.weight for t in ego.ties} == {
        pair: w for pair, w in expected.items() if set(pair) <= inside
    }
