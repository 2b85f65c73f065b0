"""Faults against a real local Neo4j of the test's own (own directory, own port), never
the session's: an outage during traffic, a SIGKILL mid-write, an import killed mid-file."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncGraphDatabase

from api.app import create_app
from api.settings import Settings
from graph import audit, backup, entities, keys, local, maintenance, migrations
from graph.driver import Graph, connect
from graph.errors import Unavailable
from graph.keys import ApiKey, Role
from graph.models.entities import Organisation, OrganisationCreate, OrganisationKind
from schema.context import Context
from schema.root import build_schema
from seeds import dataset, loader

LIST = "{ organisations(first: 5) { totalCount edges { node { id } } } }"
CREATE = """mutation($name: String!) {
  createOrganisation(input: {name: $name, kind: NGO}) {
    __typename ... on Organisation { id }
  }
}"""


def _start(engine: local.LocalNeo4j, attempts: int = 20) -> str:
    """Start (or restart) on the same port; the port may linger a moment after a stop."""
    for attempt in range(attempts):
        try:
            return engine.start()
        except local.LocalNeo4jError as e:
            if "in use" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[local.LocalNeo4j]:
    own = local.LocalNeo4j(home=tmp_path / "neo4j", port=local.free_port(), pagecache="64m")
    _start(own)
    yield own
    own.stop()


async def _graph(uri: str, **config: Any) -> Graph:
    g = await connect(uri, "neo4j", "", "neo4j", **config)
    await migrations.migrate(g)
    return g


@dataclass
class Traffic:
    """What a group of clients saw: status and error code per request, and how long."""

    seen: list[tuple[float, int, str | None, float]] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def since(self, t: float) -> list[tuple[float, int, str | None, float]]:
        return [s for s in self.seen if s[0] >= t]


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return "NOT_JSON"
    errors = body.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


async def _client(c: httpx.AsyncClient, key: str, n: int, traffic: Traffic) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    i = 0
    while not traffic.stop.is_set():
        i += 1
        write = i % 3 == 0
        payload: dict[str, Any] = (
            {"query": CREATE, "variables": {"name": f"Rike {n}-{i}"}} if write else {"query": LIST}
        )
        started = time.monotonic()
        response = await c.post("/graphql", json=payload, headers=headers)
        code = _code(response)
        traffic.seen.append((started, response.status_code, code, time.monotonic() - started))
        if write and response.status_code == 200 and code is None:
            created = response.json()["data"]["createOrganisation"]
            if created["__typename"] == "Organisation":
                traffic.acknowledged.append(created["id"])
        await asyncio.sleep(0.02)


@pytest.fixture
async def app_client(
    engine: local.LocalNeo4j, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    assert engine.uri is not None
    setup = await _graph(engine.uri)
    _, secret = await keys.create(setup, name="faults", role=Role.EDITOR, actor="test")
    await setup.driver.close()
    # The app owns its driver, configured by the settings as in production.
    settings = Settings(NEO4J_URI=engine.uri, KOOSTOO_DATA_DIR=tmp_path)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=300) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://koostoo.test", timeout=120
        ) as c:
            # Warm up (the first queries of a fresh JVM are slow on a busy machine).
            for _ in range(3):
                warm = await c.post(
                    "/graphql", json={"query": LIST}, headers={"Authorization": f"Bearer {secret}"}
                )
                assert warm.status_code == 200, warm.text
            yield c, secret


async def test_neo4j_outage_fails_fast_then_recovers_by_itself(
    engine: local.LocalNeo4j, app_client: tuple[httpx.AsyncClient, str]
) -> None:
    c, secret = app_client
    traffic = Traffic()
    clients = [asyncio.create_task(_client(c, secret, n, traffic)) for n in range(8)]
    try:
        await asyncio.sleep(3)
        healthy = list(traffic.seen)
        assert healthy and all(s[1] == 200 and s[2] is None for s in healthy), healthy[:5]
        assert (await c.get("/readyz")).status_code == 200

        stopped_at = time.monotonic()
        await asyncio.to_thread(engine.stop)
        outage_from = time.monotonic()
        await asyncio.sleep(4)
        started = time.monotonic()
        ready = await c.get("/readyz")
        assert ready.status_code == 503 and ready.json() == {"status": "neo4j unavailable"}
        assert time.monotonic() - started < 3, "readyz must answer at once"
        direct = await c.post(
            "/graphql", json={"query": LIST}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert _code(direct) == "SERVICE_UNAVAILABLE"
        assert direct.status_code == 503

        # The clients' requests in flight when Neo4j stopped may take up to the retry
        # budget to fail; the next ones start after them. Wait for those (bounded).
        deadline = time.monotonic() + 15
        while not traffic.since(outage_from) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        during = traffic.since(outage_from)
        assert during, "no request ran during the outage"
        assert {s[2] for s in during} == {"SERVICE_UNAVAILABLE"}, Counter(s[2] for s in during)
        assert {s[1] for s in during} <= {200, 503}
        slowest = max(s[3] for s in during)
        # The retry budget is 3 s (KOOSTOO_NEO4J_RETRY_SECONDS); margin for a busy machine.
        assert slowest < 10, f"a request took {slowest:.1f} s to fail"
        # Nothing in the whole run was an internal error.
        assert all(s[1] != 500 and s[2] != "INTERNAL_SERVER_ERROR" for s in traffic.seen)

        await asyncio.to_thread(_start, engine)
        recovered_at = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if (await c.get("/readyz")).status_code == 200:
                recovered_at = time.monotonic()
                break
            await asyncio.sleep(0.5)
        assert recovered_at is not None, "the app did not recover after Neo4j came back"
        # The clients carry on by themselves; a fresh JVM is slow for its first queries.
        deadline = time.monotonic() + 180
        while len(traffic.since(recovered_at)) < 20 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.5)
        after = traffic.since(recovered_at)
        assert after and all(s[1] == 200 and s[2] is None for s in after), Counter(
            (s[1], s[2]) for s in after
        )
        print(
            f"\noutage: {len(during)} requests failed, slowest in {slowest:.2f} s; "
            f"recovered {recovered_at - stopped_at:.1f} s after the stop"
        )
    finally:
        traffic.stop.set()
        await asyncio.gather(*clients)

    # Every write the clients saw acknowledged is there.
    assert engine.uri is not None
    check = await _graph(engine.uri)
    try:
        found = await entities.get_many_of(check, Organisation, traffic.acknowledged)
        assert len(traffic.acknowledged) > 10
        assert set(found) == set(traffic.acknowledged)
    finally:
        await check.driver.close()


async def test_resolvers_map_unavailable_to_a_coded_error(engine: local.LocalNeo4j) -> None:
    """Whatever resolver meets the outage (its own try, a DataLoader, a mutation), the
    client reads SERVICE_UNAVAILABLE — never a masked internal error."""
    assert engine.uri is not None
    uri = engine.uri
    await asyncio.to_thread(engine.stop)
    driver = AsyncGraphDatabase.driver(uri, max_transaction_retry_time=0.5)
    schema = build_schema()
    principal = ApiKey(
        id="k1", name="t", role=Role.ADMIN, prefix="kst_x", created_at=datetime.now(UTC)
    )
    try:
        for query in (
            LIST,
            '{ organisation(id: "sotsiaalministeerium") { name } }',
            '{ node(id: "sotsiaalministeerium") { id } }',
            'mutation { createOrganisation(input: {name: "X", kind: NGO}) { __typename } }',
            'mutation { deleteOrganisation(id: "x") { __typename } }',
        ):
            ctx = Context(
                graph=Graph(driver), principal=principal, request_id="r1", max_page_size=100
            )
            started = time.monotonic()
            result = await schema.execute(query, context_value=ctx)
            assert time.monotonic() - started < 10
            assert result.errors, query
            codes = {(e.extensions or {}).get("code") for e in result.errors}
            assert codes == {"SERVICE_UNAVAILABLE"}, (query, result.errors)
            assert all("bolt" not in e.message and "Neo4j" not in e.message for e in result.errors)
    finally:
        await driver.close()
        _start(engine)


async def test_sigkill_mid_write_loses_no_acknowledged_write(engine: local.LocalNeo4j) -> None:
    assert engine.uri is not None
    g = await _graph(engine.uri, max_transaction_retry_time=0.5)
    acknowledged: list[str] = []
    failed = 0
    killed = asyncio.Event()
    enough = asyncio.Event()

    async def writer(w: int) -> None:
        nonlocal failed
        for i in range(10_000):
            try:
                created = await entities.create(
                    g,
                    "Organisation",
                    OrganisationCreate(name=f"Kirjutaja {w}-{i}", kind=OrganisationKind.NGO),
                    actor="test",
                )
            except Unavailable:
                failed += 1
                if killed.is_set():
                    return
                continue
            acknowledged.append(created.id)
            if len(acknowledged) >= 300:
                enough.set()
            if killed.is_set():
                return

    workers = [asyncio.create_task(writer(w)) for w in range(16)]
    await asyncio.wait_for(enough.wait(), timeout=300)
    engine.kill()  # SIGKILL, while 16 writers are mid-transaction
    killed.set()
    await asyncio.gather(*workers)
    await g.driver.close()
    assert failed > 0, "the kill did not interrupt any write"

    _start(engine)  # recovers the store from its transaction log
    assert engine.uri is not None
    after = await _graph(engine.uri)
    try:
        found = await entities.get_many_of(after, Organisation, acknowledged)
        missing = set(acknowledged) - set(found)
        assert not missing, f"{len(missing)} acknowledged writes lost"
        # Each acknowledged create kept its audit record (same transaction).
        histories = await asyncio.gather(*(audit.history(after, i) for i in acknowledged[:50]))
        assert all(len(h) == 1 and h[0].action == "create" for h in histories)
        print(f"\nSIGKILL: {len(acknowledged)} acknowledged writes, all present; {failed} failed")
    finally:
        await after.driver.close()


def _cli_env(uri: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": uri, "KOOSTOO_DATA_DIR": str(tmp_path)})
    return env


def _attendance_file(path: Path, events: list[str], n: int) -> Path:
    lines = ["event;attendee;attendeeType;role;email"]
    for i in range(n):
        event = events[i % len(events)]
        lines.append(f"{event};Osaleja {i:05d};PERSON;PARTICIPANT;osaleja{i:05d}@example.ee")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_import_killed_mid_file_then_rerun_completes_without_duplicates(
    graph: Graph, neo4j_server: str, tmp_path: Path
) -> None:
    await loader.load(graph, dataset.read())
    seeded_people = (await maintenance.label_counts(graph))["Person"]
    seeded_attended = (await maintenance.relationship_counts(graph)).get("ATTENDED", 0)
    events = [n.id for n in dataset.read().nodes if n.label == "Event"]
    n = 2000
    file = _attendance_file(tmp_path / "osalejad.csv", events, n)
    cmd = [sys.executable, "-m", "api.cli", "import", "attendance", str(file)]
    cmd += ["--create-missing", "--batch-size", "50"]
    env = _cli_env(neo4j_server, tmp_path)

    proc = await asyncio.create_subprocess_exec(
        *cmd, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    # Kill once some attendance batches are in, i.e. part-way through the file.
    deadline = time.monotonic() + 600
    attended = seeded_attended
    while time.monotonic() < deadline and proc.returncode is None:
        attended = (await maintenance.relationship_counts(graph)).get("ATTENDED", 0)
        if attended > seeded_attended:
            break
        await asyncio.sleep(0.1)
    assert proc.returncode is None, "the import ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    at_kill = (await maintenance.relationship_counts(graph)).get("ATTENDED", 0)
    assert seeded_attended < at_kill < seeded_attended + n, "not killed part-way"

    rerun = await asyncio.create_subprocess_exec(
        *cmd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(rerun.communicate(), timeout=900)
    assert rerun.returncode == 0, err.decode()

    # Every row exactly once: one person per attendee, one whole ATTENDED per row.
    assert (await maintenance.label_counts(graph))["Person"] == seeded_people + n
    assert (await maintenance.relationship_counts(graph))["ATTENDED"] == seeded_attended + n
    dump = await backup.export_all(graph, tmp_path / "after.jsonl", key=b"k" * 32)
    rows = [json.loads(line) for line in dump.path.read_text().splitlines()]
    names = Counter(
        r["properties"]["name"]
        for r in rows
        if r["kind"] == "node" and str(r["properties"].get("name", "")).startswith("Osaleja ")
    )
    assert len(names) == n and set(names.values()) == {1}
    people = {
        r["key"]
        for r in rows
        if r["kind"] == "node" and str(r["properties"].get("name", "")).startswith("Osaleja ")
    }
    imported = [
        r
        for r in rows
        if r["kind"] == "relationship" and r["type"] == "ATTENDED" and r["start"] in people
    ]
    assert len(imported) == n
    assert all(r["properties"].get("role") == "PARTICIPANT" for r in imported)
    print(f"\nimport killed after {at_kill - seeded_attended} of {n} rows; re-run completed")
