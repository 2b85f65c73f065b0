"""The cooperation network: actors as nodes, one tie per pair that worked together.

Organisations worked together when both took part in the same event or programme
(attended, organised, funded, implemented or commissioned it: `PARTICIPATION`), were
both tied to the same public service (one commissioned it, the other provides it, or
both provide it), or are related directly (`MEMBER_OF`, `PART_OF`; a stated cooperation,
`COOPERATES_WITH`, counts as the event, programme or service it is `about`, once with
that shared item, and as a direct relationship when it names none). People worked
together when both took part in the same event or programme, or were members of the same
organisation at the same time; an event or organisation with more than `CROWD` people
ties nobody (see `projection.py`). A tie's weight is the number of those shared items,
with the first and last date.

A date window keeps what overlaps it and leaves out what has no date at all. The network
is either the neighbourhood of a centre (an actor and its partners, depth 1 or 2; for an
event, programme or service, the actors that took part in it) or the whole network, its
`max_nodes` strongest actors. Per node, computed on the network returned: degree, weighted
degree (`strength`), betweenness and the community (Leiden), plus the whole-network scores
`koostoo analyse` stored. What a pair shared, with the sources, is `shared_between`.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph.analytics.centrality import Metric, compute
from graph.analytics.communities import detect
from graph.analytics.cooperation import PARTICIPATION
from graph.analytics.dates import end_of, sort_key_end, sort_key_start, start_of, window
from graph.analytics.network import (
    DISPLAY,
    NODE_TYPE,
    SCORE_PREFIXES,
)
from graph.analytics.projection import CROWD, NetworkKind, Projection, to_igraph
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.props import all_props, present

MAX_NODES: Final = 1000
MAX_DEPTH: Final = 2
#: the label of each network's actors (spliced into Cypher from this allow-list)
ACTOR: Final = {NetworkKind.ORGANISATIONS: "Organisation", NetworkKind.PEOPLE: "Person"}
#: what a tie counts, by kind of shared item
KINDS: Final = ("EVENT", "PROGRAMME", "SERVICE", "RELATIONSHIP", "ORGANISATION")
ACTIVITIES: Final = ("Event", "Programme", "Service")

_TP = "|".join(PARTICIPATION)


def _later(x: str, y: str) -> str:
    return f"CASE WHEN {x} IS NULL THEN {y} WHEN {y} IS NULL OR {x} >= {y} THEN {x} ELSE {y} END"


def _earlier(x: str, y: str) -> str:
    return f"CASE WHEN {x} IS NULL THEN {y} WHEN {y} IS NULL OR {x} <= {y} THEN {x} ELSE {y} END"


#: The item overlaps [$from, $to] (padded `pS`/`pE`); with a window it must have a date.
_IN_WINDOW = """
(($from IS NULL AND $to IS NULL) OR ((pS IS NOT NULL OR pE IS NOT NULL)
  AND ($from IS NULL OR pE IS NULL OR pE >= $from)
  AND ($to IS NULL OR pS IS NULL OR pS <= $to)))
"""
#: Which partners `b` of `a` to keep: among `$within` only, each pair once (`$half`).
_KEEP_B = "b <> a AND ($within IS NULL OR b.id IN $within) AND (NOT $half OR a.id < b.id)"

_ACTIVITY_ROWS = f"""
WITH DISTINCT b, x
WITH b, x, coalesce(x.startDate, x.endDate) AS rs, coalesce(x.endDate, x.startDate) AS re
WITH b, x, rs, re, {start_of("rs")} AS pS, {end_of("re")} AS pE
WHERE {_IN_WINDOW}
RETURN b, CASE WHEN x:Event THEN 'EVENT' ELSE 'PROGRAMME' END AS kind, x.id AS item,
       rs, re, pS, pE
"""


def _both_held(r1: str, r2: str, kind: str, item: str) -> str:
    """Rows for an item two relationships share while both hold (periods intersect)."""
    return f"""
WITH b, {item} AS item, {r1}.from AS f1, {r2}.from AS f2, {r1}.to AS t1, {r2}.to AS t2
WITH b, item, f1, f2, t1, t2, {start_of("f1")} AS s1, {start_of("f2")} AS s2,
     {end_of("t1")} AS e1, {end_of("t2")} AS e2
