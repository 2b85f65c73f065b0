"""The profile panel: fields, aliases and sources with their quotes."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e


async def test_search_as_you_type_opens_the_profile_with_sources(
    page: Page, site: Site, shots: Shots
) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    search = page.get_by_role("combobox", name="Search the network")
    await expect(search).to_be_focused()
    await search.press_sequentially("Töötukassa", delay=30)
    option = page.get_by_role("option").filter(has_text="Töötukassa").first
    await expect(option).to_be_visible()
    await shots("results")

    # Keyboard: arrow down to the result, Enter to choose it.
    await search.press("ArrowDown")
    await expect(option).to_have_attribute("aria-selected", "true")
    await search.press("Enter")

    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text("Eesti Töötukassa")
    quote = profile.locator("blockquote").first
    await expect(quote).to_be_visible()
    assert (await quote.inner_text()).startswith("“")
    await expect(profile.locator("cite").first).not_to_be_empty()
    await shots("profile")


async def test_the_profile_shows_an_organisations_registry_code(page: Page, site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        made = await client.post(
            "/graphql",
            headers={"Authorization": f"Bearer {site.key}"},
            json={
                "query": 'mutation { createOrganisation(input: {name: "Registriga Ühing", '
                'kind: NGO, registryCode: "80012345"}) { ... on Organisation { id } } }'
            },
        )
    assert made.status_code == 200, made.text
    await page.goto(f"{site.url}/?key={site.key}")
    search = page.get_by_role("combobox", name="Search the network")
    await search.press_sequentially("Registriga", delay=30)
    await page.get_by_role("option").filter(has_text="Registriga Ühing").first.click()
    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text("Registriga Ühing")
    await expect(profile.locator("dd").filter(has_text="80012345")).to_be_visible()
