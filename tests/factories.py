"""Test data builders."""

from __future__ import annotations

from typing import Any

from graph import organisations
from graph.driver import Graph
from graph.models.organisation import Organisation, OrganisationCreate, OrganisationKind


async def make_organisation(graph: Graph, name: str, **fields: Any) -> Organisation:
    data = OrganisationCreate.model_validate(
        {"name": name, "kind": fields.pop("kind", OrganisationKind.NGO), **fields}
    )
    return await organisations.create(graph, data, actor="test")
