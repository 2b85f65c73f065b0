"""The importers' name resolution through the one resolver (graph/resolver.py): names
in another case are taken, near names are named ("did you mean"), and
`--create-missing` never creates a near-duplicate without saying which one."""

from __future__ import annotations

from pathlib import Path

from graph.driver import Graph
from seeds.importers.attendance import import_attendance
from seeds.importers.run import Options
from tests.integration.test_import import ATTENDANCE_HEADER, problems, snapshot, write

EVENT = "Arendusprogrammi infopäev Jõhvi Kontserdimajas;25.08.2020"


def _file(tmp_path: Path, *attendees: str) -> Path:
    rows = "".join(f"{EVENT};{a};ORGANISATION;;;\n" for a in attendees)
    return write(tmp_path, "attendance.csv", ATTENDANCE_HEADER + rows)


async def test_a_near_name_is_an_error_that_names_what_it_resembles(
    seeded: Graph, tmp_path: Path
) -> None:
    path = _file(tmp_path, "Tööttukassa", "Sotsiaalministeeeriumi")
    found = await problems(seeded, path)
    assert "did you mean 'Eesti Töötukassa' (organisation tootukassa)?" in found[0], found
    assert "did you mean 'Sotsiaalministeerium' (organisation sotsiaalministeerium)" in found[1]
    # --create-missing refuses to create the near-duplicates, and says of what
    refused = await problems(seeded, path, create_missing=True)
    assert len(refused) == 2, refused
    assert "'Tööttukassa' is not known but resembles 'Eesti Töötukassa'" in refused[0]
    assert "--create-similar" in refused[0]
    assert "resembles 'Sotsiaalministeerium' (organisation sotsiaalministeerium)" in refused[1]


async def test_create_similar_creates_them_and_the_dry_run_names_them(
    seeded: Graph, tmp_path: Path
) -> None:
    path = _file(tmp_path, "Tööttukassa", "MTÜ Päris Uus Ühing")
    before = await snapshot(seeded)
    dry = await import_attendance(
        seeded, path, Options(dry_run=True, create_missing=True, create_similar=True)
    )
    assert await snapshot(seeded) == before
    assert dry.created == ["organisation 'Päris Uus Ühing'", "organisation 'Tööttukassa'"]
    # without --create-similar only the new name that resembles nothing would be made
    only_new = _file(tmp_path, "MTÜ Päris Uus Ühing")
    dry = await import_attendance(seeded, only_new, Options(dry_run=True, create_missing=True))
    assert dry.created == ["organisation 'Päris Uus Ühing'"]


async def test_a_name_in_another_case_is_its_entity_and_said_so(
    seeded: Graph, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "attendance.csv",
        ATTENDANCE_HEADER
        + f"{EVENT};Kaie Kotoviga;PERSON;;;\n{EVENT};Sotsiaalkindlustusametiga;;;;\n",
    )
    result = await import_attendance(seeded, path, Options(dry_run=True))
    assert result.created == []
    assert result.notes == [
        "attendance.csv:2: 'Kaie Kotoviga' is 'Kaie Kotov' (person kaie-kotov), its name in "
        "another case",
        "attendance.csv:3: 'Sotsiaalkindlustusametiga' is 'Sotsiaalkindlustusamet' "
        "(organisation sotsiaalkindlustusamet), its name in another case",
    ]
