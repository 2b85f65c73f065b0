"""XML text for the GraphML and GEXF writers: character data and attribute values
escaped, characters XML forbids replaced."""

from __future__ import annotations

import re
from typing import Final

from graph.chars import xml_safe, xml_safe_id

_ATTR_SPECIAL: Final = re.compile('[&<>"\n\r\t]')


def text(value: str) -> str:
    """`value` escaped for XML character data (saxutils.escape, without its call cost:
    an export escapes millions of mostly plain strings), characters XML forbids replaced."""
    value = xml_safe(value)
    if "&" in value or "<" in value or ">" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def attribute(value: str) -> str:
    """`value` as a double-quoted XML attribute value (as saxutils.quoteattr, which may
    choose single quotes instead), characters XML forbids replaced."""
    value = xml_safe(value)
    if _ATTR_SPECIAL.search(value) is None:
        return f'"{value}"'
    escaped = text(value).replace('"', "&quot;")
    return '"' + escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def xml_id(value: str) -> str:
    """A node or edge id as an XML attribute value: see `xml_safe_id`."""
    return attribute(xml_safe_id(value))
