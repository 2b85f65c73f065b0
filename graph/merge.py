"""Merging duplicates: every relationship of the removed entity moves to the kept
one (per type from the allow-list, no APOC), names become aliases, sources stay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph import audit, entities, relationships
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.models.common import Stored
from graph.models.registry import REGISTRY, to_model
from graph.models.relationships import RelType
from graph.models.spec import DERIVED

#: Every relationship type an entity can have: the model's, provenance and CRM.
MOVABLE: Final = (*(t.value for t in RelType), "CITED_IN", "ABOUT")
#: Provenance lists that are concatenated when both entities had the same tie.
_LISTS: Final = ("sourceIds", "evidence", "history")


def _move(rel_type: str, outgoing: bool) -> str:
    if rel_type not in MOVABLE:
        raise InvalidInput([("type", f"unknown relationship type {rel_type!r}")])
    arrow_old = f"-[old:{rel_type}]->(x)" if outgoing else f"<-[old:{rel_type}]-(x)"
    key = " {quote: old.quote}" if rel_type == "CITED_IN" else ""
    arrow_new = f"-[new:{rel_type}{key}]->(x)" if outgoing else f"<-[new:{rel_type}{key}]-(x)"
    lists = ", ".join(
        f"new.{p} = CASE WHEN mine IS NULL THEN new.{p} "
        f"ELSE coalesce(mine.{p}, []) + [v IN coalesce(old.{p}, []) "
        f"WHERE NOT v IN coalesce(mine.{p}, [])] END"
        for p in _LISTS
    )
    return f"""
MATCH (gone:Entity {{id: $remove}}){arrow_old}
MATCH (keep:Entity {{id: $keep}})
WHERE x <> keep
OPTIONAL MATCH (keep){arrow_new.replace("new:", "existing:")}
WITH gone, keep, old, x, properties(existing) AS mine
MERGE (keep){arrow_new}
SET new += properties(old)
SET new += coalesce(mine, {{}})
SET {lists}
DELETE old
RETURN count(*) AS moved
"""


def _merged_props(keep: dict[str, Any], gone: dict[str, Any], label: str) -> dict[str, Any]:
    """Properties the kept entity gains: missing values filled in, names as aliases."""
    spec = REGISTRY[label]
    changes = {
        k: v
        for k, v in gone.items()
        if keep.get(k) in (None, [], "") and k not in ("id", "createdAt", "updatedAt", "erased")
    }
    if "aliases" in spec.stored.model_fields and not gone.get("erased"):
        names = [gone.get(spec.name_property), gone.get("shortName"), *(gone.get("aliases") or [])]
        aliases = list(keep.get("aliases") or [])
        for n in names:
            if n and n != keep.get(spec.name_property) and n not in aliases:
                aliases.append(n)
        changes["aliases"] = aliases
    return changes


def _check_erasure(keep: dict[str, Any], gone: dict[str, Any]) -> None:
    """Refuse to merge an erased person with one that is not: the erased one's
    memberships and attendances would be tied to a named person again (or an erased
    placeholder would gain personal data). Two erased placeholders may merge."""
    if bool(keep.get("erased")) == bool(gone.get("erased")):
        return
    if gone.get("erased"):
        raise InvalidInput(
            [("removeId", f"{gone['id']!r} is an erased person; it cannot merge into "
              f"{keep['id']!r}, who is not erased")]
        )  # fmt: skip
    raise InvalidInput(
        [("keepId", f"{keep['id']!r} is an erased person; {gone['id']!r}, who is not "
          "erased, cannot merge into it")]
    )  # fmt: skip


#: The ties of the entity to remove, as a merge moves them: type, whether it starts at
#: the entity, the other end, and whether the kept one has the same tie already (the
#: two are then combined into one). Ties between the two go with the removed entity.
TIES = """
MATCH (gone:Entity {id: $remove})-[r]-(x)
WHERE type(r) IN $movable
WITH r, x, startNode(r) = gone AS out, x.id = $keep AS between
OPTIONAL MATCH (keep:Entity {id: $keep})
RETURN type(r) AS type, out, x.id AS other, between,
       CASE WHEN between THEN false
            WHEN out THEN EXISTS { MATCH (keep)-[s]->(x) WHERE type(s) = type(r) }
            ELSE EXISTS { MATCH (x)-[s]->(keep) WHERE type(s) = type(r) } END AS combined
