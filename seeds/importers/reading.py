"""Reading record files: CSV (`;` or `,`, as Estonian and other spreadsheets export
them) and JSON Lines, UTF-8 with or without a BOM, streamed line by line.

A file is read as a sequence of `RawRow`s keyed by the canonical column names of a
`Columns` spec. Problems that make the whole file unreadable (encoding, empty file,
unknown or missing columns) raise `ImportProblems` at once; problems with one row
(bad JSON, too many cells) are collected in `Reader.problems` and reading goes on, so
that one run reports everything.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from graph.text import fold

#: Values inside one cell that hold several names (e.g. organisers) are separated by
#: this, whatever the file's delimiter: `;` is the delimiter of Estonian CSV exports.
LIST_SEPARATOR = "|"

_BOM = "\ufeff"
_UTF16 = 'is UTF-16: save it as UTF-8 ("CSV UTF-8")'
_DELIMITERS = (";", ",", "\t")
#: Splits after a CR that no LF follows, keeping the CR at the end of its line.
_BARE_CR = re.compile(r"(?<=\r)(?!\n)(?!$)")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, as precise as we can say it."""

    file: str
    line: int | None
    message: str
    column: str | None = None

    def __str__(self) -> str:
        what = f'column "{self.column}": ' if self.column else ""
        if self.line is None:
            return f"{self.file} {what}{self.message}"  # "events.csv is empty: …"
        return f"{self.file}:{self.line}: {what}{self.message}"


