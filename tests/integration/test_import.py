"""`koostoo import events|attendance` behind the CLI: the runner against the real
local Neo4j, with the seed data where the files refer to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction

from graph import audit, bulk, maintenance, matching
from graph.driver import Graph
from graph.models.relationships import RelType
from seeds.importers.attendance import import_attendance
from seeds.importers.events import import_events
from seeds.importers.reading import ImportProblems
from seeds.importers.run import ImportResult, Options
from tests.factories import make_organisation

EXAMPLES = Path(__file__).resolve().parents[2] / "seeds" / "examples"
ATTENDANCE_HEADER = "event;eventDate;attendee;attendeeType;role;organisation;email\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def rel_status(graph: Graph, rel_type: RelType, a: str, b: str, **props: Any) -> str:
    """'unchanged' when (a)-[type {props}]->(b) exists as given, 'created' when absent."""

    async def work(tx: AsyncManagedTransaction) -> bulk.Counts:
        return await bulk.plan_relationships(tx, rel_type, [{"from": a, "to": b, "props": props}])

    counts = await graph.read(work)
    return next(s for s in ("created", "updated", "unchanged") if getattr(counts, s))


async def snapshot(graph: Graph) -> tuple[dict[str, int], dict[str, int], int]:
    return (
        await maintenance.label_counts(graph),
        await maintenance.relationship_counts(graph),
        await maintenance.count_data_nodes(graph),
    )


def counts(result: ImportResult) -> dict[str, tuple[int, int, int]]:
    return {
        name: (c.created, c.updated, c.unchanged)
        for name, c in [*result.report.nodes.items(), *result.report.relationships.items()]
    }


async def problems(graph: Graph, path: Path, kind: str = "attendance", **options: Any) -> list[str]:
    importer = import_attendance if kind == "attendance" else import_events
    before = await snapshot(graph)
    with pytest.raises(ImportProblems) as e:
        await importer(graph, path, Options(**options))
    assert await snapshot(graph) == before, "a refused import must write nothing"
    return [str(p) for p in e.value.problems]


# --- the example files on the seed data -----------------------------------------------------


async def test_example_files_import_onto_the_seed_and_rerun_changes_nothing(
    seeded: Graph,
) -> None:
    graph = seeded
    events = await import_events(graph, EXAMPLES / "events.csv", Options())
    assert events.rows == 5
    # Four new events; the Jõhvi info day is the seeded one, matched by name and date.
    assert counts(events) == {
        "Event": (4, 0, 1),
        "HELD_AT": (4, 0, 1),
        "PART_OF": (4, 0, 1),
        "ORGANISED": (7, 0, 0),
        "CITED_IN": (0, 0, 1),
    }
    index = await matching.name_index(graph, ["Event"])
    (avaseminar,) = index.by_name("Event", "Pöördepunkti arendusprogrammi avaseminar")
    assert avaseminar.start_date == "2020-10-15"
    # "OÜ Invicta" and "Invicta OÜ" are the seeded Invicta; "Jõhvi" the seeded place.
    assert await rel_status(graph, RelType.ORGANISED, "invicta", avaseminar.id) == "unchanged"
    assert await rel_status(graph, RelType.HELD_AT, avaseminar.id, "johvi") == "unchanged"
    assert await rel_status(graph, RelType.PART_OF, avaseminar.id, "poordepunkt") == "unchanged"

    people = await import_attendance(graph, EXAMPLES / "attendance.csv", Options())
    assert people.rows == 10
    assert counts(people) == {"MEMBER_OF": (0, 0, 4), "ATTENDED": (9, 0, 1)}
    assert (
        await rel_status(graph, RelType.ATTENDED, "anu-mall-naarits", avaseminar.id, role="SPEAKER")
        == "unchanged"
    )
    assert (
        await rel_status(graph, RelType.ATTENDED, "sillamae-lastekaitse-uhing", avaseminar.id)
        == "unchanged"
    )

    more_events = await import_events(graph, EXAMPLES / "events.jsonl", Options())
    assert counts(more_events)["Event"] == (2, 0, 0)
    more_people = await import_attendance(graph, EXAMPLES / "attendance.jsonl", Options())
    assert counts(more_people)["ATTENDED"] == (4, 0, 0)
    assert (
        await rel_status(
            graph,
            RelType.ATTENDED,
            "grete-kvernland-berg",
            "poordepunkt-veebiseminar-2021-01-21",
            role="SPEAKER",
        )
        == "unchanged"
    )

    before = await snapshot(graph)
    for importer, name in [
        (import_events, "events.csv"),
        (import_attendance, "attendance.csv"),
        (import_events, "events.jsonl"),
        (import_attendance, "attendance.jsonl"),
    ]:
        again = await importer(graph, EXAMPLES / name, Options())
        assert again.report.changed == 0, name
    assert (await snapshot(graph))[:2] == before[:2]


async def test_dry_run_reports_what_the_real_run_does_and_writes_nothing(seeded: Graph) -> None:
    graph = seeded
    before = await snapshot(graph)
    dry = await import_events(graph, EXAMPLES / "events.csv", Options(dry_run=True))
    assert dry.dry_run and dry.run_id is None
    assert await snapshot(graph) == before
    real = await import_events(graph, EXAMPLES / "events.csv", Options())
    assert counts(dry) == counts(real)


async def test_dry_run_with_new_people_and_organisations(seeded: Graph, tmp_path: Path) -> None:
    graph = seeded
    await import_events(graph, EXAMPLES / "events.csv", Options())
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "Pöördepunkti mentorkohtumine Narvas;;MTÜ Uus Algus;;;;\n"
        + "Pöördepunkti mentorkohtumine Narvas;;Liis Lepik;PERSON;MENTOR;MTÜ Uus Algus;\n",
    )
    before = await snapshot(graph)
    dry = await import_attendance(graph, path, Options(dry_run=True, create_missing=True))
    assert await snapshot(graph) == before
    expected = {
        "Organisation": (1, 0, 0),
        "Person": (1, 0, 0),
        "MEMBER_OF": (1, 0, 0),
        "ATTENDED": (2, 0, 0),
    }
    assert counts(dry) == expected
    real = await import_attendance(graph, path, Options(create_missing=True))
    assert counts(real) == expected


# --- references: unknown, created, ambiguous ---------------------------------------------------


#: What the resolver (graph/resolver.py) names for 'Pöördepunkti mentorkohtumine': the event
#: whose name has every word of it (its id a UUID derived from the imported row).
NARVAS = (
    "; did you mean 'Pöördepunkti mentorkohtumine Narvas' "
    "(event a268bd8e-6dc3-5061-82dd-44ae4c8b7977)?"
)


async def test_unknown_references_are_errors_unless_created(seeded: Graph, tmp_path: Path) -> None:
    graph = seeded
    await import_events(graph, EXAMPLES / "events.csv", Options())
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "Pöördepunkti mentorkohtumine Narvas;12.11.2020;MTÜ Uus Algus;;;;\n"
        + "Pöördepunkti mentorkohtumine Narvas;12.11.2020;Liis Lepik;;SPEAKER;"
        "Uus Algus MTÜ;liis@uusalgus.ee\n"
        + "Pöördepunkti mentorkohtumine Narvas;12.11.2020;Tundmatu Tegelane;;;;\n"
        + "Pöördepunkti mentorkohtumine;;Rait Kuuse;;;;\n"
        + "Pöördepunkti mentorkohtumine Narvas;2019;Rait Kuuse;;;;\n"
        + "pole-sellist-uritust;;Rait Kuuse;;;;\n",
    )
    assert await problems(graph, path) == [
        'attendance.csv:2: column "attendee": no organisation with the id or name '
        "'MTÜ Uus Algus' (or run with --create-missing to create it)",
        'attendance.csv:3: column "attendee": no person with the id or name '
        "'Liis Lepik' (or run with --create-missing to create it)",
        'attendance.csv:3: column "organisation": no organisation with the id or name '
        "'Uus Algus MTÜ' (or run with --create-missing to create it)",
        'attendance.csv:4: column "attendee": no person or organisation with the id or name '
        "'Tundmatu Tegelane' (or run with --create-missing to create it)",
        'attendance.csv:5: column "event": no event with the id or name '
        "'Pöördepunkti mentorkohtumine'" + NARVAS,
        'attendance.csv:6: column "event": no event with the id or name '
        "'Pöördepunkti mentorkohtumine Narvas' on 2019",
        "attendance.csv:7: column \"event\": no event with the id or name 'pole-sellist-uritust'",
    ]
    # With --create-missing only people and organisations are created; the rest stays wrong.
    assert await problems(graph, path, create_missing=True) == [
        "attendance.csv:4: column \"attendee\": 'Tundmatu Tegelane' is not known: set "
        "attendeeType to PERSON or ORGANISATION to create it",
        'attendance.csv:5: column "event": no event with the id or name '
        "'Pöördepunkti mentorkohtumine'" + NARVAS,
        'attendance.csv:6: column "event": no event with the id or name '
        "'Pöördepunkti mentorkohtumine Narvas' on 2019",
        "attendance.csv:7: column \"event\": no event with the id or name 'pole-sellist-uritust'",
    ]
    good = write(tmp_path, "good.csv", "".join(path.read_text().splitlines(True)[:3]))
    created = await import_attendance(graph, good, Options(create_missing=True))
    assert counts(created) == {
        "Organisation": (1, 0, 0),
        "Person": (1, 0, 0),
        "MEMBER_OF": (1, 0, 0),
        "ATTENDED": (2, 0, 0),
    }
    index = await matching.name_index(graph, ["Organisation", "Person"])
    (org,) = index.by_name("Organisation", "uus algus")
    stored = await matching.names(graph, [org.id])
    # Named without the legal form, as the seed data does; the spellings kept as aliases.
    assert stored[org.id] == {"name": "Uus Algus", "aliases": ["MTÜ Uus Algus", "Uus Algus MTÜ"]}
    assert (await matching.by_ids(graph, [org.id]))[org.id].label == "Organisation"
    (liis,) = index.by_email("liis@uusalgus.ee")
    assert liis.name == "Liis Lepik"
    assert await rel_status(graph, RelType.MEMBER_OF, liis.id, org.id) == "unchanged"
    again = await import_attendance(graph, good, Options(create_missing=True))
    assert again.report.changed == 0
    # Without the flag the same file now resolves: the entities exist.
    assert (await import_attendance(graph, good, Options())).report.changed == 0


async def test_a_name_that_means_several_entities_is_an_error(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    await make_organisation(graph, "Horisondi Sõbrad", aliases=["Horisont"])
    events = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate\nInfopäev;INFO_DAY;25.08.2020\nInfopäev;INFO_DAY;26.08.2020\n",
    )
    await import_events(graph, events, Options())
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "Infopäev;;Rait Kuuse;;;;\n"
        + "Infopäev;25.08.2020;MTÜ Horisont;;;;\n"
        + "Infopäev;26.08.2020;sotsiaalministeerium;;;;\n",
    )
    found = await problems(graph, path)
    assert len(found) == 2
    assert found[0].startswith(
        "attendance.csv:2: column \"event\": 'Infopäev' matches several: 'Infopäev' (event "
    )
    assert "2020-08-25" in found[0] and "2020-08-26" in found[0]
    assert found[0].endswith("(add eventDate)")
    assert found[1].startswith(
        "attendance.csv:3: column \"attendee\": 'MTÜ Horisont' matches several: 'Horisont' "
        "(organisation horisont)"
    )
    assert "'Horisondi Sõbrad' (organisation " in found[1] and found[1].endswith("(use an id)")
    horisont = await matching.name_index(graph, ["Organisation"])
    assert len(horisont.by_name("Organisation", "Horisont")) == 2
    fixed = write(
        tmp_path,
        "fixed.csv",
        ATTENDANCE_HEADER
        + "Infopäev;25.08.2020;Rait Kuuse;;;;\n"
        + "Infopäev;25.08.2020;horisont;;;;\n"  # the id wins over the names
        + "Infopäev;26.08.2020;sotsiaalministeerium;;;;\n",
    )
    result = await import_attendance(graph, fixed, Options())
    assert counts(result) == {"ATTENDED": (3, 0, 0)}


async def test_ids_resolve_before_names_and_must_have_the_right_type(
    seeded: Graph, tmp_path: Path
) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "poordepunkt-infopaev-narva-2020-08-26;;horisont;;;;\n"
        + "poordepunkt;;rait-kuuse;;;;\n"
        + "poordepunkt-infopaev-narva-2020-08-26;;narva;;;;\n",
    )
    assert await problems(graph, path, create_missing=True) == [
        "attendance.csv:3: column \"event\": 'poordepunkt' is the id of 'Pöördepunkt' "
        "(programme poordepunkt), not of an event",
        "attendance.csv:4: column \"attendee\": 'narva' is the id of 'Narva' (place narva), "
        "not of a person or organisation",
    ]


# --- duplicates and bad rows ---------------------------------------------------------------


async def test_duplicate_rows_name_both_lines(seeded: Graph, tmp_path: Path) -> None:
    graph = seeded
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "poordepunkt-infopaev-narva-2020-08-26;;Rait Kuuse;;SPEAKER;;\n"
        + "poordepunkt-infopaev-narva-2020-08-26;;Päästeamet;;;;\n"
        + "poordepunkt-infopaev-narva-2020-08-26;;Rait Kuuse;;PARTICIPANT;;\n"
        + "Arendusprogrammi infopäev Narvas Vaba Laval;26.08.2020;rait-kuuse;;;;\n",
    )
    assert await problems(graph, path) == [
        "attendance.csv:4: duplicate row: 'Rait Kuuse' at 'poordepunkt-infopaev-narva-2020-08-26'"
        " is already on line 2",
        "attendance.csv:5: duplicate row: 'rait-kuuse' at 'Arendusprogrammi infopäev Narvas "
        "Vaba Laval' on 2020-08-26 is the same attendance as line 2",
    ]
    events = write(
        tmp_path,
        "events.csv",
        "id;name;kind;startDate\n"
        ";Ümarlaud;MEETING;2021-02-18\n"
        "umarlaud-2;Ümarlaud;MEETING;2021-02-19\n"
        ";ümarlaud;MEETING;18.02.2021\n"
        "umarlaud-2;Teine;MEETING;2021-02-20\n",
    )
    assert await problems(graph, events, "events") == [
        'events.csv:4: column "name": duplicate row: the same event name and start date as line 2'
        " (rows for different events need their ids)",
        "events.csv:5: column \"id\": duplicate id 'umarlaud-2' (also on line 3)",
    ]


async def test_one_bad_row_among_good_ones_writes_nothing(seeded: Graph, tmp_path: Path) -> None:
    graph = seeded
    rows = "".join(f"Koolitus {i};TRAINING;2019-05-{1 + i % 28:02d};;Tartu\n" for i in range(60))
    path = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate;endDate;place\n"
        + rows
        + "Koolitus X;TRAINING;2019-05-03;2019-05-02;\n",
    )
    assert await problems(graph, path, "events") == [
        'events.csv:62: column "endDate": endDate is before startDate'
    ]
    path.write_text(path.read_text().replace("2019-05-03;2019-05-02", "2019-05-03;2019-05-04"))
    result = await import_events(graph, path, Options(batch_size=25))
    assert counts(result) == {"Event": (61, 0, 0), "HELD_AT": (60, 0, 0)}


async def test_an_empty_or_header_only_file_is_refused(graph: Graph, tmp_path: Path) -> None:
    empty = write(tmp_path, "attendance.csv", "")
    assert await problems(graph, empty) == [
        "attendance.csv is empty: expected a header line with the columns (event, attendee, …) "
        "and one row per record"
    ]
    header = write(tmp_path, "events.csv", "\ufeffname;kind;startDate\r\n;;\r\n")
    assert await problems(graph, header, "events") == [
        "events.csv has a header but no rows: nothing to import (expected events rows below "
        "the header)"
    ]


# --- interrupted runs, audit ---------------------------------------------------------------


class StopAfter:
    """A progress sink that fails the run after `n` written rows (an interruption)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.writing = False

    def phase(self, description: str, total: int | None) -> None:
        self.writing = description.startswith("importing")

    def advance(self, n: int) -> None:
        if self.writing:
            self.n -= n
            if self.n <= 0:
                raise KeyboardInterrupt


