"""Recording a meeting in one transaction (issue 25, item 1): organisers and attendees,
existing or made with it, place and programme, and its source (a document and the quote,
or own notes); every refusal names the input path and leaves the graph as it was."""

from __future__ import annotations

from typing import Any

from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

RECORD = """
mutation($input: RecordMeetingInput!) {
  recordMeeting(input: $input) {
    __typename
    ... on Event { id name kind startDate
      organisers(first: 10) { edges { role node { id name } sources { quote document { id } } } }
      attendees(first: 10) { edges { role node { __typename id ... on Person { name }
                                                  ... on Organisation { name } } } }
      place { id name kind } partOf(first: 5) { nodes { __typename id } }
      sources { quote document { id } } notes { body authorName } }
    ... on ValidationProblem { field problems { field message } }
    ... on ConflictProblem { field message }
    ... on NotFoundProblem { id }
  }
}
"""

DOC = "doc-ida-virumaa-kodanikuuhiskonna-foorum-2016"
QUOTE = "Ida-Virumaa kodanikuühiskonna foorum"

COUNT = """
MATCH (n) RETURN count(n) AS nodes,
  COUNT { MATCH ()-[r]->() RETURN r } AS ties
"""


async def _counts(graph: Graph) -> tuple[int, int]:
    async with graph.driver.session(database=graph.database) as s:
        row = await (await s.run(COUNT)).single(strict=True)
    return row["nodes"], row["ties"]


def _meeting(**over: Any) -> dict[str, Any]:
    return {
        "name": "Teenuste delegeerimise ümarlaud",
        "kind": "WORKSHOP",
        "startDate": "2025-03",
        "organisers": [{"id": "sev", "role": "HOST"}],
        "attendees": [{"id": "rasmus-pedanik", "role": "SPEAKER"}, {"id": "tootukassa"}],
        "source": {"document": {"id": DOC}, "quote": QUOTE},
    } | over


async def test_a_meeting_with_new_entities_and_its_source_in_one_go(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    meeting = (
        await editor(
            RECORD,
            input=_meeting(
                organisers=[
                    {"id": "sev", "role": "HOST"},
                    {"new": {"type": "Organisation", "name": "Narva Noortekeskus", "kind": "NGO"}},
                ],
                attendees=[
                    {"id": "rasmus-pedanik", "role": "SPEAKER"},
                    {"new": {"type": "Person", "name": "Мария Иванова"}, "role": "MODERATOR"},
                    {"new": {"type": "Organisation", "name": "Jõhvi Õpikoda", "kind": "NGO"}},
                ],
                newPlace={"type": "Place", "name": "Narva Kolledž", "kind": "VENUE"},
                partOf="delegeerimise-ja-koosloome-arenguprogramm-2019",
            ),
        )
    )["recordMeeting"]
    assert meeting["__typename"] == "Event", meeting
    organisers = {e["node"]["name"]: e for e in meeting["organisers"]["edges"]}
    assert set(organisers) == {"Sotsiaalsete Ettevõtete Võrgustik", "Narva Noortekeskus"}
    cited = [{"quote": QUOTE, "document": {"id": DOC}}]
    assert organisers["Narva Noortekeskus"]["sources"] == cited
    roles = {e["node"]["name"]: e["role"] for e in meeting["attendees"]["edges"]}
    assert roles == {
        "Rasmus Pedanik": "SPEAKER",
        "Мария Иванова": "MODERATOR",
        "Jõhvi Õpikoda": "PARTICIPANT",
    }
    assert meeting["place"]["name"] == "Narva Kolledž" and meeting["place"]["kind"] == "VENUE"
    assert meeting["partOf"]["nodes"][0]["__typename"] == "Programme"
    assert meeting["sources"] == cited

    # the new entities are real entities, cited in the document, their creation audited
    person = next(e["node"] for e in meeting["attendees"]["edges"] if e["role"] == "MODERATOR")
    found = await editor(
        """query($id: ID!) { node(id: $id) { ... on Person { name sources { document { id } }
             events(first: 5) { nodes { id } } } }
           history(id: $id) { action } }""",
        id=person["id"],
    )
    assert found["node"]["sources"] == [{"document": {"id": DOC}}]
    assert found["node"]["events"]["nodes"] == [{"id": meeting["id"]}]
    assert found["history"][0] == {"action": "create"}


async def test_own_notes_as_the_source(seeded: Graph, gql: dict[Role, GraphQLClient]) -> None:
    meeting = (
        await gql[Role.EDITOR](
            RECORD,
            input=_meeting(
                source={"ownNotes": True}, note="Kokku lepiti piloot: õ ä ö ü š ž, Нарва."
            ),
        )
    )["recordMeeting"]
    assert meeting["__typename"] == "Event", meeting
    assert meeting["sources"] == []
    assert meeting["notes"] == [
        {"body": "Kokku lepiti piloot: õ ä ö ü š ž, Нарва.", "authorName": "test-editor"}
    ]


async def test_every_refusal_names_its_field_and_writes_nothing(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    before = await _counts(seeded)

    async def refused(**over: Any) -> dict[str, Any]:
        result: dict[str, Any] = (await editor(RECORD, input=_meeting(**over)))["recordMeeting"]
        assert result["__typename"] in ("ValidationProblem", "ConflictProblem"), result
        return result

    clash = await refused(
        attendees=[
            {"new": {"type": "Person", "name": "Uus Inimene"}},
            {"new": {"type": "Organisation", "name": "Eesti Tootukassa", "kind": "AGENCY"}},
        ]
    )
    assert clash["__typename"] == "ConflictProblem"
    assert clash["field"] == "input.attendees.1.new.name"
    assert "tootukassa" in clash["message"]

    bad_kind = await refused(
        organisers=[{"new": {"type": "Organisation", "name": "Uus Ühing", "kind": "CLUB"}}]
    )
    assert bad_kind["field"] == "input.organisers.0.new.kind"
    wrong_type = await refused(attendees=[{"new": {"type": "Place", "name": "Narva"}}])
    assert wrong_type["field"] == "input.attendees.0.new.type"
    both = await refused(attendees=[{"id": "sev", "new": {"type": "Person", "name": "X"}}])
    assert both["field"] == "input.attendees.0"
    bad_place = await refused(newPlace={"type": "Place", "name": "Loss", "kind": "CASTLE"})
    assert bad_place["field"] == "input.newPlace.kind"
    no_quote = await refused(source={"document": {"id": DOC}})
    assert no_quote["field"] == "input.source"
    no_notes = await refused(source={"ownNotes": True})
    assert no_notes["field"] == "input"
    not_a_document = await refused(source={"document": {"id": "sev"}, "quote": "x"})
    assert not_a_document["field"] == "input.source.document.id"
    bad_pair = await refused(attendees=[{"id": "sev"}, {"id": "narva"}])
    assert bad_pair["field"] == "input.attendees.1.id"
    mixed = await refused(
        attendees=[{"new": {"type": "Organisation", "name": "Tööт Ühing", "kind": "NGO"}}]
    )
    assert mixed["field"] == "input.attendees.0.new.name"
    assert "Cyrillic" in mixed["problems"][0]["message"]

    assert await _counts(seeded) == before
