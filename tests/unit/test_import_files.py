"""Reading and validating import files, without a database: encodings, delimiters,
headers, line numbers and the per-column messages."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from graph.text import normalise_name, split_legal_form
from seeds.importers.reading import Columns, ImportProblems, RawRow, Reader
from seeds.importers.rows import (
    ATTENDANCE_COLUMNS,
    EVENT_COLUMNS,
    AttendanceRecord,
    AttendeeType,
    RowErrors,
    iso_date,
    parse_attendance,
    parse_event,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "seeds" / "examples"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read_all(path: Path, spec: Columns = EVENT_COLUMNS) -> tuple[list[RawRow], Reader]:
    reader = Reader(path, spec)
    return list(reader.rows()), reader


def problems_of(path: Path, spec: Columns = EVENT_COLUMNS) -> list[str]:
    with pytest.raises(ImportProblems) as e:
        list(Reader(path, spec).rows())
    return [str(p) for p in e.value.problems]


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MTÜ „Seltsiks Sinule“", "seltsiks sinule"),
        ("Heateo SA", "Heateo Sihtasutus"),
        ("SA Heateo", "heateo"),
        ("Invicta OÜ", "OÜ Invicta"),
        ("Mittetulundusühing Teeme", "TEEME"),
        ("  Eesti   Töötukassa ", "eesti tootukassa"),
        ("Anu-Mall Naarits", "anu mall naarits"),
        ("Horisont, MTÜ", "Horisont"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_legal_form_words_inside_a_name_are_kept() -> None:
    assert normalise_name("Eesti Mittetulundusühingute ja Sihtasutuste Liit") == (
        "eesti mittetulundusuhingute ja sihtasutuste liit"
    )
    assert normalise_name("SA") == "sa"  # a name that is only a legal form stays
    assert normalise_name("Töötukassa") != normalise_name("Eesti Töötukassa")


def test_split_legal_form_keeps_the_spelling() -> None:
    assert split_legal_form("MTÜ „Seltsiks Sinule“") == ("Seltsiks Sinule", "MTÜ")
    assert split_legal_form("Invicta OÜ") == ("Invicta", "OÜ")
    assert split_legal_form("Sihtasutus Archimedes") == ("Archimedes", "SA")
    assert split_legal_form("Sotsiaalministeerium") == ("Sotsiaalministeerium", None)


# --- files --------------------------------------------------------------------------------


def test_semicolon_file_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "events.csv",
        "\ufeffname;kind;startDate;organisers\r\n"
        'Seminar;SEMINAR;25.11.2016;"SEV | Sotsiaalministeerium"\r\n',
    )
    rows, reader = read_all(path)
    assert [r.line for r in rows] == [2]
    assert rows[0].values == {
        "name": "Seminar",
        "kind": "SEMINAR",
        "startDate": "25.11.2016",
        "organisers": ["SEV", "Sotsiaalministeerium"],
    }
    assert reader.present == ["name", "kind", "startDate", "organisers"]


def test_classic_mac_line_endings(tmp_path: Path) -> None:
    """A bare CR ends a line, as in Excel's "CSV (Macintosh)"; line numbers stay physical."""
    path = write(
        tmp_path,
        "events.csv",
        'name;kind;description\rKoosolek;MEETING;"kaks\rrida"\rÕhtu;SEMINAR;x;lisa\r',
    )
    rows, reader = read_all(path)
    assert [(r.line, r.values["name"]) for r in rows] == [(2, "Koosolek")]
    assert rows[0].values["description"] == "kaks\nrida"  # a line break in a cell is LF
    assert [str(p) for p in reader.problems] == [
        "events.csv:4: 4 cells but the header has 3 columns (is a ';' inside a value "
        "without quotes?)"
    ]


def test_a_header_csv_cannot_read_is_a_problem_of_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "name;kind;" + "x" * 200_000 + "\nA;MEETING;\n")
    (message,) = problems_of(path)
    assert message.startswith("events.csv:1: the header is not valid CSV: field larger than")