@pytest.mark.parametrize("writers", [1, 2])
async def test_an_interrupted_import_can_be_run_again(
    graph: Graph, tmp_path: Path, writers: int
) -> None:
    events = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate\n"
        + "".join(f"Seminar {i};SEMINAR;2020-01-{i + 1:02d}\n" for i in range(5)),
    )
    await import_events(graph, events, Options())
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + "".join(f"Seminar {i % 5};;Osaleja {i};PERSON;;Ühendus {i % 3};\n" for i in range(95)),
    )
    options = Options(create_missing=True, batch_size=20, writers=writers)
    with pytest.raises(KeyboardInterrupt):
        await import_attendance(graph, path, options, StopAfter(38))
    written = (await maintenance.relationship_counts(graph))["ATTENDED"]
    # 95 rows in batches of at most 20 are five of 19 (bulk.by_start)
    if writers == 1:
        assert written == 38  # two batches, then the interruption
    else:  # the batch in flight beside the one that was interrupted may commit too
        assert written in (38, 57)
    result = await import_attendance(graph, path, options)
    # The people and organisations exist now: they are found, not created again.
    assert counts(result) == {"MEMBER_OF": (0, 0, 95), "ATTENDED": (95 - written, 0, written)}
    final = await maintenance.relationship_counts(graph)
    assert final["ATTENDED"] == 95 and final["MEMBER_OF"] == 95
    assert (await maintenance.label_counts(graph))["Person"] == 95