WITH b, item, {_later("s1", "s2")} AS pS, {_earlier("e1", "e2")} AS pE, f1, f2, t1, t2, s1, e1
WITH b, item, pS, pE, CASE WHEN pS = s1 THEN f1 ELSE f2 END AS rs,
     CASE WHEN pE = e1 THEN t1 ELSE t2 END AS re
WHERE (pS IS NULL OR pE IS NULL OR pS <= pE) AND {_IN_WINDOW}
RETURN b, '{kind}' AS kind, item, rs, re, pS, pE
"""


_ORGANISATION_ITEMS = f"""
  MATCH (a)-[:{_TP}]->(x)<-[:{_TP}]-(b:Organisation)
  WHERE (x:Event OR x:Programme) AND {_KEEP_B}
  {_ACTIVITY_ROWS}
  UNION ALL
  MATCH (a)-[r1:COMMISSIONED|PROVIDES]->(x:Service)<-[r2:COMMISSIONED|PROVIDES]-(b:Organisation)
  WHERE {_KEEP_B}
  {_both_held("r1", "r2", "SERVICE", "x.id")}
  UNION ALL
  MATCH (a)-[r:MEMBER_OF|PART_OF]-(b:Organisation)
  WHERE {_KEEP_B}
  WITH b, r, {start_of("r.from")} AS pS, {end_of("r.to")} AS pE
  WHERE {_IN_WINDOW}
  RETURN b, 'RELATIONSHIP' AS kind, elementId(r) AS item, r.from AS rs, r.to AS re, pS, pE
  UNION ALL
  MATCH (a)-[r:COOPERATES_WITH]-(b:Organisation)
  WHERE {_KEEP_B}
  OPTIONAL MATCH (about:Entity {{id: r.about}})
  WITH b, r, CASE WHEN about:Event OR about:Programme OR about:Service THEN about END AS x
  WITH b, r, x, coalesce(r.from, x.startDate, x.endDate) AS rs,
       coalesce(r.to, x.endDate, x.startDate) AS re
  WITH b, r, x, rs, re, {start_of("rs")} AS pS, {end_of("re")} AS pE
  WHERE {_IN_WINDOW}
  RETURN b, CASE WHEN x:Event THEN 'EVENT' WHEN x:Programme THEN 'PROGRAMME'
                 WHEN x:Service THEN 'SERVICE' ELSE 'RELATIONSHIP' END AS kind,
         coalesce(x.id, elementId(r)) AS item, rs, re, pS, pE
"""

_PEOPLE_ITEMS = f"""
  MATCH (a)-[:ATTENDED]->(x)<-[:ATTENDED]-(b:Person)
  WHERE (x:Event OR x:Programme) AND {_KEEP_B}
    AND COUNT {{ (x)<-[:ATTENDED]-(:Person) }} <= $crowd
  {_ACTIVITY_ROWS}
  UNION ALL
  MATCH (a)-[m1:MEMBER_OF]->(o:Organisation)<-[m2:MEMBER_OF]-(b:Person)
  WHERE {_KEEP_B} AND COUNT {{ (o)<-[:MEMBER_OF]-(:Person) }} <= $crowd
  {_both_held("m1", "m2", "ORGANISATION", "o.id")}
