"""The abuse limits of the GraphQL endpoint (depth, aliases, tokens) hold on every
request, also for a document whose parse and validation were cached by an earlier one."""

from __future__ import annotations

from graph.keys import Role
from schema.root import Limits
from tests.conftest import GraphQLClient

LIMITS = Limits()


def _nested(depth: int) -> str:
    """`organisation { members { nodes { events { nodes { … id } } } } }`, `depth` deep."""
    inner = "id"
    for level in range(depth):
        inner = (
            f"members(first: 1) {{ nodes {{ {inner} }} }}"
            if level % 2
            else f"... on Person {{ events(first: 1) {{ nodes {{ {inner} }} }} }}"
        )
    return f'{{ organisation(id: "sev") {{ id {inner} }} }}'


async def _errors(gql: GraphQLClient, query: str) -> list[str]:
    response = await gql.post(query)
    body = response.json()
    return [e["message"] for e in body.get("errors", [])]


async def test_limits_reject_each_time(gql: dict[Role, GraphQLClient]) -> None:
    viewer = gql[Role.VIEWER]
    for _ in range(2):  # the second run of each document comes from the caches
        assert await _errors(viewer, '{ organisation(id: "sev") { id name } }') == []
        too_deep = await _errors(viewer, _nested(LIMITS.max_depth + 2))
        assert any("exceeds maximum operation depth" in m for m in too_deep), too_deep
        aliases = " ".join(f'a{i}: organisation(id: "x") {{ id }}' for i in range(40))
        too_many = await _errors(viewer, "{ " + aliases + " }")
        assert any("aliases" in m.lower() for m in too_many), too_many
        long = "{ " + " ".join(["__typename"] * (LIMITS.max_tokens + 10)) + " }"
        too_long = await _errors(viewer, long)
        assert any("token" in m.lower() for m in too_long), too_long


async def test_thirty_aliased_network_graphs_are_refused_by_cost(
    gql: dict[Role, GraphQLClient],
) -> None:
    viewer = gql[Role.VIEWER]
    one = await viewer.post("{ networkGraph { truncated } }")
    assert one.json() == {"data": {"networkGraph": {"truncated": False}}}
    thirty = "{ " + " ".join(f"n{i}: networkGraph {{ truncated }}" for i in range(30)) + " }"
    for _ in range(2):  # the second time from the validation cache
        body = (await viewer.post(thirty)).json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"] == {
            "code": "QUERY_TOO_EXPENSIVE",
            "cost": 150_000,
            "maxCost": LIMITS.max_cost,
        }
        assert "against a budget of 25,000" in error["message"]