def test_comma_file_and_lenient_header_spellings(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "Name,KIND,start_date,Start Date x\nA,MEETING,2016,\n")
    assert problems_of(path) == [
        "events.csv:1: unknown column 'Start Date x' (column 4); the columns are: id, name, "
        "kind, startDate, endDate, place, programme, organisers, nameEn, description, "
        "sourceDocument, sourceQuote"
    ]
    path = write(tmp_path, "events2.csv", "Name,KIND,start_date\nA,MEETING,2016\n")
    rows, _ = read_all(path)
    assert rows[0].values == {"name": "A", "kind": "MEETING", "startDate": "2016"}


def test_latin1_file_is_refused_with_the_byte_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "file.csv",
        "name;kind\nKoosolek;MEETING\nKõige parem;MEETING\n",
        encoding="latin-1",
    )
    assert problems_of(path) == ["file.csv is not UTF-8 (byte 0xf5 at line 3): save it as UTF-8"]


def test_cp1257_and_utf16_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "name;kind\nŠokolaad;MEETING\n", encoding="cp1257")
    assert problems_of(path) == ["a.csv is not UTF-8 (byte 0xd0 at line 2): save it as UTF-8"]
    path = write(tmp_path, "b.csv", "name;kind\nA;MEETING\n", encoding="utf-16")
    assert problems_of(path) == ['b.csv is UTF-16: save it as UTF-8 ("CSV UTF-8")']
    for encoding in ("utf-16-le", "utf-16-be"):  # no BOM
        for name in ("c.csv", "c.jsonl"):
            path = write(tmp_path, name, "name;kind\nÕun;MEETING\n", encoding=encoding)
            assert problems_of(path) == [f'{name} is UTF-16: save it as UTF-8 ("CSV UTF-8")']


def test_line_breaks_inside_a_quoted_cell_are_lf(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", 'name;kind;description\r\nA;FORUM;"rida1\r\nrida2\rrida3"\r\n')
    (row,), reader = read_all(path)
    assert not reader.problems
    assert row.values["description"] == "rida1\nrida2\nrida3"


def test_a_cell_past_the_csv_field_limit_says_what_is_wrong(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "name;kind;description\nA;FORUM;" + "x" * 200_000 + "\n")
    rows, reader = read_all(path)
    assert rows == []
    assert [str(p) for p in reader.problems] == [
        "a.csv:2: a cell is longer than 131,072 characters (the longest text a column takes "
        'is 20,000): is a closing " missing?'
    ]


def test_empty_files(tmp_path: Path) -> None:
    for text in ["", "\ufeff", "\n\n  \n"]:
        path = write(tmp_path, "empty.csv", text)
        (message,) = problems_of(path)
        assert message.startswith("empty.csv is empty: expected a header line")
    path = write(tmp_path, "empty.jsonl", "\n")
    assert problems_of(path)[0].startswith("empty.jsonl is empty")


def test_missing_and_repeated_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "name;description;Description\nA;b;c\n")
    assert problems_of(path) == [
        "events.csv:1: column 'Description' appears twice (columns 2 and 3)",
        'events.csv:1: missing required column "kind"',
    ]
    path = write(tmp_path, "att.csv", "role\nSPEAKER\n")
    assert problems_of(path, ATTENDANCE_COLUMNS) == [
        'att.csv:1: missing required columns "event", "attendee"'
    ]


def test_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "events.csv",
        'name;kind;description\nA;MEETING;"two\nlines"\n\n;;\nB;SEMINAR;x;surplus\nC;CALL\n',
    )
    rows, reader = read_all(path)
    assert [(r.line, r.values["name"]) for r in rows] == [(2, "A"), (7, "C")]
    assert rows[0].values["description"] == "two\nlines"
    assert [str(p) for p in reader.problems] == [
        "events.csv:6: 4 cells but the header has 3 columns (is a ';' inside a value "
        "without quotes?)"
    ]


def test_trailing_empty_columns_of_spreadsheets_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "name;kind;;\nA;MEETING;;\nB;MEETING;;oops\n")
    rows, reader = read_all(path)
    assert [r.values["name"] for r in rows] == ["A"]
    assert [str(p) for p in reader.problems] == [
        "events.csv:3: a value ('oops') in a column with no header"
    ]