async def test_each_run_is_audited(graph: Graph, tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "name;kind\nÜks;MEETING\nKaks;CALL\n")
    result = await import_events(graph, path, Options(actor="mari"))
    assert result.run_id is not None
    (event,) = await audit.history(graph, result.run_id)
    assert (event.actor, event.action, event.entity_type) == ("mari", "import", "Import")
    assert event.after is not None
    assert event.after["file"] == "events.csv" and event.after["rows"] == 2
    assert '"Event": {"created": 2, "unchanged": 0, "updated": 0}' in event.after["counts"]
    index = await matching.name_index(graph, ["Event"])
    (uks,) = index.by_name("Event", "üks")
    (created,) = await audit.history(graph, uks.id)
    assert (created.action, created.actor) == ("create", "mari")
    dry = await import_events(graph, path, Options(dry_run=True))
    assert dry.run_id is None


# --- a big file ------------------------------------------------------------------------------


async def test_a_100k_row_file_imports_with_the_right_counts(graph: Graph, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    with events.open("w", encoding="utf-8-sig") as f:
        f.write("id;name;kind;startDate\n")
        for e in range(200):
            f.write(f"ev-{e};Koostööseminar {e};SEMINAR;{1 + e % 28}.{1 + e % 12}.2019\n")
    attendance = tmp_path / "attendance.csv"
    with attendance.open("w", encoding="utf-8-sig") as f:
        f.write("event,attendee,attendeeType,role,organisation\n")
        for i in range(100_000):
            # 500 people per event, each (event, person) pair once; 5000 people in all
            event = i % 200
            person = (i // 200 + event * 500) % 5000
            f.write(f"ev-{event},Osaleja {person},PERSON,,Ühendus {person % 100}\n")
    await import_events(graph, events, Options())
    result = await import_attendance(graph, attendance, Options(create_missing=True))
    assert result.rows == 100_000
    assert counts(result) == {
        "Organisation": (100, 0, 0),
        "Person": (5000, 0, 0),
        "MEMBER_OF": (5000, 0, 0),
        "ATTENDED": (100_000, 0, 0),
    }
    assert (await maintenance.relationship_counts(graph))["ATTENDED"] == 100_000


async def test_an_events_file_id_of_another_kind_of_entity_is_refused(
    seeded: Graph, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "events.csv",
        "id;name;kind;startDate\n"
        "uus-seminar;Uus seminar;SEMINAR;2021-03-01\n"
        "narva;Narva kohtumine;MEETING;2021-03-02\n",
    )
    assert await problems(seeded, path, "events") == [
        "events.csv:3: column \"id\": 'narva' is the id of 'Narva' (place narva), not of an event"
    ]
