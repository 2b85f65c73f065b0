"""Personal data: export everything held about a person, and erase it.

Erasure keeps the node as an anonymous placeholder with its memberships and
attendances, so organisation-level counts (members, attendees, cooperation) survive,
and removes everything that identifies the person: personal properties, the quotes that
name them (CITED_IN edges, `evidence` on their relationships), notes and tasks only
about them, and the personal values in audit snapshots. Both are audited.
"""

from __future__ import annotations

import json
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph import audit
from graph.driver import Graph
from graph.errors import NotFound
from graph.models.common import new_id, to_native
from graph.models.entities import Person
from graph.models.registry import REGISTRY, to_model

#: Person properties that identify someone.
PERSONAL: Final = (
    "name",
    "givenName",
    "familyName",
    "email",
    "phone",
    "bio",
    "nameEn",
    "aliases",
    "description",
)
#: Free-text properties of relationships, notes and audit snapshots that may quote them.
QUOTING: Final = ("evidence", "note", "roleNote", "body", "quote")
ERASED: Final = "[erased]"

PERSON = "MATCH (p:Person {id: $id}) RETURN p {.*} AS p"

RELATIONSHIPS = """
MATCH (p:Person {id: $id})-[r]-(x)
WHERE NOT x:AuditEvent AND type(r) <> 'CITED_IN'
RETURN type(r) AS type, CASE WHEN startNode(r) = p THEN 'out' ELSE 'in' END AS direction,
       x.id AS otherId, [l IN labels(x) WHERE l <> 'Entity'][0] AS otherType,
       coalesce(x.name, x.title) AS otherName, properties(r) AS properties
ORDER BY type, otherId
"""

SOURCES = """
MATCH (:Person {id: $id})-[c:CITED_IN]->(d:Document)
RETURN d.id AS document, d.title AS title, c.quote AS quote ORDER BY document, quote
"""

CRM = """
MATCH (x:Note|Task)-[:ABOUT]->(:Person {id: $id})
RETURN [l IN labels(x) WHERE l IN ['Note', 'Task']][0] AS label, x {.*} AS props,
       COUNT { (x)-[:ABOUT]->() } AS about
ORDER BY x.createdAt
"""

AUDIT = """
MATCH (a:AuditEvent)
WHERE a.entityId IN $ids OR a.before CONTAINS $id OR a.after CONTAINS $id
RETURN a {.*} AS a ORDER BY a.at, a.id
"""

SCRUB_AUDIT = """
UNWIND $rows AS row
MATCH (a:AuditEvent {id: row.id})
SET a.before = row.before, a.after = row.after, a.scrubbed = true
"""

ERASE_RELATIONSHIP_TEXT = """
MATCH (:Person {id: $id})-[r]-()
WHERE type(r) <> 'CITED_IN'
SET r.evidence = CASE WHEN r.evidence IS NULL THEN null ELSE [e IN r.evidence | $erased] END,
    r.note = null, r.roleNote = null
"""

DROP_CITATIONS = "MATCH (:Person {id: $id})-[c:CITED_IN]->() DELETE c"
DROP_OWN_CRM = "UNWIND $ids AS xid MATCH (x:Entity {id: xid}) DETACH DELETE x"
DETACH_SHARED_CRM = "MATCH (x:Note|Task)-[a:ABOUT]->(:Person {id: $id}) DELETE a"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(to_native(value), default=str, ensure_ascii=False))


def _audit_entry(props: dict[str, Any]) -> dict[str, Any]:
    entry = to_native(props)
    for key in ("before", "after"):
        entry[key] = json.loads(entry[key]) if entry.get(key) else None
    return _jsonable(entry)  # type: ignore[no-any-return]


