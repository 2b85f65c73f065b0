"""Neighbour pages for the GraphQL DataLoaders: one query (a `UNION ALL` branch per
relationship field) for all the relationship fields of a resolver tick, each a keyset
page of the neighbours of many entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.driver import Graph
from graph.labels import ENTITY_LABELS, checked_label
from graph.models.common import Stored, to_native
from graph.models.registry import to_model
from graph.models.relationships import RelType
from graph.props import all_props, present

Direction = Literal["out", "in"]

#: Neighbour lists of these labels are ordered by date; the rest by name.
_DATED = ("Event", "Programme")


@dataclass(frozen=True)
class Spec:
    """One relationship field: which types, which way, to which labels."""

    types: tuple[RelType, ...]
    direction: Direction
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        for t in self.types:
            RelType(t)
        for label in self.labels:
            checked_label(label)

    def pattern(self, n: str = "n", r: str = "r", m: str = "m") -> str:
        types = "|".join(RelType(t).value for t in self.types)
        labels = "|".join(self.labels)
        if self.direction == "out":
            return f"({n})-[{r}:{types}]->({m}:{labels})"
        return f"({n})<-[{r}:{types}]-({m}:{labels})"

    def sort_expr(self, m: str = "m") -> str:
        if all(label in _DATED for label in self.labels):
            return f"coalesce({m}.startDate, '')"
        return f"{m}.sortKey"

    def window(self, n: str, r: str, m: str, p: str) -> str:
        """The rows of one page of the neighbours of `n` (`r`, `m`, the sort value `k`
        and the type `t`), in order, after the keyset position `$<p>afterKey`,
        `$<p>afterId`, `$<p>afterType`, at most `$<p>limit`: the page the loaders
        read and the compiled reads (`graph/compiled`) alike."""
        return f"""MATCH {self.pattern(n, r, m)}
    WITH {r}, {m}, {self.sort_expr(m)} AS k, type({r}) AS t
    WHERE ${p}afterKey IS NULL OR k > ${p}afterKey OR (k = ${p}afterKey AND ({m}.id > ${p}afterId
          OR ({m}.id = ${p}afterId AND t > ${p}afterType)))
    WITH {r}, {m}, k, t ORDER BY k, {m}.id, t LIMIT ${p}limit"""

    @staticmethod
    def order(m: str) -> str:
        """The `ORDER BY` terms of `window`'s rows."""
        return f"k, {m}.id, t"


class Neighbour(BaseModel):
    """A related entity and the relationship that relates it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    node: Stored
    label: str
    type: RelType
    #: the relationship's own properties (role, from/to, amount, sourceIds, evidence, …)
    props: dict[str, Any]
    #: the keyset position, for cursors
    key: list[Any]


class NeighbourPage(BaseModel):
    items: list[Neighbour]
    total_count: int
    has_next_page: bool


@dataclass(frozen=True)
class PageRequest:
    """One relationship field of a resolver tick: a page of `spec` neighbours for each
    of `ids`, `first` long, after the keyset position `after`."""

    spec: Spec
    ids: tuple[str, ...]
    first: int
    after: tuple[Any, str, str] | None = None


def page_params(after: tuple[Any, ...] | None, limit: int, p: str) -> dict[str, Any]:
    """The parameters of `Spec.window`, named with the prefix `p`."""
    return {
        f"{p}afterKey": after[0] if after else None,
        f"{p}afterId": after[1] if after else None,
        f"{p}afterType": after[2] if after else None,
        f"{p}limit": limit,
    }


def _neighbours_branch(spec: Spec, i: int) -> str:
    """The pages of request `i` (its parameters suffixed `_i` or prefixed `pi_`), a record
    per entity."""
    return f"""
  UNWIND $ids_{i} AS id
  MATCH (n:Entity {{id: id}})
  CALL (n) {{
    MATCH {spec.pattern()}
    RETURN count(r) AS total
  }}
  CALL (n) {{
    {spec.window("n", "r", "m", f"p{i}_")}
    RETURN collect({{node: {all_props("m")}, label: [l IN labels(m) WHERE l IN $labels][0],
                     type: t, props: {all_props("r")}, key: [k, m.id, t]}}) AS rows
  }}
  RETURN {i} AS request, id, total, rows"""


def _neighbours_query(specs: tuple[Spec, ...]) -> str:
    branches = "\n  UNION ALL".join(_neighbours_branch(spec, i) for i, spec in enumerate(specs))
    return f"CALL () {{{branches}\n}}\nRETURN request, id, total, rows"


def _page(rec: Any, first: int) -> NeighbourPage:
    rows = rec["rows"]
    return NeighbourPage(
        items=[
            Neighbour(
                node=to_model(row["label"], row["node"]),
                label=row["label"],
                type=RelType(row["type"]),
                props=to_native(present(row["props"])),
                key=list(row["key"]),
            )
            for row in rows[:first]
        ],
        total_count=rec["total"],
        has_next_page=len(rows) > first,
    )


async def neighbours_pages(
    graph: Graph, requests: list[PageRequest]
) -> list[dict[str, NeighbourPage]]:
    """For each request, a page of neighbours per entity id: all requests in one query
    (a `UNION ALL` branch each), so the relationship fields that a resolver tick asks
    for cost one round trip, not one each."""
    if not requests:
        return []
    query = _neighbours_query(tuple(r.spec for r in requests))
    params: dict[str, Any] = {"labels": list(ENTITY_LABELS)}
    for i, r in enumerate(requests):
        params |= {
            f"ids_{i}": list(r.ids),
            **page_params(r.after, r.first + 1, f"p{i}_"),
        }

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, NeighbourPage]]:
        pages: list[dict[str, NeighbourPage]] = [{} for _ in requests]
        async for rec in await tx.run(query, params):
            i = rec["request"]
            pages[i][rec["id"]] = _page(rec, requests[i].first)
        return pages

    return await graph.read(work)
