"""Networks ready for a front-end (cytoscape.js, d3, Gephi): nodes and edges with ids,
types, display labels, JSON-safe properties, stored analytics scores and edge sources.

`ego` is the neighbourhood of one entity; `whole` is the graph as a filter selects it.
Both are bounded (`max_nodes`) and say when they were cut short.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Final

import neo4j.time
from neo4j import AsyncManagedTransaction, AsyncTransaction
from neo4j.spatial import Point
from pydantic import BaseModel, ConfigDict, Field

from graph.analytics.dates import end_of, start_of, window
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.labels import ENTITY_LABELS
from graph.models.registry import TYPES
from graph.models.relationships import RELATIONS, RelType
from graph.models.spec import DERIVED
from graph.props import all_props, present

#: Every relationship type a network may follow when asked for it.
ALL_TYPES: Final = tuple(t.value for t in RelType)
#: Relationship types a network follows unless told otherwise: those the model declares
#: `shown` (a campaign's stakeholder assessments, advocacy positions, are not drawn
#: unless asked for).
DEFAULT_TYPES: Final = tuple(r.type.value for r in RELATIONS if r.shown)
#: Bookkeeping properties a front-end has no use for.
HIDDEN_PROPERTIES: Final = frozenset(DERIVED)
#: Properties the model keeps out of every network view and export (personal contact
#: details: `Prop(export=False)`).
PRIVATE_PROPERTIES: Final = frozenset(f.key for t in TYPES for f in t.fields if not f.prop.export)
#: Stored analytics scores (written by `koostoo analyse`), surfaced per node.
SCORE_PREFIXES: Final = ("centrality", "community")
MAX_NODES: Final = 5000

NODE_TYPE = "[l IN labels(n) WHERE l <> 'Entity'][0]"
DISPLAY = "coalesce(n.name, n.title, left(n.body, 80), n.id)"

#: A relationship valid in [$from, $to] (periods with `from`/`to` must overlap).
REL_IN_WINDOW: Final = f"""
($from IS NULL OR r.to IS NULL OR {end_of("r.to")} >= $from)
AND ($to IS NULL OR r.from IS NULL OR {start_of("r.from")} <= $to)
"""


def node_in_window(var: str) -> str:
    """An event or programme overlapping [$from, $to]; other nodes always pass."""
    s = f"coalesce({var}.startDate, {var}.endDate)"
    e = f"coalesce({var}.endDate, {var}.startDate)"
    return f"""
(NOT ({var}:Event OR {var}:Programme) OR (
  ($from IS NULL OR {e} IS NULL OR {end_of(e)} >= $from)
  AND ($to IS NULL OR {s} IS NULL OR {start_of(s)} <= $to)))
"""


EXPAND: Final = f"""
UNWIND $frontier AS fid
MATCH (a:Entity {{id: fid}})-[r]-(n:Entity)
WHERE type(r) IN $types AND {REL_IN_WINDOW} AND {node_in_window("n")}
  AND ($labels IS NULL OR {NODE_TYPE} IN $labels)
WITH DISTINCT n.id AS id
ORDER BY id
RETURN collect(id) AS ids
"""

NODES: Final = f"""
UNWIND $ids AS nid
MATCH (n:Entity {{id: nid}})
RETURN collect({{id: n.id, type: {NODE_TYPE}, label: {DISPLAY}, props: {all_props("n")}}}) AS rows
"""

EDGES: Final = f"""
UNWIND $ids AS aid
MATCH (a:Entity {{id: aid}})-[r]->(b:Entity)
WHERE b.id IN $ids AND type(r) IN $types AND {REL_IN_WINDOW}
WITH a.id AS source, b.id AS target, type(r) AS type, {all_props("r")} AS props
ORDER BY source, type, target
RETURN collect({{source: source, target: target, type: type, props: props}}) AS rows
"""

WHOLE_NODES: Final = f"""
MATCH (n:Entity)
WHERE ($labels IS NULL OR {NODE_TYPE} IN $labels) AND {node_in_window("n")}
WITH n.id AS id
ORDER BY id
LIMIT $limit
RETURN collect(id) AS ids
"""

DOCUMENTS: Final = """
UNWIND $ids AS did
MATCH (d:Document {id: did})
RETURN d.id AS id, d.title AS title
"""


class SourceDoc(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str | None = None


class EdgeSource(BaseModel):
    """A document that supports an edge, and the quote."""

    model_config = ConfigDict(frozen=True)

    document: SourceDoc
    quote: str | None = None


class NetNode(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    #: the node label (Organisation, Person, Event, …)
    type: str
    #: the display name
    label: str
    properties: dict[str, Any]
    #: stored analytics scores (centrality*, community*), empty until `koostoo analyse`
    scores: dict[str, Any] = Field(default_factory=dict)


class NetEdge(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: stable: `TYPE:source->target` (one relationship per type and ordered pair)
    id: str
    source: str
    target: str
    type: str
    weight: float = 1.0
    properties: dict[str, Any]
    sources: list[EdgeSource] = Field(default_factory=list)


class Network(BaseModel):
    model_config = ConfigDict(frozen=True)

    nodes: list[NetNode]
    edges: list[NetEdge]
    #: true when `max_nodes` cut the network short
    truncated: bool = False


class NetworkFilter(BaseModel):
    """What a network view (and an export) keeps."""

    model_config = ConfigDict(frozen=True)

    relationship_types: tuple[str, ...] = DEFAULT_TYPES
    #: node labels to keep (the centre of an ego network is always kept)
    labels: tuple[str, ...] | None = None
    from_: str | None = None
    to: str | None = None
    max_nodes: int = 500

    def params(self) -> dict[str, Any]:
        lo, hi = window(self.from_, self.to)
        types = list(dict.fromkeys(self.relationship_types))
        for t in types:
            if t not in ALL_TYPES:
                raise InvalidInput([("relationshipTypes", f"unknown relationship type {t!r}")])
        if self.labels is not None:
            for label in self.labels:
                if label not in ENTITY_LABELS:
                    raise InvalidInput([("labels", f"unknown entity type {label!r}")])
        if not 1 <= self.max_nodes <= MAX_NODES:
            raise InvalidInput([("maxNodes", f"must be between 1 and {MAX_NODES}")])
        return {
            "types": types,
            "labels": list(self.labels) if self.labels is not None else None,
            "from": lo,
            "to": hi,
        }


def jsonable(value: Any) -> Any:
    """A Neo4j property value as JSON (temporal values as ISO strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date | neo4j.time.Time):
        return value.iso_format()
    if isinstance(value, neo4j.time.Duration):
        return value.iso_format()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)


