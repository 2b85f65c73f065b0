"""Integrity under concurrent writers (issue 21, items 10-12), through the GraphQL API on
the real Neo4j: unique folded names and derived fields."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from graph.driver import Graph
from graph.keys import Role
from graph.models.registry import REGISTRY
from tests.conftest import GraphQLClient

CREATE = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ConflictProblem { message field }
    ... on ValidationProblem { message field }
  }
}
"""

UPDATE = """
mutation($id: ID!, $input: UpdateOrganisationInput!) {
  updateOrganisation(id: $id, input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ConflictProblem { message field }
    ... on NotFoundProblem { id }
  }
}
"""

MERGE = """
mutation($k: ID!, $r: ID!) {
  mergeEntities(keepId: $k, removeId: $r) {
    __typename
    ... on Merged { removedId kept { id } }
    ... on NotFoundProblem { id message }
    ... on ValidationProblem { field message }
  }
}
"""

STORED = "MATCH (n:Entity) RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n {.*} AS n"


async def stored_entities(graph: Graph) -> list[tuple[str, dict[str, Any]]]:
    async def work(tx: Any) -> list[tuple[str, dict[str, Any]]]:
        return [(r["label"], dict(r["n"])) async for r in await tx.run(STORED)]

    return await graph.read(work)


async def assert_invariants(graph: Graph) -> None:
    """Derived fields agree with the stored names; folded names of unique-name types are
    unique."""
    keys: Counter[tuple[str, str]] = Counter()
    for label, props in await stored_entities(graph):
        spec = REGISTRY[label]
        derived = spec.derived(props)
        assert props.get("sortKey") == derived["sortKey"], (label, props)
        assert props.get("searchText") == derived["searchText"], (label, props)
        if spec.unique_name:
            keys[(label, derived["sortKey"])] += 1
    assert [k for k, n in keys.items() if n > 1] == []


async def test_fifty_concurrent_creates_of_one_name_make_one(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    names = [("Eesti Töötukassa" if i % 2 else " eesti TÖÖTUKASSA ") for i in range(50)]
    responses = await asyncio.gather(
        *(editor.post(CREATE, input={"name": n, "kind": "AGENCY"}) for n in names)
    )
    assert [r.status_code for r in responses] == [200] * 50
    results = [r.json()["data"]["createOrganisation"] for r in responses]
    kinds = Counter(r["__typename"] for r in results)
    assert kinds == {"Organisation": 1, "ConflictProblem": 49}, kinds
    winner = next(r for r in results if r["__typename"] == "Organisation")
    for r in results:
        if r["__typename"] == "ConflictProblem":
            assert r["field"] == "name"
            assert winner["id"] in r["message"], r["message"]
    orgs = [p for label, p in await stored_entities(graph) if label == "Organisation"]
    assert [o["id"] for o in orgs] == [winner["id"]]
    await assert_invariants(graph)


@asynccontextmanager
async def held(graph: Graph, ids: list[str]) -> AsyncIterator[None]:
    """Hold the write locks of these entities until the block ends. Writers started in
    the block (`await blocked(...)` until they are there) queue for the locks after
    whatever reads they do first: the interleavings of lost updates, staged every time
    rather than met now and then."""
    async with graph.driver.session(database=graph.database) as session:
        tx = await session.begin_transaction()
        await (
            await tx.run("MATCH (n:Entity) WHERE n.id IN $ids SET n.id = n.id", ids=ids)
        ).consume()
        yield
        await tx.commit()


async def blocked(graph: Graph, n: int) -> None:
    """Wait until `n` transactions wait for a lock (Neo4j's own view, not a guess at
    how long they take to get there)."""
    query = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n"
    for _ in range(3000):  # at most ~5 minutes on a loaded machine
        async with graph.driver.session(database=graph.database) as session:
            row = await (await session.run(query)).single(strict=True)
        if row["n"] >= n:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {n} transactions came to wait for a lock")


async def test_concurrent_renames_and_description_edits_keep_derived_fields(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """25 renames and 25 description edits at once: the derived keys follow the final
    name. Staged: all read the first name, the renames queue for the lock first, the
    description edits after them (a description edit that derived the keys from the
    name it read before a rename wrote them back)."""
    editor = gql[Role.EDITOR]
    made = await editor(CREATE, input={"name": "Algne nimi", "kind": "NGO"})
    org_id = made["createOrganisation"]["id"]
    renames = [{"name": f"Ühing nr {i} – Šõäöü"} for i in range(25)]
    descriptions = [{"description": f"kirjeldus {i}"} for i in range(25)]
    async with held(graph, [org_id]):
        first = asyncio.gather(*(editor.post(UPDATE, id=org_id, input=e) for e in renames))
        await blocked(graph, len(renames))
        then = asyncio.gather(*(editor.post(UPDATE, id=org_id, input=e) for e in descriptions))
        await blocked(graph, len(renames) + len(descriptions))
    responses = [*await first, *await then]
    assert [r.status_code for r in responses] == [200] * 50
    assert {r.json()["data"]["updateOrganisation"]["__typename"] for r in responses} == {
        "Organisation"
    }
    [org] = [p for _, p in await stored_entities(graph) if p["id"] == org_id]
    assert org["name"].startswith("Ühing nr ") and org["description"].startswith("kirjeldus")
    await assert_invariants(graph)
