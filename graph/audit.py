"""Audit records, written inside the transaction of the change they describe."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph.driver import Graph
from graph.models.common import new_id, to_native
from graph.models.spec import DERIVED

#: Properties that are bookkeeping, not content, and so not worth a diff.
_NOISE = frozenset({"updatedAt", *DERIVED})

#: Entity types whose audit trail only admins may read: console queries (text and
#: parameters, which can hold anyone's e-mail), API keys (names, roles, prefixes) and
#: the audit's own maintenance.
ADMIN_ONLY: Final = ("Console", "ApiKey", "Audit")


class AuditEvent(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str
    at: datetime
    actor: str
    action: str
    entity_id: str = Field(alias="entityId")
    entity_type: str = Field(alias="entityType")
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _snapshot(props: dict[str, Any] | None) -> str | None:
    if props is None:
        return None
    clean = {k: v for k, v in to_native(props).items() if k not in _NOISE}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)


def event(
    *,
    actor: str,
    action: str,
    entity_id: str,
    entity_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    version: Any = None,
) -> dict[str, Any]:
    """One audit event, for `record_all`. `version`: the entity's `updatedAt` after a
    change of its properties (what `graph.versions` reads to tell which fields changed
    since a version an editor read)."""
    return {
        "id": new_id(),
        "actor": actor,
        "action": action,
        "entityId": entity_id,
        "entityType": entity_type,
        "before": _snapshot(before),
        "after": _snapshot(after),
        "version": version,
    }


async def record(
    tx: AsyncManagedTransaction,
    *,
    actor: str,
    action: str,
    entity_id: str,
    entity_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    version: Any = None,
) -> None:
    """Write one audit event (`event`'s arguments) in the caller's transaction."""
    await record_all(
        tx,
        [
            event(
                actor=actor,
                action=action,
                entity_id=entity_id,
                entity_type=entity_type,
                before=before,
                after=after,
                version=version,
            )
        ],
    )


async def record_all(tx: AsyncManagedTransaction, events: list[dict[str, Any]]) -> None:
    """Write audit events (`event`) in the caller's transaction, in one round trip."""
    await tx.run(
        "UNWIND $events AS e "
        "CREATE (a:AuditEvent {id: e.id, at: datetime(), actor: e.actor, action: e.action, "
        "entityId: e.entityId, entityType: e.entityType, before: e.before, after: e.after, "
        "version: e.version})",
        events=events,
    )


async def history(
    graph: Graph, entity_id: str, limit: int = 200, *, hidden: Iterable[str] = ()
) -> list[AuditEvent]:
    """The audit trail of one entity, oldest first, without events of `hidden` types."""

    async def work(tx: AsyncManagedTransaction) -> list[AuditEvent]:
        result = await tx.run(
            "MATCH (a:AuditEvent {entityId: $id}) WHERE NOT a.entityType IN $hidden "
            "RETURN a {.*} AS a ORDER BY a.at, a.id LIMIT $limit",
            id=entity_id,
            hidden=list(hidden),
            limit=limit,
        )
        events = []
        async for rec in result:
            props = to_native(rec["a"])
            for key in ("before", "after"):
                props[key] = json.loads(props[key]) if props.get(key) else None
            events.append(AuditEvent.model_validate(props))
        return events

    return await graph.read(work)


PRUNE = """
MATCH (a:AuditEvent) WHERE a.at < $cutoff
WITH a LIMIT $batch
DETACH DELETE a
RETURN count(*) AS deleted
"""

OLDER = "MATCH (a:AuditEvent) WHERE a.at < $cutoff RETURN count(a) AS n, min(a.at) AS oldest"


class PruneReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff: datetime
    #: events deleted (in a dry run: that would be deleted)
    deleted: int
    #: the oldest of them
    oldest: datetime | None
    dry_run: bool


async def prune(
    graph: Graph,
    *,
    before: datetime,
    actor: str,
    dry_run: bool = False,
    batch_size: int = 10_000,
) -> PruneReport:
    """Delete the audit events recorded before `before`, `batch_size` per transaction
    (the `at` index finds them), and record the pruning itself as an audit event
    (entity `audit`, type `Audit`). A dry run only counts them and writes nothing."""

    async def count(tx: AsyncManagedTransaction) -> tuple[int, datetime | None]:
        row = await (await tx.run(OLDER, cutoff=before)).single(strict=True)
        return row["n"], to_native(row["oldest"])

    found, oldest = await graph.read(count)
    if dry_run:
        return PruneReport(cutoff=before, deleted=found, oldest=oldest, dry_run=True)

    async def batch(tx: AsyncManagedTransaction) -> int:
        row = await (await tx.run(PRUNE, cutoff=before, batch=batch_size)).single(strict=True)
        deleted: int = row["deleted"]
        return deleted

    deleted = 0
    while done := await graph.write(batch):
        deleted += done

    async def audited(tx: AsyncManagedTransaction) -> None:
        await record(
            tx,
            actor=actor,
            action="prune",
            entity_id="audit",
            entity_type="Audit",
            before=None,
            after={"olderThan": before, "deleted": deleted, "oldest": oldest},
        )

    await graph.write(audited)
    return PruneReport(cutoff=before, deleted=deleted, oldest=oldest, dry_run=False)
