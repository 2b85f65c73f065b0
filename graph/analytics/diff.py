"""Network diff: ties formed and ties ended between two dates.

- cooperation ties (organisation pairs) are formed by their first shared event or
  programme: formed in the window when that first activity starts in it;
- membership (`MEMBER_OF`) and provision (`PROVIDES`) ties carry `from`/`to`: formed
  when `from` falls in the window, ended when `to` does.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.cooperation import ACTIVITY_BOUNDS, PARTICIPATION
from graph.analytics.dates import end_of, start_of, window
from graph.driver import Graph
from graph.errors import InvalidInput

_TP = "|".join(PARTICIPATION)

COOPERATION_FORMED: Final = f"""
MATCH (a:Organisation)-[:{_TP}]->(x)<-[:{_TP}]-(b:Organisation)
WHERE (x:Event OR x:Programme) AND a.id < b.id
{ACTIVITY_BOUNDS}
WITH a, b, x, xStart WHERE xStart IS NOT NULL
WITH a, b, xStart, x ORDER BY xStart, x.id
WITH a, b, collect(x)[0] AS firstX, min(xStart) AS first
WHERE first >= $from AND first <= $to
RETURN 'COOPERATION' AS kind, a.id AS source, a.name AS sourceName, b.id AS target,
       b.name AS targetName, coalesce(firstX.startDate, firstX.endDate) AS date,
       firstX.id AS viaId, firstX.name AS viaName
"""

PERIOD_TIES: Final = f"""
MATCH (a:Entity)-[r:MEMBER_OF|PROVIDES]->(b:Entity)
WHERE (r.from IS NOT NULL AND {start_of("r.from")} >= $from AND {start_of("r.from")} <= $to)
   OR (r.to IS NOT NULL AND {end_of("r.to")} >= $from AND {end_of("r.to")} <= $to)
RETURN type(r) AS kind, a.id AS source, a.name AS sourceName, b.id AS target,
       b.name AS targetName, r.from AS fromDate, r.to AS toDate,
       r.from IS NOT NULL AND {start_of("r.from")} >= $from
         AND {start_of("r.from")} <= $to AS formed,
       r.to IS NOT NULL AND {end_of("r.to")} >= $from AND {end_of("r.to")} <= $to AS ended
"""


class TieChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: COOPERATION, MEMBER_OF or PROVIDES
    kind: str
    source_id: str
    source_name: str
    target_id: str
    target_name: str
    #: when it formed or ended (partial ISO date as stored)
    date: str | None = None
    #: the first shared event/programme of a new cooperation tie
    via_id: str | None = None
    via_name: str | None = None


class NetworkDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    from_: str
    to: str
    formed: list[TieChange]
    ended: list[TieChange]


async def diff(graph: Graph, from_: str | date, to: str | date) -> NetworkDiff:
    """Ties formed and ended between `from_` and `to` (inclusive, partial dates)."""
    lo, hi = window(from_, to)
    if lo is None or hi is None:
        raise InvalidInput([("from", "both `from` and `to` are needed")])

    async def work(tx: AsyncManagedTransaction) -> NetworkDiff:
        formed: list[TieChange] = []
        ended: list[TieChange] = []
        async for r in await tx.run(COOPERATION_FORMED, {"from": lo, "to": hi}):
            formed.append(
                TieChange(
                    kind=r["kind"],
                    source_id=r["source"],
                    source_name=r["sourceName"],
                    target_id=r["target"],
                    target_name=r["targetName"],
                    date=r["date"],
                    via_id=r["viaId"],
                    via_name=r["viaName"],
                )
            )
        async for r in await tx.run(PERIOD_TIES, {"from": lo, "to": hi}):
            base = {
                "kind": r["kind"],
                "source_id": r["source"],
                "source_name": r["sourceName"] or r["source"],
                "target_id": r["target"],
                "target_name": r["targetName"] or r["target"],
            }
            if r["formed"]:
                formed.append(TieChange(**base, date=r["fromDate"]))
            if r["ended"]:
                ended.append(TieChange(**base, date=r["toDate"]))
        key = lambda t: (t.date or "", t.kind, t.source_id, t.target_id)  # noqa: E731
        return NetworkDiff(
            from_=lo, to=hi, formed=sorted(formed, key=key), ended=sorted(ended, key=key)
        )

    return await graph.read(work)
