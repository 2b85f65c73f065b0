"""The local engine: restarts keep data, clear errors, and the app rides out an outage."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import Settings
from graph import entities, local, migrations
from graph.driver import connect
from graph.models.entities import OrganisationCreate, OrganisationKind


async def _count(uri: str) -> int:
    g = await connect(uri, "neo4j", "", "neo4j", attempts=20, delay=0.5)
    try:
        page = await entities.list_page(g, "Organisation", entities.EntityFilter(), first=10)
        return page.total_count
    finally:
        await g.driver.close()


async def test_restart_on_the_same_directory_keeps_data(tmp_path: Path) -> None:
    engine = local.LocalNeo4j(home=tmp_path / "n", port=0)
    uri = engine.start()
    try:
        g = await connect(uri, "neo4j", "", "neo4j")
        await migrations.migrate(g)
        await entities.create(
            g,
            "Organisation",
            OrganisationCreate(name="Õismäe Äriühing", kind=OrganisationKind.COMPANY),
            actor="t",
        )
        await g.driver.close()
    finally:
        engine.stop()
    assert not engine.pid_file.exists()

    again = local.LocalNeo4j(home=tmp_path / "n", port=0)
    uri = again.start()
    try:
        assert await _count(uri) == 1
    finally:
        again.stop()


def test_port_in_use_is_reported_before_starting(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        engine = local.LocalNeo4j(home=tmp_path / "n", port=port)
        with pytest.raises(local.LocalNeo4jError, match=f"port {port}.*in use"):
            engine.start()


def test_second_engine_on_a_running_directory_is_refused(tmp_path: Path) -> None:
    first = local.LocalNeo4j(home=tmp_path / "n", port=0)
    first.start()
    try:
        second = local.LocalNeo4j(home=tmp_path / "n", port=0)
        with pytest.raises(local.LocalNeo4jError, match="already runs"):
            second.start()
        # Even without our pid file, the engine's own store lock protects the directory.
        first.pid_file.unlink()
        with pytest.raises(local.LocalNeo4jError, match="locked by another running Neo4j"):
            second.start()
    finally:
        first.stop()


async def test_readyz_follows_neo4j_down_and_up_without_restarting_the_app(tmp_path: Path) -> None:
    port = local.free_port()
    engine = local.LocalNeo4j(home=tmp_path / "n", port=port)
    uri = engine.start()
    settings = Settings(NEO4J_URI=uri, KOOSTOO_DATA_DIR=tmp_path)
    app = create_app(settings)
    try:
        # A fresh database is migrated at start-up: give it more than the default 5 s.
        async with LifespanManager(app, startup_timeout=180, shutdown_timeout=60) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/readyz")).status_code == 200
                engine.stop()
                down = await client.get("/readyz")
                assert down.status_code == 503
                assert down.json() == {"status": "neo4j unavailable"}
                assert (await client.get("/healthz")).status_code == 200
                engine.start()
                for _ in range(120):
                    if (await client.get("/readyz")).status_code == 200:
                        break
                    await asyncio.sleep(0.5)
                assert (await client.get("/readyz")).status_code == 200
    finally:
        engine.stop()
