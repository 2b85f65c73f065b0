"""The query cost (schema/cost.py): what documents cost, and that the documents of our
own explorer and benchmark stay within the default budget."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLError, get_introspection_query, graphql_sync, parse, specified_rules
from graphql import validate as graphql_validate

from api.settings import Settings
from bench import operations
from schema.cost import NEIGHBOURHOOD, WHOLE_NETWORK, cost_rule
from schema.root import Limits, build_schema

SCHEMA = build_schema()._schema
BUDGET = Settings(_env_file=None).max_query_cost
PAGE = Settings(_env_file=None).max_page_size
HERE = Path(__file__).resolve().parent


def errors(document: str, budget: int = BUDGET) -> list[GraphQLError]:
    return graphql_validate(SCHEMA, parse(document), [*specified_rules, cost_rule(budget, PAGE)])


def extensions(error: GraphQLError) -> dict[str, Any]:
    return error.extensions or {}


def too_expensive(found: list[GraphQLError]) -> list[GraphQLError]:
    return [e for e in found if extensions(e).get("code") == "QUERY_TOO_EXPENSIVE"]


def cost(document: str) -> int:
    """The cost, as the rule reports it against a budget of nothing."""
    found = too_expensive(errors(document, budget=-1))
    assert len(found) == 1, [e.message for e in errors(document, budget=-1)]
    value: int = extensions(found[0])["cost"]
    return value


def test_defaults_agree() -> None:
    assert Limits().max_cost == BUDGET and Limits().assumed_page_size == PAGE
    assert BUDGET >= 3 * WHOLE_NETWORK


def test_analytics_fields_cost_what_they_declare_and_aliases_add_up() -> None:
    one = "{ networkGraph { nodes { id } edges { id } truncated } }"
    assert cost(one) == WHOLE_NETWORK + 2
    thirty = "{ " + " ".join(f"n{i}: networkGraph {{ truncated }}" for i in range(30)) + " }"
    assert cost(thirty) == 30 * WHOLE_NETWORK
    refused = errors(thirty)
    assert [extensions(e) for e in refused] == [
        {"code": "QUERY_TOO_EXPENSIVE", "cost": 30 * WHOLE_NETWORK, "maxCost": BUDGET}
    ]
    assert "costs 150,000 against a budget of 25,000" in refused[0].message
    assert cost('{ paths(from: "a", to: "b") { shortest { length } } }') == NEIGHBOURHOOD + 1


def test_lists_multiply_what_they_select_by_first() -> None:
    # organisations: 1 + 7 × (nodes 1 + members: 1 + 3 × (nodes 1))
    doc = "{ organisations(first: 7) { totalCount nodes { members(first: 3) { nodes { id } } } } }"
    assert cost(doc) == 1 + 7 * (1 + 1 + 3 * 1)
    assert cost("{ organisations { nodes { id } } }") == 1 + 20  # the argument's default
    variable = "query($n: Int) { organisations(first: $n) { nodes { id } } }"
    assert cost(variable) == 1 + PAGE  # a variable counts as the largest page
    deep = (
        "{ organisations(first: 100) { nodes { members(first: 100) { nodes { "
        "... on Person { events(first: 100) { nodes { id } } } } } } } }"
    )
    assert too_expensive(errors(deep))
    huge = "{ organisations(first: " + "9" * 5000 + ") { nodes { id } } }"
    assert too_expensive(errors(huge))


def test_fragments_count_once_per_spread_without_walking_them_again() -> None:
    doc = "{ ...F0 }\n" + "".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(60)
    )
    doc += "fragment F60 on Query { networkGraph { truncated } }"
    assert cost(doc) == 2**60 * WHOLE_NETWORK  # computed, not walked 2^60 times
    inline = "{ organisations(first: 2) { nodes { ... on Organisation { ...Org } } } }"
    inline += " fragment Org on Organisation { members(first: 5) { nodes { id } } }"
    assert cost(inline) == 1 + 2 * (1 + 1 + 5 * 1)


def test_introspection_and_unknown_fields_cost_nothing() -> None:
    assert cost(get_introspection_query()) == 0
    assert [e.message for e in errors("{ __typename }")] == []
    assert cost("{ nosuch(first: 9) { x } }") == 0
    cyclic = errors("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
    assert too_expensive(cyclic) == []


# --- our own documents stay within the budget ---------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [*operations.LOOPED, operations.CENTRALITY],
    ids=lambda o: o.name,
)
def test_benchmark_documents_are_within_the_budget(operation: operations.Operation) -> None:
    valid = [doc for doc in operation.ours if not errors(doc, budget=10**18)]
    assert valid, f"no candidate of {operation.name!r} fits the schema"
    for doc in valid:
        assert cost(doc) <= BUDGET, doc


def _explorer_documents(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(HERE / "explorer_documents.mjs")],
        input=json.dumps({"schema": schema}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("introspection", [True, False], ids=["dev", "production"])
def test_explorer_documents_are_within_the_budget(introspection: bool) -> None:
    schema = None
    if introspection:
        result = graphql_sync(SCHEMA, get_introspection_query())
        assert result.errors is None and result.data is not None
        schema = result.data["__schema"]
    documents = _explorer_documents(schema)
    assert len(documents) >= 8
    names = {parse(d["query"]).definitions[0].name.value for d in documents}  # type: ignore[attr-defined]
    assert {"ExplorerEgo", "ExplorerCentrality", "ExplorerPaths", "ExplorerProfile"} <= names
    assert "ExplorerCreateNote" in names
    for doc in documents:
        if introspection:  # without, the explorer assumes fields that may not exist
            assert [e.message for e in errors(doc["query"], budget=10**18)] == [], doc
        assert cost(doc["query"]) <= BUDGET, doc
