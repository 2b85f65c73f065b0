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
from graph.ingest.documents import dates_without_year
from graph.ingest.facts import Draft
from graph.ingest.formats import Format, extract
from graph.ingest.mentions import ORG, PERSON, PLACE
from graph.ingest.named import all_mentions
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


SCHEDULE = (
    "Koolitused toimuvad kahes linnas: Pärnus ja Tartus.\n\n"
    "Toimumise ajad:\n\n"
    "Pärnus\n\n09.04\n30.04\n22.05\n\n"
    "Tartus\n\n11.04\n02.05\n\n"
    "Kandideerimise tähtaeg on 1. märts.\n"
)


def test_a_schedule_of_dates_under_place_headings_is_one_event_per_date() -> None:
    found = _facts(SCHEDULE)
    assert not [d for d in found if d.label == "Event"]  # no year anywhere: none guessed
    found = [d for d in propose(SCHEDULE, year=2019) if d.label or d.rel_type]
    for d in found:
        assert SCHEDULE[d.start : d.end] == d.quote and d.start <= d.at < d.to <= d.end
    events = sorted(
        (d.name, d.props["kind"], d.props["startDate"]) for d in found if d.label == "Event"
    )
    assert events == [
        ("Koolitus Pärnus 09.04", "TRAINING", "2019-04-09"),
        ("Koolitus Pärnus 22.05", "TRAINING", "2019-05-22"),
        ("Koolitus Pärnus 30.04", "TRAINING", "2019-04-30"),
        ("Koolitus Tartus 02.05", "TRAINING", "2019-05-02"),
        ("Koolitus Tartus 11.04", "TRAINING", "2019-04-11"),
        ("Koolitused 09.04–22.05", "TRAINING", "2019-04-09"),
    ]
    held = sorted(
        (str(d.from_key).split(":")[1], d.to_key) for d in found if d.rel_type == "HELD_AT"
    )
    assert held == [
        ("koolitus parnus 09.04", "Place:parnu"),
        ("koolitus parnus 22.05", "Place:parnu"),
        ("koolitus parnus 30.04", "Place:parnu"),
        ("koolitus tartus 02.05", "Place:tartu"),
        ("koolitus tartus 11.04", "Place:tartu"),
    ]
    assert sum(d.rel_type == "PART_OF" for d in found) == 5
    series = next(d for d in found if d.name == "Koolitused 09.04–22.05")
    assert series.props["endDate"] == "2019-05-22"


def test_dates_alone_on_lines_with_no_event_named_near_them_are_not_events() -> None:
    text = "Kontoris oleme:\n\n09.04\n30.04\n22.05\n\nTere tulemast!\n"
    assert not [d for d in propose(text, year=2019) if d.label == "Event"]


def test_a_numbered_plan_of_dated_activities() -> None:
    text = (
        "Tegevused:\n\n"
        " 1. September- Oktoober 2016 - Foorumi ettevalmistamine ja teavitus\n"
        " 2. 25-26.11.2016 Narvas - Foorum\n"
        " 3. Detsember 2016 - Aruannete koostamine.\n"
        " 4. Detsember 2016- Jaanuar 2017 - Tulemuste levitamine\n"
    )
    events = sorted(
        (d.name, d.props["kind"], d.props["startDate"], d.props.get("endDate"))
        for d in _facts(text)
        if d.label == "Event"
    )
    assert events == [
        ("Aruannete koostamine", "OTHER", "2016-12", None),
        ("Foorum 25-26.11.2016", "FORUM", "2016-11-25", "2016-11-26"),
        ("Foorumi ettevalmistamine ja teavitus", "OTHER", "2016-09", "2016-10"),
        ("Tulemuste levitamine", "OTHER", "2016-12", "2017-01"),
    ]  # and no "Foorum 4. Detsember 2016": item 4 is not the 4th of December


def test_a_numbered_lists_numbers_are_not_days_but_a_lone_day_is() -> None:
    listed = "1. Mai 2016 - avamine\n2. Juuni 2016 - lõpetamine\n"
    assert [d[1] for d in _dates(listed)] == ["2016-05", "2016-06"]
    assert [d[1] for d in _dates("4. detsember 2016 - Foorum\n")] == ["2016-12-04"]


