from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.bulk import create_defaults
from graph.models.common import partial_date_bounds
from graph.models.entities import OrganisationCreate, OrganisationUpdate
from graph.models.relationships import RelType
from graph.text import fold, search_text
from schema.errors import ClientError
from schema.pagination import decode_cursor, encode_cursor


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Eesti   Töötukassa ", "eesti tootukassa"),
        ("Sillamäe", "sillamae"),
        ("ŠOKOLAAD žürii", "sokolaad zurii"),
        ("Шахтёрский клуб", "шахтерскии клуб"),
        ("Õismäe Äriühing", "oismae ariuhing"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_search_text_joins_every_name() -> None:
    assert search_text("Eesti Töötukassa", None, ["Töötukassa", "EHK"]) == (
        "eesti tootukassa | tootukassa | ehk"
    )


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2016", ("2016-01-01", "2016-12-31")),
        ("2016-02", ("2016-02-01", "2016-02-29")),
        ("2016-11-25", ("2016-11-25", "2016-11-25")),
    ],
)
def test_partial_date_bounds(value: str, bounds: tuple[str, str]) -> None:
    assert partial_date_bounds(value) == bounds


def test_organisation_input_rules() -> None:
    with pytest.raises(ValidationError) as e:
        OrganisationCreate.model_validate({"name": "", "kind": "PARTY", "id": "Bad Id"})
    assert {err["loc"][0] for err in e.value.errors()} == {"name", "kind", "id"}
    ok = OrganisationCreate.model_validate({"name": " Sotsiaalministeerium ", "kind": "MINISTRY"})
    assert ok.name == "Sotsiaalministeerium"
    assert OrganisationUpdate.model_validate({}).model_dump(exclude_unset=True) == {}
    with pytest.raises(ValidationError, match="cannot be cleared"):
        OrganisationUpdate.model_validate({"kind": None})


def test_cursor_round_trip_and_garbage() -> None:
    key = ["õismäe äriühing", "0b6c"]
    assert decode_cursor(encode_cursor(key)) == tuple(key)
    for bad in ["", "!!!", encode_cursor(["only one"])]:
        with pytest.raises(ClientError):
            decode_cursor(bad)


def test_new_relationships_get_their_models_defaults_and_nothing_else() -> None:
    assert create_defaults(RelType.ATTENDED) == {"role": "PARTICIPANT"}
    # influence and interest are required (no default); stance has one
    assert create_defaults(RelType.STAKEHOLDER_IN) == {"stance": "NEUTRAL"}
    assert create_defaults(RelType.MEMBER_OF) == {}


def test_names_refuse_control_characters_and_texts_keep_line_breaks() -> None:
    with pytest.raises(ValidationError, match=r"control character \(U\+0000\) at position 5"):
        OrganisationCreate.model_validate({"name": "Koos\x00töö", "kind": "NGO"})
    with pytest.raises(ValidationError, match=r"U\+000A"):
        OrganisationCreate.model_validate({"name": "Koos\ntöö", "kind": "NGO"})
    with pytest.raises(ValidationError, match=r"U\+0085"):  # a C1 control (NEL)
        OrganisationCreate.model_validate({"name": "Koos", "kind": "NGO", "description": "a\x85b"})
    org = OrganisationCreate.model_validate(
        {"name": "Koostöö", "kind": "NGO", "description": "rida 1\nrida 2\ttabeliga"}
    )
    assert org.description == "rida 1\nrida 2\ttabeliga"