def test_json_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"name": "A", "kind": "FORUM", "organisers": ["SEV", " Praxis "]}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"name": "B", "kind": "FORUM", "Osalejad": 3}),
        json.dumps({"name": "C", "kind": "FORUM", "startDate": 2016, "place": None}),
        json.dumps({"kind": "FORUM", "description": True}),
    ]
    path = write(tmp_path, "events.jsonl", "\n".join(lines) + "\n")
    rows, reader = read_all(path)
    assert [(r.line, r.values) for r in rows] == [
        (1, {"name": "A", "kind": "FORUM", "organisers": ["SEV", "Praxis"]}),
        (6, {"name": "C", "kind": "FORUM", "startDate": "2016"}),
    ]
    messages = [str(p) for p in reader.problems]
    assert messages[0].startswith("events.jsonl:3: not valid JSON")
    assert messages[1:] == [
        "events.jsonl:4: expected a JSON object, not a list",
        "events.jsonl:5: unknown field 'Osalejad'; the fields are: id, name, kind, startDate, "
        "endDate, place, programme, organisers, nameEn, description, sourceDocument, "
        "sourceQuote",
        'events.jsonl:7: column "description": expected text, not true/false',
    ]


def test_json_lines_refuses_a_column_given_twice_nan_and_objects(tmp_path: Path) -> None:
    lines = [
        '{"name": "A", "kind": "SEMINAR", "startDate": "2021-01-01", "date": "2022-02-02"}',
        '{"name": "B", "kind": "SEMINAR", "kind": "FORUM"}',
        '{"name": NaN, "kind": "SEMINAR"}',
        '{"name": {"et": "C"}, "kind": "SEMINAR"}',
        '{"name": "D", "kind": "SEMINAR"}',
    ]
    path = write(tmp_path, "events.jsonl", "\n".join(lines) + "\n")
    rows, reader = read_all(path)
    assert [r.values["name"] for r in rows] == ["D"]
    assert [str(p) for p in reader.problems] == [
        "events.jsonl:1: fields 'startDate' and 'date' are the same column 'startDate': "
        "give it once",
        "events.jsonl:2: fields 'kind' and 'kind' are the same column 'kind': give it once",
        "events.jsonl:3: not valid JSON: NaN is not a value (write a number or text)",
        'events.jsonl:4: column "name": expected text, not an object',
    ]


def test_an_unclosed_quote_is_an_error_not_a_cell_that_swallows_the_rows_after_it(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "events.csv",
        "name;kind;startDate;description\n"
        'Üks;SEMINAR;01.03.2022;"Algus ilma lõpetava jutumärgita\n'
        "Kaks;SEMINAR;02.03.2022;teine\n"
        "Kolm;SEMINAR;03.03.2022;kolmas\n",
    )
    rows, reader = read_all(path)
    assert rows == []
    assert [str(p) for p in reader.problems] == [
        'events.csv:2: a quoted value that starts on this line is never closed: a " is '
        "missing, and the rest of the file would be read into this one cell"
    ]
    after = write(
        tmp_path,
        "after.csv",
        'name;kind\n"Üks" ja kaks;SEMINAR\n"Kolm ""jutumärkides""";SEMINAR\n',
    )
    rows, reader = read_all(after)
    assert [r.values["name"] for r in rows] == ['Kolm "jutumärkides"']
    assert [str(p) for p in reader.problems] == [
        "after.csv:2: not valid CSV: a quoted value must end at a ';' or the end of the line "
        '(inside quotes, write a " as "")'
    ]


def test_cells_are_composed_to_nfc(tmp_path: Path) -> None:
    """`õ` saved as o + U+0303 (macOS) is read as the one character `õ`."""
    decomposed = unicodedata.normalize("NFD", "Võru Õpituba")
    assert decomposed != "Võru Õpituba"
    csv_file = write(
        tmp_path, "events.csv", f"name;kind;organisers\n{decomposed};FORUM;{decomposed}|SEV\n"
    )
    jsonl_file = write(
        tmp_path,
        "events.jsonl",
        json.dumps({"name": decomposed, "kind": "FORUM", "organisers": [decomposed]}) + "\n",
    )
    for path in (csv_file, jsonl_file):
        (row,), _ = read_all(path)
        assert row.values["name"] == "Võru Õpituba"
        assert row.values["organisers"][0] == "Võru Õpituba"


