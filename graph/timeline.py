"""Everything that happened with an entity, in date order: its events, the notes
and tasks about it and the changes to it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel

from graph import actors
from graph.driver import Graph

#: Dates are compared as ISO strings: partial dates ('2016', '2016-11') sort before
#: the days inside them, and datetimes after the day they fall on.
TIMELINE = """
CALL () {
  MATCH (:Entity {id: $id})-[r]-(e:Event)
  WHERE type(r) <> 'CITED_IN' AND e.startDate IS NOT NULL
  RETURN e.startDate AS at, 'EVENT' AS kind, e.name AS title, e.id AS ref,
         type(r) + coalesce(' ' + r.role, '') AS detail
  UNION ALL
  MATCH (e:Event {id: $id}) WHERE e.startDate IS NOT NULL
  RETURN e.startDate AS at, 'EVENT' AS kind, e.name AS title, e.id AS ref, 'this event' AS detail
  UNION ALL
  MATCH (x:Note)-[:ABOUT]->(:Entity {id: $id})
  RETURN toString(x.createdAt) AS at, 'NOTE' AS kind, left(x.body, 200) AS title, x.id AS ref,
         x.author AS detail
  UNION ALL
  MATCH (t:Task)-[:ABOUT]->(:Entity {id: $id})
  RETURN coalesce(t.dueDate, toString(t.createdAt)) AS at, 'TASK' AS kind, t.title AS title,
         t.id AS ref, t.status AS detail
  UNION ALL
  MATCH (a:AuditEvent {entityId: $id}) WHERE NOT a.entityType IN $hidden
  RETURN toString(a.at) AS at, 'CHANGE' AS kind, a.action + ' ' + a.entityType AS title,
         a.id AS ref, a.actor AS detail
}
RETURN at, kind, title, ref, detail
ORDER BY at, kind, ref
LIMIT $limit
"""


class TimelineKind(StrEnum):
    EVENT = "EVENT"
    NOTE = "NOTE"
    TASK = "TASK"
    CHANGE = "CHANGE"


class TimelineItem(BaseModel):
    at: str
    kind: TimelineKind
    title: str
    #: the event, note, task or audit record this item is
    ref: str
    detail: str | None = None


async def timeline(
    graph: Graph, entity_id: str, *, limit: int = 500, hidden: Iterable[str] = ()
) -> list[TimelineItem]:
    """The entity's timeline; changes of the audit types in `hidden` left out."""

    async def work(tx: AsyncManagedTransaction) -> list[TimelineItem]:
        result = await tx.run(TIMELINE, id=entity_id, limit=limit, hidden=list(hidden))
        return [_named(TimelineItem.model_validate(dict(r))) async for r in result]

    return await graph.read(work)


def _named(item: TimelineItem) -> TimelineItem:
    """A note's or a change's detail is who wrote or made it: the person's name, not the
    key's actor string (`keys.actor_of`)."""
    if item.kind in (TimelineKind.NOTE, TimelineKind.CHANGE) and item.detail:
        return item.model_copy(update={"detail": actors.name_of(item.detail)})
    return item
