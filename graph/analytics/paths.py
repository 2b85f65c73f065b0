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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


#: A hop as indexes into its path's nodes: source, what both took part in (None for a
#: direct tie) and target.
Shape = list[tuple[int, int | None, int]]


def _shape(nodes: list[dict[str, Any]]) -> Shape | None:
    """A raw path's hops between actors; None when it is not a simple actor path."""
    ids = [n["id"] for n in nodes]
    if len(set(ids)) != len(ids):
        return None
    shape: Shape = []
    i, last = 0, len(nodes) - 1
    while i < last:
        if nodes[i + 1]["type"] in ACTORS:
            shape.append((i, None, i + 1))
            i += 1
        elif i + 2 <= last and nodes[i + 2]["type"] in ACTORS:
            shape.append((i, i + 1, i + 2))
            i += 2
        else:
            return None
    return shape


@dataclass(frozen=True)
class _Candidate:
    """A raw path, ranked before it is explained: the search returns up to `CANDIDATES`
    of them and only the few that are answered become `Path`s."""

    nodes: list[dict[str, Any]]
    rels: list[dict[str, Any]]
    shape: Shape
    weights: list[int]

    @property
    def strength(self) -> int:
        return min(self.weights)

    @property
    def steps(self) -> tuple[str, ...]:
        """The ids along it (each hop's source, what it went through, its target): the
        last tie-break between paths equal in length and strength, so the same question
        gets the same answer whatever order Neo4j found them in."""
        return tuple(
            self.nodes[i]["id"] if i is not None else "" for hop in self.shape for i in hop
        )

    def shortest_first(self) -> tuple[Any, ...]:
        return (len(self.shape), -self.strength, -sum(self.weights), self.steps)

    def strongest_first(self) -> tuple[Any, ...]:
        return (-self.strength, len(self.shape), -sum(self.weights), self.steps)


def _hop(
    c: _Candidate, hop: tuple[int, int | None, int], weight: int, titles: dict[str, str | None]
) -> Hop:
    s, v, t = hop
    src, tgt = _node(c.nodes[s]), _node(c.nodes[t])
    if v is None:
        rel = c.rels[s]
        tie = _tie(rel, src.id)
        # as recorded: the relationship's start first, whichever way the path runs
        a, b = (src, tgt) if tie.outgoing else (tgt, src)
        return Hop(
            source=src,
            target=tgt,
            kind="RELATIONSHIP",
            source_tie=tie,
            date_from=tie.properties.get("from"),
            date_to=tie.properties.get("to"),
            strength=weight,
            sources=_sources([rel], titles),
            explanation=wording.relationship(a.name, rel["type"], b.name, tie.properties),
        )
    via = _node(c.nodes[v])
    a_tie, b_tie = _tie(c.rels[s], src.id), _tie(c.rels[v], tgt.id)
    return Hop(
        source=src,
        target=tgt,
        kind="SHARED",
        via=via,
        source_tie=a_tie,
        target_tie=b_tie,
        date_from=via.start_date,
        date_to=via.end_date,
        strength=weight,
        sources=_sources([c.rels[s], c.rels[v]], titles),
        explanation=wording.shared(
            src.name,
            [(a_tie.type, a_tie.role)],
            tgt.name,
            [(b_tie.type, b_tie.role)],
            wording.activity(via.type, via.kind, via.name),
            wording.span(via.start_date, via.end_date),
        ),
    )


def _path(c: _Candidate, titles: dict[str, str | None]) -> Path:
    hops = [_hop(c, hop, w, titles) for hop, w in zip(c.shape, c.weights, strict=True)]
    return Path(hops=hops, strength=c.strength, total_strength=sum(c.weights))


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


def _shaped(raw: list[dict[str, Any]], max_hops: int) -> list[tuple[dict[str, Any], Shape]]:
    """The raw paths that are simple actor paths of at most `max_hops` hops, with their
    hops, one per sequence of actors (the first found)."""
    found: list[tuple[dict[str, Any], Shape]] = []
    seen: set[tuple[str, ...]] = set()
    for row in raw:
        nodes = row["nodes"]
        shape = _shape(nodes)
        if not shape or len(shape) > max_hops:
            continue
        key = tuple(nodes[i]["id"] for i in (shape[0][0], *(t for _, _, t in shape)))
        if key not in seen:
            seen.add(key)
            found.append((row, shape))
    return found


