"""The CRM in the page (issue 25, items 1-6): record a meeting, edit an organisation
(with the conflict message for two editors), connect and remove a tie, notes and tasks
("My tasks", the timeline's chips and diffs), campaigns and the stakeholder grid, merge
duplicates; a viewer sees no editing control; a refused write leaves the graph as it was."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Dialog, Locator, Page, expect

from graph import keys
from graph.driver import Graph
from tests.e2e.conftest import TIMEOUT_MS, Shots, Site

pytestmark = pytest.mark.e2e


async def _one(graph: Graph, cypher: str, **params: Any) -> Any:
    async with graph.driver.session(database=graph.database) as s:
        row = await (await s.run(cypher, **params)).single(strict=True)
    return row[0]


async def _gql(site: Site, key: str, query: str, **variables: Any) -> dict[str, Any]:
    # generous: the machine is shared (speed is measured in bench/, not here)
    async with httpx.AsyncClient(base_url=site.url, timeout=120) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {key}"},
        )
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _sign_in(page: Page, site: Site, key: str) -> None:
    await page.goto(f"{site.url}/?key={key}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")


async def _open(page: Page, name: str) -> Locator:
    """Open an entity's profile through the page's search; the profile panel."""
    await page.locator("#crm-nav").get_by_role("button", name="Network").click()
    search = page.get_by_role("combobox", name="Search the network")
    await search.fill(name)
    await page.get_by_role("option").filter(has_text=name).first.click()
    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text(name)
    await expect(profile.get_by_role("heading", name=re.compile(r"^Tasks \("))).to_be_visible()
    return profile


async def _pick(picker: Locator, page: Page, text: str, option: str) -> None:
    """Type into a type-ahead picker and choose the option that has `option`."""
    await picker.fill(text)
    listbox = page.locator(f"#{await picker.get_attribute('aria-controls')}")
    await listbox.get_by_role("option").filter(has_text=option).first.click()


async def _editor(graph: Graph, name: str) -> str:
    _, secret = await keys.create(graph, name=name, role=keys.Role.EDITOR, actor="test")
    return secret


def _accept(dialog: Dialog) -> Any:
    return dialog.accept()


# ---- a viewer ---------------------------------------------------------------------


async def test_a_viewer_sees_no_editing_controls(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    _, viewer = await keys.create(graph, name="Vaataja", role=keys.Role.VIEWER, actor="test")
    await _sign_in(page, site, viewer)
    nav = page.locator("#crm-nav")
    await expect(nav.get_by_role("button", name="Campaigns")).to_be_visible()
    for tab in ("Record a meeting", "My tasks", "Merge duplicates"):
        await expect(nav.get_by_role("button", name=tab)).to_have_count(0)

    profile = await _open(page, "Eesti Töötukassa")
    await expect(profile.locator("#timeline-slot")).to_be_attached()
    for control in ("Edit", "Connect…", "New task", "Save note", "Remove"):
        await expect(profile.get_by_role("button", name=control, exact=True)).to_have_count(0)
    await expect(profile.locator(".remove-tie")).to_have_count(0)

    await nav.get_by_role("button", name="Campaigns").click()
    view = page.locator("#crm-view")
    await expect(
        view.get_by_role("heading", level=2, name=re.compile("Vabaühendustele"))
    ).to_be_visible()
    await expect(view.locator(".stake-card").first).to_be_visible()
    await expect(view.locator(".stake-card[draggable='true']")).to_have_count(0)
    await shots("example-campaign-as-a-viewer")
    for control in ("Create campaign", "Save assessment"):
        await expect(view.get_by_role("button", name=control)).to_have_count(0)


# ---- item 1: record a meeting ------------------------------------------------------------

MEETING = "Ümarlaud: noorte tööhõive Ida-Virumaal — Круглый стол"
NEW_ORG = "Narva Noorte Ühing Žürii"


async def test_a_meeting_is_checked_refused_whole_then_recorded_and_drawn(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    await _sign_in(page, site, site.key)
    await page.locator("#crm-nav").get_by_role("button", name="Record a meeting").click()
    form = page.locator("form.meeting-form")
    name = form.get_by_role("textbox", name="Name", exact=True)

    # Nothing filled in: refused in the browser, each field says why.
    await form.get_by_role("button", name="Record the meeting").click()
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_be_focused()
    await expect(form.locator(".form-error")).to_have_text(
        "Nothing was saved: see the fields marked."
    )
    await expect(form).to_contain_text("Add at least one person or organisation who attended.")
    await shots("checked-in-the-browser")

    await name.fill("Ümarlaud\u0007")  # the server refuses control characters
    await form.get_by_role("textbox", name="Date", exact=True).fill("2016-11")
    await _pick(
        form.get_by_role("combobox", name="Attendee 1", exact=True),
        page,
        "Rasmus",
        "Rasmus Pedanik",
    )
    await form.get_by_role("button", name="Add an attendee").click()
    second = form.get_by_role("combobox", name="Attendee 2", exact=True)
    await _pick(second, page, NEW_ORG, "New organisation")
    did_you_mean = form.get_by_role("group", name="Did you mean")
    if await did_you_mean.count():
        await did_you_mean.get_by_role("button", name=re.compile("No, make a new")).click()
    await expect(form).to_contain_text(f"New organisation: {NEW_ORG}, made when you save.")
    kind = form.get_by_role("combobox", name="Kind of the new organisation")
    await kind.select_option(index=1)
    await form.get_by_role("radio", name="My own notes").check()
    await form.get_by_role("textbox", name="Your notes of the meeting").fill(
        "**Kokkulepe:** järgmine kohtumine märtsis."
    )
    await form.get_by_role("button", name="Record the meeting").click()
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(form.locator(f"#{await name.get_attribute('id')}-error")).to_contain_text(
        "control character"
    )
    await shots("refused-by-the-server")
    # one transaction: neither the event nor the new organisation was written
    assert (
        await _one(graph, "MATCH (e:Event) WHERE e.name STARTS WITH 'Ümarlaud' RETURN count(e)")
        == 0
    )
    assert await _one(graph, "MATCH (o:Organisation {name: $n}) RETURN count(o)", n=NEW_ORG) == 0

    await name.fill(MEETING)
    await form.get_by_role("button", name="Record the meeting").click()
    await expect(page.locator("#toast")).to_have_text(f"Recorded: {MEETING}.")
    profile = page.get_by_role("complementary", name="Profile")
    await expect(profile.get_by_role("heading", level=2)).to_have_text(MEETING)
    # its fields read as words: the kind is "Meeting", not the enum MEETING
    await expect(profile.locator("dl.fields")).to_contain_text("Meeting")
    await expect(profile.locator("dl.fields")).not_to_contain_text("MEETING")
    connections = profile.locator("#connections-slot")
    await expect(connections).to_contain_text("Rasmus Pedanik")
    await expect(connections).to_contain_text(NEW_ORG)
    await shots("recorded-and-drawn")

    event_id = await _one(graph, "MATCH (e:Event {name: $n}) RETURN e.id", n=MEETING)
    org_id = await _one(graph, "MATCH (o:Organisation {name: $n}) RETURN o.id", n=NEW_ORG)
    assert (
        await _one(graph, "MATCH (e:Event {id: $id}) RETURN e.startDate", id=event_id) == "2016-11"
    )

    # in the attendee's profile ...
    rasmus = await _open(page, "Rasmus Pedanik")
    await expect(rasmus.locator("#timeline-slot")).to_contain_text(MEETING)
    await expect(rasmus.locator("dl.fields")).not_to_contain_text("Erased")
    await shots("in-the-attendees-profile")
    # ... in the ego network and in the paths between the attendees
    data = await _gql(
        site,
        site.key,
        "query($id: ID!, $org: ID!) { egoNetwork(id: $id) { nodes { id } }"
        " paths(from: $org, to: $id) { shortest { hops { via { id } } } } }",
        id="rasmus-pedanik",
        org=org_id,
    )
    assert event_id in {n["id"] for n in data["egoNetwork"]["nodes"]}
    shortest = data["paths"]["shortest"]
    assert shortest, "no path between the two attendees"
    assert any((hop["via"] or {}).get("id") == event_id for hop in shortest[0]["hops"])


# ---- item 2: edit, and two editors at once ---------------------------------------------


async def _edit_description(page: Page, text: str) -> Locator:
    profile = page.get_by_role("complementary", name="Profile")
    await profile.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit Eesti Töötukassa")
    field = dialog.get_by_role("textbox", name="Description", exact=True)
    await expect(field).not_to_have_value("")
    await field.fill(text)
    return dialog


async def test_two_editors_editing_one_organisation_get_the_conflict_message(
    page: Page, browser_context: BrowserContext, site: Site, graph: Graph, shots: Shots
) -> None:
    mari = await _editor(graph, "Mari Maasikas")
    jaan = await _editor(graph, "Jaan Tamm")
    other = await browser_context.new_page()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        await _sign_in(page, site, mari)
        await _sign_in(other, site, jaan)
        await _open(page, "Eesti Töötukassa")
        await _open(other, "Eesti Töötukassa")

        # the browser checks a field before anything is sent
        mine = await _edit_description(page, "Mari: töötukassa kirjeldus, õ ä ö ü š ž")
        website = mine.get_by_role("textbox", name="Website", exact=True)
        await website.fill("ftp://example.ee")
        await mine.get_by_role("button", name="Save changes").click()
        await expect(website).to_have_attribute("aria-invalid", "true")
        await expect(mine).to_contain_text("Write a web address starting with https://")
        await website.fill("")

        theirs = await _edit_description(other, "Jaan: Töötukassa, Ида-Вирумаа")
        await mine.get_by_role("button", name="Save changes").click()
        await expect(page.locator("#toast")).to_have_text("Saved.")

        await theirs.get_by_role("button", name="Save changes").click()
        conflict = theirs.get_by_role("alert").filter(has_text="Someone else saved")
        await expect(conflict).to_contain_text("Nothing was saved.")
        await expect(conflict).to_contain_text("Mari: töötukassa kirjeldus, õ ä ö ü š ž")
        await expect(conflict).to_contain_text("by Mari Maasikas")
        await expect(conflict).to_contain_text("Jaan: Töötukassa, Ида-Вирумаа")
        await other.bring_to_front()
        await Shots(other, "two_editors_conflict")("conflict")
        description = "MATCH (o:Organisation {name: 'Eesti Töötukassa'}) RETURN o.description"
        assert await _one(graph, description) == "Mari: töötukassa kirjeldus, õ ä ö ü š ž"

        # Jaan chooses to keep his: saved over Mari's, knowingly
        await theirs.get_by_role("button", name="Save mine over theirs").click()
        await expect(other.locator("#toast")).to_have_text("Saved.")
        assert await _one(graph, description) == "Jaan: Töötukassa, Ида-Вирумаа"
        # the change history reads as a diff, with who made it
        timeline = other.locator("#timeline-slot")
        await expect(timeline).to_contain_text("by Jaan Tamm")
        await expect(timeline).to_contain_text(
            "Description: Mari: töötukassa kirjeldus, õ ä ö ü š ž → Jaan"
        )
    finally:
        await other.close()


# ---- item 3: connect two actors, remove the tie ------------------------------------------


async def test_connect_two_actors_from_the_model_rules_and_remove_the_tie(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    ties = (
        "MATCH (:Person {id: 'rasmus-pedanik'})-[r:MEMBER_OF]->"
        "(:Organisation {name: 'Eesti Töötukassa'})"
        " RETURN count(r)"
    )
    await _sign_in(page, site, site.key)
    profile = await _open(page, "Rasmus Pedanik")
    await profile.get_by_role("button", name="Connect…").click()
    dialog = page.get_by_role("dialog", name="Connect Rasmus Pedanik")
    await dialog.get_by_role("button", name="Connect", exact=True).click()
    await expect(dialog).to_contain_text("Choose who or what to connect with.")

    await _pick(
        dialog.get_by_role("combobox", name="Who or what"), page, "Töötukassa", "Eesti Töötukassa"
    )
    how = dialog.get_by_role("combobox", name="How they are connected")
    # the choices come from relationshipRules, read as sentences
    await how.select_option(label="Rasmus Pedanik is a member of Eesti Töötukassa")
    from_date = dialog.get_by_role("textbox", name="From", exact=True)
    await from_date.fill("2016-13")
    await dialog.get_by_role("button", name="Connect", exact=True).click()
    await expect(from_date).to_have_attribute("aria-invalid", "true")
    assert await _one(graph, ties) == 0
    await from_date.fill("2016-11")
    await dialog.get_by_role("textbox", name="Role", exact=True).fill("nõunik")
    await shots("connect-form")
    await dialog.get_by_role("button", name="Connect", exact=True).click()
    await expect(page.locator("#toast")).to_contain_text(
        "Connected: Rasmus Pedanik is a member of Eesti Töötukassa."
    )
    assert await _one(graph, ties) == 1

    profile = await _open(page, "Rasmus Pedanik")
    # a person opens on the people view; their memberships are drawn with all ties
    await page.locator('label[for="view-all"]').click()
    await expect(page.locator("body")).not_to_have_class("busy")
    tie = (
        profile.locator(".connections li")
        .filter(has_text="Eesti Töötukassa")
        .filter(has_text="nõunik")
    )
    page.once("dialog", _accept)
    await tie.get_by_role("button", name=re.compile("^Remove the connection")).click()
    await expect(page.locator("#toast")).to_contain_text("Removed:")
    assert await _one(graph, ties) == 0
    audited = "MATCH (a:AuditEvent {entityType: 'MEMBER_OF', action: 'disconnect'}) RETURN count(a)"
    assert await _one(graph, audited) >= 1


# ---- item 4: notes in Markdown, tasks, My tasks, the timeline's chips ----------------------


async def test_notes_render_markdown_safely_and_tasks_reach_my_tasks(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    mari = await _editor(graph, "Mari Maasikas")
    await _sign_in(page, site, mari)
    profile = await _open(page, "Eesti Töötukassa")

    note = (
        "**Tähtis:** kohtumine _läks_ hästi.\n\n"
        "- [leping](https://example.ee/leping)\n"
        "- [halb](javascript:alert(1))\n\n"
        '<img src="x" onerror="window.pwned=1"><script>window.pwned=2</script>'
    )
    await profile.get_by_role("textbox", name="New note").fill(note)
    await profile.get_by_role("button", name="Save note").click()
    notes = profile.locator("ul.notes")
    await expect(notes.locator("strong")).to_have_text("Tähtis:")
    await expect(notes.locator("em")).to_have_text("läks")
    await expect(notes.get_by_role("link", name="leping")).to_have_attribute(
        "href", "https://example.ee/leping"
    )
    await expect(notes.locator("a")).to_have_count(1)  # the javascript: link is text only
    await expect(notes.locator("img, script")).to_have_count(0)
    await expect(notes).to_contain_text('<img src="x"')  # raw HTML shown as the text it is
    assert await page.evaluate("window.pwned === undefined")

    # a task, due in the past, for Mari herself
    await profile.get_by_role("button", name="New task").click()
    task_form = profile.get_by_role("form", name="New task")
    await task_form.get_by_role("button", name="Save task").click()
    await expect(task_form).to_contain_text("Write what is to be done.")
    await task_form.get_by_role("textbox", name="Task").fill("Helista Töötukassale")
    await expect(task_form.get_by_role("textbox", name="Assignee (a person's name)")).to_have_value(
        "Mari Maasikas"
    )
    await task_form.get_by_label("Due date").fill("2020-01-15")
    await task_form.get_by_role("button", name="Save task").click()
    tasks = profile.locator("ul.tasks")
    await expect(tasks).to_contain_text("Helista Töötukassale")
    await expect(tasks).to_contain_text("Overdue")

    # the timeline's chips separate notes, tasks, changes (pressed = shown)
    timeline = profile.locator("#timeline-slot")
    notes_chip = timeline.get_by_role("button", name=re.compile(r"^(✓ )?Notes \(1\)"))
    await expect(notes_chip).to_have_attribute("aria-pressed", "true")
    await expect(timeline.locator("li.tl-note")).to_have_count(1)
    await notes_chip.click()
    await expect(notes_chip).to_have_attribute("aria-pressed", "false")
    await expect(timeline.locator("li.tl-note")).to_have_count(0)
    await expect(timeline.locator("li.tl-task")).to_have_count(1)
    await shots("profile-notes-tasks-timeline")

    # My tasks: overdue first; mark it done
    await page.locator("#crm-nav").get_by_role("button", name="My tasks").click()
    mine = page.locator("#crm-view")
    await expect(mine.get_by_role("heading", name="My tasks")).to_be_visible()
    first = mine.locator("ul.tasks > li").first
    await expect(first).to_contain_text("Helista Töötukassale")
    await expect(first).to_contain_text("Overdue")
    await shots("my-tasks")
    await first.get_by_role("button", name="Mark “Helista Töötukassale” done").click()
    await expect(mine.get_by_role("status").filter(has_text="done")).to_be_visible()
    await expect(mine.locator("ul.tasks")).to_have_count(0)
    assert (
        await _one(graph, "MATCH (t:Task {title: 'Helista Töötukassale'}) RETURN t.status")
        == "DONE"
    )


# ---- item 5: campaigns and the stakeholder grid ------------------------------------------


async def test_a_campaign_is_made_and_its_grid_placed_by_keyboard_and_exported(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    await _sign_in(page, site, site.key)
    await page.locator("#crm-nav").get_by_role("button", name="Campaigns").click()
    view = page.locator("#crm-view")
    new = view.get_by_role("form", name="New campaign")
    await new.get_by_role("button", name="Create campaign").click()
    await expect(new.get_by_role("textbox", name="Name")).to_have_attribute("aria-invalid", "true")
    await new.get_by_role("textbox", name="Name").fill("=Noorte töö Ida-Virumaal")
    await new.get_by_role("textbox", name="Goal").fill("Rohkem noori tööle")
    await new.get_by_role("button", name="Create campaign").click()
    await expect(
        view.get_by_role("heading", level=2, name="=Noorte töö Ida-Virumaal")
    ).to_be_visible()

    add = view.locator(".add-stakeholder")
    await _pick(
        add.get_by_role("combobox", name="Organisation or person"),
        page,
        "Töötukassa",
        "Eesti Töötukassa",
    )
    await add.get_by_label("+ Support").check()
    await add.get_by_role("button", name="Save assessment").click()
    await expect(add).to_contain_text("Say what shows this stance")
    await add.get_by_role("textbox", name="Evidence for this stance").fill(
        "Pressiteade 2020-08: toetab"
    )
    await add.get_by_role("button", name="Save assessment").click()
    card = view.get_by_role(
        "button", name=re.compile("^Eesti Töötukassa: influence 3, interest 3, supports")
    )
    await expect(card).to_be_visible()

    # keyboard: up one (influence 4), right one (interest 4), Enter saves; the focus stays
    # on the card as it moves from square to square
    await card.focus()
    moved = view.locator(".stake-card").filter(has_text="Eesti Töötukassa")
    await page.keyboard.press("ArrowUp")
    await expect(moved).to_have_attribute("aria-label", re.compile("influence 4, interest 3"))
    await expect(moved).to_be_focused()
    await page.keyboard.press("ArrowRight")
    await expect(moved).to_have_attribute("aria-label", re.compile("influence 4, interest 4"))
    await expect(moved).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(view.get_by_role("status").filter(has_text="saved")).to_contain_text(
        "influence 4, interest 4"
    )
    placed = (
        "MATCH (:Campaign {name: '=Noorte töö Ida-Virumaal'})-[r]-"
        "(:Organisation {name: 'Eesti Töötukassa'})"
        " RETURN [r.influence, r.interest]"
    )
    assert await _one(graph, placed) == [4, 4]
    await shots("campaign-grid")

    async with page.expect_download() as csv_download:
        await view.get_by_role("button", name="Export CSV").click()
    text = (await (await csv_download.value).path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("Eesti Töötukassa" in row for row in rows), rows
    assert not any(cell.startswith("=") for row in rows for cell in row), rows  # escaped
    async with page.expect_download() as png_download:
        await view.get_by_role("button", name="Export PNG").click()
    png = (await (await png_download.value).path()).read_bytes()
    assert png.startswith(b"\x89PNG")


# ---- item 6: merge duplicates ------------------------------------------------------------


async def test_an_admin_previews_and_merges_two_organisations(
    page: Page, site: Site, graph: Graph, shots: Shots
) -> None:
    keep, dupe = "Sotsiaalsete Ettevõtete Võrgustik", "Huvikaitse mõttekoda"
    ties_before = await _one(
        graph, "MATCH (:Organisation {name: $n})-[r]-() RETURN count(r)", n=dupe
    )
    await _sign_in(page, site, site.key)
    await page.locator("#crm-nav").get_by_role("button", name="Merge duplicates").click()
    view = page.locator("#crm-view")
    await view.get_by_role("button", name="Preview the merge").click()
    await expect(view).to_contain_text("Choose the one to keep.")
    await _pick(
        view.get_by_role("combobox", name="Keep this organisation"),
        page,
        "Ettevõtete Võrgustik",
        keep,
    )
    await _pick(
        view.get_by_role("combobox", name=re.compile("^Merge this duplicate")),
        page,
        "mõttekoda",
        dupe,
    )
    await view.get_by_role("button", name="Preview the merge").click()
    preview = view.get_by_role("region", name="What the merge will do")
    await expect(preview).to_contain_text(f"Keeps {keep} and removes {dupe}.")
    await expect(preview.get_by_role("heading", name=re.compile("^Ties that move"))).to_be_visible()
    await shots("merge-preview")
    # the preview wrote nothing
    assert await _one(graph, "MATCH (o:Organisation {name: $n}) RETURN count(o)", n=dupe) == 1
    assert ties_before > 0

    await preview.get_by_role("button", name=f"Merge {dupe} into {keep}").click()
    await expect(view.get_by_role("status").filter(has_text="was merged into")).to_be_visible()
    assert await _one(graph, "MATCH (o:Organisation {name: $n}) RETURN count(o)", n=dupe) == 0
    aliases = await _one(graph, "MATCH (o:Organisation {name: $n}) RETURN o.aliases", n=keep)
    assert dupe in aliases
    assert await _one(graph, "MATCH (a:AuditEvent {action: 'merge'}) RETURN count(a)") >= 1


async def test_merging_is_for_admins_only(page: Page, site: Site, graph: Graph) -> None:
    await _sign_in(page, site, await _editor(graph, "Mari Maasikas"))
    nav = page.locator("#crm-nav")
    await expect(nav.get_by_role("button", name="Record a meeting")).to_be_visible()
    await expect(nav.get_by_role("button", name="Merge duplicates")).to_have_count(0)


# ---- item 2: a person's contact details and memberships -------------------------------------


async def test_an_editor_edits_a_persons_membership_and_contact_details_a_viewer_never_sees_them(
    page: Page, browser_context: BrowserContext, site: Site, graph: Graph, shots: Shots
) -> None:
    member = (
        "MATCH (:Person {id: 'rasmus-pedanik'})-[r:MEMBER_OF]->(o:Organisation)"
        " WHERE o.name = 'Eesti Töötukassa' RETURN [r.role, r.from]"
    )
    await _sign_in(page, site, await _editor(graph, "Mari Maasikas"))
    profile = await _open(page, "Rasmus Pedanik")
    await profile.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit Rasmus Pedanik")

    # a membership with its role and dates, saved on its own
    add = dialog.get_by_role("group", name="Add a membership")
    await _pick(
        add.get_by_role("combobox", name="Organisation"), page, "Töötukassa", "Eesti Töötukassa"
    )
    await add.get_by_role("textbox", name="Role", exact=True).fill("nõunik, Ида-Вирумаа")
    since = add.get_by_role("textbox", name="From", exact=True)
    await since.fill("2016-02-30")
    await add.get_by_role("button", name="Add", exact=True).click()
    await expect(since).to_have_attribute("aria-invalid", "true")
    await expect(add).to_contain_text("There is no such day")
    assert await _one(graph, member.replace("RETURN [r.role, r.from]", "RETURN count(r)")) == 0
    await since.fill("2016-02")
    await add.get_by_role("button", name="Add", exact=True).click()
    await expect(dialog.get_by_role("status").filter(has_text="Membership saved.")).to_be_visible()
    assert await _one(graph, member) == ["nõunik, Ида-Вирумаа", "2016-02"]
    await expect(dialog.get_by_role("textbox", name="Role (Eesti Töötukassa)")).to_have_value(
        "nõunik, Ида-Вирумаа"
    )

    # contact details: for editors and up, checked in the browser first
    email = dialog.get_by_role("textbox", name="Email (contact detail)")
    await email.fill("rasmus@")
    await dialog.get_by_role("button", name="Save changes").click()
    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(dialog).to_contain_text("Write an e-mail address")
    assert await _one(graph, "MATCH (p:Person {id: 'rasmus-pedanik'}) RETURN p.email") is None
    await email.fill("rasmus.pedanik@example.ee")
    await dialog.get_by_role("textbox", name="Phone (contact detail)").fill("+372 5555 0101")
    await shots("person-edit")
    await dialog.get_by_role("button", name="Save changes").click()
    await expect(page.locator("#toast")).to_have_text("Saved.")
    assert await _one(
        graph, "MATCH (p:Person {id: 'rasmus-pedanik'}) RETURN [p.email, p.phone]"
    ) == ["rasmus.pedanik@example.ee", "+372 5555 0101"]

    # a viewer: no contact details in the page, none in the API's answer
    _, viewer = await keys.create(graph, name="Vaataja", role=keys.Role.VIEWER, actor="test")
    other = await browser_context.new_page()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        await _sign_in(other, site, viewer)
        theirs = await _open(other, "Rasmus Pedanik")
        await expect(theirs.locator("#timeline-slot")).to_be_attached()
        await expect(theirs).not_to_contain_text("example.ee")
        await expect(theirs).not_to_contain_text("5555")
    finally:
        await other.close()
    data = await _gql(
        site, viewer, '{ node(id: "rasmus-pedanik") { ... on Person { email phone } } }'
    )
    assert data["node"] == {"email": None, "phone": None}
