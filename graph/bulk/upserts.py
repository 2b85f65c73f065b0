"""Batched, idempotent writers shared by the seed loader and the importers, and their
read-only twins for dry runs.

Each statement is one `UNWIND $rows`: it compares what is stored with what is
written, writes only what differs and reports per row whether it was created,
updated or unchanged. Nodes are `MERGE`d on their id; relationships are created after
a check made under the start node's lock (`_lock_starts`). Callers pass a transaction,
so a whole load can be one unit.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction
from pydantic_core import to_jsonable_python

from graph import derived
from graph.driver import Rows
from graph.labels import checked_label
from graph.models.common import new_id
from graph.models.relationships import RelType, props_model
from graph.models.spec import DERIVED


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


def _same(props: str) -> str:
    """Cypher: the stored `existing` holds every property of the map `props` already."""
    return (
        f"all(k IN keys({props}) WHERE "
        f"coalesce(existing[k] = {props}[k], existing[k] IS NULL AND {props}[k] IS NULL))"
    )


_SAME = _same("row.props")


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


#: Takes the write locks of the start nodes (`SET a.id = a.id` changes nothing). A
#: relationship writer locks its start nodes before it looks for the relationships,
#: so a concurrent writer of the same relationship (another load, or the API's
#: `MERGE`, which locks both ends) either has committed it before the look or waits
#: until this transaction has: the check and the `CREATE` after it are safe without
#: `MERGE`. `MERGE` would lock the end node as well, for the rest of the transaction,
#: and the end nodes (events) are what batches in flight share: measured on the M
#: graph, 100k new attendances with two writers took 5.4-7.1 s with `MERGE` and
#: 3.7-5.2 s this way. All start nodes are locked first, in the order of their ids:
#: two statements that share start nodes (batches of two relationship types in
#: flight) take those locks in the same order and cannot deadlock on them.
#:
#: The start nodes come from `$rows` itself, not from a second list parameter: Neo4j
#: keys its plan cache by the size class of each list parameter (0, 1, ≤10, ≤100,
#: ≤1,000, ≤10,000, …), so a second list, whose length varies from batch to batch,
#: made it plan the statement again whenever a batch's length crossed a class. A plan
#: of this statement took 0.4 s of Neo4j's CPU on a server that had just loaded the
#: M graph, 1.4-1.7 s on a freshly started one (`result_available_after`).
def _lock_starts(start_id: str) -> str:
    """`start_id`: the Cypher expression of a row's start node id."""
    return f"""CALL () {{
  UNWIND $rows AS row
  WITH DISTINCT {start_id} AS id ORDER BY id
  MATCH (a:Entity {{id: id}})
  SET a.id = a.id
}}"""


#: The same locks when the rows carry their nodes' elementIds (`row[3]`), in the same
#: order (by id), so both variants lock in one order.
_LOCK_START_ELEMENTS = """CALL () {
  UNWIND $rows AS row
  WITH DISTINCT row[0] AS id, row[3] AS element ORDER BY id
  MATCH (a) WHERE elementId(a) = element AND a.id = id
  SET a.id = a.id
}"""

#: How a relationship statement finds its end nodes: by id (a seek in the unique
#: index on Entity.id), or, when every row carries the elementIds of both nodes (the
#: importers know them from resolving the file), by elementId. The elementId seek
#: reads the node record directly; with the id checked as well, a node deleted since
#: (whose record may be reused) is not mistaken for another. Rows travel as lists,
#: `[from, to, props]` or `[from, to, props, fromElement, toElement]`, not maps: the
#: keys of 5,000 maps per batch were a third of the client's work in a write.
#: Measured on the M graph, 100k new attendances with two writers: by id 3.5-4.2 s
#: and 5.9-7.0 s of Neo4j CPU, by elementId 3.2-4.1 s and 4.6-6.1 s.
_SEEK_BY_ID = """MATCH (a:Entity {id: row[0]})
MATCH (b:Entity {id: row[1]})"""
_SEEK_BY_ELEMENT = """MATCH (a) WHERE elementId(a) = row[3] AND a.id = row[0]
MATCH (b) WHERE elementId(b) = row[4] AND b.id = row[1]"""


def _upsert_relationships(rel_type: str, *, by_element: bool = False) -> str:
    return f"""
{_LOCK_START_ELEMENTS if by_element else _lock_starts("row[0]")}
UNWIND $rows AS row
{_SEEK_BY_ELEMENT if by_element else _SEEK_BY_ID}
OPTIONAL MATCH (a)-[existing:{rel_type}]->(b)
WITH row, a, b, existing,
     CASE WHEN existing IS NULL THEN 'created'
          WHEN {_same("row[2]")} THEN 'unchanged'
          ELSE 'updated' END AS status
CALL (row, a, b, status) {{
  WITH row, a, b, status WHERE status = 'created'
  CREATE (a)-[r:{rel_type} {{createdAt: datetime(), updatedAt: datetime()}}]->(b)
  SET r += $defaults, r += row[2]
}}
CALL (row, existing, status) {{
  WITH row, existing, status WHERE status = 'updated'
  SET existing += row[2], existing.updatedAt = datetime()
}}
RETURN status, count(*) AS n
"""


