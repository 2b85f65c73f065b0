"""No N+1: the Cypher round trips of a nested query do not grow with its rows.

The app runs on a `Graph` whose transactions count every `run` call; the same 3-level
query (organisations → members/events → their memberships/attendees) is asked over
10 and over 100 organisations and must cost the same number of statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from neo4j import AsyncManagedTransaction

from api.app import create_app
from api.settings import Settings
from graph import bulk, keys
from graph.driver import Graph, T, TxWork
from graph.keys import Role
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType


class _CountingTx:
    def __init__(self, tx: AsyncManagedTransaction, counter: list[int]) -> None:
        self._tx = tx
        self._counter = counter

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        self._counter[0] += 1
        return await self._tx.run(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


@dataclass(frozen=True)
class CountingGraph(Graph):
    counter: list[int] = field(default_factory=lambda: [0])

    async def _run(self, work: TxWork[T], **options: Any) -> T:
        async def counted(tx: AsyncManagedTransaction) -> T:
            return await work(_CountingTx(tx, self.counter))  # type: ignore[arg-type]

        return await super()._run(counted, **options)


async def _build(graph: Graph, n: int) -> None:
    """n organisations, each with 3 members and 2 events; every event has 2 more
    attendees and every person 2 memberships."""

    def node(label: str, id_: str, **props: Any) -> dict[str, Any]:
        props |= REGISTRY[label].derived(props)
        return {"id": id_, "props": props}

    orgs = [node("Organisation", f"o{i}", name=f"Org {i:03d}", kind="NGO") for i in range(n)]
    people = [
        node("Person", f"p{i}-{j}", name=f"Person {i}-{j}") for i in range(n) for j in range(3)
    ]
    events = [
        node("Event", f"e{i}-{j}", name=f"Event {i}-{j}", kind="MEETING", startDate="2020")
        for i in range(n)
        for j in range(2)
    ]
    member = [
        {"from": f"p{i}-{j}", "to": f"o{(i + k) % n}", "props": {"role": "staff"}}
        for i in range(n)
        for j in range(3)
        for k in range(2)
    ]
    attended = [
        {"from": f"o{i}", "to": f"e{i}-{j}", "props": {"role": "PARTICIPANT"}}
        for i in range(n)
        for j in range(2)
    ] + [
        {"from": f"p{(i + 1) % n}-{j}", "to": f"e{i}-{j}", "props": {"role": "SPEAKER"}}
        for i in range(n)
        for j in range(2)
    ]

    async def work(tx: AsyncManagedTransaction) -> None:
        await bulk.upsert_nodes(tx, "Organisation", orgs, actor="t")
        await bulk.upsert_nodes(tx, "Person", people, actor="t")
        await bulk.upsert_nodes(tx, "Event", events, actor="t")
        await bulk.upsert_relationships(tx, RelType.MEMBER_OF, member)
        await bulk.upsert_relationships(tx, RelType.ATTENDED, attended)

    await graph.write(work)


QUERY = """
query($n: Int!) {
  organisations(first: $n) {
    totalCount
    nodes {
      id name
      sources { quote }
      members(first: 5) {
        totalCount
        edges { role node { name memberships(first: 5) { totalCount nodes { id } } } }
      }
      events(first: 5) {
        totalCount
        nodes { name attendees(first: 10) { totalCount edges { role node { id } } } }
      }
      partners(first: 3) { totalCount }
    }
  }
}
"""


async def _round_trips(graph: Graph, settings: Settings, n: int) -> tuple[int, dict[str, Any]]:
    await _build(graph, n)
    counting = CountingGraph(graph.driver, graph.database)
    _, secret = await keys.create(graph, name=f"count-{n}", role=Role.VIEWER, actor="t")
    app = create_app(settings, graph=counting)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            counting.counter[0] = 0
            response = await client.post(
                "/graphql",
                json={"query": QUERY, "variables": {"n": n}},
                headers={"Authorization": f"Bearer {secret}"},
            )
            body = response.json()
            assert "errors" not in body, body["errors"]
            return counting.counter[0], body["data"]


async def test_round_trips_do_not_grow_with_rows(graph: Graph, settings: Settings) -> None:
    from graph import maintenance

    small, small_data = await _round_trips(graph, settings, 10)
    await maintenance.wipe(graph, allow_data=True)
    large, large_data = await _round_trips(graph, settings, 100)

    orgs = large_data["organisations"]["nodes"]
    assert len(orgs) == 100
    assert all(o["members"]["totalCount"] == 6 for o in orgs)
    assert all(o["events"]["totalCount"] == 2 for o in orgs)
    assert all(ev["attendees"]["totalCount"] == 2 for o in orgs for ev in o["events"]["nodes"])
    assert all(
        m["node"]["memberships"]["totalCount"] == 2 for o in orgs for m in o["members"]["edges"]
    )
    assert len(small_data["organisations"]["nodes"]) == 10
    assert small == large, (small, large)
    # auth, list count, list page; then one query per loader and resolver tick:
    # sources, partners and the relationship fields members + events (one query),
    # then memberships + attendees (one query)
    assert large == 7, large
