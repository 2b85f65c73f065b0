"""Hardening: rate limits, security headers, CORS, key rotation and expiry, keys stored
hashed, no secrets or personal data in logs, the production profile."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api import logs
from api.app import create_app
from api.ratelimit import TokenBuckets
from api.settings import Settings
from graph import backup, keys, maintenance
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.keys import Role

CLI = [sys.executable, "-m", "api.cli"]
VIEWER = "{ viewer { name role } }"
INTROSPECT = "{ __schema { queryType { name } } }"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@asynccontextmanager
async def _client(graph: Graph, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, graph=graph)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://koostoo.test") as c:
            yield c


@pytest.fixture
async def limited(
    graph: Graph, neo4j_server: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        NEO4J_URI=neo4j_server,
        KOOSTOO_DATA_DIR=tmp_path,
        KOOSTOO_RATE_LIMIT_PER_KEY=5,
        KOOSTOO_RATE_LIMIT_PER_IP=12,
    )
    async with _client(graph, settings) as c:
        yield c


# --- rate limits ---------------------------------------------------------------------


def test_token_bucket_allows_a_burst_then_refills() -> None:
    now = [100.0]
    buckets = TokenBuckets(60, clock=lambda: now[0], max_clients=3)  # 1 per second
    assert all(buckets.take("a") == 0.0 for _ in range(60))
    wait = buckets.take("a")
    assert 0.99 < wait <= 1.0
    assert buckets.take("b") == 0.0  # buckets are per client
    now[0] += 2.5
    assert buckets.take("a") == 0.0 and buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    for client in ("c", "d", "e"):
        buckets.take(client)
    assert len(buckets._buckets) == 3  # bounded: least recently seen dropped


async def test_per_key_limit_is_429_with_retry_after(
    limited: httpx.AsyncClient, graph: Graph
) -> None:
    _, first = await keys.create(graph, name="busy", role=Role.VIEWER, actor="test")
    _, second = await keys.create(graph, name="calm", role=Role.VIEWER, actor="test")
    statuses = [
        (await limited.post("/graphql", json={"query": VIEWER}, headers=bearer(first))).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 5
    refused = await limited.post("/graphql", json={"query": VIEWER}, headers=bearer(first))
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["retry-after"]) <= 12
    other = await limited.post("/graphql", json={"query": VIEWER}, headers=bearer(second))
    assert other.status_code == 200, "another key has a bucket of its own"


async def test_per_ip_limit_counts_failed_logins_and_spares_probes(
    limited: httpx.AsyncClient,
) -> None:
    wrong = bearer("kst_guessing")
    statuses = [
        (await limited.post("/graphql", json={"query": VIEWER}, headers=wrong)).status_code
        for _ in range(12)
    ]
    assert statuses == [401] * 12
    refused = await limited.post("/graphql", json={"query": VIEWER}, headers=wrong)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert (await limited.get("/healthz")).status_code == 200
    assert (await limited.get("/readyz")).status_code == 200


async def test_limits_can_be_turned_off(graph: Graph, neo4j_server: str, tmp_path: Path) -> None:
    settings = Settings(
        NEO4J_URI=neo4j_server,
        KOOSTOO_DATA_DIR=tmp_path,
        KOOSTOO_RATE_LIMIT_PER_KEY=0,
        KOOSTOO_RATE_LIMIT_PER_IP=0,
    )
    async with _client(graph, settings) as c:
        for _ in range(30):
            assert (await c.get("/graphql", params={"query": VIEWER})).status_code == 401


# --- headers and CORS ------------------------------------------------------------------


async def test_security_headers(client: httpx.AsyncClient, api_keys: dict[Role, str]) -> None:
    answer = await client.post(
        "/graphql", json={"query": VIEWER}, headers=bearer(api_keys[Role.VIEWER])
    )
    refused = await client.post("/graphql", json={"query": VIEWER})
    for response in (answer, refused):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
    health = await client.get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in health.headers  # dev: plain http


async def test_cors_is_denied_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/graphql",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_allows_only_configured_origins(
    graph: Graph, neo4j_server: str, tmp_path: Path
) -> None:
    settings = Settings(
        NEO4J_URI=neo4j_server,
        KOOSTOO_DATA_DIR=tmp_path,
        KOOSTOO_CORS_ORIGINS=["https://kaart.koostoo.ee"],
    )
    async with _client(graph, settings) as c:

        async def preflight(origin: str) -> httpx.Response:
            return await c.options(
                "/graphql",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type",
                },
            )

        ok = await preflight("https://kaart.koostoo.ee")
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://kaart.koostoo.ee"
        denied = await preflight("https://evil.example")
        assert denied.status_code == 400
        assert "access-control-allow-origin" not in denied.headers


# --- keys: hashed, rotated, expiring -----------------------------------------------------


async def test_keys_are_stored_hashed(graph: Graph, tmp_path: Path) -> None:
    key, secret = await keys.create(graph, name="hashed", role=Role.ADMIN, actor="test")
    dump = (await backup.export_all(graph, tmp_path / "all.jsonl", key=b"k" * 32)).path.read_text()
    assert secret not in dump and secret[len(keys.KEY_PREFIX) :] not in dump
    # this key's own node (other keys and the audit event of its creation name "ApiKey"
    # too, and the export's order of nodes is Neo4j's)
    rows = [json.loads(x) for x in dump.splitlines() if '"ApiKey"' in x]
    row = next(
        r for r in rows if "ApiKey" in r.get("labels", []) and r["properties"].get("id") == key.id
    )
    assert len(row["properties"]["hash"]) == 64 and row["properties"]["prefix"] == secret[:10]


async def test_rotation_replaces_the_secret_and_revokes_the_old_one(graph: Graph) -> None:
    expires = datetime.now(UTC) + timedelta(days=10)
    old, old_secret = await keys.create(
        graph, name="integraator", role=Role.EDITOR, actor="test", expires_at=expires
    )
    new, new_secret = await keys.rotate(graph, "integraator", actor="test")
    assert (new.name, new.role) == ("integraator", Role.EDITOR) and new.id != old.id
    assert new.expires_at is not None and abs(new.expires_at - expires) < timedelta(seconds=1)
    assert await keys.authenticate(graph, old_secret) is None
    authenticated = await keys.authenticate(graph, new_secret)
    assert authenticated is not None and authenticated.id == new.id
    # The name now means the one active key; the revoked one cannot be rotated again.
    again, _ = await keys.rotate(graph, "integraator", actor="test")
    assert again.id != new.id
    with pytest.raises(NotFound):
        await keys.rotate(graph, old.id, actor="test")


async def test_an_expired_key_needs_a_new_expiry_to_rotate(graph: Graph) -> None:
    key, secret = await keys.create(
        graph,
        name="lühike",
        role=Role.VIEWER,
        actor="test",
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    later = datetime.now(UTC) + timedelta(days=2)
    assert await keys.authenticate(graph, secret) is not None
    assert await keys.authenticate(graph, secret, now=later) is None
    assert await keys.rotate(graph, key.id, actor="t", expires_at=later)  # still valid now


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path)})
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


async def test_cli_rotate_and_expiry(graph: Graph, cli_env: dict[str, str]) -> None:
    made = run(
        [
            "keys",
            "create",
            "--name",
            "Mari Maasikas",
            "--role",
            "analyst",
            "--expires-in-days",
            "7",
        ],
        cli_env,
    )
    assert made.returncode == 0, made.stderr
    old_secret = made.stdout.strip()
    old = await keys.authenticate(graph, old_secret)
    assert old is not None and old.expires_at is not None
    assert timedelta(days=6, hours=23) < old.expires_at - datetime.now(UTC) <= timedelta(days=7)
    in_eight_days = datetime.now(UTC) + timedelta(days=8)
    assert await keys.authenticate(graph, old_secret, now=in_eight_days) is None

    rotated = run(["keys", "rotate", "Mari Maasikas", "--expires-in-days", "30"], cli_env)
    assert rotated.returncode == 0, rotated.stderr
    new_secret = rotated.stdout.strip()
    assert new_secret.startswith("kst_") and new_secret != old_secret and "\n" not in new_secret
    assert "revoked" in rotated.stderr
    assert await keys.authenticate(graph, old_secret) is None
    new = await keys.authenticate(graph, new_secret)
    assert new is not None and (new.name, new.role) == ("Mari Maasikas", Role.ANALYST)
    assert new.expires_at is not None and new.expires_at - datetime.now(UTC) > timedelta(days=29)

    missing = run(["keys", "rotate", "nobody"], cli_env)
    assert missing.returncode == 1 and "not found" in missing.stderr
    with pytest.raises(InvalidInput):
        await keys.rotate(graph, new.id, actor="t", expires_at=datetime.now(UTC) - timedelta(1))


# --- logs ------------------------------------------------------------------------------


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the app logs (as configured for serving, at DEBUG) into a buffer."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure("DEBUG")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


async def test_keys_and_personal_data_are_never_logged(
    client: httpx.AsyncClient, api_keys: dict[Role, str], captured_logs: io.StringIO
) -> None:
    secret = api_keys[Role.EDITOR]
    email = "mari.maasikas@example.ee"
    phone = "+372 5555 1234"
    requests: list[tuple[str, dict[str, Any]]] = [
        (
            'mutation($d: String!) { createOrganisation(input: {name: "Maasika MTÜ", kind: NGO, '
            "description: $d}) { __typename } }",
            {"d": f"kontakt {email}, {phone}"},
        ),
        (
            "query($q: String!) { organisations(filter: {nameContains: $q}) { totalCount } }",
            {"q": email},
        ),
        ("query($q: Int!) { organisations(first: $q) { totalCount } }", {"q": email}),
        (f'{{ organisation(id: "{email}") {{ name }} }}', {}),
        (f"{{ broken {email}", {}),
    ]
    for query, variables in requests:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=bearer(secret)
        )
        assert response.status_code in (200, 400)
    await client.post("/graphql", json={"query": VIEWER}, headers=bearer(secret + "x"))
    await client.get(f"/?key={secret}&email={email}")
    await client.get("/graphql", params={"query": VIEWER}, headers=bearer(secret))

    text = captured_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert sum(1 for line in lines if line["logger"] == "koostoo.http") >= 8
    for needle in (secret, secret[len(keys.KEY_PREFIX) :], email, "mari.maasikas", phone):
        assert needle not in text


# --- the production profile ---------------------------------------------------------------


def test_production_serve_refuses_default_passwords(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KOOSTOO_"))}
    env.update({"KOOSTOO_PROFILE": "production", "KOOSTOO_DATA_DIR": str(tmp_path)})
    for extra, needle in (
        ({}, "NEO4J_URI"),
        ({"NEO4J_URI": "neo4j://db.internal:7687"}, "NEO4J_PASSWORD"),
        ({"NEO4J_URI": "neo4j://db.internal:7687", "NEO4J_PASSWORD": "neo4j"}, "NEO4J_PASSWORD"),
    ):
        done = subprocess.run(
            [*CLI, "serve", "--port", "0"],
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert needle in done.stderr and "production" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("overrides", "ide", "introspection"),
    [
        ({}, False, False),
        ({"KOOSTOO_GRAPHIQL": "true", "KOOSTOO_INTROSPECTION": "true"}, True, True),
    ],
)
async def test_production_turns_off_graphiql_and_introspection_unless_enabled(
    graph: Graph,
    neo4j_server: str,
    tmp_path: Path,
    overrides: dict[str, str],
    ide: bool,
    introspection: bool,
) -> None:
    settings = Settings(
        NEO4J_URI=neo4j_server,
        NEO4J_PASSWORD="a-long-real-secret",
        KOOSTOO_PROFILE="production",
        KOOSTOO_DATA_DIR=tmp_path,
        **overrides,  # type: ignore[arg-type]
    )
    _, secret = await keys.create(graph, name="prod", role=Role.ADMIN, actor="test")
    async with _client(graph, settings) as c:
        page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert (page.status_code == 200 and "graphiql" in page.text.lower()) is ide
        if not ide:
            assert page.status_code == 401
        body = (await c.post("/graphql", json={"query": INTROSPECT}, headers=bearer(secret))).json()
        if introspection:
            assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
        else:
            assert body["data"] is None
            assert "introspection" in body["errors"][0]["message"].lower()
        health = await c.get("/healthz")
        assert health.headers["strict-transport-security"].startswith("max-age=")


async def test_a_get_with_a_query_needs_a_key_even_from_a_browser(
    client: httpx.AsyncClient, graph: Graph, api_keys: dict[Role, str]
) -> None:
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = await client.get("/graphql", headers=html)
    assert page.status_code == 200 and "graphiql" in page.text.lower()  # dev: the bare page
    for params in (
        {"query": INTROSPECT},
        {"query": VIEWER},
        {"query": VIEWER, "variables": "{}"},
        {"query": ""},
    ):
        refused = await client.get("/graphql", params=params, headers=html)
        assert refused.status_code == 401, (params, refused.text)
    # With a key, GET runs queries; never mutations.
    admin = bearer(api_keys[Role.ADMIN])
    answer = await client.get("/graphql", params={"query": VIEWER}, headers=admin)
    assert answer.json() == {"data": {"viewer": {"name": "test-admin", "role": "admin"}}}
    before = await maintenance.count_data_nodes(graph)
    mutation = 'mutation { createOrganisation(input: {name: "GET MTÜ", kind: NGO}) { __typename } }'
    refused = await client.get("/graphql", params={"query": mutation}, headers=admin)
    assert refused.status_code in (400, 405), refused.text
    assert "mutation" in refused.json()["errors"][0]["message"].lower()
    assert await maintenance.count_data_nodes(graph) == before


#: Near misses of real names: each draws a "Did you mean …?" where suggestions are on.
NEAR_MISSES: list[tuple[str, dict[str, Any]]] = [
    ('{ organisaton(id: "sev") { id } }', {}),
    ('{ organisation(id: "sev") { nmae } }', {}),
    ("{ organisations(frist: 1) { totalCount } }", {}),
    ("query($f: OrganisationFiltr) { organisations(filter: $f) { totalCount } }", {}),
    ('mutation { createOrganisation(input: {name: "x", kind: NG}) { __typename } }', {}),
    ('mutation { createOrganisation(input: {nme: "x", kind: NGO}) { __typename } }', {}),
    (
        "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { __typename } }",
        {"i": {"nam": "Maasika MTÜ", "kind": "NGO"}},
    ),
    (
        "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { __typename } }",
        {"i": {"name": "Maasika MTÜ", "kind": "NG"}},
    ),
]


@pytest.mark.parametrize("profile", ["dev", "production"])
async def test_no_suggestions_where_introspection_is_off(
    graph: Graph, neo4j_server: str, tmp_path: Path, profile: str
) -> None:
    settings = Settings(
        NEO4J_URI=neo4j_server,
        NEO4J_PASSWORD="a-long-real-secret",
        KOOSTOO_PROFILE=profile,
        KOOSTOO_DATA_DIR=tmp_path,
    )
    _, secret = await keys.create(graph, name="typo", role=Role.ADMIN, actor="test")
    async with _client(graph, settings) as c:
        for query, variables in NEAR_MISSES:
            response = await c.post(
                "/graphql", json={"query": query, "variables": variables}, headers=bearer(secret)
            )
            messages = [e["message"] for e in response.json()["errors"]]
            assert messages, query
            suggested = any("Did you mean" in m for m in messages)
            assert suggested is (profile == "dev"), (query, messages)
