"""The model declared once (graph/models/spec.py): what the declarations derive."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.models import entities as e
from graph.models.registry import LINKS, REGISTRY
from graph.models.relationships import RELATIONS, RelType
from graph.models.spec import DERIVED, Filter, FilterKind


def test_every_entity_type_is_declared_once_and_registered() -> None:
    assert list(REGISTRY) == [m.meta.label for m in e.DECLARED]
    assert len(set(REGISTRY)) == len(e.DECLARED)
    assert {r.type for r in RELATIONS} == set(RelType)


def test_create_and_update_inputs_come_from_the_declared_fields() -> None:
    org = REGISTRY["Organisation"]
    created = org.create.model_validate({"name": " Töötukassa ", "kind": "AGENCY"})
    assert created.model_dump(by_alias=True, exclude_none=True)["name"] == "Töötukassa"
    with pytest.raises(ValidationError) as missing:
        org.create.model_validate({"name": "X"})
    assert [err["loc"] for err in missing.value.errors()] == [("kind",)]
    # a patch: unset fields stay unset, required ones cannot be cleared, at the field
    assert org.update.model_validate({}).model_dump(exclude_unset=True) == {}
    with pytest.raises(ValidationError) as cleared:
        org.update.model_validate({"name": None})
    assert cleared.value.errors()[0]["loc"] == ("name",)
    # server-set fields are in no input; a field set once is not in the update
    assert "erased" not in REGISTRY["Person"].create.model_fields
    assert "author" not in REGISTRY["Note"].update.model_fields
    assert "publisher" in REGISTRY["Document"].create.model_fields
    assert "publisher" not in REGISTRY["Document"].update.model_fields


def test_a_rule_over_several_fields_runs_on_create_and_on_the_fields_a_patch_sends() -> None:
    event = REGISTRY["Event"]
    with pytest.raises(ValidationError, match="endDate is before startDate"):
        event.create.model_validate(
            {"name": "x", "kind": "SEMINAR", "startDate": "2016", "endDate": "2015"}
        )
    assert event.update.model_validate({"endDate": "2015"}).model_dump(exclude_unset=True)


def test_derived_properties_come_from_every_searchable_name() -> None:
    org = REGISTRY["Organisation"]
    keys = org.derived({"name": "Eesti Töötukassa", "shortName": "EMTK", "aliases": ["TK"]})
    assert keys["sortKey"] == "eesti tootukassa"
    assert set(keys["searchText"].split(" | ")) == {"eesti tootukassa", "emtk", "tk"}
    assert "nameKey" in keys and set(keys) <= set(DERIVED)
    assert "nameKey" not in REGISTRY["Person"].derived({"name": "Mari"})


def test_fields_of_one_name_gather_every_relationship_that_declares_them() -> None:
    events = next(link for link in LINKS["Organisation"] if link.field == "events")
    assert set(events.types) == {RelType.ATTENDED, RelType.ORGANISED, RelType.FUNDED}
    assert events.direction == "out" and events.other == ("Event",)
    place = next(link for link in LINKS["Event"] if link.field == "place")
    assert place.single


def test_an_equality_filter_names_its_property_and_no_other_filter_does() -> None:
    assert Filter.equals("website").property == "website"
    assert Filter.equals("website").name == "website"
    with pytest.raises(ValueError, match="names its property"):
        Filter(FilterKind.EQUALS)
    with pytest.raises(ValueError, match="names its property"):
        Filter(FilterKind.TEXT, property="name")