def _ends(row: dict[str, Any], shape: Shape) -> list[tuple[str, str]]:
    """The two actors of each hop, by id."""
    return [(row["nodes"][s]["id"], row["nodes"][t]["id"]) for s, _, t in shape]


def _candidates(
    shaped: list[tuple[dict[str, Any], Shape]], strength: dict[tuple[str, str], int]
) -> list[_Candidate]:
    return [
        _Candidate(
            row["nodes"], row["rels"], shape, [strength.get(e, 0) for e in _ends(row, shape)]
        )
        for row, shape in shaped
    ]


def _answered(cands: list[_Candidate], limit: int) -> tuple[list[_Candidate], list[_Candidate]]:
    """The `limit` shortest and the `limit` strongest of `cands`.

    Shortest: fewest hops, then the strongest weakest hop, the greatest total strength
    and the ids along the path (so the same question gets the same answer whatever order
    Neo4j found them in). Strongest: the strongest weakest hop first, then the same."""
    return (
        sorted(cands, key=_Candidate.shortest_first)[:limit],
        sorted(cands, key=_Candidate.strongest_first)[:limit],
    )


#: the shortest and the strongest paths
Answer = tuple[list[Path], list[Path]]


def _explained(
    answered: tuple[list[_Candidate], list[_Candidate]], titles: dict[str, str | None]
) -> Answer:
    """The answered candidates as explained paths (each built once)."""
    built: dict[int, Path] = {}

    def path(c: _Candidate) -> Path:
        if id(c) not in built:
            built[id(c)] = _path(c, titles)
        return built[id(c)]

    shortest, strongest = answered
    return [path(c) for c in shortest], [path(c) for c in strongest]


def _source_ids(cands: Iterable[_Candidate]) -> Iterator[str]:
    return (d for c in cands for rel in c.rels for d in rel["props"].get("sourceIds") or [])


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

    async def explained_shortest(tx: AsyncManagedTransaction) -> Answer:
        query = explained_shortest_query(2 * max_hops)
        row = await (
            await tx.run(query, params, candidates=candidates, actors=list(ACTORS))
        ).single(strict=True)
        _check_ends(row["ends"], from_id)
        strength = {(u, v): n for u, v, n in row["strengths"]}
        answered = _answered(_candidates(_shaped(row["rows"], max_hops), strength), limit)
        return _explained(answered, dict(row["titles"]))

    async def detours_of(tx: AsyncManagedTransaction, max_raw: int) -> list[dict[str, Any]]:
        query = candidates_query(GROUPS, max_raw)
        result = await tx.run(query, params, candidates=candidates)
        return [dict(r) async for r in result]

    async def explain(tx: AsyncManagedTransaction, raw: list[dict[str, Any]]) -> Answer:
        shaped = _shaped(raw, max_hops)
        pairs = {e for row, shape in shaped for e in _ends(row, shape)}
        answered = _answered(_candidates(shaped, await _strengths(tx, pairs, day)), limit)
        titles = await document_titles(tx, _source_ids(itertools.chain(*answered)))
        return _explained(answered, titles)

    try:
        if not detours:
            shortest_paths, strongest = await graph.read(explained_shortest, timeout=TIMEOUT)
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
            shortest_paths, strongest = await graph.read(
                lambda tx: explain(tx, raw), timeout=TIMEOUT
            )
    except neo4j_errors.Neo4jError as e:
        if "TransactionTimedOut" in (e.code or "") or "Terminated" in (e.code or ""):
            raise Unavailable(
                f"the path search took longer than {TIMEOUT:g} s and was stopped; "
                "try a lower maxHops"
            ) from e
        raise
    return Paths(shortest=shortest_paths, strongest=strongest, detours_searched=searched)
