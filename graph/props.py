"""Whole property maps as read queries return them.

Hydrating a driver `DateTime` is pure Python and slow (about 0.2 ms each: half the CPU
of a nested GraphQL read, most of an export), and every entity and relationship carries
two, `createdAt` and `updatedAt`. Queries that return whole property maps for display
therefore return those two as `[epochSeconds, nanosecond]` pairs, which `present` turns
into UTC ISO 8601 strings (`2026-12-01T21:11:45.978Z`) that the models parse back into
datetimes. Formatting the string in Neo4j (`toString(datetime(…))`) cost it about 3 µs
per value, a third of its work in a whole-graph export; here it is a cached lookup of
the second and the fraction. Write paths, audit, backups and the analyst console keep
the typed values.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

#: The bookkeeping timestamps every entity and relationship carries.
TIMESTAMPS: Final = ("createdAt", "updatedAt")


def all_props(var: str) -> str:
    """Cypher: the map of `var`'s properties, the timestamps as `[epochSeconds,
    nanosecond]` (null when absent); decode it with `present`."""
    stamps = ", ".join(f"{k}: [{var}.{k}.epochSeconds, {var}.{k}.nanosecond]" for k in TIMESTAMPS)
    return f"{var} {{.*, {stamps}}}"


@lru_cache(maxsize=4096)
def _second(epoch_seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_seconds))


def iso_utc(epoch_seconds: int, nanosecond: int) -> str:
    """`2026-12-01T21:11:45.978Z`: the instant in UTC, the fraction in as many groups
    of three digits as it needs (as Neo4j prints it), none when it is zero."""
    if nanosecond == 0:
        return f"{_second(epoch_seconds)}Z"
    if nanosecond % 1_000_000 == 0:
        fraction = f"{nanosecond // 1_000_000:03d}"
    elif nanosecond % 1000 == 0:
        fraction = f"{nanosecond // 1000:06d}"
    else:
        fraction = f"{nanosecond:09d}"
    return f"{_second(epoch_seconds)}.{fraction}Z"


def present(props: Mapping[str, Any]) -> dict[str, Any]:
    """A property map as the element's properties: without nulls (a stored property is
    never null, so in a map from `all_props` a null only stands for a timestamp the
    element does not have), and `all_props`' timestamp pairs as UTC ISO strings. A map
    read whole (`n {.*}`, as write paths return it) passes through with its values."""
    out = {}
    for k, v in props.items():
        if type(v) is list and k in TIMESTAMPS:
            if v[0] is not None:
                out[k] = iso_utc(v[0], v[1])
        elif v is not None:
            out[k] = v
    return out


def graphql_datetime(expr: str) -> str:
    """Cypher: the timestamp `expr` as the API shows a stored one (`present` makes it a
    UTC ISO string, the model a `datetime`, GraphQL its `isoformat()`):
    `2026-12-01T21:11:45.978000+00:00`, microseconds only when there are some; null
    when absent. For reads that build the response in Neo4j (`graph/compiled`)."""
    return (
        f"CASE WHEN {expr} IS NULL THEN null ELSE "
        f"left(toString(datetime({{epochSeconds: {expr}.epochSeconds}})), 19)"
        f" + CASE {expr}.microsecond WHEN 0 THEN '' ELSE"
        f" '.' + right('00000' + toString({expr}.microsecond), 6) END + '+00:00' END"
    )