def _node(row: dict[str, Any]) -> NetNode:
    # empty when not asked for (`Detail`)
    props = (
        {
            k: jsonable(v)
            for k, v in sorted(present(row["props"]).items())
            if k not in HIDDEN_PROPERTIES and k not in PRIVATE_PROPERTIES
        }
        if row["props"]
        else {}
    )
    scores = {k: v for k, v in props.items() if k.startswith(SCORE_PREFIXES)}
    return NetNode(
        id=row["id"], type=row["type"], label=str(row["label"]), properties=props, scores=scores
    )


def _edge(row: dict[str, Any], titles: dict[str, str | None]) -> NetEdge:
    props = (
        {k: jsonable(v) for k, v in sorted(present(row["props"]).items())} if row["props"] else {}
    )
    doc_ids = props.pop("sourceIds", None) or []
    quotes = props.pop("evidence", None) or []
    sources = [
        EdgeSource(
            document=SourceDoc(id=d, title=titles.get(d)),
            quote=quotes[i] if i < len(quotes) else None,
        )
        for i, d in enumerate(doc_ids)
    ]
    return NetEdge(
        id=f"{row['type']}:{row['source']}->{row['target']}",
        source=row["source"],
        target=row["target"],
        type=row["type"],
        properties=props,
        sources=sources,
    )


async def document_titles(tx: AsyncManagedTransaction, ids: Iterable[str]) -> dict[str, str | None]:
    result = await tx.run(DOCUMENTS, ids=sorted(set(ids)))
    return {r["id"]: r["title"] async for r in result}


async def materialise(
    tx: AsyncManagedTransaction, ids: Sequence[str], params: dict[str, Any], truncated: bool
) -> Network:
    """Nodes `ids` and every relationship among them that the filter keeps."""
    # One record per query (a list of rows): the async driver's cost per record, not
    # Neo4j, dominated these with a record per node and per edge.
    found = await (await tx.run(NODES, ids=list(ids))).single(strict=True)
    nodes = [_node(row) for row in found["rows"]]
    rows = (await (await tx.run(EDGES, params, ids=list(ids))).single(strict=True))["rows"]
    titles = await document_titles(
        tx, (d for r in rows for d in (r["props"].get("sourceIds") or []))
    )
    nodes.sort(key=lambda n: (n.type, n.label.casefold(), n.id))
    return Network(nodes=nodes, edges=[_edge(r, titles) for r in rows], truncated=truncated)


async def ego_ids(
    tx: AsyncManagedTransaction | AsyncTransaction,
    centre: str,
    depth: int,
    params: dict[str, Any],
    max_nodes: int,
) -> tuple[list[str], bool]:
    """Breadth-first: the ids within `depth` hops of `centre`, nearest first."""
    found = await (await tx.run("MATCH (n:Entity {id: $id}) RETURN n.id AS id", id=centre)).single()
    if found is None:
        raise NotFound(centre)
    seen: dict[str, None] = {centre: None}
    frontier = [centre]
    for _ in range(depth):
        if not frontier:
            break
        result = await tx.run(EXPAND, params, frontier=frontier)
        nxt = [i for i in (await result.single(strict=True))["ids"] if i not in seen]
        for nid in nxt:
            if len(seen) >= max_nodes:
                return list(seen), True
            seen[nid] = None
        frontier = nxt
    return list(seen), False


