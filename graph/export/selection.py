"""What an export holds: the selection `egoNetwork` and `networkGraph` use (the
neighbourhood of one entity, or the whole graph as a `NetworkFilter` keeps it), the
attribute declarations GraphML and GEXF need before the data (from a first pass over the
property keys and value types of the selection), and the nodes and edges themselves,
read in keyset pages while the writer formats the previous one."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Final

import neo4j
from neo4j import AsyncTransaction

from graph.analytics.network import (
    HIDDEN_PROPERTIES,
    NODE_TYPE,
    PRIVATE_PROPERTIES,
    REL_IN_WINDOW,
    NetworkFilter,
    ego_ids,
    jsonable,
    node_in_window,
)
from graph.errors import InvalidInput
from graph.props import all_props, present

#: JSON text with non-ASCII characters kept; one encoder for every element (json.dumps
#: with options builds a new one per call).
json_text: Final = json.JSONEncoder(ensure_ascii=False).encode


def _kept(var: str) -> str:
    """Cypher: node `var` is in the selection (one of the ego ids; for the whole graph,
    of a wanted type and inside the date window)."""
    of_type = f"[l IN labels({var}) WHERE l <> 'Entity'][0]"
    return f"""($ids IS NULL OR {var}.id IN $ids)
  AND ($ids IS NOT NULL OR (($labels IS NULL OR {of_type} IN $labels)
                            AND {node_in_window(var)}))"""


NODE_SELECTION: Final = f"""
MATCH (n:Entity)
WHERE {_kept("n")}
"""

#: Nodes and edges are read in keyset pages of `PAGE` nodes in id order, each page one
#: record (`rows`; `last`, the page's last node id; `seen`, its node count): the async
#: driver's cost is per record (about 0.1 ms), and one record per node made reading the
#: rows most of an export's time.
PAGE: Final = 1000

NODES: Final = f"""
MATCH (n:Entity)
WHERE n.id > $after AND {_kept("n")}
WITH n ORDER BY n.id LIMIT $page
RETURN collect({{id: n.id, type: {NODE_TYPE},
                label: coalesce(n.name, n.title, left(n.body, 80), n.id),
                props: {all_props("n")}}}) AS rows,
       max(n.id) AS last, count(n) AS seen
"""

NODE_KEYS: Final = (
    NODE_SELECTION
    + """
UNWIND keys(n) AS k
RETURN k, collect(DISTINCT valueType(n[k])) AS types
"""
)

#: A kept relationship from a kept source `a` (the target `b` kept too).
_EDGE_KEPT: Final = f"type(r) IN $types AND {REL_IN_WINDOW} AND {_kept('b')}"

EDGE_SELECTION: Final = f"""
MATCH (a:Entity)-[r]->(b:Entity)
WHERE {_kept("a")} AND {_EDGE_KEPT}
"""

#: The same edges as EDGE_SELECTION, by keyset pages of their source nodes.
EDGES: Final = f"""
MATCH (a:Entity)
WHERE a.id > $after AND {_kept("a")}
WITH a ORDER BY a.id LIMIT $page
CALL (a) {{
  MATCH (a)-[r]->(b:Entity)
  WHERE {_EDGE_KEPT}
  RETURN collect([b.id, type(r), {all_props("r")}]) AS out
}}
RETURN collect(CASE WHEN size(out) > 0 THEN [a.id, out] END) AS rows,
       max(a.id) AS last, count(a) AS seen
"""

EDGE_KEYS: Final = (
    EDGE_SELECTION
    + """
UNWIND keys(r) AS k
RETURN k, collect(DISTINCT valueType(r[k])) AS types
"""
)

#: EDGE_KEYS for the whole graph, from the schema scan Neo4j runs in Java (about a third
#: of EDGE_KEYS's time on M). It covers every relationship of the wanted types, so a key
#: found only outside the date window is declared and not used, which is harmless.
EDGE_KEYS_ALL: Final = """
CALL db.schema.relTypeProperties() YIELD relType, propertyName, propertyTypes
WITH substring(relType, 2, size(relType) - 3) AS type, propertyName AS k, propertyTypes
WHERE k IS NOT NULL AND type IN $types
UNWIND propertyTypes AS t
RETURN k, collect(DISTINCT CASE t
  WHEN 'Long' THEN 'INTEGER' WHEN 'Integer' THEN 'INTEGER'
  WHEN 'Double' THEN 'FLOAT' WHEN 'Float' THEN 'FLOAT'
  WHEN 'Boolean' THEN 'BOOLEAN' ELSE 'STRING' END) AS types
