"""The seeded example campaign on the page: listed as an example, its grid drawn."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e

CAMPAIGN = "naide-sev-avalike-teenuste-huvikaitse"


async def test_the_example_campaign_is_listed_as_an_example_with_its_grid(
    page: Page, site: Site, shots: Shots
) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_text("Stakeholder grid").click()
    campaign = page.get_by_role("combobox", name="Campaign", exact=True)
    option = campaign.locator(f'option[value="{CAMPAIGN}"]')
    await expect(option).to_have_text(
        "Vabaühendustele toetav keskkond avalike teenuste osutamiseks (example)"
    )
    await campaign.select_option(CAMPAIGN)
    manage = page.get_by_role("region", name="Manage closely")
    await expect(manage).to_contain_text("Siseministeerium")
    await expect(manage).to_contain_text("supports")
    await expect(manage).to_contain_text("Sotsiaalkindlustusamet")
    await expect(page.locator(".grid-chart circle")).to_have_count(8)
    await page.locator("#grid-panel").scroll_into_view_if_needed()
    await shots("example-campaign")
