"""The review view of documents into facts (issue 27, item 2), in real Chromium: a
pasted meeting record proposes facts with their quotes highlighted; accepting a
meeting's attendance creates the event, the attendee and their quotes; rejecting leaves
the graph unchanged; proposing the same text again proposes nothing new; a viewer key
gets no review view."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from graph import keys
from graph.driver import Graph
from tests.e2e.conftest import Shots, Site

pytestmark = pytest.mark.e2e

MEETING = (
    "Koolituspäev Jõhvis\n\n"
    "MTÜ Järveküla Kogukond korraldas 12.03.2019 Jõhvis seminari. "
    "Seminaril osalesid Põltsamaa Vallavalitsus ja koolitaja Ülle Õunapuu.\n"
)
QUOTE = "Seminaril osalesid Põltsamaa Vallavalitsus ja koolitaja Ülle Õunapuu."


async def _one(graph: Graph, query: str, **params: Any) -> Any:
    async with graph.driver.session(database=graph.database) as s:
        return (await (await s.run(query, **params)).single(strict=True))[0]


async def _facts(graph: Graph) -> tuple[int, int]:
    nodes = await _one(graph, "MATCH (n:Entity) WHERE NOT n:Document RETURN count(n)")
    rels = await _one(graph, "MATCH (:Entity)-[r]->(:Entity) RETURN count(r)")
    return int(nodes), int(rels)


async def _propose(page: Page) -> None:
    await page.get_by_role("textbox", name="Document text").fill(MEETING)
    await page.get_by_role("button", name="Propose facts").click()


async def test_review_accept_reject_and_propose_again(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_role("button", name="Review a document").click()
    await page.get_by_role("button", name="Propose facts").click()  # empty: refused here
    text_box = page.get_by_role("textbox", name="Document text")
    await expect(page.locator(f"#{await text_box.get_attribute('aria-describedby')}")).to_have_text(
        "Paste the document's text or choose a file first."
    )
    before = await _facts(graph)
    await _propose(page)
    status = page.locator(".review-result [role=status]")
    await expect(status).to_contain_text("facts proposed")
    text = page.locator(".review-text")
    await expect(text).to_have_text(MEETING)  # the text unharmed, õ ä ü included
    await expect(text.locator("mark").first).to_be_visible()
    assert await _facts(graph) == before  # nothing enters the graph before review

    attended = page.locator("li.fact", has_text="Ülle Õunapuu took part in Seminar 12.03.2019")
    await attended.locator(".fact-name").click()  # its quote is highlighted in the text
    await expect(text.locator("mark.chosen")).to_have_count(1)
    await expect(text.locator("mark.chosen")).to_contain_text("Ülle Õunapuu")
    await shots("proposed")
    await attended.get_by_role("button", name="Accept").click()
    await expect(attended.locator(".fact-status")).to_have_text("accepted")
    await shots("accepted")
    row = await _one(
        graph,
        "MATCH (p:Person {name: 'Ülle Õunapuu'})-[a:ATTENDED]->(e:Event) "
        "MATCH (p)-[c:CITED_IN]->(d:Document) "
        "RETURN [e.name, e.startDate, a.evidence, c.quote, d.title]",
    )
    assert row[0] == "Seminar 12.03.2019" and str(row[1]) == "2019-03-12"
    assert row[2] == [QUOTE] and row[3] == QUOTE and row[4] == "Koolituspäev Jõhvis"
    after_accept = await _facts(graph)
    assert after_accept[0] == before[0] + 2  # the seminar and Ülle, nothing else

    org = page.locator("li.fact", has_text="Põltsamaa Vallavalitsus (new Organisation)")
    await org.get_by_role("button", name="Reject").click()
    await expect(org.locator(".fact-status")).to_have_text("rejected")
    assert await _facts(graph) == after_accept  # rejecting leaves the graph unchanged

    proposals = await _one(graph, "MATCH (p:Proposal) RETURN count(p)")
    await _propose(page)  # the same text again
    await expect(status).to_contain_text("ingested before")
    await expect(org.locator(".fact-status")).to_have_text("rejected")
    assert await _one(graph, "MATCH (p:Proposal) RETURN count(p)") == proposals
    assert (
        await _one(graph, "MATCH (d:Document {title: 'Koolituspäev Jõhvis'}) RETURN count(d)") == 1
    )
    assert await _facts(graph) == after_accept


async def test_a_file_merge_and_accept_all_of_a_kind(page: Page, site: Site, graph: Graph) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_role("button", name="Review a document").click()
    await page.get_by_label("Or a file").set_input_files(
        {
            "name": "infopäev.md",
            "mimeType": "text/markdown",
            "buffer": (
                "# Infopäev Narvas\n\nInfopäeva korraldas **Töötukassa** 05.04.2019 Narvas. "
                "Infopäeval osales MTÜ Kaasiku Selts.\n"
            ).encode(),
        }
    )
    await expect(page.get_by_role("textbox", name="Document text")).to_be_disabled()
    await page.get_by_role("button", name="Propose facts").click()
    await expect(page.locator("#review-doc-title")).to_have_text("Infopäev Narvas")
    known = page.locator("li.fact", has_text="Töötukassa (= existing Eesti Töötukassa)")
    await expect(known).to_have_count(1)  # "Töötukassa" found as the existing one
    await known.get_by_role("button", name="Merge").click()  # the reviewer confirms it
    await expect(known.get_by_role("combobox", name="Merge into")).to_have_value("tootukassa")
    await known.get_by_role("button", name="Save").click()
    await expect(page.locator("#toast")).to_have_text("Merged into the existing entity.")
    await expect(known.get_by_role("combobox", name="Merge into")).to_have_count(0)
    orgs = await _one(graph, "MATCH (o:Organisation) RETURN count(o)")
    await page.get_by_role("button", name="Accept all organisations").click()
    await expect(known.locator(".fact-status")).to_have_text("accepted")
    assert await _one(graph, "MATCH (o:Organisation) RETURN count(o)") == orgs + 1  # Kaasiku
    assert (
        await _one(
            graph,
            "MATCH (:Organisation {name: 'Eesti Töötukassa'})-[c:CITED_IN]->(d:Document) "
            "WHERE d.file = 'infopäev.md' RETURN count(c)",
        )
        == 1
    )

    # closed and opened again later: the document waits in the list, with what is left
    await page.get_by_role("button", name="Close").click()
    await page.get_by_role("button", name="Review a document").click()
    waiting = page.locator(".review-waiting li")
    await expect(waiting).to_have_count(1)
    await expect(waiting).to_contain_text("to decide")
    await waiting.get_by_role("button", name="Infopäev Narvas").click()
    await expect(known.locator(".fact-status")).to_have_text("accepted")


async def test_a_viewer_gets_no_review_view(page: Page, site: Site, graph: Graph) -> None:
    _, viewer = await keys.create(graph, name="Vaataja", role=keys.Role.VIEWER, actor="test")
    await page.goto(f"{site.url}/?key={viewer}")
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await expect(page.get_by_role("button", name="Review a document")).to_be_hidden()


SCHEDULE = "Koolitused toimuvad:\n\nTartus\n\n11.04\n02.05\n23.05\n"


async def test_a_schedule_without_its_year_is_proposed_once_the_date_is_given(
    page: Page, site: Site, graph: Graph
) -> None:
    await page.goto(f"{site.url}/?key={site.key}")
    await page.get_by_role("button", name="Review a document").click()
    await page.get_by_role("textbox", name="Document text").fill(SCHEDULE)
    date = page.get_by_role("textbox", name="The document's date (optional)")
    documents = await _one(graph, "MATCH (d:Document) RETURN count(d)")
    await date.fill("11.04.2019")
    await page.get_by_role("button", name="Propose facts").click()
    await expect(page.locator(f"#{await date.get_attribute('aria-describedby')}")).to_have_text(
        "Write the date as 2019, 2019-04 or 2019-04-09."
    )
    await expect(date).to_be_focused()
    assert await _one(graph, "MATCH (d:Document) RETURN count(d)") == documents  # not sent

    await date.fill("")
    await page.get_by_role("button", name="Propose facts").click()
    notice = page.locator(".review-result [role=note]")
    await expect(notice).to_contain_text(
        "3 dates have no year the text gives (11.04 on line 5, 02.05 on line 6, 23.05 on line 7)"
    )
    events = page.locator("section.fact-kind[aria-label='Events'] li.fact")
    await expect(events).to_have_count(0)

    await date.fill("2019")
    await page.get_by_role("button", name="Propose facts").click()
    await expect(notice).to_have_count(0)
    await expect(events).to_have_count(4)  # three training days and the series
    await expect(events.filter(has_text="Koolitus Tartus 11.04")).to_have_count(1)
    assert await _one(graph, "MATCH (d:Document {date: '2019'}) RETURN count(d)") == 1
