"""Partial dates ('2016', '2016-11', '2016-11-25') as comparable ISO strings.

Stored dates are partial strings; comparing them as text is only right once both sides
are padded to full days. In Cypher, `START_OF`/`END_OF` pad a stored value to the first
or last day it can mean ('2016-11' → '2016-11-01' / '2016-11-31'; the 31st is not a real
day for every month but sorts after every real one, which is all a bound needs).
"""

from __future__ import annotations

from datetime import date

from graph.errors import InvalidInput
from graph.models.common import partial_date_bounds


def start_of(expr: str) -> str:
    """Cypher: the earliest ISO day the partial date `expr` can mean (null stays null)."""
    return (
        f"CASE size({expr}) WHEN 4 THEN {expr} + '-01-01' "
        f"WHEN 7 THEN {expr} + '-01' ELSE {expr} END"
    )


def end_of(expr: str) -> str:
    """Cypher: the latest ISO day the partial date `expr` can mean (null stays null)."""
    return (
        f"CASE size({expr}) WHEN 4 THEN {expr} + '-12-31' "
        f"WHEN 7 THEN {expr} + '-31' ELSE {expr} END"
    )


def lower_bound(value: str | date | None, field: str) -> str | None:
    """A `from` filter as the first ISO day it can mean; `InvalidInput` names `field`."""
    return _bound(value, field, 0)


def upper_bound(value: str | date | None, field: str) -> str | None:
    """A `to` filter as the last ISO day it can mean; `InvalidInput` names `field`."""
    return _bound(value, field, 1)


def window(from_: str | date | None, to: str | date | None) -> tuple[str | None, str | None]:
    """Validated (`from`, `to`) bounds; `to` before `from` is an error."""
    lo, hi = lower_bound(from_, "from"), upper_bound(to, "to")
    if lo and hi and hi < lo:
        raise InvalidInput([("to", "is before `from`")])
    return lo, hi


def _bound(value: str | date | None, field: str, side: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return partial_date_bounds(value.strip())[side]
    except ValueError:
        raise InvalidInput([(field, "must be a date YYYY, YYYY-MM or YYYY-MM-DD")]) from None


def sort_key_start(value: str | None) -> str:
    """Python twin of `start_of`, for ordering; unknown dates sort first."""
    return partial_date_bounds(value)[0] if value else ""


def sort_key_end(value: str | None) -> str:
    """Python twin of `end_of`, for ordering; unknown dates sort first."""
    return partial_date_bounds(value)[1] if value else ""
