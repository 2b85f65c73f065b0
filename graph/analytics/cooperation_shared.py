"""What two actors of the cooperation network shared: each event, programme, service,
organisation or direct relationship behind their tie (the same items, counted the same
way, as `cooperation_network`), how each of them took part, a sentence in words, and
the documents and quotes that record it."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph.analytics import wording
from graph.analytics.cooperation import PARTICIPATION
from graph.analytics.cooperation_network import (
    ACTOR,
    CENTRE,
    Centre,
    tie_of,
    ties_of,
    window_params,
)
from graph.analytics.dates import sort_key_start, window
from graph.analytics.network import EdgeSource, SourceDoc, document_titles
from graph.analytics.projection import NetworkKind
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound

_TIE = "{type: type(r), role: r.role, sourceIds: r.sourceIds, evidence: r.evidence}"

#: The items (events, programmes, services, organisations) with how `$a` and `$b`
#: are tied to each.
ITEMS: Final = f"""
UNWIND $ids AS xid
MATCH (x:Entity {{id: xid}})
CALL (x) {{
  OPTIONAL MATCH (:Entity {{id: $a}})-[r]->(x) WHERE type(r) IN $types
  RETURN collect({_TIE}) AS aTies
}}
CALL (x) {{
  OPTIONAL MATCH (:Entity {{id: $b}})-[r]->(x) WHERE type(r) IN $types
  RETURN collect({_TIE}) AS bTies
}}
RETURN collect({{id: x.id, type: [l IN labels(x) WHERE l <> 'Entity'][0], name: x.name,
                kind: x.kind, startDate: x.startDate, endDate: x.endDate,
                aTies: [t IN aTies WHERE t.type IS NOT NULL],
                bTies: [t IN bTies WHERE t.type IS NOT NULL]}}) AS rows
"""

#: The direct relationships between `$a` and `$b` that the tie counted.
DIRECT: Final = """
MATCH (:Entity {id: $a})-[r:MEMBER_OF|PART_OF|COOPERATES_WITH]-(:Entity {id: $b})
WHERE elementId(r) IN $rels
RETURN collect({type: type(r), start: startNode(r).id,
                props: r {.*, createdAt: null, updatedAt: null}}) AS rows
