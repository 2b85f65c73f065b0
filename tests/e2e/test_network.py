"""The network view on the seed data: the first-screen example, expanding a node, the
time slider, the path finder, and exports."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from playwright.async_api import Page, expect

from graph.analytics import cooperation
from graph.driver import Graph
from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


async def drawn(page: Page) -> tuple[int, int]:
    """Visible nodes and edges, as the status line reports them."""
    status = page.locator("#graph-status")
    return int(await status.get_attribute("data-nodes") or 0), int(
        await status.get_attribute("data-edges") or 0
    )


async def open_entity(page: Page, site: Site, text: str, name: str) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    search = page.get_by_role("combobox", name="Search the network")
    await search.fill(text)
    await page.get_by_role("option").filter(has_text=name).first.click()
    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text(name)
    await expect(page.locator("#graph-status")).not_to_have_attribute("data-nodes", "0")
    await expect(page.locator("body")).not_to_have_class("busy")


async def test_the_first_screen_answers_who_sev_worked_with_2015_2020(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")
    await shots("first-screen")
    await page.get_by_role("button", name="Social Enterprise Network (SEV)").click()

    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text(
        "Sotsiaalsete Ettevõtete Võrgustik"
    )
    await expect(page.get_by_label("From year")).to_have_value("2015")
    await expect(page.get_by_label("To year")).to_have_value("2020")
    worked_with = profile.get_by_role("region", name="Worked with 2015–2020")
    await expect(worked_with).to_be_visible()
    # The same partners, in the same order, as the analytics give for that window.
    expected = (await cooperation.partners(graph, ["sev"], from_="2015", to="2020"))["sev"]
    assert expected, "the seed data has partners of SEV in 2015–2020"
    names = worked_with.locator("ol.partners > li > button")
    await expect(names).to_have_count(len(expected))
    assert await names.all_inner_texts() == [p.name for p in expected]
    await expect(page.locator("#graph-status")).not_to_have_attribute("data-nodes", "0")
    await expect(page.locator("body")).not_to_have_class("busy")
    # The cooperation view: SEV and those partners, one tie per pair.
    nodes, edges = await drawn(page)
    assert nodes == len(expected) + 1 and edges >= len(expected)
    await expect(page.locator("#empty-state")).to_be_hidden()
    await shots("sev-2015-2020")


async def test_expanding_a_node_adds_its_neighbours(page: Page, site: Site, shots: Shots) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_label("Ego network depth").select_option("1")
    search = page.get_by_role("combobox", name="Search the network")
    await search.fill("Töötukassa")
    await page.get_by_role("option").filter(has_text="Eesti Töötukassa").first.click()
    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text("Eesti Töötukassa")
    await expect(page.locator("body")).not_to_have_class("busy")
    # Every tie (events and all), not only the organisations that worked together.
    await page.locator('label[for="view-all"]').click()
    await expect(page.locator("#graph-status")).to_contain_text(" nodes and ")
    await expect(page.locator("body")).not_to_have_class("busy")
    before, _ = await drawn(page)
    assert before > 1
    await shots("depth-1")

    # Open a neighbour from the profile's connection list (keyboard-usable), then expand it.
    connections = profile.get_by_role("region", name="Connections on screen")
    neighbour = connections.get_by_role(
        "button", name="Huvikaitse mõttekoja kohtumised", exact=True
    )
    await neighbour.click()
    await expect(profile.get_by_role("heading", level=2)).to_have_text(
        "Huvikaitse mõttekoja kohtumised"
    )
    await profile.get_by_role("button", name="Show neighbours").click()
    await expect(page.locator("#toast")).to_contain_text("Added")
    after, _ = await drawn(page)
    assert after > before
    await shots("expanded")

    # Double-clicking a node on the canvas expands it too.
    node_id = "sotsiaalkindlustusamet"
    assert await page.evaluate(f"window.koostooExplorer.view.has({node_id!r})")
    box = await page.locator("#cy").bounding_box()
    assert box is not None
    pos = await page.evaluate(
        f"window.koostooExplorer.view.cy.getElementById({node_id!r}).renderedPosition()"
    )
    await page.mouse.dblclick(box["x"] + pos["x"], box["y"] + pos["y"])
    await expect(page.locator("#toast")).to_contain_text("Sotsiaalkindlustusamet")
    expanded, _ = await drawn(page)
    assert expanded > after


async def test_the_time_slider_shows_the_network_as_of_a_date(
    page: Page, site: Site, shots: Shots
) -> None:
    await open_entity(page, site, "sotsiaalsete ettevotete", "Sotsiaalsete Ettevõtete Võrgustik")
    slider = page.get_by_label("Network as of")
    await expect(slider).to_be_enabled()
    await expect(page.locator("#time-output")).to_have_text("all dates")
    _, all_edges = await drawn(page)

    await slider.focus()
    await slider.press("Home")  # the earliest dated tie
    await expect(page.locator("#time-output")).not_to_have_text("all dates")
    _, early_edges = await drawn(page)
    assert early_edges < all_edges
    await shots("as-of-earliest")

    await slider.press("End")
    await expect(page.locator("#time-output")).to_have_text("all dates")
    assert (await drawn(page))[1] == all_edges


async def test_the_path_finder_explains_each_hop(page: Page, site: Site, shots: Shots) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_text("Path finder").click()
    start = page.get_by_role("combobox", name="From")
    await start.fill("siseministeerium")
    await (
        page.get_by_role("listbox", name="From: results")
        .get_by_role("option")
        .filter(has_text="Siseministeerium")
        .first.click()
    )
    end = page.get_by_role("combobox", name="To")
    await end.fill("sillamae lastekaitse")
    await (
        page.get_by_role("listbox", name="To: results")
        .get_by_role("option")
        .filter(has_text="Sillamäe Lastekaitse Ühing")
        .first.click()
    )
    await page.get_by_role("button", name="Find paths").click()

    first = page.locator(".path-card").first
    await expect(first).to_be_visible()
    await expect(first.locator(".hops > li").first).to_contain_text("Siseministeerium")
    await expect(first.locator(".hops > li").last).to_contain_text("Sillamäe Lastekaitse Ühing")
    await expect(first.locator(".explanation").first).not_to_be_empty()
    await expect(first.locator("blockquote").first).to_be_visible()
    highlighted = await page.evaluate("window.koostooExplorer.view.cy.$('.path').length")
    assert highlighted >= 3  # both ends and at least one tie
    await shots("path")


async def test_exports_the_view_as_graphml_and_png(page: Page, site: Site) -> None:
    await open_entity(page, site, "Töötukassa", "Eesti Töötukassa")
    nodes, edges = await drawn(page)
    await page.get_by_text("Export", exact=True).click()

    async with page.expect_download() as info:
        await page.get_by_role("button", name="GraphML").click()
    download = await info.value
    assert download.suggested_filename.endswith(".graphml")
    path = await download.path()
    root = ET.parse(path).getroot()
    graph_el = root.find(f"{GRAPHML}graph")
    assert graph_el is not None
    xml_nodes = graph_el.findall(f"{GRAPHML}node")
    xml_edges = graph_el.findall(f"{GRAPHML}edge")
    assert (len(xml_nodes), len(xml_edges)) == (nodes, edges)
    keys = {k.get("id"): k.get("attr.name") for k in root.findall(f"{GRAPHML}key")}
    labels = {
        d.text
        for n in xml_nodes
        for d in n.findall(f"{GRAPHML}data")
        if keys.get(d.get("key")) == "label"
    }
    assert "Eesti Töötukassa" in labels
    # What the server's export carries: the whole network's centrality and community
    # (under the server's names), and dates; the map's own measures besides.
    names = set(keys.values())
    assert {"centralityPagerank", "community", "firstDate", "lastDate"} <= names, names
    assert {"weightedDegree", "betweenness", "mapCommunity"} <= names, names
    ids = {n.get("id") for n in xml_nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in xml_edges)

    async with page.expect_download() as info:
        await page.get_by_role("button", name="PNG image").click()
    png = await (await info.value).path()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_the_stakeholder_grid_places_a_campaign_s_stakeholders(
    page: Page, site: Site, shots: Shots
) -> None:
    assessments = [("sotsiaalministeerium", 5, 5, "SUPPORT"), ("swedbank", 1, 2, "NEUTRAL")]
    async with httpx.AsyncClient(
        base_url=site.url, headers={"Authorization": f"Bearer {site.key}"}, timeout=60
    ) as api:
        for query, variables in [
            (
                "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { __typename } }",
                {"i": {"id": "delegeerimine", "name": "Teenuste delegeerimine"}},
            ),
            *[
                (
                    "mutation($s: ID!, $a: AssessmentInput!) { assessStakeholder("
                    'campaignId: "delegeerimine", stakeholderId: $s, input: $a) { __typename } }',
                    {"s": who, "a": {"influence": inf, "interest": intr, "stance": stance}},
                )
                for who, inf, intr, stance in assessments
            ],
        ]:
            answer = await api.post("/graphql", json={"query": query, "variables": variables})
            assert "errors" not in answer.json(), answer.text

    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_text("Stakeholder grid").click()
    campaign = page.get_by_role("combobox", name="Campaign", exact=True)
    await expect(campaign.locator('option[value="delegeerimine"]')).to_have_count(1)
    await campaign.select_option("delegeerimine")
    manage = page.get_by_role("region", name="Manage closely")
    await expect(manage).to_contain_text("Sotsiaalministeerium")
    await expect(manage).to_contain_text("supports")
    await expect(page.get_by_role("region", name="Monitor")).to_contain_text("Swedbank")
    await expect(page.locator(".grid-chart circle")).to_have_count(2)
    await page.locator("#grid-panel").scroll_into_view_if_needed()
    await shots("grid")
