"""Streaming graph exports: cytoscape.js JSON, GraphML (yEd, Gephi), GEXF 1.2 (Gephi)
and CSV (a zip of nodes.csv and edges.csv).

Everything is generated in chunks while the records stream out of one read transaction,
so memory stays flat however large the graph. The selection is the one `egoNetwork` and
`networkGraph` use: the neighbourhood of one entity, or the whole graph as a
`NetworkFilter` keeps it. Attribute declarations (GraphML/GEXF need them before the data)
come from a first pass over the property keys and value types of the selection.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import math
import re
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, Final

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
from graph.chars import xml_safe, xml_safe_id
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.props import all_props, present

CHUNK_BYTES: Final = 64 * 1024

#: JSON text with non-ASCII characters kept; one encoder for every element (json.dumps
#: with options builds a new one per call).
_json: Final = json.JSONEncoder(ensure_ascii=False).encode


class Format(StrEnum):
    CYTOSCAPE = "cytoscape"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"


MEDIA_TYPES: Final = {
    Format.CYTOSCAPE: "application/json",
    Format.GRAPHML: "application/graphml+xml",
    Format.GEXF: "application/gexf+xml",
    Format.CSV: "application/zip",
}
EXTENSIONS: Final = {
    Format.CYTOSCAPE: "cyjs",
    Format.GRAPHML: "graphml",
    Format.GEXF: "gexf",
    Format.CSV: "zip",
}


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

#: Attribute names the exporters use themselves; properties of the same name are renamed.
_NODE_FIXED: Final = ("label", "type")
_EDGE_FIXED: Final = ("type", "weight", "label")


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
                return _json(jsonable(raw))
            value = jsonable(raw)
            return value if isinstance(value, str) else _json(value)
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


async def _select(
    tx: AsyncTransaction, centre: str | None, depth: int, filter: NetworkFilter
) -> Selection:
    params = filter.params()
    if centre is None:
        params["ids"] = None
    else:
        if not 1 <= depth <= 3:
            raise InvalidInput([("depth", "must be 1, 2 or 3")])
        ids, _ = await ego_ids(tx, centre, depth, params, filter.max_nodes)  # type: ignore[arg-type]
        params["ids"] = ids
    node_attrs = await _attrs(tx, NODE_KEYS, params, HIDDEN_PROPERTIES | PRIVATE_PROPERTIES)
    edge_keys = EDGE_KEYS_ALL if params["ids"] is None else EDGE_KEYS
    edge_attrs = await _attrs(tx, edge_keys, params, frozenset())
    return Selection(params, node_attrs, edge_attrs)


Writer = Callable[[AsyncTransaction, Selection], AsyncIterator[str | bytes]]


async def stream(
    graph: Graph,
    fmt: Format,
    *,
    centre: str | None = None,
    depth: int = 1,
    filter: NetworkFilter | None = None,
) -> AsyncIterator[bytes]:
    """The export as chunks of bytes (about `CHUNK_BYTES` each).

    Validation (format, filter, centre) happens before the first chunk: call `prepare`
    first when the caller must answer bad input with an error status instead of a broken
    stream.
    """
    filter = filter or NetworkFilter(max_nodes=5000)
    writer = WRITERS[Format(fmt)]
    async with graph.driver.session(
        database=graph.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        tx = await session.begin_transaction()
        try:
            selection = await _select(tx, centre, depth, filter)
            buffer: list[bytes] = []
            size = 0
            async for piece in writer(tx, selection):
                # "replace": a lone surrogate (which Neo4j never returns) becomes "?"
                # instead of ending the download half-way
                data = piece.encode("utf-8", "replace") if isinstance(piece, str) else piece
                buffer.append(data)
                size += len(data)
                if size >= CHUNK_BYTES:
                    yield b"".join(buffer)
                    buffer, size = [], 0
            if buffer:
                yield b"".join(buffer)
        finally:
            await tx.rollback()


async def prepare(graph: Graph, *, centre: str | None, depth: int, filter: NetworkFilter) -> None:
    """Check the request (raises `InvalidInput` / `NotFound`) before streaming starts."""
    filter.params()

    async def work(tx: Any) -> None:
        if centre is not None:
            if not 1 <= depth <= 3:
                raise InvalidInput([("depth", "must be 1, 2 or 3")])
            await ego_ids(tx, centre, 0, filter.params(), filter.max_nodes)

    await graph.read(work)


async def _pages(
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


async def _nodes(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[dict[str, Any]]:
    async for rows in _pages(tx, NODES, sel.params):
        for r in rows:
            yield {
                "id": r["id"],
                "type": r["type"],
                "label": r["label"],
                "props": node_props(present(r["props"])),
            }


async def _edges(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[dict[str, Any]]:
    async for rows in _pages(tx, EDGES, sel.params):
        for source, out in rows:
            for target, rel_type, props in out:
                yield {
                    "id": f"{rel_type}:{source}->{target}",
                    "source": source,
                    "target": target,
                    "type": rel_type,
                    "props": present(props),
                }


def _sources(props: dict[str, Any]) -> list[dict[str, Any]]:
    ids = props.get("sourceIds") or []
    quotes = props.get("evidence") or []
    return [
        {"document": d, "quote": quotes[i] if i < len(quotes) else None} for i, d in enumerate(ids)
    ]


# --- cytoscape.js -------------------------------------------------------------------


async def _cytoscape(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
    yield '{"format_version": "1.0", "generated_by": "koostoo", "elements": {"nodes": ['
    first = True
    async for n in _nodes(tx, sel):
        props = {k: jsonable(v) for k, v in sorted(n["props"].items())}
        data = {"id": n["id"], "label": n["label"], "type": n["type"], "properties": props}
        yield ("" if first else ",") + "\n" + _json({"data": data})
        first = False
    yield '\n], "edges": ['
    first = True
    async for e in _edges(tx, sel):
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
        yield ("" if first else ",") + "\n" + _json({"data": data})
        first = False
    yield "\n]}}\n"


# --- GraphML ------------------------------------------------------------------------


_ATTR_SPECIAL: Final = re.compile('[&<>"\n\r\t]')


def _xml_text(value: str) -> str:
    """`value` escaped for XML character data (saxutils.escape, without its call cost:
    an export escapes millions of mostly plain strings), characters XML forbids replaced."""
    value = xml_safe(value)
    if "&" in value or "<" in value or ">" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _xml_attr(value: str) -> str:
    """`value` as a double-quoted XML attribute value (as saxutils.quoteattr, which may
    choose single quotes instead), characters XML forbids replaced."""
    value = xml_safe(value)
    if _ATTR_SPECIAL.search(value) is None:
        return f'"{value}"'
    escaped = _xml_text(value).replace('"', "&quot;")
    return '"' + escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _xml_id(value: str) -> str:
    """A node or edge id as an XML attribute value: see `xml_safe_id`."""
    return _xml_attr(xml_safe_id(value))


def _xml_value(attr: Attr, raw: Any) -> str:
    value = attr.value(raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _xml_text(str(value))


def _exported_name(key: str, fixed: tuple[str, ...]) -> str:
    return f"property_{key}" if key in fixed else key


async def _graphml(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        '<key id="n_label" for="node" attr.name="label" attr.type="string"/>\n'
        '<key id="n_type" for="node" attr.name="type" attr.type="string"/>\n'
        '<key id="e_type" for="edge" attr.name="type" attr.type="string"/>\n'
        '<key id="e_weight" for="edge" attr.name="weight" attr.type="double"/>\n'
    )
    for i, a in enumerate(sel.node_attrs):
        name = _xml_attr(_exported_name(a.key, _NODE_FIXED))
        yield f'<key id="n{i}" for="node" attr.name={name} attr.type="{a.kind}"/>\n'
    for i, a in enumerate(sel.edge_attrs):
        name = _xml_attr(_exported_name(a.key, _EDGE_FIXED))
        yield f'<key id="e{i}" for="edge" attr.name={name} attr.type="{a.kind}"/>\n'
    yield '<graph id="koostoo" edgedefault="directed">\n'
    async for n in _nodes(tx, sel):
        parts = [
            f"<node id={_xml_id(n['id'])}>",
            f'<data key="n_label">{_xml_text(n["label"])}</data>',
            f'<data key="n_type">{_xml_text(n["type"])}</data>',
        ]
        for i, a in enumerate(sel.node_attrs):
            if n["props"].get(a.key) is not None:
                parts.append(f'<data key="n{i}">{_xml_value(a, n["props"][a.key])}</data>')
        yield "".join(parts) + "</node>\n"
    async for e in _edges(tx, sel):
        parts = [
            f"<edge id={_xml_id(e['id'])} source={_xml_id(e['source'])} "
            f"target={_xml_id(e['target'])}>",
            f'<data key="e_type">{_xml_text(e["type"])}</data>',
            '<data key="e_weight">1.0</data>',
        ]
        for i, a in enumerate(sel.edge_attrs):
            if e["props"].get(a.key) is not None:
                parts.append(f'<data key="e{i}">{_xml_value(a, e["props"][a.key])}</data>')
        yield "".join(parts) + "</edge>\n"
    yield "</graph>\n</graphml>\n"


# --- GEXF ---------------------------------------------------------------------------

_GEXF_TYPES: Final = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


async def _gexf(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        "<meta><creator>Koostöö</creator><description>stakeholder network</description></meta>\n"
        '<graph mode="static" defaultedgetype="directed">\n'
        '<attributes class="node">\n<attribute id="type" title="type" type="string"/>\n'
    )
    for i, a in enumerate(sel.node_attrs):
        title = _xml_attr(_exported_name(a.key, _NODE_FIXED))
        yield f'<attribute id="n{i}" title={title} type="{_GEXF_TYPES[a.kind]}"/>\n'
    yield '</attributes>\n<attributes class="edge">\n'
    yield '<attribute id="type" title="type" type="string"/>\n'
    for i, a in enumerate(sel.edge_attrs):
        title = _xml_attr(_exported_name(a.key, _EDGE_FIXED))
        yield f'<attribute id="e{i}" title={title} type="{_GEXF_TYPES[a.kind]}"/>\n'
    yield "</attributes>\n<nodes>\n"
    async for n in _nodes(tx, sel):
        values = [f'<attvalue for="type" value={_xml_attr(n["type"])}/>']
        for i, a in enumerate(sel.node_attrs):
            if n["props"].get(a.key) is not None:
                values.append(
                    f'<attvalue for="n{i}" value={_xml_attr(_plain(a, n["props"][a.key]))}/>'
                )
        yield (
            f"<node id={_xml_id(n['id'])} label={_xml_attr(n['label'])}>"
            f"<attvalues>{''.join(values)}</attvalues></node>\n"
        )
    yield "</nodes>\n<edges>\n"
    async for e in _edges(tx, sel):
        values = [f'<attvalue for="type" value={_xml_attr(e["type"])}/>']
        for i, a in enumerate(sel.edge_attrs):
            if e["props"].get(a.key) is not None:
                values.append(
                    f'<attvalue for="e{i}" value={_xml_attr(_plain(a, e["props"][a.key]))}/>'
                )
        yield (
            f"<edge id={_xml_id(e['id'])} source={_xml_id(e['source'])} "
            f'target={_xml_id(e["target"])} label={_xml_attr(e["type"])} weight="1.0">'
            f"<attvalues>{''.join(values)}</attvalues></edge>\n"
        )
    yield "</edges>\n</graph>\n</gexf>\n"


def _plain(attr: Attr, raw: Any) -> str:
    value = attr.value(raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- CSV (zip) ----------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """An unseekable byte sink the zip writer streams into; drained chunk by chunk."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.parts.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): = + - @ and
