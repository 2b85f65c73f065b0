"""Personal data: export everything held about a person, and erase it.

Erasure keeps the node as an anonymous placeholder with its memberships and
attendances, so organisation-level counts (members, attendees, cooperation) survive,
and removes everything that identifies the person: personal properties, the quotes that
name them (CITED_IN edges, `evidence` and notes on their relationships, the notes of
their stakeholder assessments, the proposed facts of ingested documents that are
them or quote them with them), notes and tasks only about them, their identifying
words in notes and tasks about them and others, and their data in every audit event
that concerns them, by the exact rule of graph/data_subject.py (their own events,
relationship changes with them at one end, events of notes about them, console
queries that looked them up). Both are audited.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph import audit, data_subject
from graph.data_subject import ERASED, Concern, Concerned, Subject
from graph.driver import Graph
from graph.errors import NotFound
from graph.ingest import store
from graph.models.common import new_id, to_native
from graph.models.entities import Person
from graph.models.registry import REGISTRY, to_model
from graph.models.spec import DERIVED

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
#: The texts of notes and tasks.
CRM_TEXT: Final = ("body", "title", "description")

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

#: Relationships that keep earlier states as JSON entries (STAKEHOLDER_IN assessments).
RELATIONSHIP_HISTORY = """
MATCH (:Person {id: $id})-[r]-()
WHERE r.history IS NOT NULL
RETURN elementId(r) AS rel, r.history AS history
"""

SET_RELATIONSHIP_HISTORY = """
UNWIND $rows AS row
MATCH ()-[r]->() WHERE elementId(r) = row.rel
SET r.history = row.history
"""

REDACT_SHARED_CRM = """
UNWIND $rows AS row
MATCH (x:Entity {id: row.id})
SET x += row.props, x.updatedAt = datetime()
"""

DROP_CITATIONS = "MATCH (:Person {id: $id})-[c:CITED_IN]->() DELETE c"
DROP_OWN_CRM = "UNWIND $ids AS xid MATCH (x:Entity {id: xid}) DETACH DELETE x"
DETACH_SHARED_CRM = "MATCH (x:Note|Task)-[a:ABOUT]->(:Person {id: $id}) DELETE a"

#: What erasure replaces in the audit snapshots, by how the event concerns the person.
ERASE_KEYS: Final = {
    Concern.OWN: frozenset(PERSONAL + QUOTING),
    Concern.RELATIONSHIP: frozenset(QUOTING),
    Concern.NOTE: frozenset(CRM_TEXT + QUOTING),
}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(to_native(value), default=str, ensure_ascii=False))


def _audit_entry(c: Concerned) -> dict[str, Any]:
    """An audit event as exported: a console query shows only what identified the
    person (its other parameters and text may be about anyone)."""
    entry = dict(c.event) | {"concern": c.concern.value}
    if c.concern is Concern.CONSOLE:
        entry |= {"before": None, "after": {"matched": list(c.matched)}}
    else:
        entry |= {"before": c.snapshot("before"), "after": c.snapshot("after")}
    jsonable: dict[str, Any] = _jsonable(entry)
    return jsonable


async def _gather(tx: AsyncManagedTransaction, person_id: str) -> dict[str, Any]:
    row = await (await tx.run(PERSON, id=person_id)).single()
    if row is None:
        raise NotFound(person_id, "Person")
    rels = [dict(r) async for r in await tx.run(RELATIONSHIPS, id=person_id)]
    sources = [dict(r) async for r in await tx.run(SOURCES, id=person_id)]
    crm = [dict(r) async for r in await tx.run(CRM, id=person_id)]
    notes = {c["props"]["id"]: c["about"] == 1 for c in crm}
    subject, concerned = await data_subject.concerning(tx, person_id, dict(row["p"]), notes)
    return {
        "person": dict(row["p"]),
        "relationships": rels,
        "sources": sources,
        "crm": crm,
        "subject": subject,
        "audit": concerned,
    }


async def export_person(graph: Graph, person_id: str, *, actor: str) -> dict[str, Any]:
    """Everything held about a person, as JSON-ready data; the export itself is audited.
    The audit entries are those that concern them by the rule of graph/data_subject.py."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        found = await _gather(tx, person_id)
        exported = {
            "person": _jsonable({k: v for k, v in found["person"].items() if k not in DERIVED}),
            "relationships": _jsonable(found["relationships"]),
            "sources": _jsonable(found["sources"]),
            "proposals": _jsonable(await store.of_person_in_tx(tx, person_id)),
            "notes": [_jsonable(c["props"]) for c in found["crm"] if c["label"] == "Note"],
            "tasks": [_jsonable(c["props"]) for c in found["crm"] if c["label"] == "Task"],
            "audit": [_audit_entry(c) for c in found["audit"]],
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


def _scrub(
    snapshot: str | None, erase: frozenset[str], words: re.Pattern[str] | None = None
) -> str | None:
    """The snapshot with the values of `erase` replaced by ERASED and, with `words`,
    the person's identifying words replaced in its note and task texts."""
    if not snapshot:
        return snapshot
    data = json.loads(snapshot)
    if not isinstance(data, dict):
        return snapshot
    for key, value in data.items():
        if key in erase:
            data[key] = ERASED
        elif words is not None and key in CRM_TEXT and isinstance(value, str):
            data[key] = words.sub(ERASED, value)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _scrubbed(c: Concerned, subject: Subject) -> dict[str, Any]:
    """The new `before` and `after` of an audit event that concerns the person."""
    event = c.event
    if c.concern is Concern.CONSOLE:
        details = json.loads(event["after"])
        after = data_subject.scrub_console(details, subject, event["at"], ERASED)
        text = json.dumps(after, ensure_ascii=False, sort_keys=True, default=str)
        return {"id": event["id"], "before": event.get("before"), "after": text}
    if c.concern is Concern.NOTE and not c.only_them:
        erase, words = frozenset(QUOTING), subject.words()
    else:
        erase, words = ERASE_KEYS[c.concern], None
    return {
        "id": event["id"],
        "before": _scrub(event.get("before"), erase, words),
        "after": _scrub(event.get("after"), erase, words),
    }


def _erased_history(history: list[str]) -> list[str]:
    entries = [json.loads(h) for h in history]
    for entry in entries:
        for key in QUOTING:
            if entry.get(key) is not None:
                entry[key] = ERASED
    return [json.dumps(e, sort_keys=True, ensure_ascii=False) for e in entries]


def _redacted_crm(crm: list[dict[str, Any]], subject: Subject) -> list[dict[str, Any]]:
    """New texts of the notes and tasks about the person and others (they stay): the
    person's identifying words replaced."""
    words = subject.words()
    rows = []
    for c in crm:
        props = dict(c["props"])
        if c["about"] == 1 or words is None:
            continue
        changes = {k: words.sub(ERASED, v) for k in CRM_TEXT if isinstance(v := props.get(k), str)}
        changes = {k: v for k, v in changes.items() if v != props.get(k)}
        if changes:
            changes |= REGISTRY[c["label"]].derived(props | changes)
            rows.append({"id": props["id"], "props": changes})
    return rows


async def erase_person(graph: Graph, person_id: str, *, actor: str) -> Person:
    """Replace the person by an anonymous placeholder; remove what identifies them."""
    placeholder = f"Anonymous person {new_id()[:8]}"

    async def work(tx: AsyncManagedTransaction) -> Person:
        found = await _gather(tx, person_id)
        subject: Subject = found["subject"]
        own_crm = [c["props"]["id"] for c in found["crm"] if c["about"] == 1]
        shared_crm = _redacted_crm(found["crm"], subject)
        await tx.run(DROP_CITATIONS, id=person_id)
        proposals = await store.forget_person_in_tx(tx, person_id)
        await tx.run(ERASE_RELATIONSHIP_TEXT, id=person_id, erased=ERASED)
        histories = [
            {"rel": r["rel"], "history": _erased_history(r["history"])}
            async for r in await tx.run(RELATIONSHIP_HISTORY, id=person_id)
        ]
        await tx.run(SET_RELATIONSHIP_HISTORY, rows=histories)
        await tx.run(REDACT_SHARED_CRM, rows=shared_crm)
        await tx.run(DETACH_SHARED_CRM, id=person_id)
        await tx.run(DROP_OWN_CRM, ids=own_crm)
        scrubbed = [_scrubbed(c, subject) for c in found["audit"]]
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
                "proposalsRemoved": proposals,
                "notesAndTasksRemoved": len(own_crm),
                "sharedNotesAndTasksRedacted": len(shared_crm),
                "auditEntriesScrubbed": len(scrubbed),
            },
        )
        row = await (await tx.run(PERSON, id=person_id)).single(strict=True)
        person = to_model("Person", row["p"])
        assert isinstance(person, Person)
        return person

    return await graph.write(work)
