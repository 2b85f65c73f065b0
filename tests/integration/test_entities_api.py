"""Every entity type through GraphQL on the seeded network: node(id), sources, both
directions of relationships as paged connections, lists with filters, documents.

Expected answers are worked out from the seed files (what the sources say), not
from the API under test."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from graph.driver import Graph
from graph.keys import Role
from seeds import dataset, loader
from tests.conftest import GraphQLClient

DATA = dataset.read()


@pytest.fixture
async def seeded(graph: Graph) -> Graph:
    await loader.load(graph, DATA)
    return graph


def rels(type_: str, *, to: str | None = None, from_: str | None = None) -> list[Any]:
    return [
        r
        for r in DATA.relationships
        if r.type.value == type_
        and (to is None or r.to_id == to)
        and (from_ is None or r.from_id == from_)
    ]


def label(entity_id: str) -> str:
    return next(n.label for n in DATA.nodes if n.id == entity_id)


NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Entity { sources { quote document { id title } } }
  }
}
"""


async def test_node_resolves_every_type_with_its_sources(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    by_label = DATA.by_label()
    assert set(by_label) >= {"Organisation", "Person", "Event", "Programme", "Document"}
    for lbl, records in by_label.items():
        record = records[0]
        got = (await gql[Role.VIEWER](NODE, id=record.id))["node"]
        assert got["__typename"] == lbl
        assert got["id"] == record.id
        expected = sorted({(s.document, s.quote) for s in record.sources})
        assert sorted((s["document"]["id"], s["quote"]) for s in got["sources"]) == expected
        assert all(s["document"]["title"] for s in got["sources"])
    assert (await gql[Role.VIEWER](NODE, id="no-such-thing"))["node"] is None


MEMBERS = """
query($id: ID!, $first: Int!, $after: String) {
  organisation(id: $id) {
    name
    members(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor role from to evidence sources { quote document { id } } node { id name } }
    }
  }
}
"""


async def test_members_page_through_without_skips_or_repeats(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    org = Counter(r.to_id for r in rels("MEMBER_OF") if label(r.from_id) == "Person").most_common(
        1
    )[0][0]
    expected = {r.from_id: r for r in rels("MEMBER_OF", to=org) if label(r.from_id) == "Person"}
    assert len(expected) >= 3
    seen: list[str] = []
    after = None
    while True:
        page = (await gql[Role.VIEWER](MEMBERS, id=org, first=2, after=after))["organisation"][
            "members"
        ]
        assert page["totalCount"] == len(expected)
        for edge in page["edges"]:
            person = edge["node"]["id"]
            seen.append(person)
            record = expected[person]
            assert edge["role"] == record.props.get("role")
            assert edge["evidence"] == [s.quote for s in record.sources]
            assert [(s["document"]["id"], s["quote"]) for s in edge["sources"]] == [
                (s.document, s.quote) for s in record.sources
            ]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))


EVENTS_OF = """
query($id: ID!) {
  organisation(id: $id) {
    events(first: 100) { totalCount edges { type role node { id startDate } } }
    programmes(first: 100) { totalCount edges { type node { id } } }
    partners(first: 5) { totalCount edges { shared firstDate lastDate node { id } } }
  }
}
"""