#: their full-width forms first, also after leading spaces or quotes (some programs trim
#: them), or a leading tab or carriage return.
_FORMULA: Final = re.compile(r"[\t\r]|[\s\"']*[=+\-@\uff1d\uff0b\uff0d\uff20]")
#: The first characters `_FORMULA` can match at (a cheap test before the regex).
_FORMULA_FIRST: Final = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\"'")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as written: text that would start a formula gets a
    leading `'` (OWASP); a real number (int or finite float) stays a number, so that
    `-5` in a numeric column is still -5. Text is always quoted by the writer
    (`QUOTE_NONNUMERIC`), so a `;` or `,` inside it cannot start a new cell in a
    program that splits on the other separator."""
    if type(value) is str:
        if value and (value[0] in _FORMULA_FIRST or value[0].isspace()) and _FORMULA.match(value):
            return "'" + value
        return value
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    return csv_cell("" if value is None else str(value))


class _CsvFile:
    """CSV rows written into one member of the zip a chunk at a time (the zip writer
    costs a call and a deflate step per write, too much for one per row)."""

    def __init__(self, member: IO[bytes]) -> None:
        self.member = member
        self.text = io.StringIO()
        self.writer = csv.writer(self.text, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)

    def row(self, values: list[Any]) -> bool:
        """Add a row (every cell through `csv_cell`); true when a chunk was passed on."""
        self.writer.writerow([csv_cell(v) for v in values])
        if self.text.tell() < CHUNK_BYTES:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        self.member.write(self.text.getvalue().encode("utf-8", "replace"))
        self.text.seek(0)
        self.text.truncate()


async def _csv(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("nodes.csv", "w", force_zip64=True) as member:
            f = _CsvFile(member)
            names = [_exported_name(a.key, ("id", *_NODE_FIXED)) for a in sel.node_attrs]
            f.row(["id", "type", "label", *names])
            async for n in _nodes(tx, sel):
                row = [n["id"], n["type"], n["label"]]
                row += [_csv_value(a, n["props"].get(a.key)) for a in sel.node_attrs]
                if f.row(row):
                    yield sink.drain()
            f.flush()
        with archive.open("edges.csv", "w", force_zip64=True) as member:
            f = _CsvFile(member)
            names = [
                _exported_name(a.key, ("id", "source", "target", *_EDGE_FIXED))
                for a in sel.edge_attrs
            ]
            f.row(["id", "source", "target", "type", "weight", *names])
            async for e in _edges(tx, sel):
                row = [e["id"], e["source"], e["target"], e["type"], 1.0]
                row += [_csv_value(a, e["props"].get(a.key)) for a in sel.edge_attrs]
                if f.row(row):
                    yield sink.drain()
            f.flush()
    yield sink.drain()


def _csv_value(attr: Attr, raw: Any) -> Any:
    if raw is None:
        return ""
    value = attr.value(raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


WRITERS: Final[dict[Format, Writer]] = {
    Format.CYTOSCAPE: _cytoscape,
    Format.GRAPHML: _graphml,
    Format.GEXF: _gexf,
    Format.CSV: _csv,
}
