"""Characters a name may not hold (issue 21, items 8 and 12): invisible and formatting
characters in names, noncharacters anywhere; Estonian, Russian and emoji stay valid."""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from graph.chars import find_noncharacter, invisible
from graph.models.common import LongText, Name, ShortText, Tag
from graph.models.entities import OrganisationCreate, PersonCreate

#: Every format character (Cf), the default-ignorable code points of other categories,
#: and the line and paragraph separators.
INVISIBLE = sorted(
    {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    | set("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\ufe00\ufe0f\uffa0")
    | {"\U000e0100", "\U000e01ef", "\u2028", "\u2029"}
)
#: The ones issue 21 names, and the bidirectional controls.
NAMED = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
NAMED += [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ud800"]

ESTONIAN = "ABDEFGHIJKLMNOPRSŠZŽTUVÕÄÖÜabdefghijklmnoprsšzžtuvõäöü"
RUSSIAN = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
NAME = st.text(alphabet=ESTONIAN, min_size=2, max_size=20) | st.text(alphabet=RUSSIAN, min_size=2)

_NAME: TypeAdapter[str] = TypeAdapter(Name)


def _refused(adapter: TypeAdapter[str], value: str) -> str:
    with pytest.raises(ValidationError) as e:
        adapter.validate_python(value)
    return str(e.value.errors()[0]["msg"])


def test_the_named_characters_are_in_the_corpus() -> None:
    assert set(NAMED) <= set(INVISIBLE)
    assert len(INVISIBLE) > 150


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_invisible_character_is_refused_in_names_at_every_position(char: str) -> None:
    places = [("Töö" + char + "tukassa", 4)]
    if char.isspace():  # U+2028, U+2029: stripped at either end, as spaces are
        assert _NAME.validate_python(char + "Töötukassa" + char) == "Töötukassa"
    else:
        places += [(char + "Töötukassa", 1), ("Töötukassa" + char, 11)]
    for name, position in places:
        message = _refused(_NAME, name)
        assert f"U+{ord(char):04X}" in message and f"at position {position}" in message, message


@settings(derandomize=True, max_examples=300, deadline=None)
@given(name=NAME, char=st.sampled_from(INVISIBLE), at=st.integers(min_value=0))
def test_invisible_characters_anywhere_in_a_generated_name_are_refused(
    name: str, char: str, at: int
) -> None:
    at %= len(name) + 1
    if char.isspace():  # stripped at either end, as spaces are
        at = max(1, min(at, len(name) - 1))
    value = name[:at] + char + name[at:]
    message = _refused(_NAME, value)
    assert "invisible or formatting character" in message
    assert f"at position {at + 1}" in message


@settings(derandomize=True, max_examples=300, deadline=None)
@given(words=st.lists(NAME, min_size=1, max_size=4))
def test_estonian_and_russian_names_stay_valid(words: list[str]) -> None:
    name = " ".join(words)
    assert _NAME.validate_python(name) == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    "name",
    [
        "Koostöö 🤝 ühing",
        "❤\ufe0f Narva",  # an emoji presentation selector after a symbol
        "👨\u200d💻 klubi",  # a ZWJ sequence
        "👩🏽\u200d🔬 labor",  # with a skin tone
        "Шахтёрский клуб «Ёлка»",
        "Ida-Virumaa Sotsiaalsete Ettevõtete Võrgustik",
    ],
)
def test_emoji_sequences_and_ordinary_names_are_valid(name: str) -> None:
    assert _NAME.validate_python(name) == name
    assert invisible(name) is None


@pytest.mark.parametrize("name", ["a\u200db", "a\ufe0f", "\u200d👨", "👨\u200d", "👨\u200d a"])
def test_joiners_and_selectors_outside_emoji_are_refused(name: str) -> None:
    assert "invisible or formatting character" in _refused(_NAME, name)


@pytest.mark.parametrize("char", NONCHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    "kind", [Name, ShortText, LongText, Tag], ids=["Name", "Short", "Long", "Tag"]
)
def test_noncharacters_are_refused_in_every_text(char: str, kind: Any) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(kind)
    message = _refused(adapter, "Koos" + char + "töö")
    if char == "\ud800":  # pydantic's own check: not a valid Unicode string
        assert "unicode" in message
    else:
        assert f"contains a noncharacter (U+{ord(char):04X}) at position 5" in message


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (OrganisationCreate, {"name": "Töö\u200btukassa", "kind": "NGO"}, "name"),
        (OrganisationCreate, {"name": "X", "kind": "NGO", "shortName": "\u202eTK"}, "shortName"),
        (OrganisationCreate, {"name": "X", "kind": "NGO", "aliases": ["T\u00adK"]}, "aliases"),
        (OrganisationCreate, {"name": "X", "kind": "NGO", "tags": ["a\u2066b"]}, "tags"),
        (
            OrganisationCreate,
            {"name": "X", "kind": "NGO", "website": "https://x.ee/\u200f"},
            "website",
        ),
        (PersonCreate, {"name": "Mari\u2060 Tamm"}, "name"),
        (PersonCreate, {"name": "Mari Tamm", "familyName": "Tamm\ufeff"}, "familyName"),
    ],
)
def test_models_name_the_field(model: Any, data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as e:
        model.model_validate(data)
    (error,) = e.value.errors()
    assert error["loc"][0] in (field, _snake(field))
    assert "invisible or formatting character" in error["msg"]


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def test_descriptions_keep_format_characters_and_line_breaks() -> None:
    text = "rida 1\nrida 2\tpikk\u00adsõna, \u200bnull-laiusega tühik"
    assert TypeAdapter(LongText).validate_python(text) == text


def _is_noncharacter(char: str) -> bool:
    return 0xFDD0 <= ord(char) <= 0xFDEF or ord(char) & 0xFFFE == 0xFFFE


@settings(derandomize=True, max_examples=400, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(NONCHARACTERS[:-1]) | st.characters(exclude_categories=["Cs"]),
        max_size=20,
    ).map("".join)
)
def test_the_first_noncharacter_is_found_in_the_bmp_and_beyond(text: str) -> None:
    first = next((i for i, c in enumerate(text) if _is_noncharacter(c)), None)
    found = find_noncharacter(text)
    assert (found.start() if found else None) == first
