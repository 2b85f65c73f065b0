"""API keys and roles: 401 without a valid key, 403 for a weak role, nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from graph import keys, maintenance
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

CREATE = """mutation {
  createOrganisation(input: {name: "Kodanikuühiskonna Sihtkapital", kind: FOUNDATION}) {
    __typename
  }
}"""


async def test_no_key_is_401_and_writes_nothing(client: httpx.AsyncClient, graph: Graph) -> None:
    response = await client.post("/graphql", json={"query": CREATE})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await maintenance.count_data_nodes(graph) == 0


@pytest.mark.parametrize("header", ["Bearer kst_wrong", "Bearer ", "Basic Zm9vOmJhcg==", "kst_x"])
async def test_bad_keys_are_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401


async def test_revoked_and_expired_keys_are_refused(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    key, secret = await keys.create(graph, name="soon revoked", role=Role.ADMIN, actor="test")
    headers = {"Authorization": f"Bearer {secret}"}
    ok = await client.post("/graphql", json={"query": "{ viewer { name role } }"}, headers=headers)
    assert ok.json() == {"data": {"viewer": {"name": "soon revoked", "role": "admin"}}}
    await keys.revoke(graph, key.id, actor="test")
    refused = await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=headers)
    assert refused.status_code == 401

    stored = await keys.list_all(graph)
    assert all(not hasattr(k, "hash") for k in stored)
    assert secret not in repr(stored)


async def test_expired_key_is_refused(graph: Graph) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    _, secret = await keys.create(
        graph, name="short", role=Role.VIEWER, actor="test", expires_at=expires
    )
    assert await keys.authenticate(graph, secret) is not None
    assert await keys.authenticate(graph, secret, now=expires - timedelta(seconds=1)) is not None
    assert await keys.authenticate(graph, secret, now=expires) is None
    assert await keys.authenticate(graph, secret, now=expires + timedelta(days=1)) is None


async def test_viewer_cannot_write(gql: dict[Role, GraphQLClient], graph: Graph) -> None:
    before = await maintenance.count_data_nodes(graph)
    body = (await gql[Role.VIEWER].post(CREATE)).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "editor" in body["errors"][0]["message"]
    assert await maintenance.count_data_nodes(graph) == before


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ANALYST, Role.ADMIN])
async def test_editor_and_above_can_write(gql: dict[Role, GraphQLClient], role: Role) -> None:
    data = await gql[role](CREATE)
    assert data == {"createOrganisation": {"__typename": "Organisation"}}


async def test_graphiql_page_needs_no_key_but_data_does(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    data = await client.get("/graphql", params={"query": "{ viewer { role } }"})
    assert data.status_code == 401
