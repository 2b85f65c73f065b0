"""Lists of a type: the filter, the keyset window and the count of a page, the one
Cypher both the resolvers (`graph.entities.list_page`) and the compiled reads
(`graph/compiled`) page with. The label is checked against the registry before it is
spliced in; values are parameters."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from graph.labels import checked_label
from graph.models.common import Model, PartialDate, partial_date_bounds
from graph.models.registry import REGISTRY
from graph.text import fold


def _date_property(label: str) -> str | None:
    """The property `sort: DATE` orders by (others fall back to the name)."""
    return REGISTRY[label].meta.date_property


class SortField(StrEnum):
    NAME = "NAME"
    DATE = "DATE"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class EntityFilter(Model):
    """Filters for lists of any type; a filter a type does not have matches nothing."""

    kind: str | None = None
    text: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = None
    place: str | None = Field(
        default=None, description="A place id: things held/located/available there or inside it."
    )
    date_from: PartialDate | None = Field(default=None, alias="dateFrom")
    date_to: PartialDate | None = Field(default=None, alias="dateTo")
    status: str | None = None
    due_before: date | None = Field(default=None, alias="dueBefore")
    assignee: str | None = None
    #: property → the exact value (the type's `Filter.equals` filters)
    equals: dict[str, str | int | float | bool] | None = None


def _list_where(label: str, date_prop: str | None, p: str = "") -> str:
    """`MATCH (n:label) WHERE …` of a list's filter; its parameters named `$` + `p` +
    the filter's key (`p` keeps several lists apart in one statement)."""
    dated = (
        f"""
  AND (${p}dateTo IS NULL OR n.{date_prop} <= ${p}dateTo)
  AND (${p}dateFrom IS NULL OR coalesce(n.endDate, n.{date_prop}) + '~' >= ${p}dateFrom)"""
        if date_prop
        else f"\n  AND ${p}dateFrom IS NULL AND ${p}dateTo IS NULL"
    )
    return f"""
MATCH (n:{label})
WHERE (${p}kind IS NULL OR n.kind = ${p}kind)
  AND (${p}text IS NULL OR n.searchText CONTAINS ${p}text)
  AND (${p}tags IS NULL OR any(t IN coalesce(n.tags, []) WHERE t IN ${p}tags))
  AND (${p}status IS NULL OR n.status = ${p}status)
  AND (${p}dueBefore IS NULL OR n.dueDate < ${p}dueBefore)
  AND (${p}assignee IS NULL OR n.assignee = ${p}assignee)
  AND (${p}place IS NULL
       OR EXISTS {{ (n)-[:LOCATED_IN|HELD_AT|AVAILABLE_IN]->(:Place)
                    -[:PART_OF*0..6]->(:Place {{id: ${p}place}}) }}
       OR EXISTS {{ (n)-[:PART_OF*1..6]->(:Place {{id: ${p}place}}) }}){dated}{_equals(label, p)}
"""


def _equals(label: str, p: str) -> str:
    """Cypher for the type's exact-value filters: property names from its declaration."""
    return "".join(
        f"\n  AND (${p}equals.{prop} IS NULL OR n.{prop} = ${p}equals.{prop})"
        for prop in REGISTRY[label].equality_filters
    )


def list_window(label: str, sort: SortField, direction: SortDirection, p: str = "") -> str:
    """The rows `n` (with its sort value `k`) of one page of a `label` list, in order:
    the filter, the keyset condition after `$<p>afterKey`/`$<p>afterId`, `ORDER BY`
    and `LIMIT $<p>limit`. Parameters: `list_params`. Shared by `list_page` and the
    compiled reads (`graph/compiled`), so both page alike."""
    label = checked_label(label)
    date_prop = _date_property(label)
    sort_expr = (
        f"coalesce(n.{date_prop}, '')" if sort is SortField.DATE and date_prop else "n.sortKey"
    )
    cmp, order = ("<", "DESC") if direction is SortDirection.DESC else (">", "ASC")
    return (
        _list_where(label, date_prop, p)
        + f"""
WITH n, {sort_expr} AS k
WHERE ${p}afterKey IS NULL OR k {cmp} ${p}afterKey OR (k = ${p}afterKey AND n.id {cmp} ${p}afterId)
WITH n, k ORDER BY k {order}, n.id {order}
LIMIT ${p}limit
"""
    )


def list_order(direction: SortDirection) -> str:
    """The `ORDER BY` terms of `list_window`'s rows (to restore the order after work
    done per row)."""
    order = "DESC" if direction is SortDirection.DESC else "ASC"
    return f"k {order}, n.id {order}"


def list_count(label: str, p: str = "") -> str:
    """`RETURN count(n) AS total` of the `label` entities the filter keeps."""
    label = checked_label(label)
    return _list_where(label, _date_property(label), p) + "RETURN count(n) AS total"


def list_params(
    label: str, filter: EntityFilter, after: tuple[Any, str] | None, limit: int, p: str = ""
) -> dict[str, Any]:
    """The parameters of `list_window` and `list_count` of a `label` list, named with the
    prefix `p`."""
    params = _filter_params(label, filter) | {
        "afterKey": after[0] if after else None,
        "afterId": after[1] if after else None,
        "limit": limit,
    }
    return {p + k: v for k, v in params.items()}


def _filter_params(label: str, f: EntityFilter) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "text": fold(f.text) if f.text else None,
        "tags": f.tags or None,
        "place": f.place,
        "dateFrom": partial_date_bounds(f.date_from)[0] if f.date_from else None,
        "dateTo": partial_date_bounds(f.date_to)[1] if f.date_to else None,
        "status": f.status,
        "dueBefore": f.due_before.isoformat() if f.due_before else None,
        "assignee": f.assignee,
        "equals": {p: (f.equals or {}).get(p) for p in REGISTRY[label].equality_filters},
    }
