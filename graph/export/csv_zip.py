"""The CSV writer: a zip of nodes.csv and edges.csv, streamed as it is deflated, every
cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import AsyncIterator
from typing import IO, Any, Final

from neo4j import AsyncTransaction

from graph.export.formats import CHUNK_BYTES, EDGE_FIXED, NODE_FIXED, exported_name
from graph.export.selection import Attr, Selection, edges, nodes


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


async def write(tx: AsyncTransaction, sel: Selection) -> AsyncIterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("nodes.csv", "w", force_zip64=True) as member:
            f = _CsvFile(member)
            names = [exported_name(a.key, ("id", *NODE_FIXED)) for a in sel.node_attrs]
            f.row(["id", "type", "label", *names])
            async for n in nodes(tx, sel):
                row = [n["id"], n["type"], n["label"]]
                row += [_csv_value(a, n["props"].get(a.key)) for a in sel.node_attrs]
                if f.row(row):
                    yield sink.drain()
            f.flush()
        with archive.open("edges.csv", "w", force_zip64=True) as member:
            f = _CsvFile(member)
            names = [
                exported_name(a.key, ("id", "source", "target", *EDGE_FIXED))
                for a in sel.edge_attrs
            ]
            f.row(["id", "source", "target", "type", "weight", *names])
            async for e in edges(tx, sel):
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
