"""Introduction paths between two people or organisations, each hop explained.

The path search runs on the actor graph inside Neo4j: people and organisations are
linked directly (`MEMBER_OF`, organisational `PART_OF`, `COOPERATES_WITH`) or through
something both took part in (an event or programme they attended, organised, funded,
implemented, commissioned or brought an idea to; a service one commissioned, provides or
developed and the other too, or that is delivered for the other; a document both
wrote). A hop through such a "via" counts as one hop between the two actors.

- shortest: the fewest hops (a direct tie is shorter than a shared event).
- strongest: among the candidate paths within `max_hops`, the one whose weakest hop is
  strongest (tie strength = number of shared activities + direct ties); then the fewest
  hops, then the greatest total strength. One path per sequence of actors.

Candidates come in two steps. Every shortest path (`allShortestPaths`, a bidirectional
breadth-first search with the step rules checked during the search: milliseconds on a
large graph) gives `shortest` and the first candidates. Then the paths of the `GROUPS`
shortest lengths (`SHORTEST k GROUPS`) up to `DETOUR_EXTRA` relationships longer, for
detours that are longer but stronger, at most `CANDIDATES` of them: that search keeps
far more state, so it runs only on networks of up to `DETOUR_UP_TO` actors, gets
`DETOUR_TIMEOUT` seconds and is not retried. When it is skipped or stopped (or runs out
of memory), `strongest` is the strongest of the shortest paths and says so
(`Paths.detours_searched` is false).

`as_of` keeps only ties valid on that date: periods (`from`/`to`) must cover it, and an
event or programme must have started by then (undated ones are left out).
"""

from __future__ import annotations

import itertools
import logging
from datetime import date
from functools import partial
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from pydantic import BaseModel, ConfigDict, Field

from graph.analytics import wording
from graph.analytics.dates import lower_bound
from graph.analytics.network import EdgeSource, SourceDoc, document_titles, jsonable
from graph.analytics.path_queries import (
    ACTOR_COUNT,
    ACTORS,
    CANDIDATES,
    DETOUR_EXTRA,
    DETOUR_TIMEOUT,
    DETOUR_UP_TO,
    ENDPOINTS,
    GROUPS,
    MAX_HOPS,
    MAX_LIMIT,
    STRENGTH,
    TIMEOUT,
    candidates_query,
    explained_shortest_query,
    shortest_query,
)
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound, Unavailable

log = logging.getLogger(__name__)