def test_the_parts_a_document_lists_after_its_event_are_part_of_it() -> None:
    text = (
        "Ühing korraldab 25-26.11.2016 foorumi Narvas.\n\n"
        '\xa0I Temaatiline arutelu "Mis on sotsiaalne ettevõtlus"\n\n'
        "Arutelu juhib võrgustiku esindaja.\n\n"
        " II Praktilised töötoad\n\n"
        "Töögruppide eeldatav struktuur:\n\n"
        " • Alustamise ABC: mõtetest tegudeni (sammud)\n"
        " • Parimad praktikad. Jagame kogemusi.\n\n"
        "Tegevused: 12.12.2016 aruanne.\n"
    )
    found = _facts(text)
    forum = "Event:foorum 25-26.11.2016:2016-11-25"
    parts = sorted(
        (d.name, d.props["kind"], d.props["startDate"], d.props["endDate"])
        for d in found
        if d.label == "Event" and d.key != forum
    )
    assert parts == [
        ("Alustamise ABC: mõtetest tegudeni", "WORKING_GROUP", "2016-11-25", "2016-11-26"),
        ("Parimad praktikad", "WORKING_GROUP", "2016-11-25", "2016-11-26"),
        ("Praktilised töötoad", "WORKSHOP", "2016-11-25", "2016-11-26"),
        (
            'Temaatiline arutelu "Mis on sotsiaalne ettevõtlus"',
            "MEETING",
            "2016-11-25",
            "2016-11-26",
        ),
    ]
    workshops = "Event:praktilised tootoad:2016-11-25"
    part_of = sorted(
        (str(d.from_key).split(":", 1)[1].rsplit(":", 1)[0], d.to_key)
        for d in found
        if d.rel_type == "PART_OF"
    )
    assert part_of == [
        ("alustamise abc: motetest tegudeni", workshops),  # the groups of the second part
        ("parimad praktikad", workshops),
        ("praktilised tootoad", forum),
        ('temaatiline arutelu "mis on sotsiaalne ettevotlus"', forum),
    ]


def test_parts_need_an_event_before_them() -> None:
    text = "Koolituspäevade teemad:\n\n - Koosloome\n - Teenusedisain\n\nII koolituspäev\n"
    assert not [d for d in _facts(text) if d.label == "Event"]


def test_what_is_held_at_events_named_before_is_held_at_each() -> None:
    text = (
        "Infopäevad toimuvad 25.08.2020 Jõhvis ja 26.08.2020 Narvas. Osalemine on tasuta. "
        "Registreerimine on avatud. Infopäevadel esineb ministeerium. Projektijuht Mari "
        "Maasikas tutvustab programmi ning viib läbi koosmõtlemise töötoa.\n"
    )
    found = _facts(text)
    workshops = sorted(
        (d.name, d.props["startDate"]) for d in found if d.props.get("kind") == "WORKSHOP"
    )
    assert workshops == [
        ("Koosmõtlemise töötuba (Infopäev 25.08.2020)", "2020-08-25"),
        ("Koosmõtlemise töötuba (Infopäev 26.08.2020)", "2020-08-26"),
    ]
    attended = {str(d.to_key).split(":")[1] for d in found if d.rel_type == "ATTENDED"}
    assert "koosmotlemise tootuba (infopaev 25.08.2020)" in attended


