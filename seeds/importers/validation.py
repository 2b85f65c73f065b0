"""The validation pass, one for every importer: the whole file read (streaming), every
row parsed and validated and handed to the importer's own checks, the problems kept
by line. Nothing is written unless the pass finds none."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from seeds.importers.reading import Columns, ImportProblems, Problem, RawRow, Reader
from seeds.importers.rows import RowErrors
from seeds.importers.run import ProgressSink

#: Problems listed before the rest are only counted.
MAX_PROBLEMS = 200
#: Rows between two progress updates of a validation pass, where it also yields to
#: the event loop, so that the lookups it has started (`matching.IdLookup`) go on.
_YIELD_EVERY = 1_000

R = TypeVar("R")


class ProblemList:
    """A file's problems: the first `MAX_PROBLEMS` listed, the rest counted."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.more = 0

    def add(self, line: int | None, message: str, column: str | None = None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, line, message, column))
        else:
            self.more += 1

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.line, p.message, p.column)

    def raise_if_any(self) -> None:
        if self.items:
            items = sorted(self.items, key=lambda p: p.line or 0)
            if self.more:
                items.append(Problem(self.file, None, f"… and {self.more} more problems"))
            raise ImportProblems(items)


def records(
    reader: Reader, parse: Callable[[RawRow], R], problems: ProblemList | None
) -> Iterator[R]:
    """The parsed rows of `reader`; a row's errors go to `problems` (None: the write pass,
    which only sees files that validated)."""
    for raw in reader.rows():
        try:
            yield parse(raw)
        except RowErrors as e:
            if problems is None:
                raise AssertionError(
                    f"{reader.name}:{raw.line} changed since it was validated"
                ) from e
            for err in e.errors:
                problems.add(raw.line, err.message, err.column)


async def validation_pass(
    path: Path,
    columns: Columns,
    parse: Callable[[RawRow], R],
    check: Callable[[R], None],
    problems: ProblemList,
    progress: ProgressSink,
) -> int:
    """Read `path` once: every row parsed (its errors go to `problems`) and each record
    handed to `check`, the importer's own rules (duplicates, the references it uses).
    Progress is reported in bytes. Returns the number of rows that parsed."""
    reader = Reader(path, columns)
    progress.phase(f"checking {path.name}", _size(path))
    rows = 0
    reported = 0
    for record in records(reader, parse, problems):
        rows += 1
        check(record)
        if rows % _YIELD_EVERY == 0:
            progress.advance(reader.bytes_read - reported)
            reported = reader.bytes_read
            await asyncio.sleep(0)  # the lookups go on (`IdLookup`)
    problems.extend(reader.problems)
    if reader.rows_read == 0 and not problems.items:
        problems.add(
            None,
            f"has a header but no rows: nothing to import (expected {columns.kind} rows "
            "below the header)",
        )
    return rows


def _size(path: Path) -> int:
    return path.stat().st_size