"""


def ties_query(kind: NetworkKind, whole: bool) -> str:
    """One record per actor (`$ids`, or every actor when `whole`) with its ties: per
    partner and kind of item, the count, the first and last date and the start dates."""
    label = ACTOR[kind]
    items = _ORGANISATION_ITEMS if kind is NetworkKind.ORGANISATIONS else _PEOPLE_ITEMS
    head = f"MATCH (a:{label})" if whole else f"UNWIND $ids AS aid MATCH (a:{label} {{id: aid}})"
    # Aggregated per actor in a subquery (one actor's ties held at a time, one record
    # per actor), as the projections are.
    return f"""
{head}
CALL (a) {{
  CALL (a) {{
    {items}
  }}
  RETURN collect([b.id, kind, item, rs, re, pS, pE]) AS rows
}}
RETURN a.id AS a, rows
"""


#: The actors that took part in an activity (or, in the people network, an
#: organisation's members), when the centre is not an actor of the network.
PARTICIPANTS: Final = f"""
MATCH (x:Entity {{id: $centre}})-[r]-(b:Entity)
WHERE $label IN labels(b) AND type(r) IN $types
  AND (NOT (x:Event OR x:Programme) OR ($from IS NULL AND $to IS NULL) OR
       (coalesce(x.startDate, x.endDate) IS NOT NULL
        AND ($from IS NULL OR {end_of("coalesce(x.endDate, x.startDate)")} >= $from)
        AND ($to IS NULL OR {start_of("coalesce(x.startDate, x.endDate)")} <= $to)))
RETURN collect(DISTINCT b.id) AS ids
"""

CENTRE: Final = f"""
MATCH (n:Entity {{id: $centre}})
RETURN n.id AS id, {NODE_TYPE} AS type, {DISPLAY} AS label
"""

NODES: Final = f"""
UNWIND $ids AS nid
MATCH (n:Entity {{id: nid}})
RETURN collect({{id: n.id, type: {NODE_TYPE}, label: {DISPLAY}, shortName: n.shortName,
                kind: n.kind, props: {all_props("n")}}}) AS rows
"""


class Centre(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    label: str


class CoNode(BaseModel):
    """An actor on the map, with its place in the network shown."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    label: str
    short_name: str | None = None
    kind: str | None = None
    #: partners on the map
    degree: int = 0
    #: shared items with the actors on the map (weighted degree)
    strength: int = 0
    #: normalised betweenness on the map (ties as distances 1/weight)
    betweenness: float = 0.0
    #: community on the map (Leiden, modularity; 0 = the largest)
    community: int = 0
    first_date: str | None = None
    last_date: str | None = None
    #: the whole-network scores stored by `koostoo analyse` (centrality…, community)
    scores: dict[str, Any] = Field(default_factory=dict)


class CoTie(BaseModel):
    """Two actors that worked together: how much (by kind of shared item) and when."""

    model_config = ConfigDict(frozen=True)

    #: `source|target`, the ids in order
    id: str
    source: str
    target: str
    weight: int
    events: int = 0
    programmes: int = 0
    services: int = 0
    #: direct relationships (organisations: membership, part of)
    relationships: int = 0
    #: organisations both were members of at the same time (people)
    organisations: int = 0
    first_date: str | None = None
    last_date: str | None = None
    #: the start date of each dated shared item, oldest first (weights as of a date)
    shared_dates: list[str] = Field(default_factory=list)


class CooperationNetwork(BaseModel):
    model_config = ConfigDict(frozen=True)

    network: NetworkKind
    centre: Centre | None = None
    from_: str | None = None
    to: str | None = None
    min_weight: int = 1
    nodes: list[CoNode]
    ties: list[CoTie]
    #: true when `max_nodes` cut the network short
    truncated: bool = False


class _Pair:
    __slots__ = ("counts", "items")

    def __init__(self) -> None:
        self.counts: dict[str, set[str]] = {}
        self.items: dict[str, tuple[str | None, str | None]] = {}

    def add(self, kind: str, item: str, start: str | None, end: str | None) -> None:
        self.counts.setdefault(kind, set()).add(item)
        self.items[f"{kind}:{item}"] = (start, end)

    @property
    def weight(self) -> int:
        return sum(len(v) for v in self.counts.values())


def _pairs(records: list[dict[str, Any]]) -> dict[tuple[str, str], _Pair]:
    pairs: dict[tuple[str, str], _Pair] = {}
    for rec in records:
        a = rec["a"]
        for b, kind, item, rs, re, _ps, _pe in rec["rows"]:
            key = (a, b) if a < b else (b, a)
            pairs.setdefault(key, _Pair()).add(kind, str(item), rs, re)
    return pairs


