"""The API the page's CRM views read (issue 25, items 2-6): the fields each form shows
(from the model), "My tasks", the readable change history, the merge preview (admin, a
rolled-back merge) and the stakeholder grid as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import httpx

from graph import entities, maintenance
from graph.driver import Graph
from graph.keys import Role
from graph.models.entities import OrganisationUpdate
from tests.conftest import GraphQLClient
from tests.factories import make_organisation

FIELDS = """
query($t: String!) {
  entityFields(type: $t) { name kind many required options maxLength personal ref }
  relationshipRules { type fromType toType fields { name kind options minimum maximum } }
}
"""


async def test_the_forms_fields_come_from_the_model(gql: dict[Role, GraphQLClient]) -> None:
    found = await gql[Role.VIEWER](FIELDS, t="Person")
    by_name = {f["name"]: f for f in found["entityFields"]}
    assert list(by_name)[:3] == ["name", "nameEn", "aliases"]
    assert by_name["name"]["required"] and by_name["name"]["maxLength"] == 300
    assert by_name["aliases"]["many"]
    assert by_name["email"] == {
        "name": "email",
        "kind": "EMAIL",
        "many": False,
        "required": False,
        "options": [],
        "maxLength": None,
        "personal": True,
        "ref": None,
    }
    assert by_name["bio"]["kind"] == "LONG_TEXT"
    assert "erased" not in by_name  # set by erasure only
    org = {f["name"]: f for f in (await gql[Role.VIEWER](FIELDS, t="Organisation"))["entityFields"]}
    assert org["kind"]["kind"] == "CHOICE" and "MUNICIPALITY" in org["kind"]["options"]
    assert org["website"]["kind"] == "URL"
    rules = {(r["type"], r["fromType"], r["toType"]): r for r in found["relationshipRules"]}
    member = {
        f["name"]: f["kind"] for f in rules[("MEMBER_OF", "Person", "Organisation")]["fields"]
    }
    assert member["from"] == member["to"] == "PARTIAL_DATE" and member["role"] == "TEXT"
    stake = {f["name"]: f for f in rules[("STAKEHOLDER_IN", "Person", "Campaign")]["fields"]}
    assert (stake["influence"]["minimum"], stake["influence"]["maximum"]) == (1, 5)
    bad = await gql[Role.VIEWER].post('query { entityFields(type: "Nobody") { name } }')
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


MY_TASKS = """
query($done: Boolean!) { myTasks(includeDone: $done) { title dueDate status overdue } }
"""


async def test_my_tasks_are_mine_overdue_first(gql: dict[Role, GraphQLClient]) -> None:
    editor, admin = gql[Role.EDITOR], gql[Role.ADMIN]
    today = date.today()
    for title, due, assignee, status in [
        ("Later", today + timedelta(days=9), "test-editor", "OPEN"),
        ("Undated", None, "TEST-EDITOR", "IN_PROGRESS"),
        ("Late", today - timedelta(days=3), "test-editor", "OPEN"),
        ("Done", today - timedelta(days=5), "test-editor", "DONE"),
        ("Not mine", today - timedelta(days=8), "test-admin", "OPEN"),
    ]:
        made = await admin(
            """mutation($i: CreateTaskInput!) { createTask(input: $i) { ... on Task { id } } }""",
            i={"title": title, "dueDate": due.isoformat() if due else None, "assignee": assignee},
        )
        if status != "OPEN":
            await admin(
                "mutation($id: ID!, $s: TaskStatus) { updateTask(id: $id, input: {status: $s})"
                " { __typename } }",
                id=made["createTask"]["id"],
                s=status,
            )
    mine = (await editor(MY_TASKS, done=False))["myTasks"]
    assert [(t["title"], t["overdue"]) for t in mine] == [
        ("Late", True),
        ("Later", False),
        ("Undated", False),
    ]
    with_done = [t["title"] for t in (await editor(MY_TASKS, done=True))["myTasks"]]
    assert with_done == ["Late", "Done", "Later", "Undated"]


HISTORY = """
query($id: ID!) { history(id: $id) { action actorName changes { field before after } } }
"""


async def test_the_history_reads_as_a_diff(graph: Graph, gql: dict[Role, GraphQLClient]) -> None:
    await make_organisation(graph, "Tartu Ühing", id="tartu")
    await entities.update(
        graph,
        "Organisation",
        "tartu",
        OrganisationUpdate(name="Tartu Ühing MTÜ", tags=["noored"]),
        actor="key:Mari Maasikas:k1",
    )
    history = (await gql[Role.VIEWER](HISTORY, id="tartu"))["history"]
    assert history[-1] == {
        "action": "update",
        "actorName": "Mari Maasikas",
        "changes": [
            {"field": "name", "before": "Tartu Ühing", "after": "Tartu Ühing MTÜ"},
            {"field": "tags", "before": None, "after": ["noored"]},
        ],
    }


PREVIEW = """
query($k: ID!, $r: ID!) {
  mergePreview(keepId: $k, removeId: $r) {
    __typename
    ... on MergePreview { keep { id } remove { id } changes { field before after }
      ties { type outgoing combined dropped other { id } } allTiesListed }
    ... on ValidationProblem { field message }
  }
}
"""


async def test_a_merge_preview_says_what_the_merge_would_do_and_writes_nothing(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    admin = gql[Role.ADMIN]
    await make_organisation(seeded, "Töötukassa Tallinna osakond", id="tk-tallinn")
    await admin(
        """mutation { connect(input: {type: LOCATED_IN, fromId: "tk-tallinn", toId: "narva"})
           { __typename } }"""
    )
    await admin(
        """mutation { connect(input: {type: PART_OF, fromId: "tk-tallinn", toId: "tootukassa"})
           { __typename } }"""
    )
    before = await maintenance.count_data_nodes(seeded)
    preview = (await admin(PREVIEW, k="tootukassa", r="tk-tallinn"))["mergePreview"]
    assert preview["__typename"] == "MergePreview", preview
    assert preview["keep"]["id"] == "tootukassa" and preview["remove"]["id"] == "tk-tallinn"
    aliases = next(c for c in preview["changes"] if c["field"] == "aliases")
    assert "Töötukassa Tallinna osakond" in aliases["after"]
    ties = {(t["type"], t["other"]["id"]): t for t in preview["ties"]}
    assert (
        ties[("LOCATED_IN", "narva")]["outgoing"] and not ties[("LOCATED_IN", "narva")]["dropped"]
    )
    assert ties[("PART_OF", "tootukassa")]["dropped"]
    assert preview["allTiesListed"]
    assert await maintenance.count_data_nodes(seeded) == before  # nothing merged
    assert (await admin('query { organisation(id: "tk-tallinn") { id } }'))["organisation"]

    refused = (await admin(PREVIEW, k="tootukassa", r="narva"))["mergePreview"]
    assert refused["__typename"] == "ValidationProblem" and refused["field"] == "removeId"
    forbidden = await gql[Role.EDITOR].post(PREVIEW, k="tootukassa", r="tk-tallinn")
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


ASSESS = """
mutation($c: ID!, $s: ID!, $i: AssessmentInput!) {
  assessStakeholder(campaignId: $c, stakeholderId: $s, input: $i) { __typename }
}
"""


async def test_the_stakeholder_grid_as_csv_escapes_formulas(
    seeded: Graph,
    gql: dict[Role, GraphQLClient],
    client: httpx.AsyncClient,
    api_keys: dict[Role, str],
) -> None:
    editor = gql[Role.EDITOR]
    made = await editor(
        'mutation { createCampaign(input: {name: "Delegeerimine"}) { ... on Campaign { id } } }'
    )
    campaign = made["createCampaign"]["id"]
    await make_organisation(seeded, '=HYPERLINK("http://x"); Ühing', id="valem")
    for who, influence, interest, stance, note in [
        ("sev", 5, 5, "SUPPORT", "Kirjutas: „toetame”"),
        ("valem", 2, 4, "OPPOSE", "+372 5555 5555"),
    ]:
        await editor(
            ASSESS,
            c=campaign,
            s=who,
            i={"influence": influence, "interest": interest, "stance": stance, "note": note},
        )
    response = await client.get(
        "/export/stakeholders",
        params={"campaign": campaign},
        headers={"Authorization": f"Bearer {api_keys[Role.VIEWER]}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:4] == ["name", "type", "id", "influence"]
    assert rows[1][:7] == [
        "Sotsiaalsete Ettevõtete Võrgustik",
        "Organisation",
        "sev",
        "5",
        "5",
        "MANAGE_CLOSELY",
        "SUPPORT",
    ]
    assert rows[1][8] == "Kirjutas: „toetame”" and rows[1][9] == "test-editor"
    assert rows[2][0] == '\'=HYPERLINK("http://x"); Ühing'  # a formula, shown as text
    assert rows[2][8] == "'+372 5555 5555"
    missing = await client.get(
        "/export/stakeholders",
        params={"campaign": "nope"},
        headers={"Authorization": f"Bearer {api_keys[Role.VIEWER]}"},
    )
    assert missing.status_code == 404
    anonymous = await client.get("/export/stakeholders", params={"campaign": campaign})
    assert anonymous.status_code == 401
