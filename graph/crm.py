"""CRM records: notes and tasks about any entity, campaigns with stakeholder
assessments (history kept) and the stakeholder grid."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph import actors, entities, keys
from graph.driver import Graph
from graph.errors import Forbidden, InvalidInput, NotFound
from graph.keys import ApiKey, Role
from graph.labels import ENTITY_LABELS
from graph.models.common import LongText, Model, Stored, to_native
from graph.models.entities import Task
from graph.models.registry import to_model
from graph.models.relationships import RelType, StakeholderProps, Stance
from graph.relationships import check_allowed, record_change
from graph.text import fold


def _about_many(label: str) -> str:
    return f"""
UNWIND $ids AS id
MATCH (x:{label})-[:ABOUT]->(:Entity {{id: id}})
WITH id, x ORDER BY x.createdAt DESC, x.id
RETURN id, collect(x {{.*}}) AS items
"""


CONCERNS = """
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:ABOUT]->(t:Entity)
WITH id, t ORDER BY t.sortKey, t.id
RETURN id, collect({node: t {.*}, label: [l IN labels(t) WHERE l IN $labels][0]}) AS items
"""


async def create_note(graph: Graph, data: Model, *, actor: str) -> Stored:
    """A note about one or more entities, written by `actor`."""
    return await entities.create(graph, "Note", data, actor=actor)


async def create_task(graph: Graph, data: Model, *, actor: str) -> Stored:
    """A follow-up task, about zero or more entities."""
    return await entities.create(graph, "Task", data, actor=actor)


# --- Who may change a note or task ----------------------------------------------------

#: What the assignee of a task may change without being its author.
ASSIGNEE_MAY_CHANGE: Final = frozenset({"status"})


def _locked_record(label: str) -> str:
    return (
        f"MATCH (n:{label} {{id: $id}}) SET n.id = n.id "
        "RETURN n.id AS id, n.author AS author, n.assignee AS assignee"
    )


async def _check_may_change(
    tx: AsyncManagedTransaction,
    label: str,
    record_id: str,
    changed: frozenset[str] | None,
    principal: ApiKey,
) -> None:
    """Forbidden unless `principal` wrote the note or task (with this key or one it
    replaced by rotation) or is an admin; a task's assignee (its `assignee` is the key's
    name) may change its status. `changed`: the properties a change sets, None for a
    deletion. The record is locked first, so what is checked stays true until commit."""
    if label not in ("Note", "Task"):
        raise InvalidInput([("label", f"{label!r} is not Note or Task")])
    row = await (await tx.run(_locked_record(label), id=record_id)).single()
    if row is None or row["id"] is None:
        raise NotFound(record_id, label)
    if principal.role.allows(Role.ADMIN):
        return
    author = actors.key_id_of(row["author"] or "")
    if author is not None and author in await keys.lineage_in_tx(tx, principal.id):
        return
    assignee = row["assignee"]
    if (
        changed is not None
        and changed <= ASSIGNEE_MAY_CHANGE
        and assignee
        and fold(assignee) == fold(principal.name)
    ):
        return
    what = label.lower()
    may = " (its assignee may change its status)" if label == "Task" else ""
    raise Forbidden(
        f"only the author of this {what} ({row['author'] or 'unknown'}) or an admin may "
        f"{'change' if changed is not None else 'delete'} it{may}"
    )


async def update_owned(
    graph: Graph,
    label: str,
    record_id: str,
    patch: Model,
    *,
    actor: str,
    principal: ApiKey,
    expected: datetime | None = None,
) -> Stored:
    """Apply a validated patch to a note or task that `principal` may change (above);
    `expected`: the version it was made against (`graph.versions`)."""
    changes = entities.properties(label, patch, partial=True)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        await _check_may_change(tx, label, record_id, frozenset(changes), principal)
        after = await entities.update_in_tx(
            tx, label, record_id, changes, actor=actor, expected=expected
        )
        return to_model(label, after)

    return await graph.write(work)


async def delete_owned(
    graph: Graph, label: str, record_id: str, *, actor: str, principal: ApiKey
) -> str:
    """Delete a note or task that `principal` may delete (its author's or an admin's)."""

    async def work(tx: AsyncManagedTransaction) -> str:
        await _check_may_change(tx, label, record_id, None, principal)
        return await entities.delete_in_tx(tx, label, record_id, actor=actor)

    return await graph.write(work)


async def about_many(graph: Graph, label: str, ids: list[str]) -> dict[str, list[Stored]]:
    """Per entity id: its notes (`label="Note"`) or tasks (`"Task"`), newest first."""
    if label not in ("Note", "Task"):
        raise InvalidInput([("label", f"{label!r} is not Note or Task")])
    query = _about_many(label)

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Stored]]:
        result = await tx.run(query, ids=ids)
        return {r["id"]: [to_model(label, x) for x in r["items"]] async for r in result}

    return await graph.read(work)


async def concerns_many(graph: Graph, ids: list[str]) -> dict[str, list[Stored]]:
    """Per note or task id: the entities it is about."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Stored]]:
        result = await tx.run(CONCERNS, ids=ids, labels=list(ENTITY_LABELS))
        return {
            r["id"]: [to_model(x["label"], x["node"]) for x in r["items"]] async for r in result
        }

    return await graph.read(work)