"""


@dataclass(frozen=True)
class Attr:
    """One exported property: its name and GraphML/GEXF type."""

    key: str
    kind: str  # "boolean" | "long" | "double" | "string"

    def value(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.kind == "string":
            if type(raw) is str:
                return raw
            if isinstance(raw, list):
                return json_text(jsonable(raw))
            value = jsonable(raw)
            return value if isinstance(value, str) else json_text(value)
        return raw


def _kind(types: list[str]) -> str:
    base = {t.removesuffix(" NOT NULL") for t in types}
    if base == {"BOOLEAN"}:
        return "boolean"
    if base == {"INTEGER"}:
        return "long"
    if base and base <= {"INTEGER", "FLOAT"}:
        return "double"
    return "string"


@dataclass(frozen=True)
class Selection:
    params: dict[str, Any]
    node_attrs: list[Attr]
    edge_attrs: list[Attr]


def node_props(props: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in props.items() if k not in HIDDEN_PROPERTIES and k not in PRIVATE_PROPERTIES
    }


async def _attrs(
    tx: AsyncTransaction, query: str, params: dict[str, Any], hidden: frozenset[str]
) -> list[Attr]:
    result = await tx.run(query, params)
    found = [Attr(r["k"], _kind(r["types"])) async for r in result if r["k"] not in hidden]
    return sorted(found, key=lambda a: a.key)


async def select(
    tx: AsyncTransaction, centre: str | None, depth: int, filter: NetworkFilter
) -> Selection:
    """The selection around `centre` within `depth` hops (None: the whole graph as
    `filter` keeps it), with its attribute declarations."""
    params = filter.params()
    if centre is None:
        params["ids"] = None
    else:
        if not 1 <= depth <= 3:
            raise InvalidInput([("depth", "must be 1, 2 or 3")])
        ids, _ = await ego_ids(tx, centre, depth, params, filter.max_nodes)
        params["ids"] = ids
    node_attrs = await _attrs(tx, NODE_KEYS, params, HIDDEN_PROPERTIES | PRIVATE_PROPERTIES)
    edge_keys = EDGE_KEYS_ALL if params["ids"] is None else EDGE_KEYS
    edge_attrs = await _attrs(tx, edge_keys, params, frozenset())
    return Selection(params, node_attrs, edge_attrs)


async def pages(
    tx: AsyncTransaction, query: str, params: dict[str, Any]
) -> AsyncIterator[list[Any]]:
    """The `rows` of `query`'s keyset pages. The next page is read while the caller
    formats this one, so Neo4j and the exporter work at the same time."""

    async def page(after: str) -> neo4j.Record:
        record = await (await tx.run(query, {**params, "after": after, "page": PAGE})).single()
        assert record is not None  # an aggregation without grouping keys: always one row
        return record

    pending = asyncio.ensure_future(page(""))
    try:
        while True:
            current = await pending
            more = current["seen"] == PAGE
            if more:
                pending = asyncio.ensure_future(page(current["last"]))
                await asyncio.sleep(0)  # let it send the query before we format this page
            yield current["rows"]
            if not more:
                return
    finally:
        # Stopped early (error, client gone): let the page in flight finish, so the
        # transaction can still be rolled back.
        if not pending.done():
            with contextlib.suppress(Exception):
                await pending


async def nodes(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[dict[str, Any]]:
    """The selected nodes in id order: id, type, label and properties (contact details
    and internal properties left out)."""
    async for rows in pages(tx, NODES, sel.params):
        for r in rows:
            yield {
                "id": r["id"],
                "type": r["type"],
                "label": r["label"],
                "props": node_props(present(r["props"])),
            }


async def edges(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[dict[str, Any]]:
    """The selected edges by source node id: id, source, target, type and properties."""
    async for rows in pages(tx, EDGES, sel.params):
        for source, out in rows:
            for target, rel_type, props in out:
                yield {
                    "id": f"{rel_type}:{source}->{target}",
                    "source": source,
                    "target": target,
                    "type": rel_type,
                    "props": present(props),
                }
