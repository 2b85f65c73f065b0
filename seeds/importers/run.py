"""What an import run takes and gives: its options, its result, and where it reports
its progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from graph import bulk

DEFAULT_BATCH = 5_000


class ProgressSink(Protocol):
    def phase(self, description: str, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


class Quiet:
    """A progress sink that shows nothing."""

    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, n: int) -> None:
        pass


@dataclass
class Options:
    create_missing: bool = False
    #: with `create_missing`: create also what resembles an existing entity
    create_similar: bool = False
    dry_run: bool = False
    batch_size: int = DEFAULT_BATCH
    actor: str = "cli"
    #: batch transactions in flight at once
    writers: int = bulk.WRITERS


@dataclass
class ImportResult:
    file: str
    kind: str
    rows: int
    report: bulk.Report
    dry_run: bool
    run_id: str | None = None
    #: the entities created (or, in a dry run, to be created), named
    created: list[str] = field(default_factory=list)
    #: names taken to mean an entity they are not a name of (another case)
    notes: list[str] = field(default_factory=list)