ORDER BY type, other
LIMIT $limit
"""


@dataclass(frozen=True)
class Tie:
    """A tie of the removed entity: moved to the kept one (combined with the kept one's
    own tie of the type to the same entity, if it has one), or dropped (it joined the
    two)."""

    type: str
    outgoing: bool
    other: str
    combined: bool
    dropped: bool


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did (or, in a preview, would do): the kept entity after it, the one
    removed as it was, the kept one's properties before, and the ties of the removed one."""

    kept: Stored
    removed: Stored
    kept_before: Stored
    ties: list[Tie]
    ties_listed_all: bool


#: Ties a preview lists (the merge moves them all).
PREVIEW_TIES: Final = 500


async def merge(graph: Graph, keep_id: str, remove_id: str, *, actor: str) -> Stored:
    """Fold `remove_id` into `keep_id` (same type); audited on both."""

    async def work(tx: AsyncManagedTransaction) -> MergeOutcome:
        return await merge_in_tx(tx, keep_id, remove_id, actor=actor)

    return (await graph.write(work)).kept


async def preview(graph: Graph, keep_id: str, remove_id: str, *, actor: str) -> MergeOutcome:
    """What `merge` would do: the merge itself, in a transaction that is rolled back (so
    that it is refused for the same reasons, and the kept entity is exactly what the
    merge would make of it)."""

    async def work(tx: AsyncManagedTransaction) -> MergeOutcome:
        return await merge_in_tx(tx, keep_id, remove_id, actor=actor)

    return await graph.dry_run(work)


async def merge_in_tx(
    tx: AsyncManagedTransaction, keep_id: str, remove_id: str, *, actor: str
) -> MergeOutcome:
    """`merge` in the caller's transaction."""
    if keep_id == remove_id:
        raise InvalidInput([("removeId", "cannot merge an entity into itself")])
    # Both locked first (in id order): of two opposite merges run at once, the
    # second waits, then finds the entity it was to keep or remove gone (NotFound).
    present = await entities.lock_in_tx(tx, [keep_id, remove_id])
    for entity_id in (keep_id, remove_id):
        if entity_id not in present:
            raise NotFound(entity_id)
    keep_label = await entities.label_in_tx(tx, keep_id)
    if keep_label is None:
        raise NotFound(keep_id)
    gone_label = await entities.label_in_tx(tx, remove_id)
    if gone_label is None:
        raise NotFound(remove_id)
    if keep_label != gone_label:
        raise InvalidInput(
            [("removeId", f"is a {gone_label}; only a {keep_label} can merge into {keep_id}")]
        )
    get = "MATCH (n:Entity {id: $id}) RETURN n {.*} AS n"
    keep = dict((await (await tx.run(get, id=keep_id)).single(strict=True))["n"])
    gone = dict((await (await tx.run(get, id=remove_id)).single(strict=True))["n"])
    _check_erasure(keep, gone)
    listed = await tx.run(
        TIES, keep=keep_id, remove=remove_id, movable=list(MOVABLE), limit=PREVIEW_TIES + 1
    )
    ties = [Tie(r["type"], r["out"], r["other"], r["combined"], r["between"]) async for r in listed]
    moved = 0
    for rel_type in MOVABLE:
        for outgoing in (True, False):
            row = await (
                await tx.run(_move(rel_type, outgoing), keep=keep_id, remove=remove_id)
            ).single()
            moved += row["moved"] if row else 0
    cycle = await relationships.part_of_path(tx, keep_id, keep_id)
    if cycle is not None:
        raise InvalidInput(
            [
                (
                    "removeId",
                    f"merging {remove_id!r} into {keep_id!r} would make a PART_OF cycle "
                    f"({' → '.join(cycle)}); disconnect one of its ties first",
                )
            ]
        )
    changes = _merged_props(keep, gone, keep_label)
    changes = {k: v for k, v in changes.items() if k not in DERIVED}
    after = await entities.update_in_tx(
        tx, keep_label, keep_id, changes, actor=actor, action="merge"
    )
    await tx.run("MATCH (n:Entity {id: $id}) DETACH DELETE n", id=remove_id)
    await audit.record(
        tx,
        actor=actor,
        action="merged-into",
        entity_id=remove_id,
        entity_type=gone_label,
        before=gone,
        after={"mergedInto": keep_id, "relationshipsMoved": moved},
    )
    return MergeOutcome(
        kept=to_model(keep_label, after),
        removed=to_model(gone_label, gone),
        kept_before=to_model(keep_label, keep),
        ties=ties[:PREVIEW_TIES],
        ties_listed_all=len(ties) <= PREVIEW_TIES,
    )
