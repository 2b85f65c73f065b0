"""Mutations for every entity type and relationship: typed problems, the matrix,
merging duplicates, and search (accent-insensitive, as-you-type, Cyrillic)."""

from __future__ import annotations

import pytest

from graph import audit, maintenance
from graph.driver import Graph
from graph.keys import Role
from graph.lucene import SURFACE_FIELDS, escape, in_fields, lucene_query
from seeds import dataset, loader
from tests.conftest import GraphQLClient

CREATE_ALL = {
    "Person": {"name": "Ülle Õun", "email": "ylle@example.ee"},
    "Event": {"name": "Infopäev", "kind": "INFO_DAY", "startDate": "2020-08-25"},
    "Programme": {"name": "Pöördepunkt", "kind": "PILOT", "startDate": "2020"},
    "Service": {"name": "Tugiisikuteenus"},
    "ServiceCategory": {"name": "Sotsiaalhoolekanne", "examples": ["tugiisik"]},
    "Place": {"name": "Sillamäe", "kind": "CITY"},
    "Document": {"title": "Pressiteade", "kind": "PRESS_RELEASE", "date": "2020-08"},
    "Topic": {"name": "Delegeerimine"},
    "Campaign": {"name": "Delegeerimine 2026"},
}


@pytest.mark.parametrize("type_", sorted(CREATE_ALL))
async def test_create_update_delete_each_type(
    graph: Graph, gql: dict[Role, GraphQLClient], type_: str
) -> None:
    editor = gql[Role.EDITOR]
    created = (
        await editor(
            f"mutation($i: Create{type_}Input!) {{ create{type_}(input: $i) "
            f"{{ __typename ... on {type_} {{ id }} }} }}",
            i=CREATE_ALL[type_],
        )
    )[f"create{type_}"]
    assert created["__typename"] == type_
    entity_id = created["id"]
    node = await gql[Role.VIEWER]("query($id: ID!) { node(id: $id) { __typename } }", id=entity_id)
    assert node["node"] == {"__typename": type_}

    bad = (
        await editor(
            f"mutation($id: ID!, $i: Update{type_}Input!) {{ update{type_}(id: $id, input: $i) "
            "{ __typename ... on ValidationProblem { field } } }",
            id=entity_id,
            i={"title" if type_ == "Document" else "name": None},
        )
    )[f"update{type_}"]
    assert bad["__typename"] == "ValidationProblem"

    gone = (
        await editor(
            f"mutation($id: ID!) {{ delete{type_}(id: $id) {{ __typename }} }}", id=entity_id
        )
    )[f"delete{type_}"]
    assert gone == {"__typename": "Deleted"}
    again = (
        await editor(
            f"mutation($id: ID!) {{ delete{type_}(id: $id) {{ __typename }} }}", id=entity_id
        )
    )[f"delete{type_}"]
    assert again == {"__typename": "NotFoundProblem"}
    assert [e.action for e in await audit.history(graph, entity_id)] == ["create", "delete"]


CONNECT = """
mutation($i: ConnectInput!) {
  connect(input: $i) {
    __typename
    ... on Relationship { type role fromDate toDate amount currency instrument basis
                          from { id } to { id } sources { quote document { id } } }
    ... on ValidationProblem { field message problems { field message } }
    ... on NotFoundProblem { id }
  }
}
"""
DISCONNECT = """
mutation($i: DisconnectInput!) {
  disconnect(input: $i) { __typename ... on NotFoundProblem { id message } }
}
"""