MY_TASKS = """
MATCH (t:Task) WHERE t.assignee IS NOT NULL AND ($all OR t.status IN ['OPEN', 'IN_PROGRESS'])
RETURN collect(t {.*}) AS tasks
"""


async def tasks_of(graph: Graph, name: str, *, include_done: bool = False) -> list[Task]:
    """The tasks assigned to `name` (an API key's person; case- and accent-insensitive,
    as the rule on who may change a task's status): overdue ones first, then by due date,
    undated last; done and cancelled ones only with `include_done`."""
    wanted = fold(name)

    async def work(tx: AsyncManagedTransaction) -> list[Stored]:
        row = await (await tx.run(MY_TASKS, all=include_done)).single(strict=True)
        return [to_model("Task", t) for t in row["tasks"] if fold(t["assignee"]) == wanted]

    found = [t for t in await graph.read(work) if isinstance(t, Task)]
    return sorted(found, key=lambda t: (not t.overdue, t.due_date or date.max, t.id))


# --- Campaigns and stakeholder assessments ---------------------------------------------


class AssessmentInput(StakeholderProps):
    """One assessment of a stakeholder in a campaign (influence and interest 1–5)."""

    note: LongText | None = None


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    influence: int
    interest: int
    stance: Stance
    assessed_at: date | None = Field(default=None, alias="assessedAt")
    note: str | None = None
    by: str | None = None


class Stakeholder(BaseModel):
    """A stakeholder's place in a campaign: the latest assessment and all earlier ones."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    node: Stored
    label: str
    current: Assessment
    #: every assessment, oldest first (the last one is `current`)
    history: list[Assessment]


class Quadrant(StrEnum):
    MANAGE_CLOSELY = "MANAGE_CLOSELY"
    KEEP_SATISFIED = "KEEP_SATISFIED"
    KEEP_INFORMED = "KEEP_INFORMED"
    MONITOR = "MONITOR"


#: Influence or interest of 3 or more counts as high.
HIGH = 3


def quadrant(a: Assessment) -> Quadrant:
    high_influence, high_interest = a.influence >= HIGH, a.interest >= HIGH
    if high_influence and high_interest:
        return Quadrant.MANAGE_CLOSELY
    if high_influence:
        return Quadrant.KEEP_SATISFIED
    if high_interest:
        return Quadrant.KEEP_INFORMED
    return Quadrant.MONITOR


class Grid(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    campaign_id: str
    quadrants: dict[Quadrant, list[Stakeholder]]


ASSESS = """
MATCH (s:Entity {id: $stakeholder}), (c:Campaign {id: $campaign})
MERGE (s)-[r:STAKEHOLDER_IN]->(c)
ON CREATE SET r.createdAt = datetime()
SET r += $props, r.history = coalesce(r.history, []) + [$entry], r.updatedAt = datetime()
RETURN properties(r) AS r
"""

PREVIOUS = """
MATCH (:Entity {id: $stakeholder})-[r:STAKEHOLDER_IN]->(:Campaign {id: $campaign})
RETURN properties(r) AS r
"""

STAKEHOLDERS = """
UNWIND $ids AS id
MATCH (s:Entity)-[r:STAKEHOLDER_IN]->(:Campaign {id: id})
WITH id, s, r ORDER BY r.influence DESC, r.interest DESC, s.sortKey, s.id
RETURN id, collect({node: s {.*}, label: [l IN labels(s) WHERE l IN $labels][0],
                    rel: properties(r)}) AS items
