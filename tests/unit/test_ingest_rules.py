"""The extraction rules of `graph/ingest/`: dates as Estonian documents write them,
names with their offsets, and the text of each file format."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import InvalidInput
from graph.ingest.dates import fill_years, find_dates
from graph.ingest.facts import Draft
from graph.ingest.formats import Format, extract
from graph.ingest.mentions import ORG, PERSON, PLACE, all_mentions
from graph.ingest.propose import propose


def _dates(text: str, **context: object) -> list[tuple[str, str | None, str | None]]:
    found = fill_years(text, find_dates(text), **context)  # type: ignore[arg-type]  # kwargs
    return [(text[d.begin : d.finish], d.start, d.end) for d in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kohtumine 29.10.15 Tallinnas", [("29.10.15", "2015-10-29", "2015-10-29")]),
        ("Seminar 25-26.11.2016 Narvas", [("25-26.11.2016", "2016-11-25", "2016-11-26")]),
        (
            "toimusid 18.02. ja 03.03.2016",
            [("18.02.", "2016-02-18", "2016-02-18"), ("03.03.2016", "2016-03-03", "2016-03-03")],
        ),
        ("Algab 2019. aasta aprillis.", [("2019. aasta aprillis", "2019-04", "2019-04")]),
        ("kestis 1.09.2015-31.05.2016", [("1.09.2015-31.05.2016", "2015-09-01", "2016-05-31")]),
        ("Avaldatud 28. jaan. 2019", [("28. jaan. 2019", "2019-01-28", "2019-01-28")]),
        ("aastatel 2014–2015", [("2014–2015", "2014", "2015")]),
    ],
)
def test_dates_in_the_forms_estonian_documents_use(
    text: str, expected: list[tuple[str, str | None, str | None]]
) -> None:
    assert _dates(text) == expected


def test_a_date_without_its_year_takes_it_from_the_documents_date() -> None:
    text = "Foorum toimub 25. ja 26. augustil Jõhvis."
    assert _dates(text, reference=date(2020, 8, 1)) == [
        ("25.", "2020-08-25", "2020-08-25"),
        ("26. augustil", "2020-08-26", "2020-08-26"),
    ]
    # nothing to take it from: it stays without a year rather than guessing
    assert [d[1] for d in _dates(text)] == [None, None]


def test_numbers_are_not_dates() -> None:
    assert _dates("Toetus 1.5 mln eurot, kell 10.30") == []


def _names(text: str) -> list[tuple[str, str, str]]:
    return [(m.label, m.name, text[m.start : m.end]) for m in all_mentions(text)]


def test_organisations_in_their_case_forms_and_with_legal_forms() -> None:
    text = (
        "Koostöös Sotsiaalkindlustusametiga ja Eesti Töötukassaga korraldas "
        "MTÜ Sotsiaalse Innovatsiooni Labor seminari."
    )
    assert _names(text) == [
        (ORG, "Sotsiaalkindlustusamet", "Sotsiaalkindlustusametiga"),
        (ORG, "Eesti Töötukassa", "Eesti Töötukassaga"),
        (ORG, "Sotsiaalse Innovatsiooni Labor", "MTÜ Sotsiaalse Innovatsiooni Labor"),
    ]


def test_people_next_to_their_role_and_places() -> None:
    text = (
        "Seminari juhtis projektijuht Vassili Golikov. "
        "Koolitused toimusid linnades: Pärnus, Rakveres."
    )
    found = _names(text)
    assert (PERSON, "Vassili Golikov", "Vassili Golikov") in found
    assert (PLACE, "Pärnu", "Pärnus") in found
    assert (PLACE, "Rakvere", "Rakveres") in found


def test_capitalised_words_without_a_role_or_marker_are_not_names() -> None:
    assert _names("Suur Tänu Kõigile osalejatele.") == []


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.text(alphabet="abcõäöüšžAÕÄÖÜŠŽжЖ .,-:\n()MTÜSAOÜ0123456789", max_size=200))
def test_every_mention_points_at_its_text(text: str) -> None:
    """Whatever the text, each mention's offsets lie inside it, in order."""
    for m in all_mentions(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.name
    for d in find_dates(text):
        assert 0 <= d.begin < d.finish <= len(text)


def test_formats_give_the_same_text() -> None:
    html = (
        "<html><head><title>Kutse</title><script>x()</script></head>"
        "<body><h1>Kutse</h1><p>Tere, Õie &amp; Šarl!</p></body></html>"
    )
    got = extract(html.encode(), "kutse.html")
    assert got.format is Format.HTML
    assert got.title == "Kutse"
    assert "Tere, Õie & Šarl!" in got.text and "x()" not in got.text
    md = extract("# Pealkiri\n\nTekst **rõhuga** ja Жуков.\n".encode(), "a.md")
    assert md.title == "Pealkiri" and "Tekst rõhuga ja Жуков." in md.text


def test_docx_paragraphs_and_tables() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Koolitaja Mari Maasikas Tõrvast")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Pärnu"
    table.rows[0].cells[1].text = "09.04"
    buffer = io.BytesIO()
    document.save(buffer)
    got = extract(buffer.getvalue(), "a.docx")
    assert got.format is Format.DOCX
    assert got.text == "Koolitaja Mari Maasikas Tõrvast\n\nPärnu\t09.04"


def test_a_text_is_normalised_once_so_offsets_hold() -> None:
    got = extract("Ko\u0303rts\r\nrida\x07".encode(), "a.txt")
    assert got.text == "Kõrts\nrida"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xff\xfeT\x00", "a.txt", "UTF-16"),
        (b"Tere \xe4", "a.txt", "not UTF-8 (byte 0xe4 at line 1)"),
        (b"   \n", "a.txt", "holds no text"),
        (b"%PDF-1.4 broken", "a.pdf", "not a readable PDF"),
        (b"PK\x03\x04broken", "a.docx", "not a readable DOCX"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InvalidInput) as e:
        extract(data, name)
    assert message in str(e.value.problems)


def test_a_compound_institution_name_may_start_a_sentence() -> None:
    text = "Sotsiaalkindlustusamet ja Eesti Töötukassa avaldasid aruande. Amet teatas."
    assert [n[1] for n in _names(text)] == ["Sotsiaalkindlustusamet", "Eesti Töötukassa"]


def _facts(text: str) -> list[Draft]:
    found = propose(text)
    for d in found:
        assert text[d.start : d.end] == d.quote and d.start <= d.at < d.to <= d.end
    return found


def test_a_meeting_its_organiser_attendees_and_place() -> None:
    text = (
        "MTÜ Kodukant korraldas 12.03.2019 Jõhvi Kontserdimajas seminari. "
        "Seminaril osalesid Sotsiaalkindlustusamet ja Eesti Töötukassa. "
        "Seminari juhtis projektijuht Mari Maasikas.\n"
    )
    found = _facts(text)
    rels = {(d.rel_type, d.from_key, d.to_key, d.props.get("role")) for d in found if d.rel_type}
    event = "Event:seminar 12.03.2019:2019-03-12"
    assert rels == {
        ("ORGANISED", "Organisation:kodukant", event, None),
        ("HELD_AT", event, "Place:johvi kontserdimaja", None),
        ("ATTENDED", "Organisation:sotsiaalkindlustusamet", event, None),
        ("ATTENDED", "Organisation:eesti tootukassa", event, None),
        ("ATTENDED", "Person:mari maasikas", event, "MODERATOR"),
    }
    person = next(d for d in found if d.label == PERSON)
    assert person.props["role"] == "projektijuht"
    assert not [d for d in found if d.weak]  # co-attendees are not "co-occurring"


def test_participants_listed_for_a_series_took_part_in_the_series() -> None:
    text = (
        "Mõttekoja kohtumised: 29.10.15, 26.11.15, 19.01.16.\n"
        "Osalised: Siseministeerium, Riigikantselei jt.\n"
    )
    found = _facts(text)
    events = sorted(
        (d.name, d.props["startDate"], d.props.get("endDate")) for d in found if d.label == "Event"
    )
    assert events == [
        ("Mõttekoja kohtumine 19.01.16", "2016-01-19", None),
        ("Mõttekoja kohtumine 26.11.15", "2015-11-26", None),
        ("Mõttekoja kohtumine 29.10.15", "2015-10-29", None),
        ("Mõttekoja kohtumised 29.10.15–19.01.16", "2015-10-29", "2016-01-19"),
    ]
    attended = {d.to_key for d in found if d.rel_type == "ATTENDED"}
    assert attended == {"Event:mottekoja kohtumised 29.10.15–19.01.16:2015-10-29"}
    assert sum(d.rel_type == "PART_OF" for d in found) == 3


def test_people_in_one_sentence_with_nothing_stated_are_only_a_weak_suggestion() -> None:
    found = _facts("Sotsiaalministeerium ja Rahandusministeerium avaldasid aruande.")
    (weak,) = [d for d in found if d.from_key]
    assert weak.weak and weak.rel_type is None and weak.kind.value == "COOCCURRENCE"


def test_a_later_sentence_naming_the_same_kind_of_event_refers_to_it() -> None:
    text = (
        "Infopäevad toimuvad 25.08.2020 Jõhvis ja 26.08.2020 Narvas. Kõik on oodatud. "
        "Registreeru kohe. Lisainfo kodulehel. Infopäevadel esineb ettekandega "
        "Sotsiaalkindlustusamet. Seminaril osales Rahandusministeerium 2019. aastal.\n"
    )
    found = _facts(text)
    attended = sorted((d.from_key, d.to_key) for d in found if d.rel_type == "ATTENDED")
    assert attended == [
        ("Organisation:sotsiaalkindlustusamet", "Event:infopaev 25.08.2020:2020-08-25"),
        ("Organisation:sotsiaalkindlustusamet", "Event:infopaev 26.08.2020:2020-08-26"),
    ]  # a seminar five sentences later is another event: nothing is guessed


def test_a_role_before_the_name_is_at_the_organisation_before_it_not_the_one_met() -> None:
    found = _facts(
        "Sotsiaalkindlustusameti juhataja Mari Maasikas kohtus MTÜ Kaasiku Seltsiga. "
        "Seminaril esines koolitaja Jaan Tamm (Eesti Töötukassa).\n"
    )
    members = sorted((d.from_key, d.to_key) for d in found if d.rel_type == "MEMBER_OF")
    assert members == [
        ("Person:jaan tamm", "Organisation:eesti tootukassa"),
        ("Person:mari maasikas", "Organisation:sotsiaalkindlustusamet"),
    ]
