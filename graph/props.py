"""Whole property maps as read queries return them.

Hydrating a driver `DateTime` is pure Python and slow (about 0.2 ms each: half the CPU
of a nested GraphQL read, most of an export), and every entity and relationship carries
two, `createdAt` and `updatedAt`. Queries that return whole property maps for display
therefore return those two as ISO 8601 strings (`2026-12-01T21:11:45.978Z`), which the
models parse back into datetimes. Write paths, audit, backups and the analyst console
keep the typed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

#: The bookkeeping timestamps every entity and relationship carries.
TIMESTAMPS: Final = ("createdAt", "updatedAt")


def all_props(var: str) -> str:
    """Cypher: the map of `var`'s properties, the timestamps as UTC ISO strings (a value
    stored with a zone id would otherwise print as `…Z[UTC]`, which is not ISO 8601)."""
    stamps = ", ".join(
        f"{k}: CASE WHEN {var}.{k} IS NULL THEN null "
        f"ELSE toString(datetime({{datetime: {var}.{k}, timezone: 'Z'}})) END"
        for k in TIMESTAMPS
    )
    return f"{var} {{.*, {stamps}}}"


def present(props: Mapping[str, Any]) -> dict[str, Any]:
    """The map without nulls. A stored property is never null, so a null in a map from
    `all_props` only stands for a timestamp the element does not have."""
    return {k: v for k, v in props.items() if v is not None}
