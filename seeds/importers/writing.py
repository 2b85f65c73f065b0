"""The write pass of an import: batches of `UNWIND … MERGE` (graph/bulk/), each its own
transaction, a few in flight at once (`bulk.Pipeline`); with `dry_run` the same batches
are planned in read transactions instead (`bulk.plan_*`), and nothing is written. Then
one audit event for the run (actor, file, counts), besides the per-node audit events the
bulk writers record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph import audit, bulk
from graph.driver import Graph, TxWork
from graph.models.common import new_id
from graph.models.relationships import RelType
from seeds.importers.resolve import Resolution, Target
from seeds.importers.run import ImportResult, Options


@dataclass
class Batch:
    """One batch's rows: nodes by label, relationships by type, citations."""

    nodes: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    rels: list[tuple[RelType, list[dict[str, Any]]]] = field(default_factory=list)
    cites: list[dict[str, str]] = field(default_factory=list)


def _work(batch: Batch, options: Options) -> TxWork[bulk.Report]:
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


async def apply(
    pipeline: bulk.Pipeline,
    batch: Batch,
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


async def write_new(
    pipeline: bulk.Pipeline, resolution: Resolution, report: bulk.Report, options: Options
) -> None:
    """Create the missing people and organisations; fill in e-mail addresses."""
    rows: list[tuple[str, dict[str, Any]]] = [
        (e.label, {"id": e.id, "props": e.props}) for e in resolution.new.values()
    ]
    rows += [("Person", {"id": i, "props": {"email": m}}) for i, m in resolution.emails.items()]
    for start in range(0, len(rows), options.batch_size):
        chunk = rows[start : start + options.batch_size]
        batch = Batch()
        for label in ("Organisation", "Person"):
            of_label = [r for lab, r in chunk if lab == label]
            if of_label:
                batch.nodes.append((label, of_label))
        await apply(pipeline, batch, report, options)
    await pipeline.drain()  # what comes next connects to these nodes


def rel_row(start: Target, end: Target, props: dict[str, Any]) -> dict[str, Any]:
    """A row for `bulk.upsert_relationships`, with the nodes' elementIds where both
    are known (existing entities), so that the write seeks them directly."""
    row = {"from": start.id, "to": end.id, "props": props}
    if start.element_id and end.element_id:
        row["fromElement"], row["toElement"] = start.element_id, end.element_id
    return row


def chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """`items` in lists of `size` (the last one shorter)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def audit_run(graph: Graph, result: ImportResult, options: Options) -> str:
    """Record the run (actor, file, counts) as one audit event; returns its id."""
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