class ImportProblems(Exception):
    """The file cannot be imported as it is; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool = False
    #: holds several values: `|`-separated in CSV, a list (or `|`-separated) in JSON
    multi: bool = False
    #: other header spellings accepted for this column
    aliases: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Columns:
    """The columns one kind of file has."""

    kind: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def by_header(self) -> dict[str, Column]:
        return {header_key(h): c for c in self.columns for h in (c.name, *c.aliases)}


def header_key(header: str) -> str:
    """Headers are matched ignoring case, diacritics, spaces, `_` and `-`:
    'Start date', 'start_date' and 'startDate' are one column."""
    return re.sub(r"[\W_]+", "", fold(header))


@dataclass(slots=True)
class RawRow:
    line: int
    #: canonical column name → a stripped non-empty string, or a list of them (multi);
    #: empty cells are left out
    values: dict[str, str | list[str]]


def detect_format(path: Path) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return FileFormat.JSONL
    if suffix in (".csv", ".tsv", ".txt"):
        return FileFormat.CSV
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return FileFormat.JSONL if head.startswith(b"{") else FileFormat.CSV


@dataclass
class Reader:
    """One streaming pass over a file. Create a new one for each pass."""

    path: Path
    spec: Columns
    format: FileFormat | None = None
    problems: list[Problem] = field(default_factory=list)
    #: canonical column names present in the file (after the header was read)
    present: list[str] = field(default_factory=list)
    rows_read: int = 0
    bytes_read: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[RawRow]:
        fmt = self.format or detect_format(self.path)
        try:
            f = self.path.open("rb")
        except OSError as e:
            raise ImportProblems([Problem(self.name, None, f"cannot be read: {e.strerror}")]) from e
        with f:
            if fmt is FileFormat.JSONL:
                yield from self._jsonl(f)
            else:
                yield from self._csv(f)

    # --- decoding ------------------------------------------------------------------

    def _lines(self, f: BinaryIO) -> Iterator[tuple[int, str]]:
        """(line number, decoded line) with the BOM removed; a clear error for any
        encoding other than UTF-8."""
        number = 0
        for raw in f:
            self.bytes_read += len(raw)
            if number == 0 and _is_utf16(raw):
                raise ImportProblems([Problem(self.name, None, _UTF16)])
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                byte = raw[e.start]
                raise ImportProblems(
                    [
                        Problem(
                            self.name,
                            None,
                            f"is not UTF-8 (byte 0x{byte:02x} at line {number + 1}): "
                            "save it as UTF-8",
                        )
                    ]
                ) from e
            if number == 0:
                text = text.removeprefix(_BOM)
            # A bare CR ends a line too (classic Mac "CSV (Macintosh)" exports). Most
            # lines have no CR or one just before the LF that ends them.
            cr = text.find("\r")
            if cr < 0 or cr == len(text) - 1 or (cr == len(text) - 2 and text[-1] == "\n"):
                number += 1
                yield number, text
                continue
            for line in _BARE_CR.split(text):
                number += 1
                yield number, line

    def _empty(self) -> ImportProblems:
        required = ", ".join(c.name for c in self.spec.columns if c.required)
        return ImportProblems(
            [
                Problem(
                    self.name,
                    None,
                    f"is empty: expected a header line with the columns ({required}, …) "
                    "and one row per record",
                )
            ]
        )

    # --- header ----------------------------------------------------------------------

    def _map_header(self, line: int, headers: list[str]) -> list[Column | None]:
        """The column of each header position (None: an unnamed, empty column)."""
        known = self.spec.by_header()
        problems: list[Problem] = []
        mapped: list[Column | None] = []
        seen: dict[str, int] = {}
        for position, header in enumerate(headers, start=1):
            header = header.strip()
            if not header:
                mapped.append(None)
                continue
            column = known.get(header_key(header))
            if column is None:
                problems.append(
                    Problem(
                        self.name,
                        line,
                        f"unknown column {header!r} (column {position}); the columns are: "
                        + ", ".join(self.spec.names),
                    )
                )
                mapped.append(None)
                continue
            if column.name in seen:
                problems.append(
                    Problem(
                        self.name,
                        line,
                        f"column {header!r} appears twice (columns {seen[column.name]} "
                        f"and {position})",
                    )
                )
            seen[column.name] = position
            mapped.append(column)
        missing = [c.name for c in self.spec.columns if c.required and c.name not in seen]
        if missing:
            problems.append(
                Problem(
                    self.name,
                    line,
                    "missing required column"
                    + ("s " if len(missing) > 1 else " ")
                    + ", ".join(f'"{m}"' for m in missing),
                )
            )
        if problems:
            raise ImportProblems(problems)
        self.present = list(seen)
        return mapped

    # --- CSV -------------------------------------------------------------------------

    def _csv(self, f: BinaryIO) -> Iterator[RawRow]:
        """CSV decoded by the io and csv modules' C code, not line by line in Python
        (that took half of the time of reading a file of 100k rows). A file that is
        not UTF-8 is read again line by line (`_lines`) to say where."""
        if _is_utf16(f.read(4096)):
            raise ImportProblems([Problem(self.name, None, _UTF16)])
        f.seek(0)
        # newline="": lines end at LF, CRLF or a bare CR, and keep their ending for csv
        text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
        try:
            yield from self._csv_rows(text, f)
        except UnicodeDecodeError:
            raise self._not_utf8() from None
        finally:
            text.detach()

    def _not_utf8(self) -> ImportProblems:
        with self.path.open("rb") as f:
            try:
                for _ in self._lines(f):
                    pass
            except ImportProblems as e:
                return e
        return ImportProblems([Problem(self.name, None, "is not UTF-8: save it as UTF-8")])

    def _csv_rows(self, text: TextIO, f: BinaryIO) -> Iterator[RawRow]:
        header_line = 0
        for header_text in text:
            header_line += 1
            if header_text.strip():
                break
        else:
            raise self._empty()
        try:
            delimiter = self._sniff(header_text)
        except csv.Error as e:
            raise ImportProblems(
                [Problem(self.name, header_line, f"the header is not valid CSV: {e}")]
            ) from e
        # strict: an unclosed quote is an error, not a cell that swallows the rest of
        # the file (rows and all), and `"a"b` is not silently read as `ab`
        reader = csv.reader(itertools.chain([header_text], text), delimiter=delimiter, strict=True)
        before = header_line - 1  # lines before the header, which csv does not count
        mapped = self._map_header(header_line, next(reader))
        width = len(mapped)
        names = [c.name if c else "" for c in mapped]
        multi = [c.name for c in mapped if c and c.multi]
        while True:
            line = before + reader.line_num + 1  # a record starts after the previous one
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                self.problems.append(Problem(self.name, line, _csv_problem(e, delimiter)))
                continue
            # canonical name → stripped cell, empty cells left out ("": no header)
            values: dict[str, str | list[str]] = {
                name: cell for name, cell in zip(names, map(clean, cells), strict=False) if cell
            }
            if not values and not "".join(cells).strip():
                continue
            self.rows_read += 1
            if not self.rows_read % 1024:
                self.bytes_read = f.tell()
            if len(cells) > width and "".join(cells[width:]).strip():
                self.problems.append(
                    Problem(
                        self.name,
                        line,
                        f"{len(cells)} cells but the header has {width} columns "
                        f"(is a {delimiter!r} inside a value without quotes?)",
                    )
                )
                continue
            if "" in values:
                self.problems.extend(
                    Problem(self.name, line, f"a value ({cell!r}) in a column with no header")
                    for name, cell in zip(names, map(clean, cells), strict=False)
                    if not name and cell
                )
                continue
            for name in multi:
                if name in values:
                    values[name] = _split(str(values[name]))
            yield RawRow(line, values)
        self.bytes_read = f.tell()

    def _sniff(self, header: str) -> str:
        """The delimiter under which the header names the most known columns."""
        known = self.spec.by_header()

        def score(delimiter: str) -> tuple[int, int]:
            cells = next(csv.reader([header], delimiter=delimiter))
            return sum(header_key(c) in known for c in cells), len(cells)

        return max(_DELIMITERS, key=score)

    # --- JSON Lines --------------------------------------------------------------------

    def _jsonl(self, f: BinaryIO) -> Iterator[RawRow]:
        known = self.spec.by_header()
        columns: dict[str, Column] = {c.name: c for c in self.spec.columns}
        seen_columns: set[str] = set()
        any_line = False
        for number, text in self._lines(f):
            if not text.strip():
                continue
            any_line = True
            self.rows_read += 1
            try:
                item = json.loads(text, object_pairs_hook=_Pairs, parse_constant=_no_constant)
            except json.JSONDecodeError as e:
                self.problems.append(
                    Problem(self.name, number, f"not valid JSON: {e.msg} (at character {e.colno})")
                )
                continue
            except ValueError as e:  # NaN, Infinity
                self.problems.append(Problem(self.name, number, f"not valid JSON: {e}"))
                continue
            if not isinstance(item, _Pairs):
                self.problems.append(
                    Problem(self.name, number, f"expected a JSON object, not {_kind(item)}")
                )
                continue
            values: dict[str, str | list[str]] = {}
            bad = False
            keys: dict[str, str] = {}  # column → the key that gave it
            for key, value in item:
                column = known.get(header_key(str(key)))
                if column is None:
                    self.problems.append(
                        Problem(
                            self.name,
                            number,
                            f"unknown field {key!r}; the fields are: " + ", ".join(self.spec.names),
                        )
                    )
                    bad = True
                    continue
                if column.name in keys:
                    self.problems.append(
                        Problem(
                            self.name,
                            number,
                            f"fields {keys[column.name]!r} and {key!r} are the same column "
                            f"{column.name!r}: give it once",
                        )
                    )
                    bad = True
                    continue
                keys[column.name] = key
                converted = _json_value(value, column)
                if isinstance(converted, Problem):
                    self.problems.append(Problem(self.name, number, converted.message, column.name))
                    bad = True
                elif converted:
                    values[column.name] = converted
                    seen_columns.add(column.name)
            missing = [c.name for c in self.spec.columns if c.required and c.name not in values]
            if missing and not bad:
                for m in missing:
                    self.problems.append(Problem(self.name, number, "is required", m))
                continue
            if not bad:
                yield RawRow(number, values)
        if not any_line:
            raise self._empty()
        self.present = [c for c in columns if c in seen_columns]


def clean(cell: str) -> str:
    """A cell as the models store text: stripped, line breaks inside it as LF (a
    quoted cell of a Windows file keeps its CRLFs), and composed (NFC), so that `õ`
    written as o + combining tilde (as macOS tools save it) is the one character `õ`
    that names, matching and search expect."""
    cell = cell.strip()
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell if cell.isascii() else unicodedata.normalize("NFC", cell)


def _is_utf16(head: bytes) -> bool:
    """A UTF-16 file, with its BOM or without: UTF-8 text has no NUL bytes, while
    UTF-16 puts one beside every ASCII character."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or (head.count(0) > len(head) // 4)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _csv_problem(error: csv.Error, delimiter: str) -> str:
    message = str(error)
    if message == "unexpected end of data":
        return (
            'a quoted value that starts on this line is never closed: a " is missing, '
            "and the rest of the file would be read into this one cell"
        )
    if message.startswith("field larger than field limit"):
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters (the longest text "
            'a column takes is 20,000): is a closing " missing?'
        )
    if message.endswith("expected after '\"'"):
        return (
            f"not valid CSV: a quoted value must end at a {delimiter!r} or the end of the "
            'line (inside quotes, write a " as "")'
        )
    return f"not valid CSV: {message}"


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs in order, repeated keys kept, so that a
    field given twice is reported rather than silently the last one."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value (write a number or text)")


def _kind(value: Any) -> str:
    kinds = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "an object" if isinstance(value, _Pairs) else "a number")


def _json_value(value: Any, column: Column) -> str | list[str] | Problem | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return Problem("", None, f"expected text, not {_kind(value)}")
    if isinstance(value, int | float):
        return [str(value)] if column.multi else str(value)
    if isinstance(value, str):
        value = clean(value)
        return (_split(value) if column.multi else value) or None
    if isinstance(value, _Pairs):
        return Problem("", None, f"expected text, not {_kind(value)}")
    if isinstance(value, list) and column.multi:
        if not all(isinstance(v, str) for v in value):
            return Problem("", None, "expected a list of strings")
        return [clean(v) for v in value if v.strip()] or None
    return Problem("", None, f"expected text, not {_kind(value)}")
