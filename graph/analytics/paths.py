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

import logging
from datetime import date
from functools import partial
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from pydantic import BaseModel, ConfigDict, Field

from graph.analytics.dates import end_of, lower_bound, start_of
from graph.analytics.network import EdgeSource, SourceDoc, document_titles, jsonable
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound, Unavailable

log = logging.getLogger(__name__)

ACTORS: Final = ("Organisation", "Person")
VIAS: Final = ("Event", "Programme", "Service", "Document")
DIRECT: Final = ("MEMBER_OF", "PART_OF", "COOPERATES_WITH")
TAKES_PART: Final = (
    "ATTENDED",
    "ORGANISED",
    "FUNDED",
    "IMPLEMENTED",
    "COMMISSIONED",
    "PROVIDES",
    "DELIVERED_FOR",
    "DEVELOPED",
    "AUTHORED",
    "BROUGHT_IDEA",
    "GREW_OUT_OF",
)
MAX_HOPS: Final = 6
MAX_LIMIT: Final = 20
CANDIDATES: Final = 200
#: path lengths considered: the shortest, and the next two (room for stronger detours)
GROUPS: Final = 3
#: seconds a path search may take before it is stopped
TIMEOUT: Final = 30.0
#: seconds the search for longer, stronger detours may take
DETOUR_TIMEOUT: Final = 1.0
#: networks of more actors than this get no detour search: on the M synthetic network
#: (40k actors) it never finished within DETOUR_TIMEOUT and cost 1-2 s of Neo4j CPU
DETOUR_UP_TO: Final = 10_000
#: how much longer (in relationships) than the shortest paths a detour may be: 2 is one
#: more shared activity (actor–activity–actor) or two more direct ties
DETOUR_EXTRA: Final = 2

_REL_AS_OF = f"""
($asOf IS NULL OR ((r.from IS NULL OR {start_of("r.from")} <= $asOf)
                   AND (r.to IS NULL OR {end_of("r.to")} >= $asOf)))
"""
_NODE_AS_OF = f"""
($asOf IS NULL OR NOT (y:Event OR y:Programme) OR
  (coalesce(y.startDate, y.endDate) IS NOT NULL
   AND {start_of("coalesce(y.startDate, y.endDate)")} <= $asOf))
"""
_TYPES = "|".join(DIRECT + TAKES_PART)
_NODE_OK = (
    "(y:Organisation OR y:Person OR y:Event OR y:Programme OR y:Service OR y:Document) "
    f"AND {_NODE_AS_OF}"
)
_STEP = (
    f"(x)-[r:{_TYPES}]-(y) WHERE {_NODE_OK} "
    "AND (type(r) <> 'PART_OF' OR (x:Organisation AND y:Organisation)) "
    f"AND {_REL_AS_OF}"
)
# The same rules, as predicates over every node and relationship of a path.
_PATH_OK = (
    f"all(y IN nodes(p) WHERE {_NODE_OK}) AND all(r IN relationships(p) WHERE "
    "(type(r) <> 'PART_OF' OR (startNode(r):Organisation AND endNode(r):Organisation)) "
    f"AND {_REL_AS_OF})"
)

#: from Neo4j's count store: no scan
ACTOR_COUNT: Final = """
CALL () { MATCH (o:Organisation) RETURN count(o) AS n
          UNION ALL MATCH (p:Person) RETURN count(p) AS n }
RETURN sum(n) AS n
"""

ENDPOINTS: Final = """
UNWIND [$from, $to] AS eid
OPTIONAL MATCH (n:Entity {id: eid})
RETURN eid, [l IN labels(n) WHERE l <> 'Entity'][0] AS type
"""

_NODE_MAP = (
    "{id: n.id, type: [l IN labels(n) WHERE l <> 'Entity'][0], name: coalesce(n.name, n.id), "
    "kind: n.kind, startDate: n.startDate, endDate: n.endDate}"
)


#: A path as the explanation needs it. The relationships' bookkeeping timestamps are
#: nulled: a path never shows them, and the driver spends about 0.2 ms hydrating each
#: DateTime (up to 200 candidate paths of up to 12 relationships, two each).
_PATH_ROW = f"""
RETURN [n IN nodes(p) | {_NODE_MAP}] AS nodes,
       [rel IN relationships(p) | {{type: type(rel), start: startNode(rel).id,
                                   end: endNode(rel).id,
                                   props: rel {{.*, createdAt: null, updatedAt: null}}}}] AS rels
LIMIT $candidates
"""


def shortest_query(max_raw: int) -> str:
    # The length bound must be a literal in Cypher; it is an int.
    return f"""
MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
MATCH p = allShortestPaths((a)-[:{_TYPES}*1..{int(max_raw)}]-(b))
WHERE {_PATH_OK}
{_PATH_ROW}"""