"""


class TieRole(BaseModel):
    """How one actor is tied to a shared item: relationship type and role."""

    model_config = ConfigDict(frozen=True)

    type: str
    role: str | None = None


class SharedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: EVENT, PROGRAMME, SERVICE, ORGANISATION (both members) or RELATIONSHIP (direct)
    kind: str
    #: the item's id; for a direct relationship, its type
    id: str
    #: the item's label (Event, Programme, …) or the relationship type
    type: str
    name: str
    item_kind: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    a_ties: list[TieRole] = Field(default_factory=list)
    b_ties: list[TieRole] = Field(default_factory=list)
    explanation: str
    sources: list[EdgeSource] = Field(default_factory=list)


class SharedBetween(BaseModel):
    model_config = ConfigDict(frozen=True)

    a: Centre
    b: Centre
    weight: int
    first_date: str | None = None
    last_date: str | None = None
    #: newest first
    items: list[SharedItem]


def _sources(ties: list[dict[str, Any]], titles: dict[str, str | None]) -> list[EdgeSource]:
    out: list[EdgeSource] = []
    for t in ties:
        quotes = t.get("evidence") or []
        for i, d in enumerate(t.get("sourceIds") or []):
            src = EdgeSource(
                document=SourceDoc(id=d, title=titles.get(d)),
                quote=quotes[i] if i < len(quotes) else None,
            )
            if src not in out:
                out.append(src)
    return out


def _roles(ties: list[dict[str, Any]]) -> list[TieRole]:
    found = {(t["type"], t.get("role")) for t in ties}
    return [TieRole(type=t, role=r) for t, r in sorted(found, key=lambda x: (x[0], x[1] or ""))]


async def _endpoints(
    tx: AsyncManagedTransaction, label: str, a: str, b: str
) -> tuple[Centre, Centre]:
    ends = []
    for field, eid in (("a", a), ("b", b)):
        row = await (await tx.run(CENTRE, centre=eid)).single()
        if row is None:
            raise NotFound(eid)
        if row["type"] != label:
            raise InvalidInput([(field, f"{eid!r} is a {row['type']}, not a {label}")])
        ends.append(Centre(id=row["id"], type=row["type"], label=str(row["label"])))
    return ends[0], ends[1]


async def shared_between(
    graph: Graph,
    a: str,
    b: str,
    network: NetworkKind = NetworkKind.ORGANISATIONS,
    *,
    from_: str | date | None = None,
    to: str | date | None = None,
) -> SharedBetween:
    """What `a` and `b` shared in the window, each item explained and sourced. Raises
    `NotFound` for an unknown id, `InvalidInput` (field `a`/`b`) for an actor of another
    network or `b` equal to `a`, and for a malformed window."""
    if a == b:
        raise InvalidInput([("b", "must differ from `a`")])
    lo, hi = window(from_, to)
    label = ACTOR[network]

    async def work(tx: AsyncManagedTransaction) -> SharedBetween:
        end_a, end_b = await _endpoints(tx, label, a, b)
        pairs = await ties_of(tx, network, [a], window_params(lo, hi), within=[b], half=False)
        key = (a, b) if a < b else (b, a)
        pair = pairs.get(key)
        if pair is None:
            return SharedBetween(a=end_a, b=end_b, weight=0, items=[])
        ids = sorted({i for k, items in pair.counts.items() if k != "RELATIONSHIP" for i in items})
        types = [*PARTICIPATION, "PROVIDES", "MEMBER_OF"]
        result = await tx.run(ITEMS, a=a, b=b, ids=ids, types=types)
        rows = (await result.single(strict=True))["rows"]
        direct = sorted(pair.counts.get("RELATIONSHIP", ()))
        rels = (await (await tx.run(DIRECT, a=a, b=b, rels=direct)).single(strict=True))["rows"]
        docs = [
            d for r in rows for t in (*r["aTies"], *r["bTies"]) for d in t.get("sourceIds") or []
        ] + [d for r in rels for d in r["props"].get("sourceIds") or []]
        titles = await document_titles(tx, docs)
        kinds = {i: k for k, items in pair.counts.items() for i in items}
        items = [_item(r, kinds[r["id"]], end_a, end_b, titles) for r in rows]
        items += [_direct(r, end_a, end_b, titles) for r in rels]
        items.sort(key=lambda s: (s.name.casefold(), s.id))
        items.sort(key=lambda s: sort_key_start(s.start_date or s.end_date), reverse=True)
        tie = tie_of(key, pair)
        return SharedBetween(
            a=end_a,
            b=end_b,
            weight=tie.weight,
            first_date=tie.first_date,
            last_date=tie.last_date,
            items=items,
        )

    return await graph.read(work)


def _item(
    row: dict[str, Any], kind: str, a: Centre, b: Centre, titles: dict[str, str | None]
) -> SharedItem:
    a_roles, b_roles = _roles(row["aTies"]), _roles(row["bTies"])
    name = str(row["name"] or row["id"])
    # an organisation both were members of is named as one, whatever its kind
    noun_kind = None if kind == "ORGANISATION" else row["kind"]
    return SharedItem(
        kind=kind,
        id=row["id"],
        type=row["type"],
        name=name,
        item_kind=row["kind"],
        start_date=row["startDate"],
        end_date=row["endDate"],
        a_ties=a_roles,
        b_ties=b_roles,
        explanation=wording.shared(
            a.label,
            [(t.type, t.role) for t in a_roles],
            b.label,
            [(t.type, t.role) for t in b_roles],
            wording.activity(row["type"], noun_kind, name),
            wording.span(row["startDate"], row["endDate"]),
        ),
        sources=_sources([*row["aTies"], *row["bTies"]], titles),
    )


def _direct(row: dict[str, Any], a: Centre, b: Centre, titles: dict[str, str | None]) -> SharedItem:
    props = {k: v for k, v in row["props"].items() if v is not None}
    start, end = (a, b) if row["start"] == a.id else (b, a)
    return SharedItem(
        kind="RELATIONSHIP",
        id=row["type"],
        type=row["type"],
        name=wording.words(row["type"]),
        start_date=props.get("from"),
        end_date=props.get("to"),
        a_ties=[TieRole(type=row["type"], role=props.get("role"))],
        b_ties=[],
        explanation=wording.relationship(start.label, row["type"], end.label, props),
        sources=_sources([props], titles),
    )
