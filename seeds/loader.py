"""Loads the curated dataset into Neo4j in one transaction, idempotently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import AsyncManagedTransaction

from graph import bulk
from graph.driver import Graph
from graph.models.registry import REGISTRY
from graph.models.relationships import RelType, props_model
from seeds.dataset import Dataset, NodeRecord, RelRecord

#: Documents first: citations point at them.
ORDER = (
    "Document",
    "Organisation",
    "Person",
    "Place",
    "ServiceCategory",
    "Service",
    "Topic",
    "Programme",
    "Event",
    "Campaign",
)

Progress = Callable[[str, int], None]


def _node_props(record: NodeRecord) -> dict[str, Any]:
    """Every property the type has (None removes what the data no longer says)."""
    spec = REGISTRY[record.label]
    props = {
        f.alias or name: record.props.get(f.alias or name)
        for name, f in spec.create.model_fields.items()
        if name != "id"
    }
    return props | spec.derived(props)


def _rel_props(record: RelRecord) -> dict[str, Any]:
    model = props_model(record.type)
    props = {
        f.alias or name: record.props.get(f.alias or name) for name, f in model.model_fields.items()
    }
    return props | {
        "sourceIds": [s.document for s in record.sources],
        "evidence": [s.quote for s in record.sources],
    }


async def write(
    tx: AsyncManagedTransaction, dataset: Dataset, *, actor: str, progress: Progress | None = None
) -> bulk.Report:
    report = bulk.Report()
    by_label = dataset.by_label()
    for label in sorted(by_label, key=lambda x: ORDER.index(x) if x in ORDER else len(ORDER)):
        records = by_label[label]
        rows = [{"id": r.id, "props": _node_props(r)} for r in records]
        report.node(label).__iadd__(await bulk.upsert_nodes(tx, label, rows, actor=actor))
        if progress:
            progress(label, len(records))
    citations = [
        {"id": n.id, "document": s.document, "quote": s.quote}
        for n in dataset.nodes
        for s in n.sources
    ]
    report.rel("CITED_IN").__iadd__(await bulk.cite(tx, citations))
    if progress:
        progress("sources", len(citations))
    by_type: dict[RelType, list[RelRecord]] = {}
    for r in dataset.relationships:
        by_type.setdefault(r.type, []).append(r)
    for rel_type, recs in by_type.items():
        rows = [{"from": r.from_id, "to": r.to_id, "props": _rel_props(r)} for r in recs]
        report.rel(rel_type.value).__iadd__(await bulk.upsert_relationships(tx, rel_type, rows))
        if progress:
            progress(rel_type.value, len(recs))
    return report


async def load(
    graph: Graph,
    dataset: Dataset,
    *,
    actor: str = "seed",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> bulk.Report:
    """Load `dataset`; all or nothing. With `dry_run`, report and roll back."""

    async def work(tx: AsyncManagedTransaction) -> bulk.Report:
        return await write(tx, dataset, actor=actor, progress=progress)

    return await (graph.dry_run(work) if dry_run else graph.write(work))