async def _gather(tx: AsyncManagedTransaction, person_id: str) -> dict[str, Any]:
    row = await (await tx.run(PERSON, id=person_id)).single()
    if row is None:
        raise NotFound(person_id, "Person")
    rels = [dict(r) async for r in await tx.run(RELATIONSHIPS, id=person_id)]
    sources = [dict(r) async for r in await tx.run(SOURCES, id=person_id)]
    crm = [dict(r) async for r in await tx.run(CRM, id=person_id)]
    audit_rows = [r["a"] async for r in await tx.run(AUDIT, ids=[person_id], id=person_id)]
    return {
        "person": dict(row["p"]),
        "relationships": rels,
        "sources": sources,
        "crm": crm,
        "audit": audit_rows,
    }


async def export_person(graph: Graph, person_id: str, *, actor: str) -> dict[str, Any]:
    """Everything held about a person, as JSON-ready data; the export itself is audited."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        found = await _gather(tx, person_id)
        exported = {
            "person": _jsonable(
                {k: v for k, v in found["person"].items() if k not in ("sortKey", "searchText")}
            ),
            "relationships": _jsonable(found["relationships"]),
            "sources": _jsonable(found["sources"]),
            "notes": [_jsonable(c["props"]) for c in found["crm"] if c["label"] == "Note"],
            "tasks": [_jsonable(c["props"]) for c in found["crm"] if c["label"] == "Task"],
            "audit": [_audit_entry(a) for a in found["audit"]],
        }
        await audit.record(
            tx,
            actor=actor,
            action="export",
            entity_id=person_id,
            entity_type="Person",
            before=None,
            after=None,
        )
        return exported

    return await graph.write(work)


def _scrub(snapshot: str | None, person_id: str, own: bool) -> str | None:
    if not snapshot:
        return snapshot
    data = json.loads(snapshot)
    if not isinstance(data, dict):
        return snapshot
    for key in list(data):
        if (own and key in PERSONAL) or key in QUOTING:
            data[key] = ERASED
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


async def erase_person(graph: Graph, person_id: str, *, actor: str) -> Person:
    """Replace the person by an anonymous placeholder; remove what identifies them."""
    placeholder = f"Anonymous person {new_id()[:8]}"

    async def work(tx: AsyncManagedTransaction) -> Person:
        found = await _gather(tx, person_id)
        own_crm = [c["props"]["id"] for c in found["crm"] if c["about"] == 1]
        await tx.run(DROP_CITATIONS, id=person_id)
        await tx.run(ERASE_RELATIONSHIP_TEXT, id=person_id, erased=ERASED)
        await tx.run(DETACH_SHARED_CRM, id=person_id)
        await tx.run(DROP_OWN_CRM, ids=own_crm)
        own_ids = {person_id, *own_crm}
        audit_rows = [
            dict(r["a"]) async for r in await tx.run(AUDIT, ids=sorted(own_ids), id=person_id)
        ]
        scrubbed = [
            {
                "id": a["id"],
                "before": _scrub(a.get("before"), person_id, a["entityId"] in own_ids),
                "after": _scrub(a.get("after"), person_id, a["entityId"] in own_ids),
            }
            for a in audit_rows
        ]
        await tx.run(SCRUB_AUDIT, rows=scrubbed)
        changes: dict[str, Any] = {k: None for k in PERSONAL if k != "name"}
        changes |= {"name": placeholder, "erased": True}
        changes |= REGISTRY["Person"].derived({"name": placeholder})
        await tx.run(
            "MATCH (p:Person {id: $id}) SET p += $props, p.updatedAt = datetime()",
            id=person_id,
            props=changes,
        )
        await audit.record(
            tx,
            actor=actor,
            action="erase",
            entity_id=person_id,
            entity_type="Person",
            before=None,
            after={
                "erased": True,
                "name": placeholder,
                "citationsRemoved": len(found["sources"]),
                "notesAndTasksRemoved": len(own_crm),
                "auditEntriesScrubbed": len(scrubbed),
            },
        )
        row = await (await tx.run(PERSON, id=person_id)).single(strict=True)
        person = to_model("Person", row["p"])
        assert isinstance(person, Person)
        return person

    return await graph.write(work)
