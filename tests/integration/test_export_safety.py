"""Exports of text the formats cannot hold as it is (issue 21, items 8 and 9).

The data is written by raw Cypher statements, as data that predates the input checks
(or came from a console or a restore) would be: the writers must make it safe whatever
the graph holds. GraphML and GEXF are parsed with strict XML parsers (expat through
`xml.etree`, and networkx); CSV cells are read back with the csv module.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import networkx as nx
from neo4j import AsyncManagedTransaction

from graph import export
from graph.analytics.network import NetworkFilter
from graph.chars import REPLACEMENT, xml_safe_id
from graph.driver import Graph

#: Every class of character XML 1.0 forbids or discourages that Neo4j stores: C0 controls
#: (not tab, LF, CR), DEL and C1 controls, U+FFFE/U+FFFF, the other noncharacters.
#: (A lone surrogate cannot be stored: Neo4j hands it back as '?'; tests/unit covers it.)
XML_ILLEGAL = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufdd0",
    "\ufdef",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
]


def _placed(char: str, i: int, text: str) -> str:
    """`char` at the start, in the middle or at the end of `text`, by `i`."""
    return [char + text, text[:3] + char + text[3:], text + char][i % 3]


CREATE_NODE = """
CREATE (n:Entity:Organisation {id: $id})
SET n += $props, n.createdAt = datetime(), n.updatedAt = datetime()
"""
CREATE_EDGE = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
CREATE (a)-[r:MEMBER_OF]->(b) SET r += $props
"""


