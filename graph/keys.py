"""API keys: stored as SHA-256 hashes (the keys are 256-bit random tokens, so a
slow password hash would add latency without adding safety), with a role each."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict, Field

from graph import audit
from graph.driver import Graph
from graph.errors import InvalidInput, NotFound
from graph.models.common import new_id, one_line, to_native

KEY_PREFIX = "kst_"
#: The projection of a key that may leave the graph layer (never its hash).
PUBLIC = "k {.id, .name, .role, .prefix, .createdAt, .expiresAt, .revokedAt}"


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class ApiKey(BaseModel):
    """The public shape of a key: never its secret or its hash."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime = Field(alias="createdAt")
    expires_at: datetime | None = Field(default=None, alias="expiresAt")
    revoked_at: datetime | None = Field(default=None, alias="revokedAt")

    @property
    def active(self) -> bool:
        return self.active_at(datetime.now(UTC))

    def active_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_hash(secret: str) -> str | None:
    """What a key's secret is found by (its SHA-256); None for text that is no key."""
    return _hash(secret) if secret.startswith(KEY_PREFIX) else None


#: Cypher: `keyOk`, whether the key `$keyHash` still is the key `$keyId` with the role
#: `$keyRole`, unrevoked and unexpired: checked inside a read's own transaction (the
#: compiled reads, `graph/compiled`), so that a key revoked by any API process stops
#: working at once without a round trip of its own per request.
STILL_ACTIVE: Final = """
CALL () {
  OPTIONAL MATCH (key:ApiKey {hash: $keyHash})
  WHERE key.id = $keyId AND key.role = $keyRole AND key.revokedAt IS NULL
    AND (key.expiresAt IS NULL OR key.expiresAt > datetime())
  RETURN count(key) > 0 AS keyOk
}"""


def still_active_params(key: ApiKey, key_hash: str) -> dict[str, str]:
    """The parameters of `STILL_ACTIVE` for `key`, known by its secret's hash."""
    return {"keyHash": key_hash, "keyId": key.id, "keyRole": key.role.value}


async def still_active(tx: AsyncManagedTransaction, key: ApiKey, key_hash: str) -> bool:
    """Whether `key` (known by its secret's hash) is still active, in the caller's
    transaction (`STILL_ACTIVE`)."""
    row = await (
        await tx.run(STILL_ACTIVE + " RETURN keyOk", still_active_params(key, key_hash))
    ).single(strict=True)
    return bool(row["keyOk"])


def _holder_name(name: str) -> str:
    """The name of the key's holder, as people read it wherever they wrote something:
    one line of 1 to 100 visible characters (no control, invisible or bidirectional
    formatting characters, which would let one name pass for another)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput([("name", "must be 1 to 100 characters")])
    try:
        return one_line(name)
    except ValueError as e:
        raise InvalidInput([("name", str(e))]) from e


def _model(props: dict[str, object]) -> ApiKey:
    return ApiKey.model_validate(to_native(props))


async def create(
    graph: Graph, *, name: str, role: Role, actor: str, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Create a key; return it and its secret (shown once, never stored)."""
    name = _holder_name(name)
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput([("expiresAt", "must be in the future")])
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = new_id()

    async def work(tx: AsyncManagedTransaction) -> ApiKey:
        row = await (
            await tx.run(
                "CREATE (k:ApiKey {id: $id, name: $name, role: $role, hash: $hash, "
                "prefix: $prefix, createdAt: datetime(), expiresAt: $expiresAt}) "
                "RETURN k {.id, .name, .role, .prefix, .createdAt, .expiresAt} AS k",
                id=key_id,
                name=name,
                role=role.value,
                hash=_hash(secret),
                prefix=secret[: len(KEY_PREFIX) + 6],
                expiresAt=expires_at,
            )
        ).single(strict=True)
        await audit.record(
            tx,
            actor=actor,
            action="create",
            entity_id=key_id,
            entity_type="ApiKey",
            before=None,
            after=row["k"],
        )
        return _model(row["k"])

    return await graph.write(work), secret


async def list_all(graph: Graph) -> list[ApiKey]:
    async def work(tx: AsyncManagedTransaction) -> list[ApiKey]:
        result = await tx.run(
            "MATCH (k:ApiKey) RETURN k {.id, .name, .role, .prefix, .createdAt, .expiresAt, "
            ".revokedAt} AS k ORDER BY k.createdAt"
        )
        return [_model(r["k"]) async for r in result]

    return await graph.read(work)


async def revoke(graph: Graph, key: str, *, actor: str) -> ApiKey:
    """Revoke a key named by its id, its name or its displayed prefix."""

    async def work(tx: AsyncManagedTransaction) -> ApiKey:
        result = await tx.run(
            "MATCH (k:ApiKey) WHERE k.id = $key OR k.name = $key OR k.prefix = $key "
            "RETURN k.id AS id",
            key=key,
        )
        ids = [r["id"] async for r in result]
        if not ids:
            raise NotFound(key, "API key")
        if len(ids) > 1:
            raise InvalidInput([("key", f"{key!r} names {len(ids)} keys; use the key id")])
        row = await (
            await tx.run(
                "MATCH (k:ApiKey {id: $id}) WITH k, k.revokedAt AS before "
                "SET k.revokedAt = coalesce(k.revokedAt, datetime()) "
                f"RETURN before, {PUBLIC} AS k",
                id=ids[0],
            )
        ).single(strict=True)
        await audit.record(
            tx,
            actor=actor,
            action="revoke",
            entity_id=ids[0],
            entity_type="ApiKey",
            before={"revokedAt": row["before"]},
            after={"revokedAt": row["k"]["revokedAt"]},
        )
        return _model(row["k"])

    return await graph.write(work)


