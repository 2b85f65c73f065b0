"""Communities of the organisation and person networks (Leiden, modularity, igraph)."""

from __future__ import annotations

import asyncio
import random
from typing import Any, Final

import igraph
from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.projection import NetworkKind, pull, to_igraph
from graph.driver import Graph
from graph.errors import InvalidInput

SEED: Final = 20161125
NAMES: Final = """
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
RETURN n.id AS id, n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS type,
       n.kind AS kind
"""


class Member(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    type: str
    kind: str | None = None
    #: weighted degree inside the community (who holds it together)
    internal_strength: float


class Community(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: 0 = the largest community
    index: int
    size: int
    #: members by internal strength, strongest first
    members: list[Member]


def detect(g: igraph.Graph, resolution: float) -> list[int]:
    """Community index per vertex, largest community = 0; deterministic (fixed seed)."""
    if g.vcount() == 0:
        return []
    state = random.getstate()
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        found = g.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(state)
    sizes = sorted(
        set(found.membership), key=lambda c: (-found.membership.count(c), found.membership.index(c))
    )
    renumber = {c: i for i, c in enumerate(sizes)}
    return [renumber[c] for c in found.membership]


async def communities(
    graph: Graph,
    network: NetworkKind = NetworkKind.ORGANISATIONS,
    *,
    resolution: float = 1.0,
    min_size: int = 2,
) -> list[Community]:
    """Communities of at least `min_size` members, largest first."""
    if not 0 < resolution <= 10:
        raise InvalidInput([("resolution", "must be above 0 and at most 10")])
    projection = await pull(graph, network)

    def run() -> tuple[list[int], list[float]]:
        g = to_igraph(projection)
        membership = detect(g, resolution)
        inside = [0.0] * g.vcount()
        for e, w in zip(g.es, projection.weights, strict=True):
            a, b = e.tuple
            if membership[a] == membership[b]:
                inside[a] += w
                inside[b] += w
        return membership, inside

    membership, inside = await asyncio.to_thread(run)

    async def work(tx: AsyncManagedTransaction) -> dict[str, dict[str, Any]]:
        result = await tx.run(NAMES, ids=projection.ids)
        return {r["id"]: dict(r) async for r in result}

    names = await graph.read(work)
    groups: dict[int, list[Member]] = {}
    for i, nid in enumerate(projection.ids):
        row = names.get(nid, {})
        groups.setdefault(membership[i], []).append(
            Member(
                id=nid,
                name=row.get("name") or nid,
                type=row.get("type") or "",
                kind=row.get("kind"),
                internal_strength=inside[i],
            )
        )
    out = []
    for index in sorted(groups):
        members = sorted(groups[index], key=lambda m: (-m.internal_strength, m.name, m.id))
        if len(members) >= min_size:
            out.append(Community(index=index, size=len(members), members=members))
    return out