def test_a_json_number_in_a_list_column_is_one_value(tmp_path: Path) -> None:
    """`"organisers": 5` is the list of one organiser "5" (an id), as `"5"` would be;
    it used to reach the row parser as text and fail there."""
    path = write(
        tmp_path, "events.jsonl", json.dumps({"name": "A", "kind": "FORUM", "organisers": 5})
    )
    rows, reader = read_all(path)
    assert not reader.problems
    assert rows[0].values["organisers"] == ["5"]
    assert [o.text for o in parse_event(rows[0]).organisers] == ["5"]


def test_the_example_files_are_valid() -> None:
    for name, spec, parse in [
        ("events.csv", EVENT_COLUMNS, parse_event),
        ("events.jsonl", EVENT_COLUMNS, parse_event),
        ("attendance.csv", ATTENDANCE_COLUMNS, parse_attendance),
        ("attendance.jsonl", ATTENDANCE_COLUMNS, parse_attendance),
    ]:
        rows, reader = read_all(EXAMPLES / name, spec)
        assert rows and not reader.problems, name
        for row in rows:
            parse(row)
    assert (EXAMPLES / "events.csv").read_bytes().startswith(b"\xef\xbb\xbfid;name;kind;")
    assert (EXAMPLES / "attendance.csv").read_bytes().startswith(b"\xef\xbb\xbfevent;")


# --- rows --------------------------------------------------------------------------------


def event_errors(tmp_path: Path, line: str) -> list[tuple[str | None, str]]:
    path = write(tmp_path, "events.csv", "name;kind;startDate;endDate\n" + line + "\n")
    (row,) = Reader(path, EVENT_COLUMNS).rows()
    with pytest.raises(RowErrors) as e:
        parse_event(row)
    return [(x.column, x.message) for x in e.value.errors]


def test_event_rows_are_checked_by_the_api_model(tmp_path: Path) -> None:
    assert event_errors(tmp_path, "Seminar;party;2016-02-30;") == [
        (
            "kind",
            "'party' is not one of THINK_TANK_MEETING, SEMINAR, TRAINING, FORUM, INFO_DAY, "
            "WORKSHOP, WORKING_GROUP, MEETING, CALL, OTHER",
        ),
        ("startDate", "'2016-02-30' is not a real date: day is out of range for month"),
    ]
    # A date is quoted as the user wrote it, not as the ISO date it was turned into.
    assert event_errors(tmp_path, "Seminar;SEMINAR;30.02.2016;1.13.2016") == [
        ("startDate", "'30.02.2016' is not a real date: day is out of range for month"),
        ("endDate", "'1.13.2016' is not a real date: month must be in 1..12"),
    ]
    # Only ASCII digits: "２０２０" and "٢٠٢٠" would sort and filter as text.
    assert event_errors(tmp_path, "Seminar;SEMINAR;２０２０;٢٠٢٠-٠٣-٠١") == [
        ("startDate", "'２０２０' must be a date YYYY, YYYY-MM or YYYY-MM-DD"),
        ("endDate", "'٢٠٢٠-٠٣-٠١' must be a date YYYY, YYYY-MM or YYYY-MM-DD"),
    ]
    # A long value is quoted only as far as it helps to find it.
    ((column, message),) = event_errors(tmp_path, "Seminar;" + "X" * 5000 + ";;")
    assert column == "kind"
    assert message.startswith("'" + "X" * 60 + "'… (5,000 characters) is not one of ")
    assert len(message) < 250
    assert event_errors(tmp_path, "Seminar;SEMINAR;next week;") == [
        ("startDate", "'next week' must be a date YYYY, YYYY-MM or YYYY-MM-DD")
    ]
    assert event_errors(tmp_path, "Seminar;SEMINAR;2016-11-26;25.11.2016") == [
        ("endDate", "endDate is before startDate")
    ]
    assert event_errors(tmp_path, ";SEMINAR;;") == [("name", "is required")]