def _events(text: str, **kw: object) -> list[tuple[str, str, str | None]]:
    found = propose(text, **kw)  # type: ignore[arg-type]  # reference or year
    for d in found:
        assert text[d.start : d.end] == d.quote and d.start <= d.at < d.to <= d.end
    return sorted(
        (d.name or "", str(d.props["startDate"]), d.props.get("endDate"))
        for d in found
        if d.label == "Event"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # consecutive days of one month are days, not a numbered list's items
        (
            "Suvekool:\n1. juuli 2019 – seminar Tartus\n2. juuli 2019 – töötuba Pärnus\n",
            [
                ("Seminar 1. juuli 2019", "2019-07-01", None),
                ("Töötuba 2. juuli 2019", "2019-07-02", None),
            ],
        ),
        # a day's programme: times, not dates
        ("Konverentsi päevakava:\n10.05\n11.10\n", []),
        ("Konverents:\n10.05\n11.10\n12.15\n", []),
        ("Seminari kava:\n1. 10.05 - Avamine\n2. 11.10 - Paneel\n", []),
        # lists with years that are no plan of activities
        (
            "Kirjandus:\n1. 2015 - Tamm, J. Sotsiaalne ettevõtlus.\n2. 2017 - Kask, M. Kogukond.\n",
            [],
        ),
        ("Eelarve:\n1. 2019 - 15 000 eurot\n2. 2020 - 12 000 eurot\n", []),
        (
            "Ajakava:\n1. 31.03.2019 - taotluste esitamise tähtaeg\n2. 30.04.2019 - otsus\n",
            [("otsus", "2019-04-30", None)],
        ),
        # another occasion than the one named before is not part of it
        (
            "Infopäev toimub 12.03.2019 Tallinnas. Järgmine seminar toimub sügisel Tartus.\n",
            [("Infopäev 12.03.2019", "2019-03-12", None)],
        ),
        (
            "Foorum toimus 25.11.2016 Narvas.\n\n"
            "Varem toimunud seminarid:\n• Sotsiaalne ettevõtlus\n• Kogukonnad\n",
            [("Foorum 25.11.2016", "2016-11-25", None)],
        ),
        (
            "Foorum toimus 25.11.2016 Narvas.\n\nTöötoad:\n• 10.00 Avamine\n",
            [("Foorum 25.11.2016", "2016-11-25", None)],
        ),
        # siblings are not parts, and a numeral mid-sentence starts nothing
        (
            "Seminar toimub 12.03.2019 Tartus.\n\nII seminar\nIII seminar\n",
            [("Seminar 12.03.2019", "2019-03-12", None)],
        ),
        (
            "Seminar toimub 12.03.2019. I osa on hommikul. II töötuba algab kell 14.\n",
            [("Seminar 12.03.2019", "2019-03-12", None)],
        ),
    ],
)
def test_what_is_not_an_event_or_not_a_part(
    text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert _events(text, year=2019) == expected


def test_a_schedules_place_must_be_a_place_the_text_names() -> None:
    text = "Koolitused:\n\nSügis\n\n09.04.2019\n30.04.2019\n\nKursus\n\n11.04.2019\n02.05.2019\n"
    found = propose(text)
    assert not [d for d in found if d.rel_type == "HELD_AT" or d.label == "Place"]
    assert len([d for d in found if d.label == "Event"]) == 5  # four days and the series


def test_a_sentence_about_a_scheduled_day_is_that_day() -> None:
    text = (
        "Koolitused toimuvad:\n\nPärnus\n\n09.04.2019\n30.04.2019\n\n"
        "Esimene koolitus 09.04.2019 on tasuta.\n"
    )
    assert [e[0] for e in _events(text)] == [
        "Koolitus Pärnus 09.04.2019",
        "Koolitus Pärnus 30.04.2019",
    ]


def test_a_list_item_may_hold_two_sentences() -> None:
    text = (
        "Foorum toimub 25.11.2016 Narvas.\n\n"
        "Töötoad:\n• Parimad praktikad. Jagame kogemusi.\n• Rahastus\n• Kogukonnad\n"
    )
    assert [e[0] for e in _events(text)] == [
        "Foorum 25.11.2016",
        "Kogukonnad",
        "Parimad praktikad",
        "Rahastus",
    ]


def test_a_unit_named_with_its_organisation_is_part_of_it() -> None:
    found = _facts(
        "Seminaril osalesid Tallinna Tehnikaülikooli Ragnar Nurkse innovatsiooni ja "
        "valitsemise instituut ja Tartu Ülikooli Narva Kolledž 12.03.2019.\n"
    )
    part_of = sorted((d.from_key, d.to_key) for d in found if d.rel_type == "PART_OF")
    assert part_of == [
        (
            "Organisation:tallinna tehnikaulikooli ragnar nurkse innovatsiooni ja valitsemise "
            "instituut",
            "Organisation:tallinna tehnikaulikool",
        ),
        ("Organisation:tartu ulikooli narva kolledz", "Organisation:tartu ulikool"),
    ]
    attended = {d.from_key for d in found if d.rel_type == "ATTENDED"}
    assert "Organisation:tartu ulikool" not in attended  # the college took part
    assert "Organisation:tartu ulikooli narva kolledz" in attended


def test_a_genitive_name_before_a_common_noun_is_no_unit() -> None:
    found = _facts("Tartu Ülikooli teadlased ja Eesti Töötukassa kohtusid.\n")
    assert not [d for d in found if d.rel_type == "PART_OF"]


def test_only_a_genitive_names_the_organisation_of_a_unit() -> None:
    found = _facts("Kogukond asutas uue MTÜ Seltsiks Sinule, mis tegeleb maaeluga.\n")
    assert not [d for d in found if d.rel_type == "PART_OF"]
    assert "MTÜ Selts" not in {d.name for d in found}


def test_dates_without_year_are_found_once_per_text_and_date() -> None:
    text = "Koolitused:\n09.04\n30.04\nAvaldatud 28. jaan. 2019"
    first = dates_without_year(text, None)
    assert first == [(2, "09.04"), (3, "30.04")]
    first.clear()  # what the caller does with its list is not kept
    assert dates_without_year(text, None) == [(2, "09.04"), (3, "30.04")]
    assert dates_without_year(text, "2019") == []