async def _write_raw(
    graph: Graph, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        for n in nodes:
            await tx.run(CREATE_NODE, id=n["id"], props=n["props"])
        for e in edges:
            await tx.run(CREATE_EDGE, source=e["source"], target=e["target"], props=e["props"])

    await graph.write(work)


async def _export(graph: Graph, fmt: export.Format) -> bytes:
    chunks = export.stream(graph, fmt, filter=NetworkFilter(max_nodes=5000))
    return b"".join([c async for c in chunks])


def _corpus() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each illegal character in each field an export writes (node id, name, a text
    property, a list property, a property key; edge property value and key), at the
    start, middle or end; the node ids of two characters differ only by that character."""
    nodes, edges = [], []
    for i, char in enumerate(XML_ILLEGAL):
        in_key = char if char != "\x00" else "\x01"  # Neo4j refuses NUL in a property key
        node_id = _placed(char, i, f"raw-{i:02d}")
        props = {
            "name": _placed(char, i, "Põhja-Eesti Нарва"),
            "kind": "NGO",
            "description": _placed(char, i + 1, "kirjeldus & <märkus>"),
            "tags": [_placed(char, i + 2, "Ida-Virumaa"), "тест"],
            _placed(in_key, i, "key"): "väärtus",
        }
        nodes.append({"id": node_id, "props": props})
    for (i, a), b in zip(enumerate(nodes), nodes[1:] + nodes[:1], strict=True):
        char = XML_ILLEGAL[i]
        in_key = char if char != "\x00" else "\x01"
        props = {"role": _placed(char, i, "juhatuse liige"), _placed(in_key, i + 1, "rk"): "x"}
        edges.append({"source": a["id"], "target": b["id"], "props": props})
    return nodes, edges


def _has_illegal(text: str) -> bool:
    return any(c in text for c in XML_ILLEGAL)


async def test_graphml_and_gexf_of_illegal_characters_parse_strictly(graph: Graph) -> None:
    nodes, edges = _corpus()
    await _write_raw(graph, nodes, edges)
    want_ids = {xml_safe_id(n["id"]) for n in nodes}
    assert len(want_ids) == len(nodes)  # escaping ids keeps them apart

    graphml = await _export(graph, export.Format.GRAPHML)
    ET.fromstring(graphml)  # raises on any character XML 1.0 forbids
    assert not _has_illegal(graphml.decode("utf-8"))
    g = nx.read_graphml(io.BytesIO(graphml), force_multigraph=True)
    assert set(g.nodes) == want_ids
    assert g.number_of_edges() == len(edges)
    for i, n in enumerate(nodes):
        got = g.nodes[xml_safe_id(n["id"])]
        assert got["label"] == _placed(REPLACEMENT, i, "Põhja-Eesti Нарва")
        assert got["description"] == _placed(REPLACEMENT, i + 1, "kirjeldus & <märkus>")
        # a list is JSON text: JSON writes a C0 control as an escape (\u0000), which
        # XML may hold and a JSON reader turns back into the character
        tag = json.loads(got["tags"])[0]
        assert tag in (_placed(c, i + 2, "Ida-Virumaa") for c in (REPLACEMENT, XML_ILLEGAL[i]))
        assert got[_placed(REPLACEMENT, i, "key")] == "väärtus"
    roles = sorted(d["role"] for _, _, d in g.edges(data=True))
    assert roles == sorted(_placed(REPLACEMENT, i, "juhatuse liige") for i in range(len(edges)))

    gexf = await _export(graph, export.Format.GEXF)
    ET.fromstring(gexf)
    assert not _has_illegal(gexf.decode("utf-8"))
    h = nx.read_gexf(io.BytesIO(gexf))
    assert set(h.nodes) == want_ids
    assert h.number_of_edges() == len(edges)
    for i, n in enumerate(nodes):
        assert h.nodes[xml_safe_id(n["id"])]["label"] == _placed(
            REPLACEMENT, i, "Põhja-Eesti Нарва"
        )


#: What a spreadsheet takes for the start of a formula.
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
PAYLOAD = "cmd|' /C calc'!A0"


def _starts_formula(text: str) -> bool:
    """The rule, written out: a leading tab or CR, or a formula character after any
    leading whitespace and quotes."""
    if text[:1] in ("\t", "\r"):
        return True
    rest = text
    while rest and (rest[0].isspace() or rest[0] in "\"'"):
        rest = rest[1:]
    return rest[:1] in ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _formula_cells() -> list[tuple[str, bool]]:
    """Formula prefixes × positions (first; after spaces or quotes; after other text
    or a separator), each with whether it must come out escaped."""
    before = ["", " ", "  \t", '"', "'", ' "', "a", "Töö ", "x;", "1,"]
    cells = [b + p + PAYLOAD for p, b in itertools.product(FORMULA_PREFIXES, before)]
    cells += ["\tTöötukassa", "\rTöötukassa", "SUM(A1)", "Töötukassa", "-"]
    return [(c, _starts_formula(c)) for c in cells]


async def test_csv_cells_that_start_a_formula_are_escaped(graph: Graph) -> None:
    cells = _formula_cells()
    nodes: list[dict[str, Any]] = [
        {
            "id": f"formula-{i:03d}",
            "props": {
                "name": text,
                "kind": "NGO",
                "motto": text,
                "score": -i - 0.5,  # a numeric column: negative numbers stay numbers
                "rank": -i,
            },
        }
        for i, (text, _) in enumerate(cells)
    ]
    nodes[0]["props"]['=HYPERLINK("http://x")'] = "a property key is a header cell"
    edges = [{"source": "formula-000", "target": "formula-001", "props": {"role": "@SUM(1)"}}]
    await _write_raw(graph, nodes, edges)

    archive = zipfile.ZipFile(io.BytesIO(await _export(graph, export.Format.CSV)))
    raw = archive.read("nodes.csv").decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(raw)))
    assert '\'=HYPERLINK("http://x")' in header
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    for i, (text, escaped) in enumerate(cells):
        row = by_id[f"formula-{i:03d}"]
        want = "'" + text if escaped else text
        assert (row["label"], row["motto"]) == (want, want), (text, escaped)
        assert (float(row["score"]), int(row["rank"])) == (-i - 0.5, -i)
    # numbers are written as numbers (unquoted), text always quoted
    line = next(x for x in raw.splitlines() if x.startswith('"formula-001",'))
    assert ",-1," in line and ",-1.5," in line
    edge_rows = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8"))))
    assert [e["role"] for e in edge_rows] == ["'@SUM(1)"]
    assert [e["weight"] for e in edge_rows] == ["1.0"]
