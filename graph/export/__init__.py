"""Streaming graph exports: cytoscape.js JSON, GraphML (yEd, Gephi), GEXF 1.2 (Gephi)
and CSV (a zip of nodes.csv and edges.csv).

Everything is generated in chunks while the records stream out of one read transaction,
so memory stays flat however large the graph. The rooms of this package:

- `selection.py`: what is exported (the selection `egoNetwork` and `networkGraph` use,
  its attribute declarations, the nodes and edges in keyset pages);
- `formats.py`: the formats, their media types and file extensions;
- `cytoscape.py`, `graphml.py`, `gexf.py`, `csv_zip.py`: one writer per format
  (`xml_escape.py`: the XML text of the GraphML and GEXF writers);
- `streaming.py`: `stream` (the selection through a writer, in chunks) and `prepare`.
"""

from __future__ import annotations

from graph.export.csv_zip import csv_cell
from graph.export.formats import CHUNK_BYTES, EXTENSIONS, MEDIA_TYPES, Format
from graph.export.streaming import WRITERS, prepare, stream

__all__ = [
    "CHUNK_BYTES",
    "EXTENSIONS",
    "MEDIA_TYPES",
    "WRITERS",
    "Format",
    "csv_cell",
    "prepare",
    "stream",
]