class PathNode(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str
    kind: str | None = None
    start_date: str | None = None
    end_date: str | None = None


class Participation(BaseModel):
    """How an actor is tied into a hop: relationship type, direction and properties."""

    model_config = ConfigDict(frozen=True)

    type: str
    #: true when the relationship points from this hop's `source` side
    outgoing: bool
    properties: dict[str, Any]
    role: str | None = None


class Hop(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: PathNode
    target: PathNode
    #: "RELATIONSHIP" (a direct tie) or "SHARED" (both took part in `via`)
    kind: str
    via: PathNode | None = None
    #: the source's tie (to the target, or to the via)
    source_tie: Participation
    #: the target's tie to the via (None for a direct relationship)
    target_tie: Participation | None = None
    #: when: the via's dates or the relationship's period, as stored
    date_from: str | None = None
    date_to: str | None = None
    #: number of shared activities + direct ties between the two actors
    strength: int = 0
    sources: list[EdgeSource] = Field(default_factory=list)
    explanation: str


class Path(BaseModel):
    model_config = ConfigDict(frozen=True)

    hops: list[Hop]
    #: the weakest hop's strength (an introduction is as strong as its weakest link)
    strength: int
    total_strength: int

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def steps(self) -> tuple[str, ...]:
        """The ids along it (each hop's source, what it went through, its target): the
        last tie-break between paths equal in length and strength, so the same question
        gets the same answer whatever order Neo4j found them in."""
        return tuple(
            i for h in self.hops for i in (h.source.id, h.via.id if h.via else "", h.target.id)
        )

    @property
    def actor_ids(self) -> list[str]:
        return [self.hops[0].source.id, *(h.target.id for h in self.hops)] if self.hops else []


class Paths(BaseModel):
    model_config = ConfigDict(frozen=True)

    shortest: list[Path]
    strongest: list[Path]
    #: false when the search for longer detours was stopped (see the module docstring):
    #: `strongest` is then the strongest of the shortest paths
    detours_searched: bool = True


def _node(raw: dict[str, Any]) -> PathNode:
    return PathNode(
        id=raw["id"],
        type=raw["type"],
        name=raw["name"],
        kind=raw.get("kind"),
        start_date=raw.get("startDate"),
        end_date=raw.get("endDate"),
    )


def _tie(rel: dict[str, Any], from_id: str) -> Participation:
    props = {
        k: jsonable(v)
        for k, v in sorted(rel["props"].items())
        if k not in ("sourceIds", "evidence", "createdAt", "updatedAt")
    }
    return Participation(
        type=rel["type"], outgoing=rel["start"] == from_id, properties=props, role=props.get("role")
    )


def _sources(rels: list[dict[str, Any]], titles: dict[str, str | None]) -> list[EdgeSource]:
    out: list[EdgeSource] = []
    for rel in rels:
        ids = rel["props"].get("sourceIds") or []
        quotes = rel["props"].get("evidence") or []
        for i, d in enumerate(ids):
            src = EdgeSource(
                document=SourceDoc(id=d, title=titles.get(d)),
                quote=quotes[i] if i < len(quotes) else None,
            )
            if src not in out:
                out.append(src)
    return out


def _hops(
    nodes: list[dict[str, Any]], rels: list[dict[str, Any]], titles: dict[str, str | None]
) -> list[Hop] | None:
    """Raw path → actor hops; None when the path is not a simple actor path."""
    ids = [n["id"] for n in nodes]
    if len(set(ids)) != len(ids):
        return None
    hops: list[Hop] = []
    i = 0
    while i < len(rels):
        src = _node(nodes[i])
        if nodes[i + 1]["type"] in ACTORS:
            rel = rels[i]
            tgt = _node(nodes[i + 1])
            tie = _tie(rel, src.id)
            when_from, when_to = tie.properties.get("from"), tie.properties.get("to")
            # as recorded: the relationship's start first, whichever way the path runs
            a, b = (src, tgt) if tie.outgoing else (tgt, src)
            explanation = wording.relationship(a.name, rel["type"], b.name, tie.properties)
            hops.append(
                Hop(
                    source=src,
                    target=tgt,
                    kind="RELATIONSHIP",
                    source_tie=tie,
                    date_from=when_from,
                    date_to=when_to,
                    sources=_sources([rel], titles),
                    explanation=explanation,
                )
            )
            i += 1
            continue
        if i + 2 > len(rels) or nodes[i + 2]["type"] not in ACTORS:
            return None
        via, tgt = _node(nodes[i + 1]), _node(nodes[i + 2])
        a_tie, b_tie = _tie(rels[i], src.id), _tie(rels[i + 1], tgt.id)
        hops.append(
            Hop(
                source=src,
                target=tgt,
                kind="SHARED",
                via=via,
                source_tie=a_tie,
                target_tie=b_tie,
                date_from=via.start_date,
                date_to=via.end_date,
                sources=_sources([rels[i], rels[i + 1]], titles),
                explanation=wording.shared(
                    src.name,
                    [(a_tie.type, a_tie.role)],
                    tgt.name,
                    [(b_tie.type, b_tie.role)],
                    wording.activity(via.type, via.kind, via.name),
                    wording.span(via.start_date, via.end_date),
                ),
            )
        )
        i += 2
    return hops


async def _strengths(
    tx: AsyncManagedTransaction, pairs: set[tuple[str, str]], as_of: str | None
) -> dict[tuple[str, str], int]:
    if not pairs:
        return {}
    result = await tx.run(STRENGTH, {"pairs": [list(p) for p in sorted(pairs)], "asOf": as_of})
    return {(r["u"], r["v"]): r["strength"] async for r in result}


def _check_ends(ends: list[list[Any]], from_id: str) -> None:
    for eid, label in ends:
        field = "from" if eid == from_id else "to"
        if label is None:
            raise NotFound(eid)
        if label not in ACTORS:
            raise InvalidInput([(field, f"{eid!r} is a {label}, not a person or organisation")])


def _explained(
    raw: list[dict[str, Any]],
    titles: dict[str, str | None],
    strength: dict[tuple[str, str], int],
    max_hops: int,
) -> list[Path]:
    """Raw candidate paths as explained paths, one per sequence of actors."""
    found: list[list[Hop]] = []
    seen: set[tuple[str, ...]] = set()
    for row in raw:
        hops = _hops(row["nodes"], row["rels"], titles)
        if not hops or len(hops) > max_hops:
            continue
        key = (hops[0].source.id, *(h.target.id for h in hops))
        if key not in seen:
            seen.add(key)
            found.append(hops)
    out = []
    for hops in found:
        scored = [
            h.model_copy(update={"strength": strength.get((h.source.id, h.target.id), 0)})
            for h in hops
        ]
        weights = [h.strength for h in scored]
        out.append(Path(hops=scored, strength=min(weights), total_strength=sum(weights)))
    return out


async def find(
    graph: Graph,
    from_id: str,
    to_id: str,
    *,
    max_hops: int = 4,
    limit: int = 3,
    as_of: str | date | None = None,
    detours: bool = True,
) -> Paths:
    """The `limit` shortest and strongest paths (at most `max_hops` actor hops).

    With `detours=False` (a caller that wants the shortest paths only) no longer, stronger
    detours are searched: one statement finds and explains the shortest paths, and
    `strongest` is the strongest of them (`detours_searched` false).

    Raises `NotFound` for an unknown endpoint, `InvalidInput` (naming the field) when an
    endpoint is not a person or organisation or a bound is out of range.
    """
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidInput([("maxHops", f"must be between 1 and {MAX_HOPS}")])
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput([("limit", f"must be between 1 and {MAX_LIMIT}")])
    if from_id == to_id:
        raise InvalidInput([("to", "must differ from `from`")])
    day = lower_bound(as_of, "asOf")
    params = {"from": from_id, "to": to_id, "asOf": day}
    candidates = max(CANDIDATES, 10 * limit)

    async def shortest(tx: AsyncManagedTransaction) -> tuple[list[dict[str, Any]], int]:
        async for r in await tx.run(ENDPOINTS, params):
            _check_ends([[r["eid"], r["type"]]], from_id)
        result = await tx.run(shortest_query(2 * max_hops), params, candidates=candidates)
        found = [dict(r) async for r in result]
        actors = await (await tx.run(ACTOR_COUNT)).single(strict=True)
        return found, actors["n"]

    async def explained_shortest(tx: AsyncManagedTransaction) -> list[Path]:
        query = explained_shortest_query(2 * max_hops)
        row = await (
            await tx.run(query, params, candidates=candidates, actors=list(ACTORS))
        ).single(strict=True)
        _check_ends(row["ends"], from_id)
        strength = {(u, v): n for u, v, n in row["strengths"]}
        return _explained(row["rows"], dict(row["titles"]), strength, max_hops)

    async def detours_of(tx: AsyncManagedTransaction, max_raw: int) -> list[dict[str, Any]]:
        query = candidates_query(GROUPS, max_raw)
        result = await tx.run(query, params, candidates=candidates)
        return [dict(r) async for r in result]

    async def explain(tx: AsyncManagedTransaction, raw: list[dict[str, Any]]) -> list[Path]:
        titles = await document_titles(
            tx,
            (d for row in raw for rel in row["rels"] for d in rel["props"].get("sourceIds") or []),
        )
        pairs = {(a["id"], b["id"]) for row in raw for a, b in _actor_pairs(row["nodes"])}
        return _explained(raw, titles, await _strengths(tx, pairs, day), max_hops)

    try:
        if not detours:
            paths = await graph.read(explained_shortest, timeout=TIMEOUT)
            searched = False
        else:
            raw, actors = await graph.read(shortest, timeout=TIMEOUT)
            searched = actors <= DETOUR_UP_TO
            if raw and searched:
                # Detours at most DETOUR_EXTRA relationships longer than the shortest
                # paths: a bound on the search's depth, and so on its state.
                max_raw = min(2 * max_hops, min(len(r["rels"]) for r in raw) + DETOUR_EXTRA)
                try:
                    raw += await graph.read(
                        partial(detours_of, max_raw=max_raw), timeout=DETOUR_TIMEOUT, retry=False
                    )
                except (Unavailable, neo4j_errors.TransientError) as e:
                    # Stopped by DETOUR_TIMEOUT or the transaction memory cap.
                    log.info("detour search stopped (%s): strongest among the shortest", e)
                    searched = False
            paths = await graph.read(lambda tx: explain(tx, raw), timeout=TIMEOUT)
    except neo4j_errors.Neo4jError as e:
        if "TransactionTimedOut" in (e.code or "") or "Terminated" in (e.code or ""):
            raise Unavailable(
                f"the path search took longer than {TIMEOUT:g} s and was stopped; "
                "try a lower maxHops"
            ) from e
        raise
    shortest_paths = sorted(
        paths, key=lambda p: (p.length, -p.strength, -p.total_strength, p.steps)
    )
    strongest = sorted(paths, key=lambda p: (-p.strength, p.length, -p.total_strength, p.steps))
    return Paths(
        shortest=shortest_paths[:limit], strongest=strongest[:limit], detours_searched=searched
    )


def _actor_pairs(nodes: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Consecutive actors of a raw path (the ends of its hops)."""
    actors = [n for n in nodes if n["type"] in ACTORS]
    return list(itertools.pairwise(actors))
