"""`make run`'s link: the page greets the person the local admin key belongs to, two
starts give the same link, and a rotated key stops working in an open tab."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from api import local_key
from api.cli.serve import prepare_local_key
from api.settings import Settings
from graph.driver import Graph
from tests.e2e.conftest import Shots

pytestmark = pytest.mark.e2e

NAME = "Mari Maasikas-Õunapuu"


async def test_make_run_link_greets_by_name_reused_then_rotated(
    page: Page, graph: Graph, live_server: str, neo4j_server: str, tmp_path: Path, shots: Shots
) -> None:
    settings = Settings(NEO4J_URI=neo4j_server, KOOSTOO_DATA_DIR=tmp_path)
    first = await prepare_local_key(graph, settings, user_name=NAME, seed_if_empty=True)
    second = await prepare_local_key(graph, settings, user_name=NAME, seed_if_empty=True)
    assert second.outcome is local_key.Outcome.REUSED and second.secret == first.secret

    await page.goto(f"{live_server}/?key={first.secret}")
    await expect(page.locator("#whoami")).to_have_text(f"Signed in: {NAME} (admin)")
    await shots("greeted-by-name")

    # A start a week before the key expires rotates it: the open tab is signed out on
    # its next request, and the new link signs in as the same person.
    soon = datetime.now(UTC) + local_key.LIFETIME - local_key.RENEW_WITHIN + timedelta(hours=1)
    rotated = await local_key.open_local_key(graph, tmp_path, name=NAME, actor="cli", now=soon)
    assert rotated.outcome is local_key.Outcome.ROTATED
    await page.reload()
    await expect(page.locator("#signin-error")).to_contain_text("revoked or expired")
    await page.goto(f"{live_server}/?key={rotated.secret}")
    await expect(page.locator("#whoami")).to_have_text(f"Signed in: {NAME} (admin)")