def test_estonian_dates_become_iso() -> None:
    assert iso_date("5.3.2016") == "2016-03-05"
    assert iso_date("25.11.2016") == "2016-11-25"
    assert iso_date("11.2016") == "2016-11"
    assert iso_date("2016-11") == "2016-11"


def attendance(tmp_path: Path, header: str, line: str) -> AttendanceRecord:
    path = write(tmp_path, "attendance.csv", header + "\n" + line + "\n")
    (row,) = Reader(path, ATTENDANCE_COLUMNS).rows()
    return parse_attendance(row)


def test_attendance_rows(tmp_path: Path) -> None:
    header = "event;eventDate;attendee;attendeeType;role;organisation;email"
    ok = attendance(tmp_path, header, "Foorum;25.11.2016;Mari Tamm;;speaker;SEV;Mari@Example.ee")
    assert ok.event.date == "2016-11-25"
    assert ok.attendee.labels == (AttendeeType.PERSON.value,)  # has an organisation
    assert ok.attendee.email == "mari@example.ee"
    assert dict(ok.props) == {"role": "SPEAKER"}
    assert ok.organisation is not None and ok.organisation.text == "SEV"
    org = attendance(tmp_path, header, "Foorum;;MTÜ Teeme;;;;")
    assert org.attendee.labels == ("Organisation",)  # the legal form says so
    # No role given: none in the props (the writer makes a new attendance a PARTICIPANT
    # and leaves a stored role alone).
    assert dict(org.props) == {}
    unknown = attendance(tmp_path, header, "Foorum;;Teeme;;;;")
    assert unknown.attendee.labels == ("Person", "Organisation")

    with pytest.raises(RowErrors) as e:
        attendance(tmp_path, header, "Foorum;2016-13;SEV;company;esineja;Praxis;x@example.ee")
    # values are quoted as the row wrote them, not as they were checked ('ESINEJA')
    assert [(x.column, x.message) for x in e.value.errors] == [
        ("eventDate", "'2016-13' is not a real date: month must be in 1..12"),
        ("attendeeType", "'company' is not one of PERSON, ORGANISATION"),
        (
            "role",
            "'esineja' is not one of PARTICIPANT, SPEAKER, TRAINER, MODERATOR, MENTOR, COORDINATOR",
        ),
    ]
    with pytest.raises(RowErrors) as e:
        attendance(tmp_path, header, "Foorum;;SEV;ORGANISATION;;Praxis;")
    assert [(x.column, x.message) for x in e.value.errors] == [
        ("organisation", "is only for people (attendeeType is ORGANISATION)")
    ]
    with pytest.raises(RowErrors) as e:
        attendance(tmp_path, header, "Foorum;;Mari Tamm;PERSON;;;not-an-address")
    assert e.value.errors[0].column == "email"
    assert "not-an-address" in e.value.errors[0].message


def test_references_by_name_must_be_names(tmp_path: Path) -> None:
    """A referenced name may be created (--create-missing): it is held to what a name
    is (at most 300 characters, no control characters)."""
    path = write(
        tmp_path,
        "events.csv",
        "name;kind;place;organisers\nSeminar;SEMINAR;" + "P" * 301 + ";SEV|Koos\x07töö\n",
    )
    (row,) = Reader(path, EVENT_COLUMNS).rows()
    with pytest.raises(RowErrors) as e:
        parse_event(row)
    assert [(x.column, x.message) for x in e.value.errors] == [
        (
            "place",
            "'" + "P" * 60 + "'… (301 characters): String should have at most 300 characters",
        ),
        ("organisers", "'Koos\\x07töö': contains a control character (U+0007) at position 5"),
    ]
    header = "event;attendee;organisation"
    with pytest.raises(RowErrors) as e:
        attendance(tmp_path, header, "Foorum\x00;Mari Tamm;" + "O" * 301)
    assert [(x.column, x.message[:40]) for x in e.value.errors] == [
        ("event", "'Foorum\\x00': contains a control charact"),
        ("organisation", "'" + "O" * 39),
    ]