CITE = f"""
{_lock_starts("row.id")}
UNWIND $rows AS row
MATCH (a:Entity {{id: row.id}})
MATCH (d:Document {{id: row.document}})
OPTIONAL MATCH (a)-[existing:CITED_IN {{quote: row.quote}}]->(d)
WITH row, a, d, existing, CASE WHEN existing IS NULL THEN 'created' ELSE 'unchanged' END AS status
CALL (a, d, row, status) {{
  WITH a, d, row, status WHERE status = 'created'
  CREATE (a)-[:CITED_IN {{quote: row.quote, createdAt: datetime()}}]->(d)
}}
RETURN status, count(*) AS n
"""


async def upsert_nodes(
    tx: AsyncManagedTransaction, label: str, rows: list[dict[str, Any]], *, actor: str
) -> Counts:
    """`rows`: `{id, props}`; props with None remove a property. Audited per change.

    A row that changes a name property gets the derived `sortKey`/`searchText` made
    here, from its names and, for those it leaves out, the stored ones, read under the
    node's lock (`derived.with_derived`): a concurrent rename is never undone by them."""
    label = checked_label(label)
    rows = await derived.with_derived(tx, label, rows)
    payload = [
        {
            "id": r["id"],
            "props": r["props"],
            "auditId": new_id(),
            "audit": json.dumps(
                {k: v for k, v in r["props"].items() if v is not None and k not in DERIVED},
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
    """`rows`: `{from, to, props}`, optionally with the elementIds of both nodes
    (`fromElement`, `toElement`); one relationship per (from, type, to).

    A property a row leaves out keeps its stored value; a new relationship gets the
    defaults of its properties model (an ATTENDED without a role is a PARTICIPANT),
    an existing one keeps what it has (a file without roles does not demote a
    SPEAKER). Rows of one (from, to) are one relationship: their properties are
    applied in order, as separate writes would be."""
    rel = RelType(rel_type).value
    rows = _one_per_pair(rows)
    defaults = create_defaults(RelType(rel_type))
    if all(r.get("fromElement") and r.get("toElement") for r in rows):
        payload = [[r["from"], r["to"], r["props"], r["fromElement"], r["toElement"]] for r in rows]
        query = _upsert_relationships(rel, by_element=True)
    else:
        payload = [[r["from"], r["to"], r["props"]] for r in rows]
        query = _upsert_relationships(rel)
    return await _counted(tx, query, payload, defaults=defaults)


@functools.cache
def create_defaults(rel_type: RelType) -> dict[str, Any]:
    """The properties a new relationship of `rel_type` gets unless its row says
    otherwise: the defaults of its properties model (as the API's writes would store
    them), leaving out fields without one and defaults of None."""
    defaults = {
        field.alias or name: field.get_default(call_default_factory=True)
        for name, field in props_model(rel_type).model_fields.items()
        if not field.is_required()
    }
    return {k: to_jsonable_python(v) for k, v in defaults.items() if v is not None}


def _one_per_pair(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with one per (from, to), props merged in order. Rows of one statement
    do not see each other's writes, so two rows of a pair would create it twice."""
    by_pair: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        pair = (r["from"], r["to"])
        first = by_pair.get(pair)
        if first is None:
            by_pair[pair] = r
        else:
            by_pair[pair] = {**first, "props": {**first["props"], **r["props"]}}
    return rows if len(by_pair) == len(rows) else list(by_pair.values())


async def cite(tx: AsyncManagedTransaction, rows: list[dict[str, str]]) -> Counts:
    """`rows`: `{id, document, quote}` → `(x)-[:CITED_IN {quote}]->(Document)`."""
    return await _counted(tx, CITE, rows)


async def _counted(
    tx: AsyncManagedTransaction, query: str, rows: list[Any], **params: Any
) -> Counts:
    counts = Counts()
    if not rows:
        return counts
    result = await tx.run(query, rows=Rows(rows), **params)
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
    return await _counted(tx, _plan_relationships(RelType(rel_type).value), _one_per_pair(rows))


async def plan_cite(tx: AsyncManagedTransaction, rows: list[dict[str, str]]) -> Counts:
    """What `cite` would report for `rows`, without writing."""
    return await _counted(tx, PLAN_CITE, rows)
