"""The export formats (cytoscape.js JSON, GraphML, GEXF 1.2, CSV in a zip): their names,
media types and file extensions, and what their writers share."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

#: About this many bytes of output are passed on at a time.
CHUNK_BYTES: Final = 64 * 1024


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

#: Attribute names the exporters use themselves; properties of the same name are renamed.
NODE_FIXED: Final = ("label", "type")
EDGE_FIXED: Final = ("type", "weight", "label")


def exported_name(key: str, fixed: tuple[str, ...]) -> str:
    """The attribute name of property `key`: renamed if a writer uses it (`fixed`)."""
    return f"property_{key}" if key in fixed else key
