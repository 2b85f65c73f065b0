"""Optimistic concurrency for edits: an edit says which version of the entity it was
made against (its `updatedAt` as the editor read it), and is refused when someone else
has since changed a field the edit sets to another value, so that concurrent edits
never silently overwrite each other.

Which fields changed since that version comes from the audit trail: every change of an
entity's properties records the entity's new `updatedAt` as the event's `version`
(`entities.update_in_tx`). Fields nobody else touched go through (two editors who change
different fields of one organisation both keep their change). When the trail cannot say
(a write that records no version, such as a seed reload, or pruned events), every field
the edit would change counts as changed by someone else.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph import actors
from graph.errors import FieldClash, StaleEdit
from graph.models.common import to_native
from graph.models.spec import DERIVED

#: The versioned changes of one entity after a version, oldest first.
CHANGES_SINCE = """
MATCH (a:AuditEvent {entityId: $id})
WHERE a.version IS NOT NULL AND a.version >= $since
RETURN a.version AS version, a.actor AS actor, a.before AS before, a.after AS after
ORDER BY a.version
"""

_NOT_CONTENT = frozenset({"updatedAt", "createdAt", *DERIVED})


def version_of(stored: dict[str, Any]) -> datetime | None:
    """An entity's version as the API shows it: `updatedAt` (to the microsecond), or
    `createdAt` for one never changed since its create left `updatedAt` unset (before
    creates set both)."""
    value = to_native(stored.get("updatedAt") or stored.get("createdAt"))
    return value if isinstance(value, datetime) else None


def _changed(before: str | None, after: str | None) -> set[str]:
    old = json.loads(before) if before else {}
    new = json.loads(after) if after else {}
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)} - _NOT_CONTENT


async def check_version(
    tx: AsyncManagedTransaction,
    label: str,
    stored: dict[str, Any],
    changes: dict[str, Any],
    expected: datetime,
) -> None:
    """Raise `StaleEdit` if, since version `expected`, someone changed a field that
    `changes` sets to a value other than the stored one. `stored`: the entity's
    properties, read under its lock (so nothing changes them until the edit commits)."""
    current = version_of(stored)
    if current is None or current == expected:
        return
    result = await tx.run(CHANGES_SINCE, id=stored["id"], since=expected)
    rows = [r async for r in result]
    # the changes after the editor's version (at the microsecond the API shows)
    later = [r for r in rows if version_of({"updatedAt": r["version"]}) != expected]
    changed_by: dict[str, str] | None = None
    if later and version_of({"updatedAt": later[-1]["version"]}) == current:
        changed_by = {}
        for r in later:
            for key in _changed(r["before"], r["after"]):
                changed_by[key] = actors.name_of(r["actor"])
    clashes = [
        FieldClash(
            key,
            yours=value,
            theirs=_stored(stored.get(key)),
            by=changed_by.get(key) if changed_by is not None else None,
        )
        for key, value in changes.items()
        if value != _stored(stored.get(key)) and (changed_by is None or key in changed_by)
    ]
    if clashes:
        raise StaleEdit(label, clashes, current)


def _stored(value: Any) -> Any:
    """A stored value as an input's `model_dump(mode="json")` gives it (dates as ISO)."""
    native = to_native(value)
    return native.isoformat() if hasattr(native, "isoformat") else native
