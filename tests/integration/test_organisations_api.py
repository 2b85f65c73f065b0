"""The Organisation slice through GraphQL over HTTP, on the real Neo4j."""

from __future__ import annotations

import pytest

from graph import audit, maintenance
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient
from tests.factories import make_organisation

CREATE = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on Organisation { id name kind shortName nameEn tags aliases website createdAt }
    ... on ValidationProblem { message field problems { field message } }
    ... on ConflictProblem { message field }
  }
}
"""

UPDATE = """
mutation($id: ID!, $input: UpdateOrganisationInput!) {
  updateOrganisation(id: $id, input: $input) {
    __typename
    ... on Organisation { id name kind nameEn description }
    ... on ValidationProblem { field problems { field message } }
    ... on NotFoundProblem { id message }
    ... on ConflictProblem { field message }
  }
}
"""

DELETE = """
mutation($id: ID!) {
  deleteOrganisation(id: $id) { __typename ... on Deleted { id } ... on NotFoundProblem { id } }
}
"""

GET = "query($id: ID!) { organisation(id: $id) { id name kind aliases tags } }"

LIST = """
query($first: Int, $after: String, $filter: OrganisationFilter) {
  organisations(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""

UNICODE_NAMES = ["Õismäe Äriühing", "Шахтёрский клуб", "Koostöö 🤝 ühing", "Šokolaadi ja žürii MTÜ"]


@pytest.mark.parametrize("name", UNICODE_NAMES)
async def test_crud_round_trip_keeps_unicode(gql: dict[Role, GraphQLClient], name: str) -> None:
    editor = gql[Role.EDITOR]
    created = (await editor(CREATE, input={"name": name, "kind": "NGO", "aliases": [name + " X"]}))[
        "createOrganisation"
    ]
    assert created["__typename"] == "Organisation"
    assert created["name"] == name
    org_id = created["id"]

    fetched = (await gql[Role.VIEWER](GET, id=org_id))["organisation"]
    assert fetched == {
        "id": org_id,
        "name": name,
        "kind": "NGO",
        "aliases": [name + " X"],
        "tags": [],
    }

    updated = (
        await editor(UPDATE, id=org_id, input={"nameEn": "English " + name, "kind": "FOUNDATION"})
    )["updateOrganisation"]
    assert updated["name"] == name
    assert updated["nameEn"] == "English " + name
    assert updated["kind"] == "FOUNDATION"

    deleted = (await editor(DELETE, id=org_id))["deleteOrganisation"]
    assert deleted == {"__typename": "Deleted", "id": org_id}
    assert (await gql[Role.VIEWER](GET, id=org_id))["organisation"] is None


async def test_create_with_slug_id_and_conflicts(gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    first = (await editor(CREATE, input={"id": "sev", "name": "SEV", "kind": "NETWORK"}))[
        "createOrganisation"
    ]
    assert first["id"] == "sev"
    same_id = (await editor(CREATE, input={"id": "sev", "name": "Other", "kind": "NGO"}))[
        "createOrganisation"
    ]
    assert same_id["__typename"] == "ConflictProblem"
    assert same_id["field"] == "id"
    same_name = (await editor(CREATE, input={"name": " sev ", "kind": "NGO"}))["createOrganisation"]
    assert same_name["__typename"] == "ConflictProblem"
    assert same_name["field"] == "name"


async def test_validation_problems_name_each_field(
    gql: dict[Role, GraphQLClient], graph: Graph
) -> None:
    before = await maintenance.count_data_nodes(graph)
    result = (
        await gql[Role.EDITOR](
            CREATE,
            input={"id": "Not A Slug!", "name": "   ", "kind": "NGO", "website": "not a url"},
        )
    )["createOrganisation"]
    assert result["__typename"] == "ValidationProblem"
    fields = {p["field"] for p in result["problems"]}
    assert fields == {"input.id", "input.name", "input.website"}
    assert await maintenance.count_data_nodes(graph) == before


async def test_update_rules(gql: dict[Role, GraphQLClient], graph: Graph) -> None:
    org = await make_organisation(graph, "Eesti Töötukassa")
    await make_organisation(graph, "Sotsiaalkindlustusamet", kind="AGENCY")
    editor = gql[Role.EDITOR]

    cleared = (await editor(UPDATE, id=org.id, input={"name": None}))["updateOrganisation"]
    assert cleared["__typename"] == "ValidationProblem"
    assert cleared["field"] == "input.name"

    clash = (await editor(UPDATE, id=org.id, input={"name": "SOTSIAALKINDLUSTUSAMET"}))[
        "updateOrganisation"
    ]
    assert clash["__typename"] == "ConflictProblem"

    missing = (await editor(UPDATE, id="no-such-org", input={"nameEn": "x"}))["updateOrganisation"]
    assert missing == {
        "__typename": "NotFoundProblem",
        "id": "no-such-org",
        "message": "Organisation 'no-such-org' not found",
    }

    set_then_clear = (await editor(UPDATE, id=org.id, input={"description": "Pays benefits."}))[
        "updateOrganisation"
    ]
    assert set_then_clear["description"] == "Pays benefits."
    again = (await editor(UPDATE, id=org.id, input={"description": None}))["updateOrganisation"]
    assert again["description"] is None
    assert again["name"] == "Eesti Töötukassa"


async def test_every_change_is_audited(gql: dict[Role, GraphQLClient], graph: Graph) -> None:
    editor = gql[Role.EDITOR]
    org_id = (await editor(CREATE, input={"name": "Narva Linnavalitsus", "kind": "MUNICIPALITY"}))[
        "createOrganisation"
    ]["id"]
    await editor(UPDATE, id=org_id, input={"nameEn": "Narva City Government"})
    await editor(DELETE, id=org_id)

    trail = await audit.history(graph, org_id)
    assert [e.action for e in trail] == ["create", "update", "delete"]
    assert all(e.actor.startswith("key:test-editor:") for e in trail)
    assert trail[1].before is not None and "nameEn" not in trail[1].before
    assert trail[1].after is not None and trail[1].after["nameEn"] == "Narva City Government"
    assert trail[2].after is None and trail[2].before is not None
    assert trail[2].before["name"] == "Narva Linnavalitsus"


async def test_paging_is_stable_and_complete(gql: dict[Role, GraphQLClient], graph: Graph) -> None:
    names = [f"Ühing {i:02d}" for i in range(25)]
    for name in names:
        await make_organisation(graph, name)
    viewer = gql[Role.VIEWER]
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await viewer(LIST, first=10, after=after))["organisations"]
        assert page["totalCount"] == (25 if pages == 0 else 26)
        seen += [e["node"]["name"] for e in page["edges"]]
        pages += 1
        if pages == 1:
            # A change between pages must neither skip nor repeat later items.
            await make_organisation(graph, "Aaa ühing (added before the cursor)")
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(names, key=str.casefold)
    assert pages == 3


async def test_descending_order_pages_through_in_reverse(
    gql: dict[Role, GraphQLClient], graph: Graph
) -> None:
    names = ["Õismäe Selts", "Aasa Ühing", "Ülase Klubi", "Шахтёрский клуб", "Mäe Selts"]
    for name in names:
        await make_organisation(graph, name)
    viewer = gql[Role.VIEWER]
    query = """query($after: String) {
      organisations(first: 2, after: $after, direction: DESC) {
        edges { node { name } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await viewer(query, after=after))["organisations"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    edges = (await viewer(LIST, first=10))["organisations"]["edges"]
    ascending = [e["node"]["name"] for e in edges]
    assert sorted(seen) == sorted(names)
    assert seen == list(reversed(ascending))


async def test_filters_are_case_and_accent_insensitive(
    gql: dict[Role, GraphQLClient], graph: Graph
) -> None:
    await make_organisation(graph, "Eesti Töötukassa", kind="AGENCY", aliases=["Töötukassa"])
    await make_organisation(graph, "Sillamäe Lastekaitse Ühing", kind="NGO", tags=["ida-virumaa"])
    await make_organisation(
        graph, "Sotsiaalministeerium", kind="MINISTRY", nameEn="Ministry of Social Affairs"
    )
    viewer = gql[Role.VIEWER]

    async def names(**filter: object) -> list[str]:
        page = (await viewer(LIST, first=50, filter=filter))["organisations"]
        return [e["node"]["name"] for e in page["edges"]]

    assert await names(nameContains="TOOTUKASSA") == ["Eesti Töötukassa"]
    assert await names(nameContains="sillamae") == ["Sillamäe Lastekaitse Ühing"]
    assert await names(nameContains="social affairs") == ["Sotsiaalministeerium"]
    assert await names(kind="NGO") == ["Sillamäe Lastekaitse Ühing"]
    assert await names(tags=["ida-virumaa"]) == ["Sillamäe Lastekaitse Ühing"]
    assert await names(kind="AGENCY", nameContains="sillamäe") == []


async def test_bad_paging_arguments_are_client_errors(gql: dict[Role, GraphQLClient]) -> None:
    viewer = gql[Role.VIEWER]
    too_many = (await viewer.post(LIST, first=100000)).json()
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = (await viewer.post(LIST, first=5, after="garbage")).json()
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in bad_cursor["errors"][0]["message"]