async def test_connect_checks_the_matrix_and_properties(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    editor = gql[Role.EDITOR]
    rels_before = await maintenance.relationship_counts(graph)

    wrong_pair = (await editor(CONNECT, i={"type": "FUNDED", "fromId": "narva", "toId": "sev"}))[
        "connect"
    ]
    assert wrong_pair["__typename"] == "ValidationProblem"
    assert "FUNDED cannot connect a Place to a Organisation" in wrong_pair["message"]
    assert (
        "(Organisation)-[:FUNDED]->(Event), (Organisation)-[:FUNDED]->(Programme)"
        in (wrong_pair["message"])
    )
    bad_prop = (
        await editor(
            CONNECT,
            i={
                "type": "ATTENDED",
                "fromId": "sev",
                "toId": "mottekoja-kohtumine-2015-10-29",
                "properties": {"role": "DANCER", "amount": 3},
            },
        )
    )["connect"]
    assert bad_prop["__typename"] == "ValidationProblem"
    assert {p["field"] for p in bad_prop["problems"]} == {
        "input.properties.role",
        "input.properties.amount",
    }
    missing = (await editor(CONNECT, i={"type": "HELD_AT", "fromId": "nope", "toId": "narva"}))[
        "connect"
    ]
    assert missing == {"__typename": "NotFoundProblem", "id": "nope"}
    assert await maintenance.relationship_counts(graph) == rels_before

    funded = (
        await editor(
            CONNECT,
            i={
                "type": "FUNDED",
                "fromId": "sotsiaalministeerium",
                "toId": "mottekoja-kohtumine-2015-10-29",
                "properties": {"amount": 1500.5, "currency": "EUR", "instrument": "ESF"},
                "sources": [{"document": "doc-sev-huvikaitse-koostoovorgustik", "quote": "q"}],
            },
        )
    )["connect"]
    assert funded["__typename"] == "Relationship"
    assert (funded["amount"], funded["currency"], funded["instrument"]) == (1500.5, "EUR", "ESF")
    assert funded["sources"] == [
        {"quote": "q", "document": {"id": "doc-sev-huvikaitse-koostoovorgustik"}}
    ]
    member = (
        await editor(
            CONNECT,
            i={
                "type": "MEMBER_OF",
                "fromId": "kaie-kotov",
                "toId": "tootukassa",
                "properties": {"role": "nõunik", "from": "2019", "to": "2018"},
            },
        )
    )["connect"]
    assert member["__typename"] == "ValidationProblem"
    member = (
        await editor(
            CONNECT,
            i={
                "type": "MEMBER_OF",
                "fromId": "kaie-kotov",
                "toId": "tootukassa",
                "properties": {"role": "nõunik", "from": "2019-02", "to": "2021"},
            },
        )
    )["connect"]
    assert (member["role"], member["fromDate"], member["toDate"]) == ("nõunik", "2019-02", "2021")

    dis = {"type": "MEMBER_OF", "fromId": "kaie-kotov", "toId": "tootukassa"}
    assert (await editor(DISCONNECT, i=dis))["disconnect"] == {"__typename": "Relationship"}
    again = (await editor(DISCONNECT, i=dis))["disconnect"]
    assert again["__typename"] == "NotFoundProblem"
    actions = [(e.action, e.entity_type) for e in await audit.history(graph, "kaie-kotov")]
    assert ("connect", "MEMBER_OF") in actions and ("disconnect", "MEMBER_OF") in actions
    assert [e.action for e in await audit.history(graph, "tootukassa")][-2:] == [
        "connect",
        "disconnect",
    ]


CREATE_CONNECTED = """
mutation($i: CreateOrganisationInput!, $c: [NewTieInput!]) {
  createOrganisation(input: $i, connect: $c) {
    __typename
    ... on Organisation { id name }
    ... on ValidationProblem { field message problems { field message } }
    ... on NotFoundProblem { id }
  }
}
"""


async def test_a_create_makes_its_relationships_in_the_same_transaction(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    editor = gql[Role.EDITOR]
    event = "mottekoja-kohtumine-2015-10-29"
    rels_before = await maintenance.relationship_counts(graph)

    async def create(name: str, ties: list[dict[str, object]]) -> dict[str, object]:
        i = {"name": name, "kind": "NGO"}
        result = await editor(CREATE_CONNECTED, i=i, c=ties)
        return dict(result["createOrganisation"])

    async def named(name: str) -> int:
        async with graph.driver.session(database=graph.database) as session:
            result = await session.run(
                "MATCH (o:Organisation) WHERE o.name = $name RETURN count(o) AS n", name=name
            )
            return int((await result.single(strict=True))["n"])

    # Everything is checked before anything is kept: a tie to an entity that does not
    # exist, a pair the matrix does not allow (after a good tie), bad properties and a
    # bad input field (both named), a tie with both ends or none.
    missing = await create(
        "Õnne Ühing", [{"type": "MEMBER_OF", "fromId": "nope", "properties": {"role": "liige"}}]
    )
    assert missing == {"__typename": "NotFoundProblem", "id": "nope"}
    wrong_pair = await create(
        "Õnne Ühing",
        [
            {"type": "MEMBER_OF", "fromId": "kaie-kotov"},
            {"type": "HELD_AT", "toId": "narva"},
        ],
    )
    assert wrong_pair["__typename"] == "ValidationProblem"
    assert wrong_pair["field"] == "connect.1.type"
    assert "HELD_AT cannot connect a Organisation to a Place" in str(wrong_pair["message"])
    bad = await editor(
        CREATE_CONNECTED,
        i={"name": "", "kind": "NGO"},
        c=[
            {"type": "ORGANISED", "toId": event, "properties": {"role": "DANCER"}},
            {"type": "MEMBER_OF", "fromId": "kaie-kotov", "toId": "sev"},
            {"type": "LOCATED_IN"},
            {"type": "LOCATED_IN", "toId": " "},
            {"type": "ORGANISED", "toId": event, "sources": [{"document": "x", "quote": ""}]},
        ],
    )
    fields = {p["field"] for p in bad["createOrganisation"]["problems"]}
    assert fields == {
        "input.name",
        "connect.0.properties.role",
        "connect.1.toId",
        "connect.2.fromId",
        "connect.3.toId",
        "connect.4.sources.0.quote",
    }
    not_a_document = await create(
        "Õnne Ühing",
        [{"type": "ORGANISED", "toId": event, "sources": [{"document": "narva", "quote": "q"}]}],
    )
    assert not_a_document["field"] == "connect.0.sources.0.document"
    assert await named("Õnne Ühing") == 0
    assert await maintenance.relationship_counts(graph) == rels_before

    made = await create(
        "Õnne Ühing",
        [
            {"type": "MEMBER_OF", "fromId": "kaie-kotov", "properties": {"role": "juhatuse liige"}},
            {
                "type": "ORGANISED",
                "toId": event,
                "properties": {"role": "CO_ORGANISER"},
                "sources": [{"document": "doc-sev-huvikaitse-koostoovorgustik", "quote": "žürii"}],
            },
            {"type": "LOCATED_IN", "toId": "narva"},
        ],
    )
    assert made["__typename"] == "Organisation" and made["name"] == "Õnne Ühing"
    new_id = str(made["id"])
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(
            "MATCH (o:Organisation {id: $id})-[r]-(other) "
            "RETURN type(r) AS t, startNode(r) = o AS out, other.id AS other, r.role AS role, "
            "r.evidence AS evidence ORDER BY t",
            id=new_id,
        )
        ties = [tuple(r.values()) async for r in result]
    assert ties == [
        ("LOCATED_IN", True, "narva", None, None),
        ("MEMBER_OF", False, "kaie-kotov", "juhatuse liige", None),
        ("ORGANISED", True, event, "CO_ORGANISER", ["žürii"]),
    ]
    # audited as `connect` audits, on both ends
    actions = [(e.action, e.entity_type) for e in await audit.history(graph, new_id)]
    assert actions[0] == ("create", "Organisation")
    assert sorted(actions[1:]) == [
        ("connect", "LOCATED_IN"),
        ("connect", "MEMBER_OF"),
        ("connect", "ORGANISED"),
    ]
    assert ("connect", "MEMBER_OF") in [
        (e.action, e.entity_type) for e in await audit.history(graph, "kaie-kotov")
    ]
    # a viewer may not
    refused = await gql[Role.VIEWER].post(
        CREATE_CONNECTED,
        i={"name": "Teine", "kind": "NGO"},
        c=[{"type": "MEMBER_OF", "fromId": "kaie-kotov"}],
    )
    assert refused.json()["errors"] and await named("Teine") == 0
    assert await maintenance.relationship_counts(graph) == {
        **rels_before,
        "MEMBER_OF": rels_before["MEMBER_OF"] + 1,
        "ORGANISED": rels_before["ORGANISED"] + 1,
        "LOCATED_IN": rels_before.get("LOCATED_IN", 0) + 1,
    }
    # notes and tasks (changed by their author only) take no `connect`
    args = await editor('{ __type(name: "Mutation") { fields { name args { name } } } }')
    by_field = {f["name"]: {a["name"] for a in f["args"]} for f in args["__type"]["fields"]}
    assert "connect" in by_field["createOrganisation"] and "connect" in by_field["createEvent"]
    assert "connect" not in by_field["createNote"] and "connect" not in by_field["createTask"]


MERGE = """
mutation($k: ID!, $r: ID!) {
  mergeEntities(keepId: $k, removeId: $r) {
    __typename
    ... on Merged { removedId kept { id ... on Organisation { name aliases
        events(first: 100) { totalCount } members(first: 100) { totalCount }
        sources { quote } } } }
    ... on ValidationProblem { field message }
  }
}
"""


async def test_merge_moves_relationships_keeps_aliases_and_sources(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    admin, viewer = gql[Role.ADMIN], gql[Role.VIEWER]
    stats = """query($id: ID!) { organisation(id: $id) { aliases
        events(first: 100) { totalCount } members(first: 100) { totalCount }
        sources { quote } } }"""
    sev = (await viewer(stats, id="sev"))["organisation"]
    dup = await gql[Role.EDITOR](
        'mutation { createOrganisation(input: {id: "sev-dup", name: "SEV (duplikaat)", '
        'kind: NETWORK, aliases: ["Sotsiaalsete Ettevõtete Võrgustik MTÜ"]}) { __typename } }'
    )
    assert dup["createOrganisation"]["__typename"] == "Organisation"
    for event in ("mottekoja-kohtumine-2015-10-29", "mottekoja-kohtumine-2015-11-26"):
        await gql[Role.EDITOR](CONNECT, i={"type": "ATTENDED", "fromId": "sev-dup", "toId": event})
    await gql[Role.EDITOR](
        CONNECT, i={"type": "MEMBER_OF", "fromId": "jaan-aps", "toId": "sev-dup"}
    )

    wrong = (await admin(MERGE, k="sev", r="narva"))["mergeEntities"]
    assert wrong["__typename"] == "ValidationProblem" and wrong["field"] == "removeId"

    merged = (await admin(MERGE, k="sev", r="sev-dup"))["mergeEntities"]
    assert merged["__typename"] == "Merged"
    kept = merged["kept"]
    assert "SEV (duplikaat)" in kept["aliases"]
    assert "Sotsiaalsete Ettevõtete Võrgustik MTÜ" in kept["aliases"]
    assert set(sev["aliases"]) <= set(kept["aliases"])
    assert len(kept["sources"]) == len(sev["sources"])
    expected_members = sev["members"]["totalCount"] + (0 if _already_member("jaan-aps") else 1)
    assert kept["members"]["totalCount"] == expected_members
    assert kept["events"]["totalCount"] >= sev["events"]["totalCount"]
    assert (await viewer('query { node(id: "sev-dup") { id } }'))["node"] is None
    trail = await audit.history(graph, "sev-dup")
    assert trail[-1].action == "merged-into"
    assert (await audit.history(graph, "sev"))[-1].action == "merge"


def _already_member(person: str) -> int:
    return int(
        any(
            r.type.value == "MEMBER_OF" and r.from_id == person and r.to_id == "sev"
            for r in dataset.read().relationships
        )
    )


SEARCH = """
query($text: String!, $types: [SearchType!], $first: Int) {
  search(text: $text, types: $types, first: $first) { type node { id } }
}
"""


async def test_search_is_accent_insensitive_prefix_fuzzy_and_cyrillic(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    editor, viewer = gql[Role.EDITOR], gql[Role.VIEWER]
    await editor(
        'mutation { createOrganisation(input: {id: "shahtyor", name: "Шахтёрский клуб", '
        "kind: NGO}) { __typename } }"
    )

    async def ids(text: str, **kw: object) -> list[str]:
        return [h["node"]["id"] for h in (await viewer(SEARCH, text=text, **kw))["search"]]

    assert (await ids("tootukassa"))[0] == "tootukassa"
    assert (await ids("Eesti Tööt"))[0] == "tootukassa"
    assert (await ids("sillamae", types=["Place"]))[0] == "sillamae"
    assert (await ids("sotsiaalkindlustusamt"))[0] == "sotsiaalkindlustusamet"
    assert (await ids("шахтерский"))[0] == "shahtyor"
    assert (await ids("ШАХТЁР"))[0] == "shahtyor"
    assert await ids('"(*:~ OR [x]') == []
    # a character that folds to nothing beside an inflected word (it was a 500)
    assert (await ids("\ufe70 Töötukassaga"))[0] == "tootukassa"
    assert await ids("   ") == []
    people_only = await viewer(SEARCH, text="rasmus", types=["Person"])
    assert {h["type"] for h in people_only["search"]} == {"Person"}
    assert (await ids("rasmus", types=["Person"]))[0] == "rasmus-pedanik"


def test_lucene_text_is_escaped() -> None:
    assert (
        escape('a+b-c"d(e)f*g?h:i\\j/k~l^m') == 'a\\+b\\-c\\"d\\(e\\)f\\*g\\?h\\:i\\\\j\\/k\\~l\\^m'
    )
    assert lucene_query("Eesti Tööt") == " ".join(
        "+(" + in_fields(f"{w}^3 OR {w}* OR {w}~1", SURFACE_FIELDS) + ")" for w in ("eesti", "toot")
    )
    assert lucene_query("AND OR") == "+(" + in_fields("and^3 OR and*", SURFACE_FIELDS) + ") +(" + (
        in_fields("or^3 OR or*", SURFACE_FIELDS) + ")"
    )
    assert in_fields("a OR b", ["name", "aliases"]) == "name:(a OR b) OR aliases:(a OR b)"
    assert lucene_query("!!!") is None
