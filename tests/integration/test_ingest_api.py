"""Documents into facts through GraphQL, as an editor would review one (issue 27):
propose from text or a DOCX file, list, edit, merge into an existing entity, accept,
reject, accept all of a kind; viewers may neither read proposals nor decide them."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import docx

from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

TEXT = (
    "Sotsiaalse Ettevõtluse Võrgustik korraldas 12.03.2019 Tartus seminari. "
    "Seminaril osalesid Sotsiaalkindlustusamet ja Eesti Töötukassa. "
    "Seminari juhtis projektijuht Mari Maasikas.\n"
)

PROPOSE = """
mutation($input: ProposeInput!) {
  proposeFromDocument(input: $input) {
    __typename
    ... on IngestedDocument { id title text created contentHash
      proposals { id kind status quote start end mentionStart mentionEnd type name props
                  relationshipType fromKey toKey key weak matchId candidates { id name } } }
    ... on ValidationProblem { field problems { field message } }
  }
}
"""

LIST = """
query($id: ID!, $status: ProposalStatus, $kind: FactKind) {
  documentProposals(documentId: $id, status: $status, kind: $kind) {
    id proposals { id kind status name relationshipType entityId }
  }
}
"""

ACCEPT = """
mutation($ids: [ID!]!) {
  acceptProposals(ids: $ids) {
    __typename ... on ReviewDecision { accepted created }
    ... on ValidationProblem { message } ... on ConflictProblem { message }
  }
}
"""

REJECT = """
mutation($ids: [ID!]!) {
  rejectProposals(ids: $ids) { __typename ... on ReviewDecision { rejected } }
}
"""

ACCEPT_ALL = """
mutation($id: ID!, $kind: FactKind!) {
  acceptAllProposals(documentId: $id, kind: $kind) {
    __typename ... on ReviewDecision { accepted created } ... on ValidationProblem { message }
  }
}
"""

AWAITING = "{ documentsToReview { id title pending } }"

EDIT = """
mutation($id: ID!, $input: EditProposalInput!) {
  editProposal(id: $id, input: $input) {
    __typename ... on Proposal { id name matchId relationshipType }
    ... on ValidationProblem { field message } ... on NotFoundProblem { id }
  }
}
"""


async def _count(graph: Graph, query: str, **params: Any) -> int:
    async def work(tx: Any) -> int:
        return int((await (await tx.run(query, **params)).single(strict=True))[0])

    return await graph.read(work)


def _by(proposals: list[dict[str, Any]], **where: Any) -> list[dict[str, Any]]:
    return [p for p in proposals if all(p[k] == v for k, v in where.items())]


async def test_an_editor_reviews_a_document(graph: Graph, gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    out = (await editor(PROPOSE, input={"title": "Seminar", "text": TEXT}))["proposeFromDocument"]
    assert out["__typename"] == "IngestedDocument" and out["created"] is True
    assert out["text"] == TEXT
    proposals = out["proposals"]
    for p in proposals:
        assert out["text"][p["start"] : p["end"]] == p["quote"]
    waiting = (await editor(AWAITING))["documentsToReview"]
    stated = [p for p in proposals if not p["weak"]]
    assert waiting == [{"id": out["id"], "title": "Seminar", "pending": len(stated)}]
    person = _by(proposals, kind="PERSON")[0]
    assert person["name"] == "Mari Maasikas"
    assert json.loads(person["props"])["role"] == "projektijuht"
    attended = _by(proposals, relationshipType="ATTENDED")
    assert len(attended) == 3

    # the person is someone the graph has already: merge into her
    made = await editor(
        'mutation { createPerson(input: {name: "Mari Maasikas-Tamm"}) { ... on Person { id } } }'
    )
    mari = made["createPerson"]["id"]
    edited = (await editor(EDIT, id=person["id"], input={"mergeInto": mari}))["editProposal"]
    assert edited["matchId"] == mari
    wrong = await editor(EDIT, id=_by(proposals, kind="EVENT")[0]["id"], input={"mergeInto": mari})
    assert wrong["editProposal"]["__typename"] == "ValidationProblem"

    decided = (await editor(ACCEPT, ids=[p["id"] for p in attended]))["acceptProposals"]
    assert decided["__typename"] == "ReviewDecision"
    assert len(decided["created"]) == 3  # the seminar and two organisations; Mari exists
    mine = "MATCH (:Person {id: $id})-[:ATTENDED]->(:Event) RETURN count(*)"
    assert await _count(graph, mine, id=mari) == 1
    assert await _count(graph, "MATCH (:Person)-[c:CITED_IN]->(:Document) RETURN count(c)") == 1

    # the rest: the organiser's and the place's facts are rejected
    left = (await editor(LIST, id=out["id"], status="PROPOSED"))["documentProposals"]
    rejected = (await editor(REJECT, ids=[p["id"] for p in left["proposals"]]))["rejectProposals"]
    assert len(rejected["rejected"]) == len(left["proposals"])
    assert (await editor(AWAITING))["documentsToReview"] == []  # all decided
    before = await _count(graph, "MATCH (n) RETURN count(n)")
    again = await editor(ACCEPT, ids=[left["proposals"][0]["id"]])
    assert again["acceptProposals"]["__typename"] == "ConflictProblem"
    assert await _count(graph, "MATCH (n) RETURN count(n)") == before

    # the same text again: nothing new is proposed
    second = (await editor(PROPOSE, input={"title": "x", "text": TEXT}))["proposeFromDocument"]
    assert second["created"] is False and second["id"] == out["id"]
    assert {p["status"] for p in second["proposals"]} == {"ACCEPTED", "REJECTED"}


async def test_a_docx_file_and_accepting_all_of_a_kind(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    document = docx.Document()
    document.core_properties.title = "Infopäevad"
    document.add_paragraph(
        "Infopäevad toimuvad 25.08.2020 Jõhvi Kontserdimajas ja 26.08.2020 Narvas."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    upload = {
        "name": "infopaevad.docx",
        "contentBase64": base64.b64encode(buffer.getvalue()).decode(),
    }
    out = (await gql[Role.EDITOR](PROPOSE, input={"file": upload}))["proposeFromDocument"]
    assert out["title"] == "Infopäevad"
    events = _by(out["proposals"], kind="EVENT")
    assert sorted(e["name"] for e in events) == ["Infopäev 25.08.2020", "Infopäev 26.08.2020"]
    done = (await gql[Role.EDITOR](ACCEPT_ALL, id=out["id"], kind="EVENT"))["acceptAllProposals"]
    assert len(done["created"]) == 2
    assert await _count(graph, "MATCH (e:Event)-[:CITED_IN]->(:Document) RETURN count(e)") == 2
    weak = await gql[Role.EDITOR](ACCEPT_ALL, id=out["id"], kind="COOCCURRENCE")
    assert weak["acceptAllProposals"]["__typename"] == "ValidationProblem"


async def test_bad_input_says_what_and_where(gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    both = await editor(
        PROPOSE,
        input={"title": "a", "text": "x", "file": {"name": "a.txt", "contentBase64": "eA=="}},
    )
    assert both["proposeFromDocument"]["field"] == "input.text"
    bad = await editor(PROPOSE, input={"file": {"name": "a.pdf", "contentBase64": "JVBERi0xLjQ="}})
    assert bad["proposeFromDocument"]["field"] == "input.file"
    assert "not a readable PDF" in bad["proposeFromDocument"]["problems"][0]["message"]
    not64 = await editor(PROPOSE, input={"file": {"name": "a.txt", "contentBase64": "!!"}})
    assert not64["proposeFromDocument"]["field"] == "input.file.contentBase64"


async def test_viewers_can_neither_read_nor_decide_proposals(
    gql: dict[Role, GraphQLClient],
) -> None:
    out = (await gql[Role.EDITOR](PROPOSE, input={"title": "a", "text": TEXT}))[
        "proposeFromDocument"
    ]
    viewer = gql[Role.VIEWER]
    for query, variables in (
        (LIST, {"id": out["id"]}),
        (AWAITING, {}),
        (PROPOSE, {"input": {"title": "b", "text": "Tere"}}),
        (ACCEPT, {"ids": [out["proposals"][0]["id"]]}),
    ):
        body = (await viewer.post(query, **variables)).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


DATED = """
mutation($input: ProposeInput!) {
  proposeFromDocument(input: $input) {
    __typename
    ... on IngestedDocument { id created date datesWithoutYear { line text }
      proposals { kind name props status } }
    ... on ValidationProblem { field problems { field message } }
  }
}
"""

SCHEDULE = "Koolitused toimuvad:\n\nRakveres\n\n16.04\n07.05\n04.06\n"


async def test_dates_without_a_year_are_listed_until_the_document_is_dated(
    gql: dict[Role, GraphQLClient],
) -> None:
    editor = gql[Role.EDITOR]
    first = (await editor(DATED, input={"title": "Ajakava", "text": SCHEDULE}))[
        "proposeFromDocument"
    ]
    assert first["created"] is True and first["date"] is None
    assert first["datesWithoutYear"] == [
        {"line": 5, "text": "16.04"},
        {"line": 6, "text": "07.05"},
        {"line": 7, "text": "04.06"},
    ]
    assert not [p for p in first["proposals"] if p["kind"] == "EVENT"]

    bad = (await editor(DATED, input={"text": SCHEDULE, "date": "2019-13"}))["proposeFromDocument"]
    assert bad["__typename"] == "ValidationProblem" and bad["field"] == "date", bad

    again = (await editor(DATED, input={"text": SCHEDULE, "date": "2019"}))["proposeFromDocument"]
    assert again["created"] is False and again["id"] == first["id"]
    assert again["date"] == "2019" and again["datesWithoutYear"] == []
    events = sorted(
        (p["name"], json.loads(p["props"])["startDate"])
        for p in again["proposals"]
        if p["kind"] == "EVENT"
    )
    assert events == [
        ("Koolitus Rakveres 04.06", "2019-06-04"),
        ("Koolitus Rakveres 07.05", "2019-05-07"),
        ("Koolitus Rakveres 16.04", "2019-04-16"),
        ("Koolitused 16.04–04.06", "2019-04-16"),
    ]
