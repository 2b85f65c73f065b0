"""Names that could pass for another (issue 21, item 12): invisible and bidirectional
characters refused through the API and in import files, on the real Neo4j."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient
from tests.factories import make_organisation
from tests.integration.test_import import problems, write

CREATE = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ValidationProblem { field problems { field message } }
    ... on ConflictProblem { field message }
  }
}
"""
RENAME = """
mutation($id: ID!, $input: UpdateOrganisationInput!) {
  updateOrganisation(id: $id, input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ValidationProblem { field problems { field message } }
    ... on ConflictProblem { field message }
  }
}
"""
CREATE_PERSON = """
mutation($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename
    ... on ValidationProblem { field problems { field message } }
  }
}
"""

#: Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, LRM/RLM and the
#: bidirectional embeddings, overrides and isolates.
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
]  # fmt: skip


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
async def test_the_api_refuses_invisible_characters_in_names(
    graph: Graph, gql: dict[Role, GraphQLClient], char: str
) -> None:
    editor = gql[Role.EDITOR]
    existing = await make_organisation(graph, "Töötukassa")
    created = (await editor(CREATE, input={"name": "Töö" + char + "tukassa", "kind": "AGENCY"}))[
        "createOrganisation"
    ]
    renamed = (await editor(RENAME, id=existing.id, input={"name": char + "Töötukassa"}))[
        "updateOrganisation"
    ]
    person = (await editor(CREATE_PERSON, input={"name": "Mari Tamm" + char + " "}))["createPerson"]
    for result, position in ((created, 4), (renamed, 1), (person, 10)):
        assert result["__typename"] == "ValidationProblem", result
        (problem,) = result["problems"]
        assert problem["field"] == "input.name"
        assert f"(U+{ord(char):04X} " in problem["message"]
        assert problem["message"].endswith(f"at position {position}")


async def test_an_import_file_with_invisible_characters_is_refused_by_line_and_column(
    graph: Graph, tmp_path: Path
) -> None:
    await make_organisation(graph, "Sotsiaalsete Ettevõtete Võrgustik", id="sev")
    events = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate;organisers\n"
        "Talveseminar;SEMINAR;2024-01-10;sev\n"
        "Kevad\u00adseminar;SEMINAR;2024-04-10;sev\n"
        "Suveseminar;SEMINAR;2024-07-10;sev|Narva \u202eKeskus\n",
    )
    assert await problems(graph, events, "events", create_missing=True) == [
        "events.csv:3: column \"name\": 'Kevad\\xadseminar': contains an invisible or "
        "formatting character (U+00AD SOFT HYPHEN) at position 6",
        "events.csv:4: column \"organisers\": 'Narva \\u202eKeskus': contains an invisible or "
        "formatting character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 7",
    ]
    attendance = write(
        tmp_path,
        "attendance.csv",
        "event;attendee;organisation\n"
        "Talveseminar;Mari\u200bTamm;sev\n"
        "Talveseminar;Jaan Tamm;Töö\u2060tukassa\n",
    )
    found = await problems(graph, attendance, create_missing=True)
    assert found == [
        "attendance.csv:2: column \"attendee\": 'Mari\\u200bTamm': contains an invisible or "
        "formatting character (U+200B ZERO WIDTH SPACE) at position 5",
        "attendance.csv:3: column \"organisation\": 'Töö\\u2060tukassa': contains an invisible "
        "or formatting character (U+2060 WORD JOINER) at position 4",
    ]
