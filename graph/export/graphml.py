"""The GraphML writer (yEd, Gephi): keys declared first, then nodes and edges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from neo4j import AsyncTransaction

from graph.export.formats import EDGE_FIXED, NODE_FIXED, exported_name
from graph.export.selection import Attr, Selection, edges, nodes
from graph.export.xml_escape import attribute, text, xml_id


def _xml_value(attr: Attr, raw: Any) -> str:
    value = attr.value(raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    return text(str(value))


async def write(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
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
        name = attribute(exported_name(a.key, NODE_FIXED))
        yield f'<key id="n{i}" for="node" attr.name={name} attr.type="{a.kind}"/>\n'
    for i, a in enumerate(sel.edge_attrs):
        name = attribute(exported_name(a.key, EDGE_FIXED))
        yield f'<key id="e{i}" for="edge" attr.name={name} attr.type="{a.kind}"/>\n'
    yield '<graph id="koostoo" edgedefault="directed">\n'
    async for n in nodes(tx, sel):
        parts = [
            f"<node id={xml_id(n['id'])}>",
            f'<data key="n_label">{text(n["label"])}</data>',
            f'<data key="n_type">{text(n["type"])}</data>',
        ]
        for i, a in enumerate(sel.node_attrs):
            if n["props"].get(a.key) is not None:
                parts.append(f'<data key="n{i}">{_xml_value(a, n["props"][a.key])}</data>')
        yield "".join(parts) + "</node>\n"
    async for e in edges(tx, sel):
        parts = [
            f"<edge id={xml_id(e['id'])} source={xml_id(e['source'])} "
            f"target={xml_id(e['target'])}>",
            f'<data key="e_type">{text(e["type"])}</data>',
            '<data key="e_weight">1.0</data>',
        ]
        for i, a in enumerate(sel.edge_attrs):
            if e["props"].get(a.key) is not None:
                parts.append(f'<data key="e{i}">{_xml_value(a, e["props"][a.key])}</data>')
        yield "".join(parts) + "</edge>\n"
    yield "</graph>\n</graphml>\n"
