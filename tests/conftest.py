"""Shared fixtures: one real Neo4j per test session, a clean graph per test.

With NEO4J_URI set the tests use that server, and refuse to touch a database that
already holds data unless run with `--resetdb`. Otherwise the local engine from
`neo4j-local/` runs in a temporary directory on a free port.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import Settings
from graph import keys, local, maintenance, migrations
from graph.driver import Graph, connect
from graph.keys import Role
from seeds import dataset, loader


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--resetdb",
        action="store_true",
        help="allow the tests to wipe the database at NEO4J_URI although it holds data",
    )


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings()
    if settings.neo4j_uri:
        yield settings.neo4j_uri
        return
    engine = local.LocalNeo4j(home=tmp_path_factory.mktemp("neo4j") / "home", port=0)
    yield engine.start()
    engine.stop()


@pytest.fixture(scope="session")
async def graph(neo4j_server: str, request: pytest.FixtureRequest) -> AsyncIterator[Graph]:
    settings = Settings()
    g = await connect(
        neo4j_server,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        settings.neo4j_database,
    )
    await migrations.migrate(g)
    if await maintenance.count_data_nodes(g) and not request.config.getoption("--resetdb"):
        await g.driver.close()
        pytest.exit(
            f"the database at {neo4j_server} holds data; run with --resetdb to let the tests "
            "wipe it",
            returncode=2,
        )
    yield g
    await g.driver.close()


@pytest.fixture(autouse=True)
async def clean_graph(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test that touches the graph starts from an empty one (schema kept)."""
    if "graph" not in request.fixturenames:
        yield
        return
    g: Graph = request.getfixturevalue("graph")
    await maintenance.wipe(g, allow_data=True)
    yield


@pytest.fixture
async def seeded(graph: Graph) -> Graph:
    """The graph holding the curated dataset of the source documents."""
    await loader.load(graph, dataset.read())
    return graph


@pytest.fixture
def settings(neo4j_server: str, tmp_path: Path) -> Settings:
    return Settings(NEO4J_URI=neo4j_server, KOOSTOO_DATA_DIR=tmp_path)


@asynccontextmanager
async def app_client(settings: Settings, graph: Graph) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app running on `graph` (the caller's driver)."""
    app = create_app(settings, graph=graph)
    # A fresh database is migrated at start-up: give it more than the default 5 s.
    async with LifespanManager(app, startup_timeout=180, shutdown_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://koostoo.test") as c:
            yield c


@pytest.fixture
async def client(graph: Graph, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, graph) as c:
        yield c


@pytest.fixture
async def api_keys(graph: Graph) -> dict[Role, str]:
    """One key per role, by role."""
    made = {}
    for role in Role:
        _, secret = await keys.create(graph, name=f"test-{role.value}", role=role, actor="test")
        made[role] = secret
    return made


class GraphQLClient:
    def __init__(self, client: httpx.AsyncClient, key: str | None) -> None:
        self.client = client
        self.key = key

    async def post(self, query: str, **variables: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    async def __call__(self, query: str, **variables: object) -> dict[str, Any]:
        """Run an operation that must succeed; return its `data`."""
        response = await self.post(query, **variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def gql(client: httpx.AsyncClient, api_keys: dict[Role, str]) -> dict[Role, GraphQLClient]:
    """A GraphQL caller per role: `await gql[Role.EDITOR](query, **variables)`."""
    return {role: GraphQLClient(client, key) for role, key in api_keys.items()}
