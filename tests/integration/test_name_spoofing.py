"""Names that could pass for another (issue 21, item 12): invisible and bidirectional
characters refused through the API and in import files, on the real Neo4j."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import AsyncManagedTransaction

from graph import merge, migrations
from graph.driver import Graph
from graph.errors import Conflict
from graph.keys import Role
from graph.models.entities import Organisation
from seeds.importers.events import import_events
from seeds.importers.run import Options
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


async def test_an_import_file_with_invisible_or_noncharacters_is_refused_by_line_and_column(
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
    described = write(
        tmp_path,
        "described.csv",
        "name;kind;description\nTalveseminar;SEMINAR;Kutse\ufffe ja kava\n",
    )
    assert await problems(graph, described, "events") == [
        "described.csv:2: column \"description\": 'Kutse\\ufffe ja kava': contains a "
        "noncharacter (U+FFFE) at position 6"
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


# --- names that look like another organisation's --------------------------------------

#: Existing name → a new one that looks the same: a Cyrillic "о" (mixed script), a
#: whole word in Cyrillic letters (Ѕ, Е, В), a Latin "l" for "I", "rn" for "m".
LOOK_ALIKES = [
    ("Ida-Viru Noortekeskus", "lda-Viru Noortekeskus"),
    ("SEB", "\u0405\u0415\u0412"),
    ("Kopp", "\u041a\u043e\u0440\u0440"),
    ("Vaimse Tervise Ühing", "Vairnse Tervise Ühing"),
]


@pytest.mark.parametrize(("existing", "new"), LOOK_ALIKES)
async def test_an_organisation_that_looks_like_an_existing_one_is_a_conflict(
    graph: Graph, gql: dict[Role, GraphQLClient], existing: str, new: str
) -> None:
    editor = gql[Role.EDITOR]
    original = await make_organisation(graph, existing)
    other = await make_organisation(graph, "Narva Keskus")
    created = (await editor(CREATE, input={"name": new, "kind": "NGO"}))["createOrganisation"]
    renamed = (await editor(RENAME, id=other.id, input={"name": new}))["updateOrganisation"]
    for result in (created, renamed):
        assert result["__typename"] == "ConflictProblem", result
        assert result["field"] == "name"
        assert result["message"] == (
            f"{new!r} looks like the Organisation {existing!r} (id {original.id!r}): they "
            "differ only in characters that look alike"
        )
    # a name that only looks like its own is no conflict
    same = (await editor(RENAME, id=original.id, input={"name": existing}))["updateOrganisation"]
    assert same["__typename"] == "Organisation"


async def test_a_cyrillic_o_in_a_latin_word_is_refused_and_cyrillic_names_stay_valid(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    await make_organisation(graph, "Sotsiaalkindlustusamet")
    await make_organisation(graph, "Töötukassa")
    for name, char, position in (
        ("S\u043etsiaalkindlustusamet", "U+043E CYRILLIC SMALL LETTER O", 2),
        ("T\u04e7\u04e7tukassa", "U+04E7 CYRILLIC SMALL LETTER O WITH DIAERESIS", 2),
        ("T\u043e\u0308\u043e\u0308tukassa", "U+043E CYRILLIC SMALL LETTER O", 2),  # → NFC ӧ
    ):
        result = (await editor(CREATE, input={"name": name, "kind": "AGENCY"}))[
            "createOrganisation"
        ]
        assert result["__typename"] == "ValidationProblem", result
        (problem,) = result["problems"]
        assert problem["field"] == "input.name"
        assert problem["message"].startswith("mixes Latin and Cyrillic letters in one word: ")
        assert position and "CYRILLIC SMALL LETTER O" in problem["message"], (char, problem)
    alias = (await editor(CREATE, input={"name": "Narva", "kind": "NGO", "aliases": ["Нарвa"]}))[
        "createOrganisation"
    ]
    assert alias["__typename"] == "ValidationProblem"
    assert alias["problems"][0]["field"] == "input.aliases.0"
    for name in ("Нарвский центр социальной работы «Ёлка»", "Ида-Вирумаа Sotsiaalkeskus"):
        ok = (await editor(CREATE, input={"name": name, "kind": "NGO"}))["createOrganisation"]
        assert ok == {"__typename": "Organisation", "id": ok["id"], "name": name}


async def test_create_missing_refuses_organisations_that_look_like_others(
    graph: Graph, tmp_path: Path
) -> None:
    existing = await make_organisation(graph, "Ida-Viru Noortekeskus")
    events = write(tmp_path, "events.csv", "name;kind;startDate\nFoorum;FORUM;2024-05-01\n")
    await import_events(graph, events, Options())
    attendance = write(
        tmp_path,
        "attendance.csv",
        "event;attendee;attendeeType\n"
        "Foorum;lda-Viru Noortekeskus;ORGANISATION\n"
        "Foorum;S\u043etsiaalkeskus;ORGANISATION\n"
        "Foorum;Narva Kopp;ORGANISATION\n"
        "Foorum;Narva \u041a\u043e\u0440\u0440;ORGANISATION\n",
    )
    assert await problems(graph, attendance, create_missing=True) == [
        "attendance.csv:2: column \"attendee\": cannot create it: 'lda-Viru Noortekeskus' "
        f"looks like the Organisation 'Ida-Viru Noortekeskus' (id {existing.id!r}): they "
        "differ only in characters that look alike",
        "attendance.csv:3: column \"attendee\": 'Sоtsiaalkeskus' cannot be an organisation's "
        "name: mixes Latin and Cyrillic letters in one word: U+043E CYRILLIC SMALL LETTER O "
        "at position 2",
        "attendance.csv:5: column \"attendee\": new organisation 'Narva Корр' looks like "
        "'Narva Kopp', which this file creates too: they differ only in characters that "
        "look alike",
    ]


async def test_organisations_written_before_the_check_get_their_key(graph: Graph) -> None:
    async def raw(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            "CREATE (:Entity:Organisation {id: 'old', name: 'Kopp', kind: 'NGO', sortKey: 'kopp'})"
        )

    await graph.write(raw)
    assert await migrations.fill_name_keys(graph) == 1
    assert await migrations.fill_name_keys(graph) == 0
    with pytest.raises(Conflict, match=r"looks like the Organisation 'Kopp' \(id 'old'\)"):
        await make_organisation(graph, "\u041a\u043e\u0440\u0440")


async def test_look_alikes_from_before_the_check_can_be_merged(graph: Graph) -> None:
    """A merge is how two look-alike organisations already in the graph become one: the
    kept name stays, so the check has nothing to refuse."""

    async def raw(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            "CREATE (:Entity:Organisation {id: 'latin', name: 'Kopp', kind: 'NGO'}), "
            "(:Entity:Organisation {id: 'cyrillic', name: $name, kind: 'NGO'})",
            name="\u041a\u043e\u0440\u0440",
        )

    await graph.write(raw)
    await migrations.fill_name_keys(graph)
    merged = await merge.merge(graph, "latin", "cyrillic", actor="test")
    assert isinstance(merged, Organisation)
    assert (merged.name, merged.aliases) == ("Kopp", ["\u041a\u043e\u0440\u0440"])
