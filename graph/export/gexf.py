"""The GEXF 1.2 writer (Gephi): attributes declared first, then nodes and edges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

from neo4j import AsyncTransaction

from graph.export.formats import EDGE_FIXED, NODE_FIXED, exported_name
from graph.export.selection import Attr, Selection, edges, nodes
from graph.export.xml_escape import attribute, xml_id

_GEXF_TYPES: Final = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


async def write(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        "<meta><creator>Koostöö</creator><description>stakeholder network</description></meta>\n"
        '<graph mode="static" defaultedgetype="directed">\n'
        '<attributes class="node">\n<attribute id="type" title="type" type="string"/>\n'
    )
    for i, a in enumerate(sel.node_attrs):
        title = attribute(exported_name(a.key, NODE_FIXED))
        yield f'<attribute id="n{i}" title={title} type="{_GEXF_TYPES[a.kind]}"/>\n'
    yield '</attributes>\n<attributes class="edge">\n'
    yield '<attribute id="type" title="type" type="string"/>\n'
    for i, a in enumerate(sel.edge_attrs):
        title = attribute(exported_name(a.key, EDGE_FIXED))
        yield f'<attribute id="e{i}" title={title} type="{_GEXF_TYPES[a.kind]}"/>\n'
    yield "</attributes>\n<nodes>\n"
    async for n in nodes(tx, sel):
        values = [f'<attvalue for="type" value={attribute(n["type"])}/>']
        for i, a in enumerate(sel.node_attrs):
            if n["props"].get(a.key) is not None:
                values.append(
                    f'<attvalue for="n{i}" value={attribute(_plain(a, n["props"][a.key]))}/>'
                )
        yield (
            f"<node id={xml_id(n['id'])} label={attribute(n['label'])}>"
            f"<attvalues>{''.join(values)}</attvalues></node>\n"
        )
    yield "</nodes>\n<edges>\n"
    async for e in edges(tx, sel):
        values = [f'<attvalue for="type" value={attribute(e["type"])}/>']
        for i, a in enumerate(sel.edge_attrs):
            if e["props"].get(a.key) is not None:
                values.append(
                    f'<attvalue for="e{i}" value={attribute(_plain(a, e["props"][a.key]))}/>'
                )
        yield (
            f"<edge id={xml_id(e['id'])} source={xml_id(e['source'])} "
            f'target={xml_id(e["target"])} label={attribute(e["type"])} weight="1.0">'
            f"<attvalues>{''.join(values)}</attvalues></edge>\n"
        )
    yield "</edges>\n</graph>\n</gexf>\n"


def _plain(attr: Attr, raw: Any) -> str:
    value = attr.value(raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
