"""The page's first form (a Preact component, web/src/components/note-form.js): a note
about an entity, checked in the browser, refused by the server next to its field with
nothing written, saved into the timeline; no form for a viewer key."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from graph import keys
from graph.driver import Graph
from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e

BODY = "Kohtumine läks hästi: õ ä ö ü š ž, Мария Иванова"


async def _notes(graph: Graph) -> int:
    async with graph.driver.session(database=graph.database) as s:
        row = await (await s.run("MATCH (n:Note) RETURN count(n) AS c")).single(strict=True)
    return int(row["c"])


async def _open_profile(page: Page, url: str, key: str) -> None:
    await page.goto(f"{url}/?key={key}")
    await page.get_by_role(
        "button", name="Eesti Töötukassa (the Unemployment Insurance Fund)"
    ).click()
    await expect(page.locator("#profile-title")).to_have_text("Eesti Töötukassa")


async def test_a_note_is_checked_refused_next_to_its_field_and_saved(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    await _open_profile(page, site.url, site.key)
    body = page.get_by_role("textbox", name="New note")
    save = page.get_by_role("button", name="Save note")
    error = page.locator(".note-form .error")

    await save.click()  # empty: refused in the browser, nothing sent
    await expect(error).to_have_text("Write the note first.")
    await expect(body).to_have_attribute("aria-invalid", "true")
    await expect(body).to_be_focused()

    await body.fill("Kohtumine\u0007 läks hästi")  # the server refuses control characters
    await save.click()
    await expect(error).to_contain_text("control character")
    await expect(body).to_have_attribute("aria-invalid", "true")
    await shots("refused-by-the-server")
    assert await _notes(graph) == 0

    await body.fill(BODY)
    await save.click()
    await expect(page.locator("#toast")).to_have_text("Note saved.")
    await expect(body).to_have_value("")
    await expect(error).to_have_text("")
    await expect(page.locator("#timeline-slot")).to_contain_text(BODY)
    assert await _notes(graph) == 1
    await shots("saved")


async def test_a_viewer_gets_no_note_form(page: Page, site: Site, graph: Graph) -> None:
    _, viewer = await keys.create(graph, name="Vaataja", role=keys.Role.VIEWER, actor="test")
    await _open_profile(page, site.url, viewer)
    await expect(page.locator("#timeline-slot")).to_be_attached()
    await expect(page.get_by_role("textbox", name="New note")).to_have_count(0)
