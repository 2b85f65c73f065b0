"""Batched, idempotent writers shared by the seed loader and the importers.

Each statement is `UNWIND $rows … MERGE`, compares what is stored with what is
written, writes only what differs and reports per row whether it was created,
updated or unchanged. Callers pass a transaction, so a whole load can be one unit.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.labels import checked_label
from graph.models.common import new_id
from graph.models.relationships import RelType


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, status: str, n: int) -> None:
        setattr(self, status, getattr(self, status) + n)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __iadd__(self, other: Counts) -> Counts:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass
class Report:
    """What a load did, per node label / relationship type."""

    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)

    def node(self, label: str) -> Counts:
        return self.nodes.setdefault(label, Counts())

    def rel(self, rel_type: str) -> Counts:
        return self.relationships.setdefault(rel_type, Counts())

    @property
    def changed(self) -> int:
        return sum(
            c.created + c.updated for c in (*self.nodes.values(), *self.relationships.values())
        )


_SAME = (
    "all(k IN keys(row.props) WHERE "
    "coalesce(existing[k] = row.props[k], existing[k] IS NULL AND row.props[k] IS NULL))"
)


def _upsert_nodes(label: str) -> str:
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (existing:Entity {{id: row.id}})
WITH row, existing,
     CASE WHEN existing IS NULL THEN 'created'
          WHEN {_SAME} THEN 'unchanged'
          ELSE 'updated' END AS status
CALL (row, status) {{
  WITH row, status WHERE status <> 'unchanged'
  MERGE (n:Entity:{label} {{id: row.id}})
  ON CREATE SET n.createdAt = datetime()
  SET n += row.props, n.updatedAt = datetime()
  CREATE (:AuditEvent {{id: row.auditId, at: datetime(), actor: $actor,
                        action: CASE status WHEN 'created' THEN 'create' ELSE 'update' END,
                        entityId: row.id, entityType: $label, after: row.audit}})
}}
RETURN status, count(*) AS n
"""


def _upsert_relationships(rel_type: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{id: row.from}})
MATCH (b:Entity {{id: row.to}})
OPTIONAL MATCH (a)-[existing:{rel_type}]->(b)
WITH row, a, b, existing,
     CASE WHEN existing IS NULL THEN 'created'
          WHEN {_SAME} THEN 'unchanged'
          ELSE 'updated' END AS status
CALL (row, a, b, status) {{
  WITH row, a, b, status WHERE status <> 'unchanged'
  MERGE (a)-[r:{rel_type}]->(b)
  ON CREATE SET r.createdAt = datetime()
  SET r += row.props, r.updatedAt = datetime()
}}
RETURN status, count(*) AS n
"""


CITE = """
UNWIND $rows AS row
MATCH (x:Entity {id: row.id})
MATCH (d:Document {id: row.document})
OPTIONAL MATCH (x)-[existing:CITED_IN {quote: row.quote}]->(d)
WITH row, x, d, existing, CASE WHEN existing IS NULL THEN 'created' ELSE 'unchanged' END AS status
CALL (x, d, row, status) {
  WITH x, d, row, status WHERE status = 'created'
  CREATE (x)-[:CITED_IN {quote: row.quote, createdAt: datetime()}]->(d)
}
RETURN status, count(*) AS n
"""


async def upsert_nodes(
    tx: AsyncManagedTransaction, label: str, rows: list[dict[str, Any]], *, actor: str
) -> Counts:
    """`rows`: `{id, props}`; props with None remove a property. Audited per change."""
    label = checked_label(label)
    payload = [
        {
            "id": r["id"],
            "props": r["props"],
            "auditId": new_id(),
            "audit": json.dumps(
                {
                    k: v
                    for k, v in r["props"].items()
                    if v is not None and k not in ("sortKey", "searchText")
                },
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            ),
        }
        for r in rows
    ]
    return await _counted(tx, _upsert_nodes(label), payload, actor=actor, label=label)


async def upsert_relationships(
    tx: AsyncManagedTransaction, rel_type: RelType, rows: list[dict[str, Any]]
) -> Counts:
    """`rows`: `{from, to, props}`; one relationship per (from, type, to)."""
    return await _counted(tx, _upsert_relationships(RelType(rel_type).value), rows)


async def cite(tx: AsyncManagedTransaction, rows: list[dict[str, str]]) -> Counts:
    """`rows`: `{id, document, quote}` → `(x)-[:CITED_IN {quote}]->(Document)`."""
    return await _counted(tx, CITE, rows)


async def _counted(
    tx: AsyncManagedTransaction, query: str, rows: list[Any], **params: Any
) -> Counts:
    counts = Counts()
    if not rows:
        return counts
    result = await tx.run(query, rows=rows, **params)
    tally: Counter[str] = Counter()
    async for record in result:
        tally[record["status"]] += record["n"]
    for status, n in tally.items():
        counts.add(status, n)
    return counts


# --- Planning: the same status per row, read-only (for dry runs that span several
# transactions, where rolled-back writes of one batch could not be seen by the next).

_STATUS = f"""CASE WHEN existing IS NULL THEN 'created'
          WHEN {_SAME} THEN 'unchanged'
          ELSE 'updated' END AS status"""

PLAN_NODES = f"""
UNWIND $rows AS row
OPTIONAL MATCH (existing:Entity {{id: row.id}})
RETURN {_STATUS}, count(*) AS n
"""


def _plan_relationships(rel_type: str) -> str:
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (a:Entity {{id: row.from}})
OPTIONAL MATCH (b:Entity {{id: row.to}})
OPTIONAL MATCH (a)-[existing:{rel_type}]->(b)
RETURN {_STATUS}, count(*) AS n
"""


PLAN_CITE = """
UNWIND $rows AS row
OPTIONAL MATCH (x:Entity {id: row.id})
OPTIONAL MATCH (d:Document {id: row.document})
OPTIONAL MATCH (x)-[existing:CITED_IN {quote: row.quote}]->(d)
RETURN CASE WHEN existing IS NULL THEN 'created' ELSE 'unchanged' END AS status, count(*) AS n
"""


async def plan_nodes(tx: AsyncManagedTransaction, rows: list[dict[str, Any]]) -> Counts:
    """What `upsert_nodes` would report for `rows`, without writing."""
    return await _counted(tx, PLAN_NODES, [{"id": r["id"], "props": r["props"]} for r in rows])


async def plan_relationships(
    tx: AsyncManagedTransaction, rel_type: RelType, rows: list[dict[str, Any]]
) -> Counts:
    """What `upsert_relationships` would report for `rows` once their end nodes exist."""
    return await _counted(tx, _plan_relationships(RelType(rel_type).value), rows)


async def plan_cite(tx: AsyncManagedTransaction, rows: list[dict[str, str]]) -> Counts:
    """What `cite` would report for `rows`, without writing."""
    return await _counted(tx, PLAN_CITE, rows)
