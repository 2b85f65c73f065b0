"""Imports that must not quietly write the wrong thing: what a file leaves out, says
twice, or says against what is stored (found by an adversarial review of the
importers, 2026-12-06)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.driver import Graph
from seeds.importers.attendance import import_attendance
from seeds.importers.events import import_events
from seeds.importers.run import Options
from tests.integration.test_import import counts, problems, write

NARVA_INFO_DAY = "poordepunkt-infopaev-narva-2020-08-26"
NARVA_WORKSHOP = "poordepunkt-koosmotlemise-tootuba-narva-2020-08-26"  # 2020-08-26..26


async def read(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return [record.data() async for record in await tx.run(query, **params)]

    return await graph.read(work)


async def test_an_empty_role_leaves_the_stored_role_and_a_new_attendance_is_a_participant(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "attendance.csv",
        "event;attendee;role\n"
        f"{NARVA_INFO_DAY};Päästeamet;\n"  # seeded as a SPEAKER
        f"{NARVA_INFO_DAY};Invicta;\n",
    )
    result = await import_attendance(graph, path, Options())
    assert counts(result)["ATTENDED"][1] == 0  # nothing updated
    roles = await read(
        graph,
        "MATCH (o:Organisation)-[r:ATTENDED]->(:Event {id: $event}) "
        "WHERE o.id IN ['paasteamet', 'invicta'] RETURN o.id AS id, r.role AS role ORDER BY id",
        event=NARVA_INFO_DAY,
    )
    assert roles == [{"id": "invicta", "role": "SPEAKER"}, {"id": "paasteamet", "role": "SPEAKER"}]

    created = write(tmp_path, "new.csv", f"event;attendee\n{NARVA_WORKSHOP};Päästeamet\n")
    assert counts(await import_attendance(graph, created, Options()))["ATTENDED"] == (1, 0, 0)
    (new,) = await read(
        graph,
        "MATCH (:Organisation {id: 'paasteamet'})-[r:ATTENDED]->(:Event {id: $event}) "
        "RETURN r.role AS role",
        event=NARVA_WORKSHOP,
    )
    assert new == {"role": "PARTICIPANT"}

    # A role that is given still changes the stored one.
    speaker = write(
        tmp_path, "speaker.csv", f"event;attendee;role\n{NARVA_WORKSHOP};Päästeamet;speaker\n"
    )
    assert counts(await import_attendance(graph, speaker, Options()))["ATTENDED"] == (0, 1, 0)


async def test_one_organiser_named_twice_in_a_cell_organised_the_event_once(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate;organisers\n"
        "Kahe nimega korraldaja;SEMINAR;06.05.2022;Invicta|OÜ Invicta|invicta| |\n",
    )
    result = await import_events(graph, path, Options())
    assert counts(result)["ORGANISED"] == (1, 0, 0)
    organised = await read(
        graph,
        "MATCH (:Organisation {id: 'invicta'})-[r:ORGANISED]->(e:Event) "
        "WHERE e.name = 'Kahe nimega korraldaja' RETURN count(r) AS n",
    )
    assert organised == [{"n": 1}]
    again = await import_events(graph, path, Options())
    assert counts(again)["ORGANISED"] == (0, 0, 1)


async def test_an_e_mail_address_of_another_person_is_an_error(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "attendance.csv",
        f"event;attendee;email\n{NARVA_WORKSHOP};Jaan Aps;evelin@koosloome.ee\n",
    )
    assert await problems(graph, path, create_missing=True) == [
        'attendance.csv:2: column "attendee": the e-mail address evelin@koosloome.ee is that of '
        "'Evelin Kostabi' (person evelin-kostabi), not of 'Jaan Aps' (give the person's id, or "
        "the name as stored)"
    ]
    # The owner's own name (in any spelling the index knows) is found by the address.
    own = write(
        tmp_path,
        "own.csv",
        f"event;attendee;email\n{NARVA_WORKSHOP};evelin KOSTABI;evelin@koosloome.ee\n",
    )
    assert counts(await import_attendance(graph, own, Options()))["ATTENDED"][0] == 1


async def test_an_update_by_id_cannot_move_a_date_past_the_other_stored_one(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "events.csv",
        "id;name;kind;startDate;endDate\n"
        f"{NARVA_WORKSHOP};Koosmõtlemise töötuba (Narva infopäev);WORKSHOP;01.09.2020;\n"
        f"{NARVA_INFO_DAY};Arendusprogrammi infopäev Narvas Vaba Laval;INFO_DAY;;2020-01\n",
    )
    assert await problems(graph, path, "events") == [
        'events.csv:2: column "startDate": 2020-09-01 is after the event\'s stored endDate '
        "2020-08-26 (give endDate too)",
        'events.csv:3: column "endDate": 2020-01 is before the event\'s stored startDate '
        "2020-08-26 (give startDate too)",
    ]
    both = write(
        tmp_path,
        "both.csv",
        "id;name;kind;startDate;endDate\n"
        f"{NARVA_WORKSHOP};Koosmõtlemise töötuba (Narva infopäev);WORKSHOP;01.09.2020;02.09.2020\n",
    )
    assert counts(await import_events(graph, both, Options()))["Event"] == (0, 1, 0)


async def test_rows_with_different_ids_are_different_events_whatever_their_names(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "events.csv",
        "id;name;kind;startDate;place\n"
        "qa-tootuba-narva-2022-05-05;Töötuba;WORKSHOP;05.05.2022;Narva\n"
        "qa-tootuba-johvi-2022-05-05;Töötuba;WORKSHOP;05.05.2022;Jõhvi\n",
    )
    assert counts(await import_events(graph, path, Options()))["Event"] == (2, 0, 0)
    # A row without an id could be either of them: that is still a duplicate.
    third = write(
        tmp_path,
        "third.csv",
        "id;name;kind;startDate\nqa-a;Ümarlaud;MEETING;2022-05-06\n;Ümarlaud;MEETING;2022-05-06\n",
    )
    assert await problems(graph, third, "events") == [
        'third.csv:3: column "name": duplicate row: the same event name and start date as '
        "line 2 (rows for different events need their ids)"
    ]


async def test_decomposed_text_is_stored_composed(seeded: Graph, tmp_path: Path) -> None:
    """macOS tools save `õ` as o + U+0303; names, matching and search expect `õ`."""
    graph = seeded
    nfd = unicodedata.normalize(
        "NFD",
        f"event;attendee;attendeeType;organisation\n"
        f"{NARVA_WORKSHOP};Jüri Õunapuu;PERSON;MTÜ Võru Õpituba\n",
    )
    assert nfd != unicodedata.normalize("NFC", nfd)
    path = write(tmp_path, "attendance.csv", nfd)
    await import_attendance(graph, path, Options(create_missing=True))
    names = await read(
        graph,
        "MATCH (p:Person)-[:MEMBER_OF]->(o:Organisation) WHERE p.name STARTS WITH 'J' "
        "AND o.name = 'Võru Õpituba' RETURN p.name AS person, o.name AS org, o.aliases AS aliases",
    )
    assert names == [
        {"person": "Jüri Õunapuu", "org": "Võru Õpituba", "aliases": ["MTÜ Võru Õpituba"]}
    ]
    for value in names[0].values():
        for text in value if isinstance(value, list) else [value]:
            assert isinstance(text, str)
            assert unicodedata.is_normalized("NFC", text)


async def test_an_event_id_with_another_date_and_a_name_without_letters_are_errors(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "attendance.csv",
        "event;eventDate;attendee;attendeeType\n"
        f"{NARVA_INFO_DAY};01.01.1999;Päästeamet;\n"
        f"{NARVA_INFO_DAY};26.08.2020;Invicta;\n"
        f"{NARVA_WORKSHOP};;„“;ORGANISATION\n",
    )
    assert await problems(graph, path, create_missing=True) == [
        'attendance.csv:2: column "event": '
        "'Arendusprogrammi infopäev Narvas Vaba Laval' (event "
        f"{NARVA_INFO_DAY}, 2020-08-26) is on 2020-08-26, not on 1999-01-01",
        "attendance.csv:4: column \"attendee\": '„“' is not a name: it has no letters or "
        "digits of its own",
    ]
