"""The request path of the compiled reads (issue 23): a read that compiles is one
statement in one transaction, the caller's key checked inside it (no lookup of its
own, and still refused at once once revoked, expired or changed by any process), the
answer encoded with orjson; the shortest paths and ego networks are one statement too.

Statements are counted with a `Graph` that records what its transactions run: the
real engine underneath, only counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from graph import keys
from graph.analytics import network, paths
from graph.driver import Graph, TxWork
from graph.keys import Role
from tests.conftest import app_client

ORG = """query($id: ID!) { organisation(id: $id) { id name kind
  members(first: 20) { edges { node { id name email } } }
  events(first: 20) { edges { node { id name startDate } } } } }"""


class _Tx:
    """A transaction that records the statements it runs."""

    def __init__(self, tx: Any, log: list[str]) -> None:
        self._tx = tx
        self._log = log

    async def run(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._log.append(query)
        return await self._tx.run(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


@dataclass(frozen=True, slots=True)
class Recording(Graph):
    """The real graph; every transaction's statements recorded in `log` (one list per
    transaction)."""

    log: list[list[str]] = field(default_factory=list)

    async def read(self, work: TxWork[Any], **kwargs: Any) -> Any:
        return await Graph.read(self, self._recorded(work), **kwargs)

    async def write(self, work: TxWork[Any], **kwargs: Any) -> Any:
        return await Graph.write(self, self._recorded(work), **kwargs)

    def _recorded(self, work: TxWork[Any]) -> TxWork[Any]:
        statements: list[str] = []
        self.log.append(statements)

        async def recorded(tx: Any) -> Any:
            statements.clear()  # a retried transaction counts once
            return await work(_Tx(tx, statements))  # type: ignore[arg-type]  # a recording proxy

        return recorded

    def statements(self) -> list[str]:
        return [s for tx in self.log for s in tx]


@pytest.fixture
async def recording(seeded: Graph) -> Recording:
    return Recording(seeded.driver, seeded.database)


@pytest.fixture
async def http(recording: Recording, settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, recording) as c:
        yield c


async def _post(
    http: httpx.AsyncClient, secret: str, query: str, **variables: Any
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {secret}"},
    )


async def test_a_compiled_read_is_one_statement_with_the_key_checked_inside(
    http: httpx.AsyncClient, recording: Recording
) -> None:
    _, secret = await keys.create(recording, name="Mari Maasikas", role=Role.VIEWER, actor="t")
    first = await _post(http, secret, ORG, id="sev")  # looks the key up once, then caches it
    assert first.status_code == 200, first.text
    recording.log.clear()
    again = await _post(http, secret, ORG, id="sev")
    assert again.json() == first.json()
    assert again.json()["data"]["organisation"]["members"]["edges"], "sev has members"
    assert len(recording.log) == 1, recording.log
    (statement,) = recording.statements()
    assert "ApiKey" in statement  # the key's check, in the read's own statement


async def test_a_cached_key_revoked_elsewhere_is_refused_at_once(
    http: httpx.AsyncClient, recording: Recording, settings: Any
) -> None:
    key, secret = await keys.create(recording, name="Jaan Tamm", role=Role.EDITOR, actor="t")
    assert (await _post(http, secret, ORG, id="sev")).status_code == 200
    # another API process (a second app on the same database) revokes it
    async with app_client(settings, recording):
        await keys.revoke(recording, key.id, actor="test")
    for query in (ORG, "{ viewer { name } }", 'mutation { deleteTopic(id: "x") { __typename } }'):
        refused = await _post(http, secret, query, **({"id": "sev"} if query == ORG else {}))
        assert refused.status_code == 401, (query, refused.text)
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert refused.headers["www-authenticate"].startswith("Bearer")


async def test_a_read_on_the_resolvers_checks_a_cached_key_in_its_own_transaction(
    http: httpx.AsyncClient, recording: Recording
) -> None:
    """No transaction of its own for the key: the first transaction of the request
    checks it before its work (`graph.driver.FirstCheck`, outside what `Recording`
    records; that it checks is the revocation tests' part)."""
    _, secret = await keys.create(recording, name="Tiit Kask", role=Role.VIEWER, actor="t")
    search = '{ search(text: "Töötukassaga", first: 3) { node { id } } }'
    first = await _post(http, secret, search)  # looks the key up once, then caches it
    assert first.status_code == 200, first.text
    recording.log.clear()
    again = await _post(http, secret, search)
    assert again.json() == first.json()
    assert again.json()["data"]["search"][0]["node"]["id"] == "tootukassa"
    assert len(recording.log) == 1, recording.log


async def test_a_write_with_a_key_revoked_elsewhere_writes_nothing(
    http: httpx.AsyncClient, recording: Recording, settings: Any
) -> None:
    key, secret = await keys.create(recording, name="Ülle Õun", role=Role.EDITOR, actor="t")
    assert (await _post(http, secret, "{ viewer { name } }")).status_code == 200  # cached
    async with app_client(settings, recording):
        await keys.revoke(recording, key.id, actor="test")
    create = (
        'mutation { createOrganisation(input: {name: "Pärast tühistamist", kind: NGO}) '
        "{ __typename } }"
    )
    refused = await _post(http, secret, create)
    assert refused.status_code == 401, refused.text
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def topics(tx: Any) -> int:
        row = await (
            await tx.run("MATCH (o:Organisation {name: 'Pärast tühistamist'}) RETURN count(o) AS n")
        ).single(strict=True)
        return int(row["n"])

    assert await recording.read(topics) == 0


async def test_a_cached_key_that_expired_or_lost_its_role_is_checked_again(
    http: httpx.AsyncClient, recording: Recording
) -> None:
    key, secret = await keys.create(recording, name="Kati Karu", role=Role.EDITOR, actor="t")
    seen = (await _post(http, secret, ORG, id="sev")).json()["data"]["organisation"]
    emails = [e["node"]["email"] for e in seen["members"]["edges"]]
    assert any(emails), "an editor sees e-mail addresses"
    async with recording.driver.session(database=recording.database) as session:
        await session.run("MATCH (k:ApiKey {id: $id}) SET k.role = 'viewer'", id=key.id)
    downgraded = (await _post(http, secret, ORG, id="sev")).json()["data"]["organisation"]
    assert [e["node"]["email"] for e in downgraded["members"]["edges"]] == [None] * len(emails)
    # the same on the resolvers: their first transaction finds the role changed, and
    # the request runs again under the key as it is now
    await session_set(recording, "MATCH (k:ApiKey {id: $id}) SET k.role = 'editor'", id=key.id)
    search = '{ search(text: "Evelin Kostabi", first: 1) { node { ... on Person { email } } } }'
    seen = (await _post(http, secret, search)).json()["data"]["search"]
    assert seen == [{"node": {"email": "evelin@koosloome.ee"}}]
    await session_set(recording, "MATCH (k:ApiKey {id: $id}) SET k.role = 'viewer'", id=key.id)
    hidden = await _post(http, secret, search)
    assert hidden.json() == {"data": {"search": [{"node": {"email": None}}]}}, hidden.text
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with recording.driver.session(database=recording.database) as session:
        await session.run("MATCH (k:ApiKey {id: $id}) SET k.expiresAt = $at", id=key.id, at=past)
    assert (await _post(http, secret, ORG, id="sev")).status_code == 401


async def session_set(graph: Graph, statement: str, **params: Any) -> None:
    async with graph.driver.session(database=graph.database) as session:
        await (await session.run(statement, params)).consume()


async def test_answers_are_utf8_json_from_orjson(
    http: httpx.AsyncClient, recording: Recording
) -> None:
    _, secret = await keys.create(recording, name="Õie Ülle", role=Role.VIEWER, actor="t")
    for query in ('{ organisation(id: "sev") { name } }', "{ viewer { name } }"):
        response = await _post(http, secret, query)
        assert response.headers["content-type"] == "application/json"
        assert "Õ".encode() in response.content or "õ".encode() in response.content
        assert b"\\u" not in response.content


async def test_a_read_that_does_not_compile_runs_on_the_resolvers(
    http: httpx.AsyncClient, recording: Recording
) -> None:
    _, secret = await keys.create(recording, name="Mati Mets", role=Role.VIEWER, actor="t")
    query = '{ organisation(id: "sev") { name partners(first: 2) { totalCount } } }'
    answer = (await _post(http, secret, query)).json()
    assert answer["data"]["organisation"]["name"] == "Sotsiaalsete Ettevõtete Võrgustik"
    assert isinstance(answer["data"]["organisation"]["partners"]["totalCount"], int)
    errors = (await _post(http, secret, "{ organisations(first: 1000) { totalCount } }")).json()
    assert errors["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # introspection beside an entity read (the explorer asks both at once)
    both = (
        '{ __schema { queryType { name } } __type(name: "Event") { name } '
        "events(first: 1) { totalCount } }"
    )
    response = await _post(http, secret, both)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["__schema"] == {"queryType": {"name": "Query"}}
    assert data["__type"] == {"name": "Event"} and data["events"]["totalCount"] > 0


async def test_shortest_paths_and_ego_networks_are_one_statement(recording: Recording) -> None:
    found = await paths.find(recording, "sev", "tootukassa", max_hops=4, detours=False)
    assert len(recording.statements()) == 1
    assert found.shortest and found.shortest[0].hops[0].explanation
    full = await paths.find(recording, "sev", "tootukassa", max_hops=4)
    # without the detours: paths as short, each hop explained with its strength
    assert found.shortest[0].length == full.shortest[0].length
    assert all(h.strength > 0 and h.explanation for p in found.shortest for h in p.hops)
    recording.log.clear()
    ego = await network.ego(recording, "sev", depth=2)
    assert len(recording.statements()) == 1
    assert ego.nodes and ego.edges
