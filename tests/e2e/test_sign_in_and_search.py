"""Signing in with the key from `make run`'s link, searching, and the profile panel."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e


async def test_key_from_the_link_signs_in_and_leaves_the_address_bar(
    page: Page, site: Site, shots: Shots
) -> None:
    response = await page.goto(f"{site.url}/?key={site.key}")
    assert response is not None and response.ok
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"

    await expect(page.locator("#whoami")).to_have_text("Signed in: e2e-admin (admin)")
    assert "key" not in page.url
    assert site.key not in page.url
    assert await page.evaluate("sessionStorage.getItem('koostoo.apiKey')") == site.key
    # The first screen invites a new user in: examples, among them SEV in 2015–2020.
    await expect(page.locator("#empty-state")).to_be_visible()
    await expect(page.get_by_role("button", name="Social Enterprise Network (SEV)")).to_be_visible()
    await expect(page.get_by_role("link", name="API console (GraphiQL)")).to_have_attribute(
        "href", "/graphql"
    )
    await shots("signed-in")

    # The key stays for the session: a reload without it in the URL is still signed in.
    await page.reload()
    await expect(page.locator("#whoami")).to_have_text("Signed in: e2e-admin (admin)")


async def test_a_wrong_key_gets_a_clear_message_and_the_form_signs_in(
    page: Page, site: Site, shots: Shots
) -> None:
    await page.goto(f"{site.url}/?key=kst_not-a-real-key")
    assert "kst_not-a-real-key" not in page.url
    await expect(page.locator("#signin-error")).to_contain_text("was not accepted")
    await expect(page.locator("#signin-error")).to_contain_text("revoked or expired")
    await shots("rejected")

    await page.get_by_label("API key").fill(site.key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#whoami")).to_contain_text("e2e-admin")
    await expect(page.locator("#signin")).to_be_hidden()


async def test_search_ignores_accents(page: Page, site: Site) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    search = page.get_by_role("combobox", name="Search the network")
    await search.fill("tootukassa")
    await expect(page.get_by_role("option").filter(has_text="Eesti Töötukassa")).to_be_visible()
    await search.press("Escape")
    await expect(page.get_by_role("listbox", name="Search results")).to_be_hidden()


async def test_search_finds_names_in_any_case_and_offers_did_you_mean(
    page: Page, site: Site
) -> None:
    """The pickers use the one resolver (graph/resolver.py): an inflected name is the
    entity; a typo is offered as "did you mean"."""
    await page.goto(f"{site.url}/?key={site.key}")
    search = page.get_by_role("combobox", name="Search the network")
    await search.fill("Sotsiaalkindlustusametiga")
    await expect(page.get_by_role("option").first).to_contain_text("Sotsiaalkindlustusamet")
    await expect(page.locator("#search-status")).not_to_contain_text("Did you mean")
    await search.fill("Tööttukassa")
    option = page.get_by_role("option").filter(has_text="Eesti Töötukassa")
    await expect(option).to_contain_text("did you mean?")
    await expect(page.locator("#search-status")).to_contain_text("Did you mean Eesti Töötukassa")
