"""Keeping the derived `sortKey` and `searchText` of entities true to their names.

They are made in Python (`graph.text.fold`, which Cypher cannot compute), so a writer
reads the name properties, derives and writes. A read takes no lock in Neo4j: a writer
that derives from what is stored (not only from the names it was given) locks the
nodes before it reads them, so that no concurrent rename falls between its read and its
write and leaves the old name's keys behind.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, Rows
from graph.labels import ENTITY_LABELS, checked_label
from graph.models.registry import REGISTRY
from graph.models.spec import DERIVED


def _locked_names(label: str) -> str:
    return f"""
UNWIND $ids AS id
MATCH (n:{label} {{id: id}})
SET n.id = n.id
WITH n WHERE n.id IS NOT NULL
RETURN collect([n.id, [k IN $keys | n[k]]]) AS rows
"""


def _locked_page(label: str) -> str:
    return f"""
MATCH (n:{label}) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
SET n.id = n.id
RETURN collect([n.id, [k IN $keys | n[k]], [k IN $derived | n[k]]]) AS rows
"""


def _set_derived(label: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (n:{label} {{id: row[0]}})
SET n += row[1]
"""


async def locked_names(
    tx: AsyncManagedTransaction, label: str, ids: list[str]
) -> dict[str, dict[str, Any]]:
    """Lock the `label` nodes with these ids (in id order, held until the transaction
    ends) and return the name properties (`EntityType.derived_from`) of those that exist."""
    keys = REGISTRY[checked_label(label)].derived_from
    row = await (
        await tx.run(_locked_names(label), ids=Rows(sorted(set(ids))), keys=list(keys))
    ).single(strict=True)
    return {i: dict(zip(keys, values, strict=True)) for i, values in row["rows"]}


async def with_derived(
    tx: AsyncManagedTransaction, label: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`rows` (`{id, props}`) with the derived properties of each row that changes a name
    property made from its names; a row that leaves some of them out keeps the stored
    ones, read under the node's lock in `tx`. Rows that change no name are as given
    (without derived properties of their own)."""
    spec = REGISTRY[checked_label(label)]
    inputs = spec.derived_from
    naming = [r for r in rows if any(k in r["props"] for k in (*inputs, *DERIVED))]
    if not naming:
        return rows
    partial = [r["id"] for r in naming if not all(k in r["props"] for k in inputs)]
    stored = await locked_names(tx, label, partial) if partial else {}
    out = []
    for r in rows:
        given = {k: v for k, v in r["props"].items() if k not in DERIVED}
        if any(k in r["props"] for k in (*inputs, *DERIVED)):
            given |= spec.derived(stored.get(r["id"], {}) | given)
        out.append(r | {"props": given})
    return out


async def _repair_page(
    tx: AsyncManagedTransaction, label: str, after: str, page: int
) -> tuple[int, str | None]:
    """Rewrite the wrong derived properties of one locked page of `label` nodes after the
    id `after`; return how many were wrong and the id to go on after (None at the end)."""
    spec = REGISTRY[label]
    keys = list(spec.derived_from)
    names = list(spec.derived({}))
    result = await tx.run(_locked_page(label), after=after, page=page, keys=keys, derived=names)
    rows = (await result.single(strict=True))["rows"]
    wrong = []
    for entity_id, values, stored in rows:
        want = spec.derived(dict(zip(keys, values, strict=True)))
        if dict(zip(names, stored, strict=True)) != want:
            wrong.append([entity_id, want])
    if wrong:
        await tx.run(_set_derived(label), rows=Rows(wrong))
    return len(wrong), (rows[-1][0] if len(rows) == page else None)


async def repair(graph: Graph, *, page: int = 2_000) -> int:
    """Make the derived properties of every entity again from its names, a page at a time
    (each page locked while it is read and rewritten); return how many were wrong."""
    fixed = 0
    for label in ENTITY_LABELS:
        after: str | None = ""
        while after is not None:
            n, after = await graph.write(partial(_repair_page, label=label, after=after, page=page))
            fixed += n
    return fixed
