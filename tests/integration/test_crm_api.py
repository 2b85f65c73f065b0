"""The CRM through GraphQL, as a new user would do it: find an organisation without
diacritics, record a meeting with three organisations and two people, add a follow-up
task and a note, place stakeholders on a campaign grid, read the history and timeline."""

from __future__ import annotations

import json
from typing import Any

from graph import maintenance
from graph.driver import Graph
from graph.keys import Role
from seeds import dataset, loader
from tests.conftest import GraphQLClient

SEARCH = """
query($text: String!, $types: [SearchType!]) {
  search(text: $text, types: $types, first: 5) {
    type score node { id ... on Organisation { name } }
  }
}
"""

RECORD = """
mutation($input: RecordMeetingInput!) {
  recordMeeting(input: $input) {
    __typename
    ... on Event { id name kind startDate
      attendees(first: 10) { totalCount edges { role node { __typename id } } }
      place { id } notes { body } }
    ... on ValidationProblem { field problems { field message } }
    ... on NotFoundProblem { id }
  }
}
"""

TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) {
    __typename ... on Task { id title dueDate status assignee about { id } }
    ... on ValidationProblem { field } ... on NotFoundProblem { id }
  }
}
"""

NOTE = """
mutation($input: CreateNoteInput!) {
  createNote(input: $input) { __typename ... on Note { id body author about { id } } }
}
"""

TASKS = """
query($filter: TaskFilter) {
  tasks(first: 50, filter: $filter) { totalCount nodes { title dueDate status assignee } }
}
"""


async def test_a_new_users_afternoon(graph: Graph, gql: dict[Role, GraphQLClient]) -> None:
    await loader.load(graph, dataset.read())
    editor, viewer = gql[Role.EDITOR], gql[Role.VIEWER]

    hits = (await viewer(SEARCH, text="tootukassa", types=["Organisation"]))["search"]
    assert hits[0]["node"]["id"] == "tootukassa"

    meeting = (
        await editor(
            RECORD,
            input={
                "name": "Teenuste delegeerimise kohtumine",
                "startDate": "2025-03-04",
                "place": "narva",
                "attendees": [
                    {"id": "tootukassa"},
                    {"id": "sotsiaalkindlustusamet"},
                    {"id": "sev", "role": "MODERATOR"},
                    {"id": "rasmus-pedanik", "role": "SPEAKER"},
                    {"id": "kaie-kotov"},
                ],
                "note": "Agreed to draft a delegation pilot.",
            },
        )
    )["recordMeeting"]
    assert meeting["__typename"] == "Event"
    assert meeting["kind"] == "MEETING"
    assert meeting["attendees"]["totalCount"] == 5
    roles = {e["node"]["id"]: e["role"] for e in meeting["attendees"]["edges"]}
    assert roles["sev"] == "MODERATOR" and roles["rasmus-pedanik"] == "SPEAKER"
    assert roles["tootukassa"] == "PARTICIPANT"
    assert meeting["place"] == {"id": "narva"}
    assert [n["body"] for n in meeting["notes"]] == ["Agreed to draft a delegation pilot."]

    task = (
        await editor(
            TASK,
            input={
                "title": "Send the pilot draft",
                "dueDate": "2025-03-20",
                "assignee": "kadri",
                "about": [meeting["id"], "tootukassa"],
            },
        )
    )["createTask"]
    assert task["status"] == "OPEN"
    assert sorted(a["id"] for a in task["about"]) == sorted([meeting["id"], "tootukassa"])
    await editor(TASK, input={"title": "Later", "dueDate": "2025-06-01", "assignee": "kadri"})
    await editor(TASK, input={"title": "Done already", "status": "DONE", "assignee": "mart"})

    note = (await editor(NOTE, input={"about": ["tootukassa"], "body": "Open to pilots."}))[
        "createNote"
    ]
    assert note["author"].startswith("key:test-editor:")

    due = (await viewer(TASKS, filter={"dueBefore": "2025-04-01"}))["tasks"]
    assert [t["title"] for t in due["nodes"]] == ["Send the pilot draft"]
    kadri = (await viewer(TASKS, filter={"assignee": "kadri", "status": "OPEN"}))["tasks"]
    assert [t["title"] for t in kadri["nodes"]] == ["Send the pilot draft", "Later"]

    timeline = (
        await viewer(
            'query { timeline(id: "tootukassa") { at kind title ref } }',
        )
    )["timeline"]
    kinds = [i["kind"] for i in timeline]
    assert {"EVENT", "NOTE", "TASK", "CHANGE"} <= set(kinds)
    assert [i["at"] for i in timeline] == sorted(i["at"] for i in timeline)
    assert meeting["id"] in {i["ref"] for i in timeline if i["kind"] == "EVENT"}

    history = (await viewer('query { history(id: "tootukassa") { action actor entityType } }'))[
        "history"
    ]
    assert history[0] == {"action": "create", "actor": "seed", "entityType": "Organisation"}
    assert {"action": "connect", "actor": history[-1]["actor"], "entityType": "ATTENDED"} in (
        history
    )


async def test_record_meeting_is_all_or_nothing(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    before = await maintenance.count_data_nodes(graph)
    bad_pair = (
        await gql[Role.EDITOR](
            RECORD,
            input={
                "name": "Broken",
                "startDate": "2025",
                "attendees": [{"id": "sev"}, {"id": "narva"}],
            },
        )
    )["recordMeeting"]
    assert bad_pair["__typename"] == "ValidationProblem"
    assert bad_pair["field"] == "input.attendees.1.id"
    assert "(Organisation)-[:ATTENDED]->(Event)" in bad_pair["problems"][0]["message"]
    missing = (
        await gql[Role.EDITOR](
            RECORD, input={"name": "X", "startDate": "2025", "attendees": [{"id": "nobody"}]}
        )
    )["recordMeeting"]
    assert missing == {"__typename": "NotFoundProblem", "id": "nobody"}
    invalid = (
        await gql[Role.EDITOR](
            RECORD, input={"name": "X", "startDate": "soon", "attendees": [{"id": "sev"}]}
        )
    )["recordMeeting"]
    assert invalid["__typename"] == "ValidationProblem"
    assert invalid["field"] == "input.startDate"
    assert await maintenance.count_data_nodes(graph) == before


ASSESS = """
mutation($c: ID!, $s: ID!, $input: AssessmentInput!) {
  assessStakeholder(campaignId: $c, stakeholderId: $s, input: $input) {
    __typename
    ... on Stakeholder { influence interest stance quadrant history { influence interest } }
    ... on ValidationProblem { field problems { field message } }
  }
}
"""

GRID = """
query($c: ID!) {
  stakeholderGrid(campaignId: $c) {
    manageClosely { node { id } influence interest }
    keepSatisfied { node { id } }
    keepInformed { node { id } }
    monitor { node { id } stance note assessedAt history { influence stance } }
  }
}
"""


async def test_stakeholder_grid_keeps_history(graph: Graph, gql: dict[Role, GraphQLClient]) -> None:
    await loader.load(graph, dataset.read())
    editor = gql[Role.EDITOR]
    campaign = (
        await editor(
            'mutation { createCampaign(input: {name: "Delegate social services", '
            'goal: "Municipalities delegate services to NGOs"}) { ... on Campaign { id } } }'
        )
    )["createCampaign"]["id"]

    async def assess(who: str, influence: int, interest: int, **more: object) -> dict[str, Any]:
        result = await editor(
            ASSESS, c=campaign, s=who, input={"influence": influence, "interest": interest, **more}
        )
        return dict(result["assessStakeholder"])

    assert (await assess("sotsiaalministeerium", 5, 4))["quadrant"] == "MANAGE_CLOSELY"
    assert (await assess("riigikantselei", 4, 2))["quadrant"] == "KEEP_SATISFIED"
    assert (await assess("sev", 2, 5, stance="SUPPORT"))["quadrant"] == "KEEP_INFORMED"
    assert (await assess("rasmus-pedanik", 3, 3))["quadrant"] == "MANAGE_CLOSELY"
    again = await assess(
        "rasmus-pedanik", 1, 2, stance="OPPOSE", note="Moved abroad", assessedAt="2025-05-01"
    )
    assert again["quadrant"] == "MONITOR"
    assert [(h["influence"], h["interest"]) for h in again["history"]] == [(3, 3), (1, 2)]

    out_of_range = await assess("sev", 6, 0)
    assert out_of_range["__typename"] == "ValidationProblem"
    assert {p["field"] for p in out_of_range["problems"]} == {"input.influence", "input.interest"}
    place = await editor(ASSESS, c=campaign, s="narva", input={"influence": 3, "interest": 3})
    assert place["assessStakeholder"]["__typename"] == "ValidationProblem"

    grid = (await gql[Role.VIEWER](GRID, c=campaign))["stakeholderGrid"]
    assert [s["node"]["id"] for s in grid["manageClosely"]] == ["sotsiaalministeerium"]
    assert [s["node"]["id"] for s in grid["keepSatisfied"]] == ["riigikantselei"]
    assert [s["node"]["id"] for s in grid["keepInformed"]] == ["sev"]
    monitor = grid["monitor"]
    assert monitor == [
        {
            "node": {"id": "rasmus-pedanik"},
            "stance": "OPPOSE",
            "note": "Moved abroad",
            "assessedAt": "2025-05-01",
            "history": [
                {"influence": 3, "stance": "NEUTRAL"},
                {"influence": 1, "stance": "OPPOSE"},
            ],
        }
    ]
    assert (await gql[Role.VIEWER](GRID, c="no-campaign"))["stakeholderGrid"] is None

    changes = (await gql[Role.VIEWER]('query { history(id: "rasmus-pedanik") { action after } }'))[
        "history"
    ]
    assessed = [json.loads(c["after"]) for c in changes if c["action"] == "assess"]
    assert [a["influence"] for a in assessed] == [3, 1]
