"""The import run: validate the whole file, resolve its references, then write.

1. Validation pass (streaming): every row is parsed and validated; only the keys
   needed to find duplicates and the distinct references are kept (for attendance,
   also the few properties of each attendance). The references that could be ids are
   looked up while the pass goes on (`References`, `matching.IdLookup`).
2. Resolution: references are matched to existing entities (by id, e-mail, or
   normalised name) or planned for creation; unknown or ambiguous ones are problems.
   Any problem so far → `ImportProblems`, nothing written.
3. Write pass: batches of `UNWIND … MERGE` (graph/bulk.py), each its own transaction,
   a few in flight at once (`bulk.Pipeline`). Events re-read the file (streaming);
   attendance writes what the validation pass kept. Ids are deterministic, so an
   interrupted run can simply be run again. With `dry_run`, the same batches are
   planned in read transactions instead (graph/bulk.py `plan_*`): nothing is written.
4. One audit event for the run (actor, file, counts), besides the per-node audit
   events the bulk writers record.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from neo4j import AsyncManagedTransaction

from graph import audit, bulk, matching
from graph.driver import Graph, TxWork
from graph.models.common import check_order, new_id
from graph.models.relationships import RelType
from seeds import gc_tuning
from seeds.importers.reading import Columns, ImportProblems, Problem, Reader
from seeds.importers.resolve import References, Resolution, Target, import_id, resolve
from seeds.importers.rows import (
    ATTENDANCE_COLUMNS,
    EVENT_COLUMNS,
    AttendanceRecord,
    EventRecord,
    Ref,
    RowErrors,
    parse_attendance,
    parse_event,
)

#: Problems listed before the rest are only counted.
MAX_PROBLEMS = 200
DEFAULT_BATCH = 5_000
#: Rows between two progress updates of a validation pass, where it also yields to
#: the event loop, so that the lookups it has started (`matching.IdLookup`) go on.
_YIELD_EVERY = 1_000


class ProgressSink(Protocol):
    def phase(self, description: str, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


class _Quiet:
    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, n: int) -> None:
        pass


@dataclass
class Options:
    create_missing: bool = False
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


class _Problems:
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


# --- batches: written, or planned (dry run) ---------------------------------------------


@dataclass
class _Batch:
    nodes: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    rels: list[tuple[RelType, list[dict[str, Any]]]] = field(default_factory=list)
    cites: list[dict[str, str]] = field(default_factory=list)


def _work(batch: _Batch, options: Options) -> TxWork[bulk.Report]:
    """The transaction that writes `batch` (or, in a dry run, plans it read-only)."""

    async def write(tx: AsyncManagedTransaction) -> bulk.Report:
        part = bulk.Report()
        for label, rows in batch.nodes:
            part.node(label).__iadd__(await bulk.upsert_nodes(tx, label, rows, actor=options.actor))
        for rel_type, rows in batch.rels:
            part.rel(rel_type.value).__iadd__(await bulk.upsert_relationships(tx, rel_type, rows))
        if batch.cites:
            part.rel("CITED_IN").__iadd__(await bulk.cite(tx, batch.cites))
        return part

    async def plan(tx: AsyncManagedTransaction) -> bulk.Report:
        part = bulk.Report()
        for label, rows in batch.nodes:
            part.node(label).__iadd__(await bulk.plan_nodes(tx, rows))
        for rel_type, rows in batch.rels:
            part.rel(rel_type.value).__iadd__(await bulk.plan_relationships(tx, rel_type, rows))
        if batch.cites:
            part.rel("CITED_IN").__iadd__(await bulk.plan_cite(tx, batch.cites))
        return part

    return plan if options.dry_run else write


async def _apply(
    pipeline: bulk.Pipeline,
    batch: _Batch,
    report: bulk.Report,
    options: Options,
    on_done: Callable[[], None] | None = None,
) -> None:
    """Start writing (or planning) `batch`; its counts join `report` when it commits."""

    def done(part: bulk.Report) -> None:
        for label, counts in part.nodes.items():
            report.node(label).__iadd__(counts)
        for rel_type, counts in part.relationships.items():
            report.rel(rel_type).__iadd__(counts)
        if on_done is not None:
            on_done()

    await pipeline.submit(_work(batch, options), done, write=not options.dry_run)


async def _write_new(
    pipeline: bulk.Pipeline, resolution: Resolution, report: bulk.Report, options: Options
) -> None:
    """Create the missing people and organisations; fill in e-mail addresses."""
    rows: list[tuple[str, dict[str, Any]]] = [
        (e.label, {"id": e.id, "props": e.props}) for e in resolution.new.values()
    ]
    rows += [("Person", {"id": i, "props": {"email": m}}) for i, m in resolution.emails.items()]
    for start in range(0, len(rows), options.batch_size):
        chunk = rows[start : start + options.batch_size]
        batch = _Batch()
        for label in ("Organisation", "Person"):
            of_label = [r for lab, r in chunk if lab == label]
            if of_label:
                batch.nodes.append((label, of_label))
        await _apply(pipeline, batch, report, options)
    await pipeline.drain()  # what comes next connects to these nodes


def _rel_row(start: Target, end: Target, props: dict[str, Any]) -> dict[str, Any]:
    """A row for `bulk.upsert_relationships`, with the nodes' elementIds where both
    are known (existing entities), so that the write seeks them directly."""
    row = {"from": start.id, "to": end.id, "props": props}
    if start.element_id and end.element_id:
        row["fromElement"], row["toElement"] = start.element_id, end.element_id
    return row


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _audit_run(graph: Graph, result: ImportResult, options: Options) -> str:
    run_id = new_id()
    counts = {
        name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
        for name, c in [*result.report.nodes.items(), *result.report.relationships.items()]
    }

    async def work(tx: AsyncManagedTransaction) -> None:
        await audit.record(
            tx,
            actor=options.actor,
            action="import",
            entity_id=run_id,
            entity_type="Import",
            before=None,
            after={
                "file": result.file,
                "kind": result.kind,
                "rows": result.rows,
                "createMissing": options.create_missing,
                "counts": json.dumps(counts, sort_keys=True),
            },
        )

    await graph.write(work)
    return run_id


def _records(
    reader: Reader, parse: Callable[[Any], Any], problems: _Problems | None
) -> Iterator[Any]:
    for raw in reader.rows():
        try:
            yield parse(raw)
        except RowErrors as e:
            if problems is None:  # the write pass only sees files that validated
                raise AssertionError(
                    f"{reader.name}:{raw.line} changed since it was validated"
                ) from e
            for err in e.errors:
                problems.add(raw.line, err.message, err.column)


def _check_rows(reader: Reader, problems: _Problems, spec: Columns) -> None:
    problems.extend(reader.problems)
    if reader.rows_read == 0 and not problems.items:
        problems.add(
            None,
            f"has a header but no rows: nothing to import (expected {spec.kind} rows "
            "below the header)",
        )


def _size(path: Path) -> int:
    return path.stat().st_size


# --- events -------------------------------------------------------------------------------


@dataclass
class EventCheck:
    """What the validation pass over an events file keeps."""

    problems: _Problems
    refs: References
    #: event id given → its line
    by_id: dict[str, int] = field(default_factory=dict)
    #: (line, id given, natural key, endDate given) of every row
    keyed: list[tuple[int, str | None, tuple[str, str], str | None]] = field(default_factory=list)
    rows: int = 0


async def check_events(
    path: Path, refs: References, progress: ProgressSink | None = None
) -> EventCheck:
    """The validation pass: every row parsed and checked, duplicates found, the
    references collected (with the line of their first use) for `resolve()`, and the
    ids given looked up meanwhile (`refs.lookup`)."""
    progress = progress or _Quiet()
    out = EventCheck(_Problems(path.name), refs)
    problems, by_id, keyed = out.problems, out.by_id, out.keyed
    #: natural key → the first line with it, and whether every row with it gave an id
    by_key: dict[tuple[str, str], tuple[int, bool]] = {}
    reader = Reader(path, EVENT_COLUMNS)
    progress.phase(f"checking {path.name}", _size(path))
    reported = 0
    for record in _records(reader, parse_event, problems):
        out.rows += 1
        ev: EventRecord = record
        if ev.event.id:
            if ev.event.id in by_id:
                problems.add(
                    ev.line,
                    f"duplicate id {ev.event.id!r} (also on line {by_id[ev.event.id]})",
                    "id",
                )
            else:
                refs.lookup.add(ev.event.id)
            by_id.setdefault(ev.event.id, ev.line)
        # Rows with different ids are different events, whatever their names; a row
        # without an id is one with any row of its name and start date.
        key = ev.natural_key
        has_id = ev.event.id is not None
        first = by_key.get(key)
        if first is None:
            by_key[key] = (ev.line, has_id)
        else:
            first_line, all_ids = first
            if not (all_ids and has_id):
                problems.add(
                    ev.line,
                    f"duplicate row: the same event name and start date as line {first_line}"
                    " (rows for different events need their ids)",
                    "name",
                )
            by_key[key] = (first_line, all_ids and has_id)
        keyed.append((ev.line, ev.event.id, key, ev.event.end_date))
        for column, ref in (
            ("place", ev.place),
            ("programme", ev.programme),
            ("sourceDocument", ev.document),
        ):
            if ref:
                refs.note(ref, ev.line, column)
        for ref in ev.organisers:
            refs.note(ref, ev.line, "organisers")
        if out.rows % _YIELD_EVERY == 0:
            progress.advance(reader.bytes_read - reported)
            reported = reader.bytes_read
            await asyncio.sleep(0)  # the lookups go on (`IdLookup`)
    _check_rows(reader, problems, EVENT_COLUMNS)
    return out


@gc_tuning.loads
async def import_events(
    graph: Graph, path: Path, options: Options, progress: ProgressSink | None = None
) -> ImportResult:
    progress = progress or _Quiet()
    file = path.name
    async with matching.IdLookup(graph) as lookup:
        checked = await check_events(path, References(lookup), progress)
        resolution = await resolve(graph, file, checked.refs, create_missing=options.create_missing)
        existing = await lookup.done()
    problems, by_id, keyed, rows = checked.problems, checked.by_id, checked.keyed, checked.rows
    del checked
    problems.extend(resolution.problems)
    # Which existing event each row updates: by id, else by name and start date.
    for event_id, line in by_id.items():
        found = existing.get(event_id)
        if found is not None and found.label != "Event":
            problems.add(
                line, f"{event_id!r} is the id of {found.describe()}, not of an event", "id"
            )
    index = await matching.name_index(graph, ["Event"])
    event_of: dict[int, tuple[str, bool]] = {}  # line → (event id, matched by name)
    for line, given_id, (name_key, start), end in keyed:
        if given_id:
            event_of[line] = (given_id, False)
            found = existing.get(given_id)
            if found is not None and found.label == "Event":
                _check_stored_dates(problems, line, found, start or None, end)
            continue
        found_by_name = [
            c for c in index.by_name("Event", name_key) if (c.start_date or "") == start
        ]
        if len(found_by_name) > 1:
            listed = "; ".join(c.describe() for c in found_by_name[:6])
            problems.add(line, f"matches several existing events: {listed} (give the id)", "name")
        elif found_by_name:
            event_of[line] = (found_by_name[0].id, True)
        else:
            event_of[line] = (import_id("event", name_key, start), False)
    del keyed, index
    problems.raise_if_any()

    report = bulk.Report()
    async with bulk.Pipeline(graph, options.writers) as pipeline:
        await _write_new(pipeline, resolution, report, options)
        progress.phase(("planning " if options.dry_run else "importing ") + file, rows)
        records = _records(Reader(path, EVENT_COLUMNS), parse_event, None)
        for chunk in _chunks(records, options.batch_size):
            batch = _event_batch(chunk, event_of, resolution.targets)
            await _apply(pipeline, batch, report, options, partial(progress.advance, len(chunk)))
    result = ImportResult(file, "events", rows, report, options.dry_run)
    if not options.dry_run:
        result.run_id = await _audit_run(graph, result, options)
    return result


def _check_stored_dates(
    problems: _Problems, line: int, stored: matching.Candidate, start: str | None, end: str | None
) -> None:
    """An update of one of an event's dates must fit the other one as stored: a row that
    moves the start after the stored end (or the end before the stored start) is an
    error, not an event that ends before it begins. (A row with both is checked by
    the model.)"""
    if start and not end and _ends_before(start, stored.end_date):
        problems.add(
            line,
            f"{start} is after the event's stored endDate {stored.end_date} (give endDate too)",
            "startDate",
        )
    if end and not start and _ends_before(stored.start_date, end):
        problems.add(
            line,
            f"{end} is before the event's stored startDate {stored.start_date} "
            "(give startDate too)",
            "endDate",
        )


def _ends_before(start: str | None, end: str | None) -> bool:
    try:
        check_order(start, end, "")
    except ValueError:
        return True
    return False


def _event_batch(
    chunk: list[EventRecord],
    event_of: dict[int, tuple[str, bool]],
    targets: dict[Ref, Target],
) -> _Batch:
    nodes: list[dict[str, Any]] = []
    held_at: list[dict[str, Any]] = []
    part_of: list[dict[str, Any]] = []
    organised: list[dict[str, Any]] = []
    cites: list[dict[str, str]] = []
    for record in chunk:
        event_id, by_name = event_of[record.line]
        given = record.event.model_dump(by_alias=True, mode="json", exclude_none=True)
        given.pop("id", None)
        given.pop("aliases", None)
        if by_name:
            given.pop("name")  # the row's spelling found the event; it does not rename it
        # The derived sortKey/searchText are made by `bulk.upsert_nodes`, from the stored
        # names read under the event's lock (a rename meanwhile is not undone).
        nodes.append({"id": event_id, "props": given})
        if record.place:
            held_at.append({"from": event_id, "to": targets[record.place].id, "props": {}})
        if record.programme:
            part_of.append({"from": event_id, "to": targets[record.programme].id, "props": {}})
        for ref in record.organisers:
            organised.append({"from": targets[ref].id, "to": event_id, "props": {}})
        if record.document and record.quote:
            cites.append(
                {"id": event_id, "document": targets[record.document].id, "quote": record.quote}
            )
    batch = _Batch(nodes=[("Event", nodes)], cites=cites)
    for rel_type, rows in (
        (RelType.HELD_AT, held_at),
        (RelType.PART_OF, part_of),
        (RelType.ORGANISED, organised),
    ):
        if rows:
            batch.rels.append((rel_type, rows))
    return batch


# --- attendance -------------------------------------------------------------------------


@dataclass
class AttendanceCheck:
    """What the validation pass over an attendance file keeps."""

    problems: _Problems
    refs: References
    #: (event, attendee) → (first line, ATTENDED properties)
    pairs: dict[tuple[Ref, Ref], tuple[int, tuple[tuple[str, str], ...]]] = field(
        default_factory=dict
    )
    memberships: set[tuple[Ref, Ref]] = field(default_factory=set)
    rows: int = 0


async def check_attendance(
    path: Path, refs: References, progress: ProgressSink | None = None
) -> AttendanceCheck:
    """The validation pass: every row parsed and checked, duplicates found, and the
    references collected (with the line of their first use) for `resolve()`, the ids
    among them looked up meanwhile (`refs.lookup`)."""
    progress = progress or _Quiet()
    out = AttendanceCheck(_Problems(path.name), refs)
    problems, pairs, memberships = out.problems, out.pairs, out.memberships
    note = refs.note
    reader = Reader(path, ATTENDANCE_COLUMNS)
    progress.phase(f"checking {path.name}", _size(path))
    rows = 0
    reported = 0
    for record in _records(reader, parse_attendance, problems):
        rows += 1
        at: AttendanceRecord = record
        event = note(at.event, at.line, "event")
        attendee = note(at.attendee, at.line, "attendee")
        pair = (event, attendee)
        first = pairs.setdefault(pair, (at.line, at.props))[0]
        if first != at.line:
            problems.add(
                at.line,
                f"duplicate row: {at.attendee.text!r} at {at.event.describe()} is already on "
                f"line {first}",
            )
        if at.organisation:
            memberships.add((attendee, note(at.organisation, at.line, "organisation")))
        if rows % _YIELD_EVERY == 0:
            progress.advance(reader.bytes_read - reported)
            reported = reader.bytes_read
            await asyncio.sleep(0)  # the lookups go on (`IdLookup`)
    _check_rows(reader, problems, ATTENDANCE_COLUMNS)
    out.rows = rows
    return out


@gc_tuning.loads
async def import_attendance(
    graph: Graph, path: Path, options: Options, progress: ProgressSink | None = None
) -> ImportResult:
    """One pass over the file: the attendances are small (two refs and a cached tuple of
    properties, shared between rows) and are kept to find duplicates anyway, so they
    are written from memory instead of reading the file a second time."""
    progress = progress or _Quiet()
    file = path.name
    async with matching.IdLookup(graph) as lookup:
        checked = await check_attendance(path, References(lookup), progress)
        resolution = await resolve(graph, file, checked.refs, create_missing=options.create_missing)
    problems, pairs, rows = checked.problems, checked.pairs, checked.rows
    memberships = checked.memberships
    del checked
    problems.extend(resolution.problems)
    targets = resolution.targets
    # Two spellings of one attendee at one event are duplicates too.
    first_line: dict[tuple[str, str], int] = {}  # (person, event) → its first line
    attended_rows: list[dict[str, Any]] = []
    shared: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}  # one dict per props
    for (event, attendee), (line, props) in pairs.items():
        person, at = targets.get(attendee), targets.get(event)
        if person is None or at is None:
            continue
        first = first_line.setdefault((person.id, at.id), line)
        if first != line:
            problems.add(
                max(first, line),
                f"duplicate row: {attendee.text!r} at {event.describe()} is the same "
                f"attendance as line {min(first, line)}",
            )
            continue
        if props not in shared:
            shared[props] = dict(props)
        attended_rows.append(_rel_row(person, at, shared[props]))
    del first_line
    del pairs
    # An attendee with an organisation is looked up among people only (rows.py).
    people = [(targets[a], targets[o]) for a, o in memberships if a in targets and o in targets]
    problems.raise_if_any()

    report = bulk.Report()
    async with bulk.Pipeline(graph, options.writers) as pipeline:
        await _write_new(pipeline, resolution, report, options)
        member_rows = [_rel_row(p, o, {}) for p, o in {*people}]
        for chunk in bulk.by_start(member_rows, options.batch_size):
            await _apply(pipeline, _Batch(rels=[(RelType.MEMBER_OF, chunk)]), report, options)
        progress.phase(("planning " if options.dry_run else "importing ") + file, rows)
        for chunk in bulk.by_start(attended_rows, options.batch_size):
            batch = _Batch(rels=[(RelType.ATTENDED, chunk)])
            await _apply(pipeline, batch, report, options, partial(progress.advance, len(chunk)))
    result = ImportResult(file, "attendance", rows, report, options.dry_run)
    if not options.dry_run:
        result.run_id = await _audit_run(graph, result, options)
    return result


Importer = Callable[[Graph, Path, Options, ProgressSink | None], Awaitable[ImportResult]]
IMPORTERS: dict[str, Importer] = {"events": import_events, "attendance": import_attendance}