async def authenticate(graph: Graph, secret: str, *, now: datetime | None = None) -> ApiKey | None:
    """The key with this secret if it is active (at `now`, default the present), or None."""
    key_hash = secret_hash(secret)
    return None if key_hash is None else await authenticate_hash(graph, key_hash, now=now)


async def authenticate_hash(
    graph: Graph, key_hash: str, *, now: datetime | None = None
) -> ApiKey | None:
    """`authenticate` for a secret known by its hash (`secret_hash`)."""

    async def work(tx: AsyncManagedTransaction) -> ApiKey | None:
        row = await (
            await tx.run(
                "MATCH (k:ApiKey {hash: $hash}) "
                "RETURN k {.id, .name, .role, .prefix, .createdAt, .expiresAt, .revokedAt} AS k",
                hash=key_hash,
            )
        ).single()
        return _model(row["k"]) if row else None

    key = await graph.read(work)
    return key if key is not None and key.active_at(now or datetime.now(UTC)) else None


FIND_ACTIVE = (
    "MATCH (k:ApiKey) WHERE (k.id = $key OR k.name = $key OR k.prefix = $key) "
    "AND k.revokedAt IS NULL RETURN k {.id, .name, .role, .expiresAt} AS k"
)

ROTATE = (
    "MATCH (old:ApiKey {id: $oldId}) WHERE old.revokedAt IS NULL "
    "SET old.revokedAt = datetime(), old.rotatedTo = $id "
    "CREATE (k:ApiKey {id: $id, name: old.name, role: old.role, hash: $hash, prefix: $prefix, "
    "createdAt: datetime(), expiresAt: $expiresAt, rotatedFrom: old.id}) "
    f"RETURN old.revokedAt AS revokedAt, {PUBLIC} AS k"
)


async def rotate(
    graph: Graph,
    key: str,
    *,
    actor: str,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Replace an unrevoked key (by id, name or prefix) with a new secret of the same name
    and role, and revoke the old one, in one transaction. The new key keeps the old
    expiry unless `expires_at` is given. Returns the new key and its secret (shown once)."""
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput([("expiresAt", "must be in the future")])
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    new_key_id = new_id()

    async def work(tx: AsyncManagedTransaction) -> ApiKey:
        found = [r["k"] async for r in await tx.run(FIND_ACTIVE, key=key)]
        if not found:
            raise NotFound(key, "active API key")
        if len(found) > 1:
            raise InvalidInput([("key", f"{key!r} names {len(found)} keys; use the key id")])
        old = found[0]
        old_expiry = to_native(old["expiresAt"])
        if expires_at is None and old_expiry is not None and old_expiry <= datetime.now(UTC):
            raise InvalidInput(
                [("expiresAt", "the key has expired: give a new expiry (--expires-in-days)")]
            )
        row = await (
            await tx.run(
                ROTATE,
                oldId=old["id"],
                id=new_key_id,
                hash=_hash(secret),
                prefix=secret[: len(KEY_PREFIX) + 6],
                expiresAt=expires_at or old_expiry,
            )
        ).single(strict=True)
        await audit.record(
            tx,
            actor=actor,
            action="rotate",
            entity_id=old["id"],
            entity_type="ApiKey",
            before={"revokedAt": None},
            after={"revokedAt": row["revokedAt"], "rotatedTo": new_key_id},
        )
        await audit.record(
            tx,
            actor=actor,
            action="create",
            entity_id=new_key_id,
            entity_type="ApiKey",
            before=None,
            after=row["k"] | {"rotatedFrom": old["id"]},
        )
        return _model(row["k"])

    return await graph.write(work), secret


def actor_of(key: ApiKey) -> str:
    """How a key is named in audit records and as the author of notes and tasks."""
    return f"key:{key.name}:{key.id}"


#: The keys of the name of the key `$id`, with the key each replaced (rotation keeps
#: the name and records `rotatedFrom`).
SAME_NAME = (
    "MATCH (k:ApiKey {id: $id}) MATCH (o:ApiKey {name: k.name}) "
    "RETURN collect([o.id, o.rotatedFrom]) AS keys"
)


async def lineage_in_tx(tx: AsyncManagedTransaction, key_id: str) -> set[str]:
    """The key `key_id` and every key it replaced by rotation, one after another: the
    keys of one holder, whose notes stay theirs when they rotate their key."""
    row = await (await tx.run(SAME_NAME, id=key_id)).single()
    replaced: dict[str, str | None] = dict(row["keys"]) if row else {}
    found = {key_id}
    earlier = replaced.get(key_id)
    while earlier and earlier not in found:
        found.add(earlier)
        earlier = replaced.get(earlier)
    return found
