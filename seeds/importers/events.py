"""`koostoo import events`: events (name, kind, dates, place, programme, organisers,
source) from a CSV or JSON Lines file. The write pass reads the file again (streaming),
so memory holds only what the rules need of each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from graph import bulk, matching
from graph.driver import Graph
from graph.models.relationships import RelType
from seeds import gc_tuning
from seeds.importers.reading import Reader
from seeds.importers.resolve import References, Target, resolve
from seeds.importers.rows import EVENT_COLUMNS, EventRecord, Ref, parse_event
from seeds.importers.rules import EventRows
from seeds.importers.run import ImportResult, Options, ProgressSink, Quiet
from seeds.importers.validation import ProblemList, records, validation_pass
from seeds.importers.writing import Batch, apply, audit_run, chunks, write_new


@dataclass
class EventCheck:
    """What the validation pass over an events file keeps."""

    problems: ProblemList
    refs: References
    events: EventRows = field(default_factory=EventRows)
    rows: int = 0


async def check_events(
    path: Path, refs: References, progress: ProgressSink | None = None
) -> EventCheck:
    """The validation pass: every row parsed and checked, duplicates found, the
    references collected (with the line of their first use) for `resolve()`, and the
    ids given looked up meanwhile (`refs.lookup`)."""
    out = EventCheck(ProblemList(path.name), refs)
    problems, events = out.problems, out.events

    def check(ev: EventRecord) -> None:
        if ev.event.id and ev.event.id not in events.by_id:
            refs.lookup.add(ev.event.id)
        events.add(ev, problems)
        for column, ref in (
            ("place", ev.place),
            ("programme", ev.programme),
            ("sourceDocument", ev.document),
        ):
            if ref:
                refs.note(ref, ev.line, column)
        for ref in ev.organisers:
            refs.note(ref, ev.line, "organisers")

    out.rows = await validation_pass(
        path, EVENT_COLUMNS, parse_event, check, problems, progress or Quiet()
    )
    return out


@gc_tuning.loads
async def import_events(
    graph: Graph, path: Path, options: Options, progress: ProgressSink | None = None
) -> ImportResult:
    progress = progress or Quiet()
    file = path.name
    async with matching.IdLookup(graph) as lookup:
        checked = await check_events(path, References(lookup), progress)
        resolution = await resolve(
            graph,
            file,
            checked.refs,
            create_missing=options.create_missing,
            create_similar=options.create_similar,
        )
        existing = await lookup.done()
    problems, events, rows = checked.problems, checked.events, checked.rows
    del checked
    problems.extend(resolution.problems)
    index = await matching.name_index(graph, ["Event"])
    event_of = events.targets(existing, index, problems)
    del events, index
    problems.raise_if_any()

    report = bulk.Report()
    async with bulk.Pipeline(graph, options.writers) as pipeline:
        await write_new(pipeline, resolution, report, options)
        progress.phase(("planning " if options.dry_run else "importing ") + file, rows)
        parsed = records(Reader(path, EVENT_COLUMNS), parse_event, None)
        for chunk in chunks(parsed, options.batch_size):
            batch = _event_batch(chunk, event_of, resolution.targets)
            await apply(pipeline, batch, report, options, partial(progress.advance, len(chunk)))
    result = ImportResult(
        file,
        "events",
        rows,
        report,
        options.dry_run,
        created=resolution.created(),
        notes=resolution.notes,
    )
    if not options.dry_run:
        result.run_id = await audit_run(graph, result, options)
    return result


def _event_batch(
    chunk: list[EventRecord],
    event_of: dict[int, tuple[str, bool]],
    targets: dict[Ref, Target],
) -> Batch:
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
    batch = Batch(nodes=[("Event", nodes)], cites=cites)
    for rel_type, rows in (
        (RelType.HELD_AT, held_at),
        (RelType.PART_OF, part_of),
        (RelType.ORGANISED, organised),
    ):
        if rows:
            batch.rels.append((rel_type, rows))
    return batch
