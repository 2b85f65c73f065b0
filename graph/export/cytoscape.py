"""The cytoscape.js JSON writer (`elements` of nodes and edges, with each edge's sources)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from neo4j import AsyncTransaction

from graph.analytics.network import jsonable
from graph.export.selection import Selection, edges, json_text, nodes


def _sources(props: dict[str, Any]) -> list[dict[str, Any]]:
    ids = props.get("sourceIds") or []
    quotes = props.get("evidence") or []
    return [
        {"document": d, "quote": quotes[i] if i < len(quotes) else None} for i, d in enumerate(ids)
    ]


async def write(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
    yield '{"format_version": "1.0", "generated_by": "koostoo", "elements": {"nodes": ['
    first = True
    async for n in nodes(tx, sel):
        props = {k: jsonable(v) for k, v in sorted(n["props"].items())}
        data = {"id": n["id"], "label": n["label"], "type": n["type"], "properties": props}
        yield ("" if first else ",") + "\n" + json_text({"data": data})
        first = False
    yield '\n], "edges": ['
    first = True
    async for e in edges(tx, sel):
        props = {
            k: jsonable(v)
            for k, v in sorted(e["props"].items())
            if k not in ("sourceIds", "evidence")
        }
        data = {
            "id": e["id"],
            "source": e["source"],
            "target": e["target"],
            "type": e["type"],
            "weight": 1.0,
            "properties": props,
            "sources": _sources(e["props"]),
        }
        yield ("" if first else ",") + "\n" + json_text({"data": data})
        first = False
    yield "\n]}}\n"