def tie_of(key: tuple[str, str], pair: _Pair) -> CoTie:
    starts = [s for s, _ in pair.items.values() if s]
    ends = [e for _, e in pair.items.values() if e]
    n = {k: len(pair.counts.get(k, ())) for k in KINDS}
    return CoTie(
        id=f"{key[0]}|{key[1]}",
        source=key[0],
        target=key[1],
        weight=pair.weight,
        events=n["EVENT"],
        programmes=n["PROGRAMME"],
        services=n["SERVICE"],
        relationships=n["RELATIONSHIP"],
        organisations=n["ORGANISATION"],
        first_date=min(starts, key=sort_key_start) if starts else None,
        last_date=max(ends, key=sort_key_end) if ends else None,
        shared_dates=sorted(starts, key=sort_key_start),
    )


def window_params(lo: str | None, hi: str | None, **extra: Any) -> dict[str, Any]:
    return {"from": lo, "to": hi, "crowd": CROWD, **extra}


async def ties_of(
    tx: AsyncManagedTransaction,
    kind: NetworkKind,
    ids: list[str] | None,
    params: dict[str, Any],
    *,
    within: list[str] | None,
    half: bool,
) -> dict[tuple[str, str], _Pair]:
    query = ties_query(kind, whole=ids is None)
    result = await tx.run(query, params, ids=ids, within=within, half=half)
    return _pairs([dict(r) async for r in result])


def _strongest(pairs: dict[tuple[str, str], _Pair], min_weight: int) -> dict[str, int]:
    """Weighted degree per actor over the ties of at least `min_weight`."""
    strength: dict[str, int] = {}
    for (a, b), pair in pairs.items():
        if pair.weight >= min_weight:
            strength[a] = strength.get(a, 0) + pair.weight
            strength[b] = strength.get(b, 0) + pair.weight
    return strength


async def _ego_ids(
    tx: AsyncManagedTransaction,
    kind: NetworkKind,
    centre: Centre,
    depth: int,
    params: dict[str, Any],
    min_weight: int,
    max_nodes: int,
) -> tuple[list[str], bool]:
    """The centre (when an actor) and the actors within `depth` ties of it, nearest and
    then strongest first."""
    label = ACTOR[kind]
    seen: dict[str, None] = {}
    if centre.type == label:
        seen[centre.id] = None
        frontier = [centre.id]
    else:
        types = [*PARTICIPATION, "PROVIDES"] if kind is NetworkKind.ORGANISATIONS else []
        if kind is NetworkKind.PEOPLE:
            types = ["ATTENDED"] if centre.type in ("Event", "Programme") else ["MEMBER_OF"]
        found = await (
            await tx.run(PARTICIPANTS, params, centre=centre.id, label=label, types=types)
        ).single(strict=True)
        frontier = sorted(found["ids"])[:max_nodes]
        seen.update(dict.fromkeys(frontier))
        depth -= 1
        if len(frontier) < len(found["ids"]):
            return list(seen), True
    for _ in range(depth):
        if not frontier:
            break
        pairs = await ties_of(tx, kind, frontier, params, within=None, half=False)
        weight: dict[str, int] = {}
        for (a, b), pair in pairs.items():
            if pair.weight < min_weight:
                continue
            for other in (a, b):
                if other not in seen:
                    weight[other] = weight.get(other, 0) + pair.weight
        nxt = sorted(weight, key=lambda i: (-weight[i], i))
        for nid in nxt:
            if len(seen) >= max_nodes:
                return list(seen), True
            seen[nid] = None
        frontier = nxt
    return list(seen), False


def _measure(ids: list[str], ties: list[CoTie]) -> tuple[list[float], list[int]]:
    """Betweenness and community per actor, on the network shown."""
    index = {nid: i for i, nid in enumerate(ids)}
    g = to_igraph(
        Projection(
            kind=NetworkKind.ORGANISATIONS,
            ids=ids,
            edges=[(index[t.source], index[t.target]) for t in ties],
            weights=[float(t.weight) for t in ties],
        )
    )
    return compute(g, Metric.BETWEENNESS), detect(g, 1.0)


