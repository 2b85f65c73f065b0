"""Cooperation: organisations that took part in the same event or programme.

Taking part means `ATTENDED` or `ORGANISED` an event, or `ORGANISED`, `FUNDED`,
`IMPLEMENTED`, `COMMISSIONED`, `DEVELOPED` or `BROUGHT_IDEA` to a programme (`FUNDED` an
event counts too). Two organisations cooperated once per shared event or programme, and
once per stated cooperation (`COOPERATES_WITH`, "koostöös": its `about` is the shared
activity, a service, event or programme); the weight of the tie is the number of those,
with the first and last date. The participation records are the source of truth;
nothing is materialised here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.analytics.dates import end_of, sort_key_end, sort_key_start, start_of, window
from graph.driver import Graph

#: Relationship types through which an organisation takes part in an event or programme.
PARTICIPATION: Final = (
    "ATTENDED",
    "ORGANISED",
    "FUNDED",
    "IMPLEMENTED",
    "COMMISSIONED",
    "DEVELOPED",
    "BROUGHT_IDEA",
)
_TYPES: Final = "|".join(PARTICIPATION)

#: Pads an activity's partial dates to comparable days (`xStart`, `xEnd`).
ACTIVITY_BOUNDS: Final = f"""
WITH *, coalesce(x.startDate, x.endDate) AS s0, coalesce(x.endDate, x.startDate) AS e0
WITH *, {start_of("s0")} AS xStart, {end_of("e0")} AS xEnd
"""

#: Keeps activities that overlap [$from, $to]; with a window, undated ones are dropped.
IN_WINDOW: Final = """
($from IS NULL OR (xEnd IS NOT NULL AND xEnd >= $from))
AND ($to IS NULL OR (xStart IS NOT NULL AND xStart <= $to))
"""

PARTNERS: Final = f"""
UNWIND $ids AS oid
MATCH (o:Organisation {{id: oid}})
CALL (o) {{
  MATCH (o)-[r1:{_TYPES}]->(x)
  WHERE (x:Event OR x:Programme)
  MATCH (x)<-[r2:{_TYPES}]-(p:Organisation)
  WHERE p <> o
  RETURN p, x, type(r1) AS own, type(r2) AS theirs
  UNION ALL
  MATCH (o)-[c:COOPERATES_WITH]-(p:Organisation)
  WHERE p <> o
  OPTIONAL MATCH (a:Entity {{id: c.about}})
  RETURN p, coalesce(a, p) AS x, 'COOPERATES_WITH' AS own, 'COOPERATES_WITH' AS theirs
}}
WITH oid, p, x, collect(DISTINCT own) AS ownRoles, collect(DISTINCT theirs) AS partnerRoles
{ACTIVITY_BOUNDS}
WITH oid, p, x, ownRoles, partnerRoles, xStart, xEnd WHERE {IN_WINDOW}
RETURN oid, p.id AS id, p.name AS name, p.shortName AS shortName, p.kind AS kind,
       collect({{id: x.id, type: [l IN labels(x) WHERE l <> 'Entity'][0],
                name: coalesce(x.name, x.title), kind: x.kind, startDate: x.startDate,
                endDate: x.endDate, ownRoles: ownRoles, partnerRoles: partnerRoles}}) AS shared
"""


class SharedActivity(BaseModel):
    """An event or programme both organisations took part in, or the service, event or
    programme a stated cooperation is about (the partner itself when it names none),
    and how each took part."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str
    type: str  # "Event" | "Programme" | "Service" | "Organisation"
    name: str
    kind: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    #: how the organisation asked about took part (relationship types, sorted)
    own_roles: list[str]
    #: how the partner took part
    partner_roles: list[str]


class Partner(BaseModel):
    """A cooperating organisation: weight = number of shared events and programmes."""

    model_config = ConfigDict(frozen=True)

    organisation_id: str
    name: str
    short_name: str | None = None
    kind: str | None = None
    weight: int
    #: the earliest date of a shared activity (partial ISO date as stored)
    first_date: str | None = None
    #: the latest date of a shared activity (partial ISO date as stored)
    last_date: str | None = None
    #: newest first
    shared: list[SharedActivity]


def _partner(row: dict[str, Any]) -> Partner:
    raw = row["shared"]
    shared = [
        SharedActivity(
            id=s["id"],
            type=s["type"],
            name=s["name"],
            kind=s.get("kind"),
            start_date=s.get("startDate"),
            end_date=s.get("endDate"),
            own_roles=sorted(s["ownRoles"]),
            partner_roles=sorted(s["partnerRoles"]),
        )
        for s in raw
    ]
    shared.sort(key=lambda s: (sort_key_start(s.start_date or s.end_date), s.name), reverse=True)
    starts = [s.start_date or s.end_date for s in shared if s.start_date or s.end_date]
    ends = [s.end_date or s.start_date for s in shared if s.start_date or s.end_date]
    return Partner(
        organisation_id=str(row["id"]),
        name=str(row["name"]),
        short_name=row.get("shortName"),
        kind=row.get("kind"),
        weight=len(shared),
        first_date=min(starts, key=sort_key_start) if starts else None,
        last_date=max(ends, key=sort_key_end) if ends else None,
        shared=shared,
    )


def rank(partners: list[Partner]) -> list[Partner]:
    """Heaviest first; ties: most recent last date first, then by name."""
    by_name = sorted(partners, key=lambda p: (p.name.casefold(), p.organisation_id))
    by_recent = sorted(by_name, key=lambda p: sort_key_end(p.last_date), reverse=True)
    return sorted(by_recent, key=lambda p: p.weight, reverse=True)


async def partners_in_tx(
    tx: AsyncManagedTransaction,
    org_ids: list[str],
    *,
    from_: str | date | None = None,
    to: str | date | None = None,
) -> dict[str, list[Partner]]:
    """`partners` inside the caller's transaction."""
    lo, hi = window(from_, to)
    found: dict[str, list[Partner]] = {oid: [] for oid in org_ids}
    result = await tx.run(PARTNERS, {"ids": list(dict.fromkeys(org_ids)), "from": lo, "to": hi})
    async for record in result:
        found[record["oid"]].append(_partner(dict(record)))
    return {oid: rank(found[oid]) for oid in org_ids}


async def partners(
    graph: Graph,
    org_ids: list[str],
    *,
    from_: str | date | None = None,
    to: str | date | None = None,
) -> dict[str, list[Partner]]:
    """The cooperating organisations of each of `org_ids` (one query for all), ranked.

    `from_`/`to` (partial dates, inclusive) keep only shared activities whose dates
    overlap the window; an activity with no date at all is then left out. Every id in
    `org_ids` is a key of the result (an unknown id or a loner maps to `[]`).
    Raises `InvalidInput` (field `from` / `to`) for a malformed or reversed window.
    """

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Partner]]:
        return await partners_in_tx(tx, org_ids, from_=from_, to=to)

    return await graph.read(work)
