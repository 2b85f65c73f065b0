"""A refused relationship property is named by its GraphQL path ("input.properties.from"),
so the page can put the message next to its field (issue 25, item 3)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.errors import InvalidInput
from graph.models.relationships import RELATION, RelType
from schema.errors import pydantic_problems
from schema.inputs import input_dict
from schema.relationships import RelationshipPropertiesInput

GRAPHQL_NAMES = {
    f.graphql_name or f.python_name
    for f in RelationshipPropertiesInput.__strawberry_definition__.fields  # type: ignore[attr-defined]
}

WITH_DATES = [t for t, r in RELATION.items() if "from_" in r.props.model_fields]


@pytest.mark.parametrize("rel_type", WITH_DATES, ids=str)
@pytest.mark.parametrize("field", ["from_", "to"])
def test_a_bad_date_is_named_by_its_graphql_field(rel_type: RelType, field: str) -> None:
    properties = (
        RelationshipPropertiesInput(from_="2016-13")
        if field == "from_"
        else RelationshipPropertiesInput(to="2016-13")
    )
    with pytest.raises(ValidationError) as refused:
        RELATION[rel_type].props.model_validate(input_dict(properties))
    [(path, message)] = pydantic_problems(refused.value, "input.properties")
    assert path == f"input.properties.{field.rstrip('_')}"
    assert path.rsplit(".", 1)[1] in GRAPHQL_NAMES
    assert "month" in message


def test_the_graph_layer_names_a_refused_field_by_its_path() -> None:
    with pytest.raises(ValidationError) as refused:
        RELATION[WITH_DATES[0]].props.model_validate(
            input_dict(RelationshipPropertiesInput(to="2016-13"))
        )
    error = InvalidInput.of(refused.value, "proposals.p1")
    [(path, message)] = error.problems
    assert path == "proposals.p1.to"
    assert "month" in message and not message.startswith("Value error")
    assert str(error).startswith("proposals.p1.to: ")