async def cooperation_network(
    graph: Graph,
    network: NetworkKind = NetworkKind.ORGANISATIONS,
    *,
    centre: str | None = None,
    depth: int = 1,
    from_: str | date | None = None,
    to: str | date | None = None,
    min_weight: int = 1,
    max_nodes: int = 200,
) -> CooperationNetwork:
    """The cooperation network of `network`'s actors: around `centre` (`depth` 1–2), or
    the whole network when no centre is given; ties of at least `min_weight` shared items
    in the window. Raises `NotFound` for an unknown centre and `InvalidInput` (naming the
    argument) for a centre of the wrong type, a bad depth, weight, size or window."""
    lo, hi = window(from_, to)
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput([("depth", f"must be between 1 and {MAX_DEPTH}")])
    if not 1 <= min_weight <= 1000:
        raise InvalidInput([("minWeight", "must be between 1 and 1000")])
    if not 1 <= max_nodes <= MAX_NODES:
        raise InvalidInput([("maxNodes", f"must be between 1 and {MAX_NODES}")])
    params = window_params(lo, hi)
    label = ACTOR[network]

    async def work(tx: AsyncManagedTransaction) -> tuple[Centre | None, list[str], bool, Any]:
        found: Centre | None = None
        if centre is not None:
            row = await (await tx.run(CENTRE, centre=centre)).single()
            if row is None:
                raise NotFound(centre)
            found = Centre(id=row["id"], type=row["type"], label=str(row["label"]))
            allowed = (label, *ACTIVITIES, *(("Organisation",) if label == "Person" else ()))
            if found.type not in allowed:
                wanted = ", ".join(allowed)
                problem = f"{centre!r} is a {found.type}, not one of {wanted}"
                raise InvalidInput([("centre", problem)])
            ids, truncated = await _ego_ids(
                tx, network, found, depth, params, min_weight, max_nodes
            )
            pairs = await ties_of(tx, network, ids, params, within=ids, half=True)
        else:
            pairs = await ties_of(tx, network, None, params, within=None, half=True)
            strength = _strongest(pairs, min_weight)
            ranked = sorted(strength, key=lambda i: (-strength[i], i))
            ids, truncated = ranked[:max_nodes], len(ranked) > max_nodes
        rows = (await (await tx.run(NODES, ids=ids)).single(strict=True))["rows"]
        return found, ids, truncated, (pairs, rows)

    found, ids, truncated, (pairs, rows) = await graph.read(work)
    keep = set(ids)
    ties = sorted(
        (
            tie_of(key, pair)
            for key, pair in pairs.items()
            if pair.weight >= min_weight and key[0] in keep and key[1] in keep
        ),
        key=lambda t: (t.source, t.target),
    )
    # An actor left without a tie is not part of the answer, unless it is the centre.
    tied = {t.source for t in ties} | {t.target for t in ties}
    ids = [i for i in ids if i in tied or (found is not None and i == found.id)]
    betweenness, community = await asyncio.to_thread(_measure, ids, ties)
    info = {r["id"]: r for r in rows}
    by_actor: dict[str, list[CoTie]] = {nid: [] for nid in ids}
    for t in ties:
        by_actor[t.source].append(t)
        by_actor[t.target].append(t)
    nodes = []
    for i, nid in enumerate(ids):
        mine = by_actor[nid]
        starts = [t.first_date for t in mine if t.first_date]
        ends = [t.last_date for t in mine if t.last_date]
        props = present(info[nid]["props"])
        nodes.append(
            CoNode(
                id=nid,
                type=info[nid]["type"],
                label=str(info[nid]["label"]),
                short_name=info[nid].get("shortName"),
                kind=info[nid].get("kind"),
                degree=len(mine),
                strength=sum(t.weight for t in mine),
                betweenness=betweenness[i],
                community=community[i],
                first_date=min(starts, key=sort_key_start) if starts else None,
                last_date=max(ends, key=sort_key_end) if ends else None,
                scores={k: v for k, v in sorted(props.items()) if k.startswith(SCORE_PREFIXES)},
            )
        )
    nodes.sort(key=lambda n: (-n.strength, n.label.casefold(), n.id))
    return CooperationNetwork(
        network=network,
        centre=found,
        from_=lo,
        to=hi,
        min_weight=min_weight,
        nodes=nodes,
        ties=ties,
        truncated=truncated,
    )
