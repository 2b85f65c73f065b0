"""`koostoo import attendance`: who attended which event, in what role (and their
organisation), from a CSV or JSON Lines file, in one pass over the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from graph import bulk, matching
from graph.driver import Graph
from graph.models.relationships import RelType
from seeds import gc_tuning
from seeds.importers.resolve import References, resolve
from seeds.importers.rows import ATTENDANCE_COLUMNS, AttendanceRecord, Ref, parse_attendance
from seeds.importers.rules import AttendanceRows
from seeds.importers.run import ImportResult, Options, ProgressSink, Quiet
from seeds.importers.validation import ProblemList, validation_pass
from seeds.importers.writing import Batch, apply, audit_run, rel_row, write_new


@dataclass
class AttendanceCheck:
    """What the validation pass over an attendance file keeps."""

    problems: ProblemList
    refs: References
    attendances: AttendanceRows = field(default_factory=AttendanceRows)
    memberships: set[tuple[Ref, Ref]] = field(default_factory=set)
    rows: int = 0


async def check_attendance(
    path: Path, refs: References, progress: ProgressSink | None = None
) -> AttendanceCheck:
    """The validation pass: every row parsed and checked, duplicates found, and the
    references collected (with the line of their first use) for `resolve()`, the ids
    among them looked up meanwhile (`refs.lookup`)."""
    out = AttendanceCheck(ProblemList(path.name), refs)
    problems, attendances, memberships = out.problems, out.attendances, out.memberships
    note = refs.note

    def check(at: AttendanceRecord) -> None:
        event = note(at.event, at.line, "event")
        attendee = note(at.attendee, at.line, "attendee")
        attendances.add(at, event, attendee, problems)
        if at.organisation:
            memberships.add((attendee, note(at.organisation, at.line, "organisation")))

    out.rows = await validation_pass(
        path, ATTENDANCE_COLUMNS, parse_attendance, check, problems, progress or Quiet()
    )
    return out


@gc_tuning.loads
async def import_attendance(
    graph: Graph, path: Path, options: Options, progress: ProgressSink | None = None
) -> ImportResult:
    """One pass over the file: the attendances are small (two refs and a cached tuple of
    properties, shared between rows) and are kept to find duplicates anyway, so they
    are written from memory instead of reading the file a second time."""
    progress = progress or Quiet()
    file = path.name
    async with matching.IdLookup(graph) as lookup:
        checked = await check_attendance(path, References(lookup), progress)
        resolution = await resolve(
            graph,
            file,
            checked.refs,
            create_missing=options.create_missing,
            create_similar=options.create_similar,
        )
    problems, attendances, rows = checked.problems, checked.attendances, checked.rows
    memberships = checked.memberships
    del checked
    problems.extend(resolution.problems)
    targets = resolution.targets
    attended_rows = [
        rel_row(person, event, props)
        for person, event, props in attendances.distinct(targets, problems)
    ]
    del attendances
    # An attendee with an organisation is looked up among people only (rows.py).
    people = [(targets[a], targets[o]) for a, o in memberships if a in targets and o in targets]
    problems.raise_if_any()

    report = bulk.Report()
    async with bulk.Pipeline(graph, options.writers) as pipeline:
        await write_new(pipeline, resolution, report, options)
        member_rows = [rel_row(p, o, {}) for p, o in {*people}]
        for chunk in bulk.by_start(member_rows, options.batch_size):
            await apply(pipeline, Batch(rels=[(RelType.MEMBER_OF, chunk)]), report, options)
        progress.phase(("planning " if options.dry_run else "importing ") + file, rows)
        for chunk in bulk.by_start(attended_rows, options.batch_size):
            batch = Batch(rels=[(RelType.ATTENDED, chunk)])
            await apply(pipeline, batch, report, options, partial(progress.advance, len(chunk)))
    result = ImportResult(
        file,
        "attendance",
        rows,
        report,
        options.dry_run,
        created=resolution.created(),
        notes=resolution.notes,
    )
    if not options.dry_run:
        result.run_id = await audit_run(graph, result, options)
    return result
