"""Test data builders."""

from __future__ import annotations

from typing import Any

from graph import entities
from graph.driver import Graph
from graph.models.entities import Organisation, OrganisationCreate, OrganisationKind


async def make_organisation(graph: Graph, name: str, **fields: Any) -> Organisation:
    data = OrganisationCreate.model_validate(
        {"name": name, "kind": fields.pop("kind", OrganisationKind.NGO), **fields}
    )
    created = await entities.create(graph, "Organisation", data, actor="test")
    assert isinstance(created, Organisation)
    return created