def candidates_query(groups: int, max_raw: int) -> str:
    # The group count and the quantifier bound must be literals in Cypher; both are ints.
    # SHORTEST k GROUPS: every path of the k shortest lengths, enumerated lazily, so
    # LIMIT bounds the enumeration (not the search state, hence DETOUR_TIMEOUT).
    return f"""
MATCH (a:Entity {{id: $from}}), (b:Entity {{id: $to}})
MATCH p = SHORTEST {int(groups)} GROUPS (a) ({_STEP}){{1,{int(max_raw)}}} (b)
{_PATH_ROW}"""


STRENGTH: Final = f"""
UNWIND $pairs AS pair
MATCH (u:Entity {{id: pair[0]}}), (v:Entity {{id: pair[1]}})
OPTIONAL MATCH (u)-[r1:{"|".join(TAKES_PART)}]-(y)-[r2:{"|".join(TAKES_PART)}]-(v)
WHERE (y:Event OR y:Programme OR y:Service OR y:Document)
  AND {_NODE_AS_OF}
  AND all(r IN [r1, r2] WHERE {_REL_AS_OF})
WITH pair, u, v, count(DISTINCT y) AS shared
OPTIONAL MATCH (u)-[r:MEMBER_OF|PART_OF|COOPERATES_WITH]-(v)
WHERE {_REL_AS_OF}
WITH pair, shared, count(DISTINCT r) AS direct
RETURN pair[0] AS u, pair[1] AS v, shared + direct AS strength
"""


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


def _verb(tie: Participation) -> str:
    words = tie.type.lower().replace("_", " ")
    return f"{words} ({tie.role})" if tie.role else words


def _span(a: str | None, b: str | None) -> str:
    if a and b and a != b:
        return f"{a} – {b}"
    return a or b or "date not recorded"


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
            a, b = (src, tgt) if tie.outgoing else (tgt, src)
            explanation = f"{a.name} {rel['type'].lower().replace('_', ' ')} {b.name}"
            if tie.role:
                explanation += f" (role: {tie.role})"
            if when_from or when_to:
                explanation += f", {_span(when_from, when_to)}"
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
                explanation=(
                    f"{src.name} {_verb(a_tie)} and {tgt.name} {_verb(b_tie)} "
                    f"the {via.type.lower()} “{via.name}” ({_span(via.start_date, via.end_date)})"
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


async def find(
    graph: Graph,
    from_id: str,
    to_id: str,
    *,
    max_hops: int = 4,
    limit: int = 3,
    as_of: str | date | None = None,
) -> Paths:
    """The `limit` shortest and strongest paths (at most `max_hops` actor hops).

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
            field = "from" if r["eid"] == from_id else "to"
            if r["type"] is None:
                raise NotFound(r["eid"])
            if r["type"] not in ACTORS:
                raise InvalidInput(
                    [(field, f"{r['eid']!r} is a {r['type']}, not a person or organisation")]
                )
        result = await tx.run(shortest_query(2 * max_hops), params, candidates=candidates)
        found = [dict(r) async for r in result]
        actors = await (await tx.run(ACTOR_COUNT)).single(strict=True)
        return found, actors["n"]

    async def detours(tx: AsyncManagedTransaction, max_raw: int) -> list[dict[str, Any]]:
        query = candidates_query(GROUPS, max_raw)
        result = await tx.run(query, params, candidates=candidates)
        return [dict(r) async for r in result]

    async def explain(tx: AsyncManagedTransaction, raw: list[dict[str, Any]]) -> list[Path]:
        titles = await document_titles(
            tx,
            (d for row in raw for rel in row["rels"] for d in rel["props"].get("sourceIds") or []),
        )
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
        pairs = {(h.source.id, h.target.id) for hops in found for h in hops}
        strength = await _strengths(tx, pairs, day)
        out = []
        for hops in found:
            scored = [
                h.model_copy(update={"strength": strength.get((h.source.id, h.target.id), 0)})
                for h in hops
            ]
            weights = [h.strength for h in scored]
            out.append(Path(hops=scored, strength=min(weights), total_strength=sum(weights)))
        return out

    try:
        raw, actors = await graph.read(shortest, timeout=TIMEOUT)
        searched = actors <= DETOUR_UP_TO
        if raw and searched:
            # Detours at most DETOUR_EXTRA relationships longer than the shortest paths:
            # a bound on the search's depth, and so on its state.
            max_raw = min(2 * max_hops, min(len(r["rels"]) for r in raw) + DETOUR_EXTRA)
            try:
                raw += await graph.read(
                    partial(detours, max_raw=max_raw), timeout=DETOUR_TIMEOUT, retry=False
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
    shortest_paths = sorted(paths, key=lambda p: (p.length, -p.strength, -p.total_strength))
    strongest = sorted(paths, key=lambda p: (-p.strength, p.length, -p.total_strength))
    return Paths(
        shortest=shortest_paths[:limit], strongest=strongest[:limit], detours_searched=searched
    )
