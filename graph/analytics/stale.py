"""Stale relationships: cooperation partners with no shared event or programme (and no
note about both) for N days, most important first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.cooperation import ACTIVITY_BOUNDS, PARTICIPATION
from graph.driver import Graph
from graph.errors import InvalidInput

_TP = "|".join(PARTICIPATION)

STALE: Final = f"""
MATCH (a:Organisation)-[:{_TP}]->(x)<-[:{_TP}]-(b:Organisation)
WHERE (x:Event OR x:Programme) AND a.id < b.id
  AND ($org IS NULL OR a.id = $org OR b.id = $org)
{ACTIVITY_BOUNDS}
WITH a, b, count(DISTINCT x) AS weight, max(xEnd) AS lastShared
OPTIONAL MATCH (a)<-[:ABOUT]-(note:Note)-[:ABOUT]->(b)
WITH a, b, weight, lastShared,
     max(toString(date(note.createdAt))) AS lastNote
WITH a, b, weight,
     CASE WHEN lastNote IS NOT NULL AND (lastShared IS NULL OR lastNote > lastShared)
          THEN lastNote ELSE lastShared END AS lastContact
WHERE lastContact IS NULL OR lastContact < $before
RETURN a.id AS a, a.name AS aName, b.id AS b, b.name AS bName, weight, lastContact,
       coalesce(a.centralityPagerank, 0.0) + coalesce(b.centralityPagerank, 0.0) AS importance
"""


class StaleTie(BaseModel):
    model_config = ConfigDict(frozen=True)

    a_id: str
    a_name: str
    b_id: str
    b_name: str
    #: number of shared events and programmes, ever
    weight: int
    #: the last shared activity or note (ISO day), None when undated
    last_contact: str | None = None
    days_since: int | None = None
    #: sum of the two PageRank scores stored by `koostoo analyse` (0 before it has run)
    importance: float


async def stale(
    graph: Graph,
    days: int,
    *,
    organisation_id: str | None = None,
    today: date | None = None,
    first: int = 100,
) -> list[StaleTie]:
    """Partner pairs with no contact for `days` days: heaviest and most central first."""
    if days < 0:
        raise InvalidInput([("days", "must not be negative")])
    today = today or date.today()
    before = (today - timedelta(days=days)).isoformat()

    async def work(tx: AsyncManagedTransaction) -> list[StaleTie]:
        result = await tx.run(STALE, before=before, org=organisation_id)
        ties = []
        async for r in result:
            last = r["lastContact"]
            since = None
            if last:
                since = (today - date.fromisoformat(_real_day(last))).days
            ties.append(
                StaleTie(
                    a_id=r["a"],
                    a_name=r["aName"],
                    b_id=r["b"],
                    b_name=r["bName"],
                    weight=r["weight"],
                    last_contact=last,
                    days_since=since,
                    importance=r["importance"],
                )
            )
        ties.sort(key=lambda t: (-t.weight, -t.importance, -(t.days_since or 0), t.a_id, t.b_id))
        return ties[:first]

    return await graph.read(work)


def _real_day(padded: str) -> str:
    """'2016-11-31' (a padded month end) → the month's real last day."""
    import calendar

    year, month, day = (int(p) for p in padded.split("-"))
    return f"{year:04d}-{month:02d}-{min(day, calendar.monthrange(year, month)[1]):02d}"