async def test_organisation_events_programmes_and_partners(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    ties = [
        r
        for t in ("ATTENDED", "ORGANISED", "FUNDED")
        for r in rels(t, from_="sev")
        if label(r.to_id) == "Event"
    ]
    got = (await gql[Role.VIEWER](EVENTS_OF, id="sev"))["organisation"]
    assert got["events"]["totalCount"] == len(ties)
    assert sorted((e["type"], e["node"]["id"]) for e in got["events"]["edges"]) == sorted(
        (r.type.value, r.to_id) for r in ties
    )
    dates = [e["node"]["startDate"] or "" for e in got["events"]["edges"]]
    assert dates == sorted(dates)
    programme_ties = [
        r
        for t in ("ORGANISED", "FUNDED", "COMMISSIONED", "IMPLEMENTED")
        for r in rels(t, from_="sev")
        if label(r.to_id) == "Programme"
    ]
    assert got["programmes"]["totalCount"] == len(programme_ties)
    partners = got["partners"]
    assert partners["totalCount"] > 0
    weights = [e["shared"] for e in partners["edges"]]
    assert weights == sorted(weights, reverse=True)


EVENT = """
query($id: ID!) {
  node(id: $id) {
    ... on Event {
      name
      attendees(first: 100) { totalCount edges { role node { __typename id } } }
      organisers { totalCount nodes { id } }
      place { id name }
      partOf { nodes { __typename id } }
    }
  }
}
"""


async def test_event_attendees_with_roles_and_place(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    event = Counter(r.to_id for r in rels("ATTENDED")).most_common(1)[0][0]
    got = (await gql[Role.VIEWER](EVENT, id=event))["node"]
    attended = rels("ATTENDED", to=event)
    assert got["attendees"]["totalCount"] == len(attended)
    assert sorted(
        (e["node"]["__typename"], e["node"]["id"], e["role"]) for e in got["attendees"]["edges"]
    ) == sorted((label(r.from_id), r.from_id, r.props.get("role", "PARTICIPANT")) for r in attended)
    assert sorted(n["id"] for n in got["organisers"]["nodes"]) == sorted(
        r.from_id for r in rels("ORGANISED", to=event)
    )
    held = rels("HELD_AT", from_=event)
    assert (got["place"] or {}).get("id") == (held[0].to_id if held else None)
    assert sorted(n["id"] for n in got["partOf"]["nodes"]) == sorted(
        r.to_id for r in rels("PART_OF", from_=event)
    )


PERSON = """
query($id: ID!) {
  node(id: $id) {
    ... on Person { name bio email phone
      memberships(first: 50) { totalCount nodes { id } }
      events(first: 50) { totalCount }
      programmes(first: 50) { totalCount edges { role node { id } } } }
  }
}
"""


async def test_person_reverse_fields_and_least_exposure(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    created = await editor(
        """mutation { createPerson(input: {name: "Mari Maasikas", email: "mari@example.ee",
           phone: "+372 5555 5555", bio: "Advocacy lead"}) { ... on Person { id } } }"""
    )
    pid = created["createPerson"]["id"]
    viewer_view = (await gql[Role.VIEWER](PERSON, id=pid))["node"]
    assert viewer_view["email"] is None and viewer_view["phone"] is None
    assert viewer_view["bio"] == "Advocacy lead"
    editor_view = (await editor(PERSON, id=pid))["node"]
    assert editor_view["email"] == "mari@example.ee"
    assert editor_view["phone"] == "+372 5555 5555"

    seeded_person = "rasmus-pedanik"
    got = (await gql[Role.VIEWER](PERSON, id=seeded_person))["node"]
    assert got["memberships"]["totalCount"] == len(rels("MEMBER_OF", from_=seeded_person))
    attended = rels("ATTENDED", from_=seeded_person)
    assert got["events"]["totalCount"] == sum(label(r.to_id) == "Event" for r in attended)
    # The programmes he initiated and led (2014, 2015, 2016 and 2018), with that role.
    led = sorted((r.to_id, r.props["role"]) for r in attended if label(r.to_id) == "Programme")
    assert [p for p, _ in led] == [
        f"koosloome-arendusprogramm-{y}" for y in (2014, 2015, 2016, 2018)
    ]
    assert sorted((e["node"]["id"], e["role"]) for e in got["programmes"]["edges"]) == led

    programme = "heateo-siseministeeriumi-sotsiaalse-innovatsiooni-arenguprogramm"
    took_part = (
        await gql[Role.VIEWER](
            """query($id: ID!) { node(id: $id) { ... on Programme {
                 participants(first: 20) { edges { role node { __typename id } } } } } }""",
            id=programme,
        )
    )["node"]["participants"]["edges"]
    assert sorted((e["node"]["__typename"], e["node"]["id"], e["role"]) for e in took_part) == [
        ("Organisation", "autistika", "PARTICIPANT"),
        ("Person", "kaie-kotov", "MENTOR"),
    ]


LISTS = """
query($ev: EventFilter, $pf: PersonFilter) {
  events(first: 100, filter: $ev) { totalCount nodes { id startDate endDate } }
  people(first: 100, filter: $pf) { totalCount nodes { name } }
}
"""


async def test_list_filters_by_date_place_and_text(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    viewer = gql[Role.VIEWER]
    events = DATA.by_label()["Event"]
    in_2016 = {
        e.id
        for e in events
        if e.props.get("startDate")
        and e.props["startDate"][:4] <= "2016"
        and (e.props.get("endDate") or e.props["startDate"])[:4] >= "2016"
    }
    got = (await viewer(LISTS, ev={"dateFrom": "2016", "dateTo": "2016"}))["events"]
    assert {n["id"] for n in got["nodes"]} == in_2016
    assert got["totalCount"] == len(in_2016)

    held = {r.from_id for r in rels("HELD_AT")}
    narva_places = {"narva"} | {r.from_id for r in rels("PART_OF", to="narva")}
    at_narva = {r.from_id for r in rels("HELD_AT") if r.to_id in narva_places}
    assert held
    got = (await viewer(LISTS, ev={"place": "narva"}))["events"]
    assert {n["id"] for n in got["nodes"]} == at_narva

    people = (await viewer(LISTS, pf={"text": "PEDANIK"}))["people"]
    assert [n["name"] for n in people["nodes"]] == ["Rasmus Pedanik"]


DOCUMENT = """
query($id: ID!) {
  document(id: $id) {
    id title kind url date publisher { id }
    citedFor { quote node { id } }
    supports { type quotes from { id } to { id } }
    sources { quote }
  }
  documents(first: 50) { totalCount nodes { id title } }
}
"""


async def test_documents_and_everything_they_support(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    doc = DATA.by_label()["Document"][0]
    got = await gql[Role.VIEWER](DOCUMENT, id=doc.id)
    assert got["documents"]["totalCount"] == len(DATA.by_label()["Document"])
    d = got["document"]
    assert d["title"] == doc.props["title"]
    assert (d["publisher"] or {}).get("id") == doc.props.get("publisher")
    cited = sorted({(n.id, s.quote) for n in DATA.nodes for s in n.sources if s.document == doc.id})
    assert sorted((c["node"]["id"], c["quote"]) for c in d["citedFor"]) == cited
    supported = sorted(
        (r.type.value, r.from_id, r.to_id)
        for r in DATA.relationships
        if any(s.document == doc.id for s in r.sources)
    )
    assert sorted((s["type"], s["from"]["id"], s["to"]["id"]) for s in d["supports"]) == supported
    assert all(s["quotes"] for s in d["supports"])


SINGULAR = {
    "Person": "person",
    "Event": "event",
    "Programme": "programme",
    "Service": "service",
    "ServiceCategory": "serviceCategory",
    "Place": "place",
    "Topic": "topic",
    "Document": "document",
    "Organisation": "organisation",
}


async def test_singular_queries_return_their_type_or_null(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    by_label = DATA.by_label()
    for lbl, field in SINGULAR.items():
        record = by_label[lbl][0]
        got = await gql[Role.VIEWER](
            f"query($id: ID!) {{ {field}(id: $id) {{ __typename id }} }}", id=record.id
        )
        assert got[field] == {"__typename": lbl, "id": record.id}
        other = by_label["Topic" if lbl != "Topic" else "Place"][0].id
        wrong = await gql[Role.VIEWER](f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", id=other)
        assert wrong[field] is None


async def test_organisations_filter_by_place(seeded: Graph, gql: dict[Role, GraphQLClient]) -> None:
    located = rels("LOCATED_IN")
    assert located
    place = Counter(r.to_id for r in located).most_common(1)[0][0]
    inside = {place}
    while True:
        deeper = {
            r.from_id for r in rels("PART_OF") if r.to_id in inside and label(r.from_id) == "Place"
        } - inside
        if not deeper:
            break
        inside |= deeper
    expected = sorted({r.from_id for r in located if r.to_id in inside})
    got = await gql[Role.VIEWER](
        "query($f: OrganisationFilter) { organisations(first: 100, filter: $f) "
        "{ totalCount nodes { id } } }",
        f={"place": place},
    )
    assert sorted(n["id"] for n in got["organisations"]["nodes"]) == expected
    assert got["organisations"]["totalCount"] == len(expected)
