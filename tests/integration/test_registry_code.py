"""`registryCode` (the Estonian business-register code) on Organisation, end to end:
create, validation, uniqueness, filter, import matching and export."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import networkx as nx

from graph import entities, matching
from graph.driver import Graph
from graph.keys import Role
from graph.models.entities import OrganisationUpdate
from graph.models.relationships import RelType
from seeds.importers.attendance import import_attendance
from seeds.importers.events import import_events
from seeds.importers.run import Options
from tests.conftest import GraphQLClient
from tests.integration.test_import import ATTENDANCE_HEADER, EXAMPLES, problems, rel_status, write

CREATE = """mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on Organisation { id registryCode }
    ... on ValidationProblem { problems { field message } }
    ... on ConflictProblem { field message }
  }
}"""

BY_CODE = """query($code: String) {
  organisations(filter: {registryCode: $code}) { totalCount nodes { id registryCode } }
}"""


async def test_create_validate_unique_and_filter(gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    made = await editor(
        CREATE, input={"name": "Õismäe Äriühing", "kind": "COMPANY", "registryCode": " 12345678 "}
    )
    assert made["createOrganisation"] == {
        "__typename": "Organisation",
        "id": made["createOrganisation"]["id"],
        "registryCode": "12345678",
    }
    for bad in ("1234567", "123456789", "1234567a", "１２３４５６７８"):
        refused = await editor(
            CREATE, input={"name": f"Vale {bad}", "kind": "NGO", "registryCode": bad}
        )
        problem = refused["createOrganisation"]
        assert problem["__typename"] == "ValidationProblem", (bad, problem)
        assert [p["field"] for p in problem["problems"]] == ["input.registryCode"]
    twice = await editor(
        CREATE, input={"name": "Teine Äriühing", "kind": "COMPANY", "registryCode": "12345678"}
    )
    assert twice["createOrganisation"]["__typename"] == "ConflictProblem"
    assert twice["createOrganisation"]["field"] == "registryCode"
    assert made["createOrganisation"]["id"] in twice["createOrganisation"]["message"]
    # optional: any number of organisations without one
    for name in ("Esimene Ühing", "Teine Ühing"):
        ok = await editor(CREATE, input={"name": name, "kind": "NGO"})
        assert ok["createOrganisation"]["registryCode"] is None

    found = await gql[Role.VIEWER](BY_CODE, code="12345678")
    assert found["organisations"]["totalCount"] == 1
    assert found["organisations"]["nodes"][0]["registryCode"] == "12345678"
    assert (await gql[Role.VIEWER](BY_CODE, code="87654321"))["organisations"]["totalCount"] == 0
    everyone = await gql[Role.VIEWER](BY_CODE, code=None)
    assert everyone["organisations"]["totalCount"] == 3


async def test_importers_match_an_organisation_by_its_code_first(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    await import_events(graph, EXAMPLES / "events.csv", Options())
    index = await matching.name_index(graph, ["Organisation", "Event"])
    (tootukassa,) = index.by_name("Organisation", "Eesti Töötukassa")
    (event,) = index.by_name("Event", "Pöördepunkti mentorkohtumine Narvas")
    await entities.update(
        graph,
        "Organisation",
        tootukassa.id,
        OrganisationUpdate(registryCode="70009770"),
        actor="test",
    )
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "Pöördepunkti mentorkohtumine Narvas;12.11.2020;70009770;ORGANISATION;;;\n",
    )
    await import_attendance(graph, path, Options())
    assert await rel_status(graph, RelType.ATTENDED, tootukassa.id, event.id) == "unchanged"

    unknown = write(
        tmp_path,
        "unknown.csv",
        ATTENDANCE_HEADER
        + "Pöördepunkti mentorkohtumine Narvas;12.11.2020;11111111;ORGANISATION;;;\n",
    )
    assert await problems(graph, unknown, create_missing=True) == [
        'unknown.csv:2: column "attendee": no organisation has the business-register code '
        "'11111111'; refusing to create one named like a code"
    ]


async def test_the_code_is_exported(
    graph: Graph, client: httpx.AsyncClient, gql: dict[Role, GraphQLClient]
) -> None:
    made = await gql[Role.EDITOR](
        CREATE, input={"name": "Eksporditav Ühing", "kind": "NGO", "registryCode": "80001234"}
    )
    org_id = made["createOrganisation"]["id"]
    key = gql[Role.VIEWER].key
    response = await client.get(
        "/export/graph", params={"format": "graphml"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    exported = nx.read_graphml(io.BytesIO(response.content))
    assert exported.nodes[org_id]["registryCode"] == "80001234"
