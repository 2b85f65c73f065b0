"""Browser tests: the real app (uvicorn on a free port, on the session's Neo4j with the
seed data) driven through Debian's Chromium by Playwright. Screenshots go to
test-artifacts/e2e/."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from api.app import create_app
from api.settings import Settings
from graph import keys
from graph.driver import Graph
from seeds import dataset, loader

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
# Generous: the suite shares two cores with a JVM; a real failure still fails.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _built() -> bool:
    index = WEB / "dist" / "index.html"
    if not index.is_file():
        return False
    sources = [*WEB.joinpath("src").rglob("*"), WEB / "build.mjs", WEB / "package-lock.json"]
    return index.stat().st_mtime >= max(p.stat().st_mtime for p in sources)


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """The built page; built here when `make install` has not (or the sources are newer)."""
    if not _built():
        if not (WEB / "node_modules").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)
    assert _built(), "web/dist is not built: run `make install`"
    return WEB / "dist"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server(
    neo4j_server: str, web_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app served by uvicorn in a thread (its own event loop and Neo4j driver)."""
    settings = Settings(
        NEO4J_URI=neo4j_server, KOOSTOO_DATA_DIR=tmp_path_factory.mktemp("e2e-data")
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the app failed to start"
        assert time.monotonic() < deadline, "the app did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@dataclass(frozen=True)
class Site:
    url: str
    key: str


@pytest.fixture
async def site(graph: Graph, live_server: str) -> Site:
    """A clean graph with the seed data and a fresh admin key."""
    await loader.load(graph, dataset.read())
    _, secret = await keys.create(graph, name="e2e-admin", role=keys.Role.ADMIN, actor="test")
    return Site(url=live_server, key=secret)


@pytest.fixture(scope="session")
def chromium() -> Path:
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make test` installs it"
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium_profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh user-data-dir for this session's browser."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    yield profile
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
async def browser_context(chromium: Path, chromium_profile: Path) -> AsyncIterator[BrowserContext]:
    async with async_playwright() as p:
        context = await p.chromium.launch_persistent_context(
            user_data_dir=str(chromium_profile),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1440, "height": 900},
            locale="en-GB",
        )
        yield context
        await context.close()


class Shots:
    """Saves numbered screenshots of a page under test-artifacts/e2e/<test>/."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.dir = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.dir / f"{self.count:02d}-{step}.png"
        await self.page.screenshot(path=str(path))
        return path


@pytest.fixture
async def page(
    browser_context: BrowserContext, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    """A fresh tab (fresh sessionStorage); fails the test on any page error or CSP report."""
    tab = await browser_context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on(
        "console",
        lambda m: (
            problems.append(f"console error: {m.text}")
            if m.type == "error" and "401" not in m.text
            else None
        ),
    )
    yield tab
    if not tab.is_closed():
        await tab.close()
    await asyncio.sleep(0)
    assert not problems, problems


@pytest.fixture
def shots(page: Page, request: pytest.FixtureRequest) -> Shots:
    return Shots(page, request.node.name)