"""


def _assessment(entry: dict[str, Any]) -> Assessment:
    return Assessment.model_validate(entry)


def _stakeholder(item: dict[str, Any]) -> Stakeholder:
    rel = to_native(dict(item["rel"]))
    history = [_assessment(json.loads(h)) for h in rel.get("history") or []]
    current = _assessment(rel) if not history else history[-1]
    return Stakeholder(
        node=to_model(item["label"], item["node"]),
        label=item["label"],
        current=current,
        history=history or [current],
    )


async def assess(
    graph: Graph, campaign_id: str, stakeholder_id: str, data: AssessmentInput, *, actor: str
) -> Stakeholder:
    """Record an assessment: the relationship holds the latest, `history` all of them."""
    entry = data.model_dump(by_alias=True, mode="json", exclude={"inferred"}) | {"by": actor}
    if entry.get("assessedAt") is None:
        entry["assessedAt"] = date.today().isoformat()
    props = {k: entry[k] for k in ("influence", "interest", "stance", "assessedAt", "note")}

    async def work(tx: AsyncManagedTransaction) -> Stakeholder:
        await check_allowed(tx, RelType.STAKEHOLDER_IN, stakeholder_id, campaign_id)
        params = {"stakeholder": stakeholder_id, "campaign": campaign_id}
        before_row = await (await tx.run(PREVIOUS, params)).single()
        before = dict(before_row["r"]) if before_row else None
        row = await (
            await tx.run(ASSESS, params, props=props, entry=json.dumps(entry, sort_keys=True))
        ).single(strict=True)
        after = dict(row["r"])
        await record_change(
            tx,
            actor=actor,
            action="assess",
            rel_type=RelType.STAKEHOLDER_IN,
            from_id=stakeholder_id,
            to_id=campaign_id,
            before={k: v for k, v in (before or {}).items() if k != "history"} or None,
            after={k: v for k, v in after.items() if k != "history"},
        )
        label = await entities.label_in_tx(tx, stakeholder_id)
        node = await (
            await tx.run("MATCH (n:Entity {id: $id}) RETURN n {.*} AS n", id=stakeholder_id)
        ).single(strict=True)
        return _stakeholder({"node": node["n"], "label": label, "rel": after})

    return await graph.write(work)


async def stakeholders_many(graph: Graph, campaign_ids: list[str]) -> dict[str, list[Stakeholder]]:
    """Per campaign: its stakeholders, most influential first."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Stakeholder]]:
        result = await tx.run(STAKEHOLDERS, ids=campaign_ids, labels=list(ENTITY_LABELS))
        return {r["id"]: [_stakeholder(i) for i in r["items"]] async for r in result}

    return await graph.read(work)


async def stakeholder_grid(graph: Graph, campaign_id: str) -> Grid:
    """The four quadrants of a campaign's stakeholders (high = 3 or more)."""
    if await entities.get(graph, campaign_id, "Campaign") is None:
        raise NotFound(campaign_id, "Campaign")
    found = (await stakeholders_many(graph, [campaign_id])).get(campaign_id, [])
    quadrants: dict[Quadrant, list[Stakeholder]] = {q: [] for q in Quadrant}
    for s in found:
        quadrants[quadrant(s.current)].append(s)
    return Grid(campaign_id=campaign_id, quadrants=quadrants)