class Detail(BaseModel):
    """What of a network the caller reads besides ids, types and labels: leaving out
    what nobody asked for spares Neo4j reading it, the driver decoding it and Python
    converting it (the properties are most of an ego network's bytes)."""

    model_config = ConfigDict(frozen=True)

    #: the nodes' properties and scores
    node_properties: bool = True
    #: the edges' properties and sources (quotes and document titles)
    edge_properties: bool = True


FULL: Final = Detail()


@lru_cache(maxsize=16)
def ego_query(depth: int, detail: Detail = FULL) -> str:
    """The ego network of `$id` in one statement (`depth` 1..3, a literal): the
    breadth-first levels as `ego_ids` finds them (each level's new nodes by id, nearest
    first, at most `$maxNodes`, `truncated` when more were found), then their rows,
    the edges among them and the titles of the edges' documents, as `materialise`
    reads them. Properties `detail` leaves out come as empty maps (no titles)."""
    assert 1 <= int(depth) <= 3
    node_props = all_props("n") if detail.node_properties else "{}"
    edge_props = all_props("r") if detail.edge_properties else "{}"
    levels = []
    for level in range(1, int(depth) + 1):
        levels.append(f"""
CALL (frontier, seen) {{
  WITH frontier, seen WHERE size(seen) <= $maxNodes
  UNWIND frontier AS a
  MATCH (a)-[r]-(n:Entity)
  WHERE type(r) IN $types AND {REL_IN_WINDOW} AND {node_in_window("n")}
    AND ($labels IS NULL OR {NODE_TYPE} IN $labels)
  WITH DISTINCT n ORDER BY n.id
  RETURN collect(n) AS found{level}
}}
WITH c, seen, [x IN found{level} WHERE NOT x IN seen] AS frontier
WITH c, seen + frontier AS seen, frontier""")
    return f"""
MATCH (c:Entity {{id: $id}})
WITH c, [c] AS seen, [c] AS frontier{"".join(levels)}
WITH seen[..$maxNodes] AS ns, size(seen) > $maxNodes AS truncated
CALL (ns) {{
  UNWIND ns AS a
  MATCH (a)-[r]->(b:Entity)
  WHERE b IN ns AND type(r) IN $types AND {REL_IN_WINDOW}
  WITH a.id AS source, b.id AS target, type(r) AS type, {edge_props} AS props
  ORDER BY source, type, target
  RETURN collect({{source: source, target: target, type: type, props: props}}) AS edges
}}
CALL (edges) {{
  UNWIND edges AS e
  UNWIND coalesce(e.props.sourceIds, []) AS did
  WITH DISTINCT did
  MATCH (d:Document {{id: did}})
  RETURN collect([d.id, d.title]) AS titles
}}
RETURN [n IN ns | {{id: n.id, type: {NODE_TYPE}, label: {DISPLAY}, props: {node_props}}}]
         AS nodes, edges, titles, truncated
"""


async def ego(
    graph: Graph,
    centre: str,
    *,
    depth: int = 1,
    filter: NetworkFilter | None = None,
    detail: Detail = FULL,
) -> Network:
    """The entities within `depth` (1..3) hops of `centre` and the edges among them, in
    one statement (`ego_query`); properties `detail` leaves out are empty.

    Raises `NotFound` for an unknown centre and `InvalidInput` for a bad depth, type,
    label or window.
    """
    filter = filter or NetworkFilter()
    if not 1 <= depth <= 3:
        raise InvalidInput([("depth", "must be 1, 2 or 3")])
    params = filter.params() | {"id": centre, "maxNodes": filter.max_nodes}

    async def work(tx: AsyncManagedTransaction) -> Network:
        row = await (await tx.run(ego_query(depth, detail), params)).single()
        if row is None:
            raise NotFound(centre)
        nodes = [_node(n) for n in row["nodes"]]
        nodes.sort(key=lambda n: (n.type, n.label.casefold(), n.id))
        titles: dict[str, str | None] = dict(row["titles"])
        edges = [_edge(r, titles) for r in row["edges"]]
        return Network(nodes=nodes, edges=edges, truncated=row["truncated"])

    return await graph.read(work)


async def whole_ids(
    tx: AsyncManagedTransaction, params: dict[str, Any], max_nodes: int
) -> tuple[list[str], bool]:
    result = await tx.run(WHOLE_NODES, params, limit=max_nodes + 1)
    ids: list[str] = (await result.single(strict=True))["ids"]
    return ids[:max_nodes], len(ids) > max_nodes


async def whole(graph: Graph, filter: NetworkFilter | None = None) -> Network:
    """Every entity the filter keeps (up to `max_nodes`, by id) and the edges among them."""
    filter = filter or NetworkFilter()
    params = filter.params()

    async def work(tx: AsyncManagedTransaction) -> Network:
        ids, truncated = await whole_ids(tx, params, filter.max_nodes)
        return await materialise(tx, ids, params, truncated)

    return await graph.read(work)
