"""Running a compiled read: one statement in one read transaction, its one record the
response's `data`, finished in Python where Cypher cannot (cursors)."""

from __future__ import annotations

import base64
import json
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.compiled.cypher import CURSOR, Fix, ListOf, Statement
from graph.driver import Graph


def cursor(key: list[Any]) -> str:
    """A keyset position as the opaque cursor the API gives out: base64url of its JSON,
    unpadded (`schema.pagination.encode_cursor` decodes it)."""
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def finish(value: Any, fix: Fix) -> Any:
    """`value` with what `fix` names finished (in place where it is a map)."""
    if value is None:
        return None
    if fix is CURSOR:
        return cursor(value)
    if isinstance(fix, ListOf):
        return [finish(v, fix.item) for v in value]
    assert isinstance(fix, dict)
    for k, f in fix.items():
        if k in value:
            value[k] = finish(value[k], f)
    return value


class KeyRevoked(Exception):
    """The caller's key was revoked, expired or changed since it was last checked."""


async def run(graph: Graph, statement: Statement, params: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a compiled read; `KeyRevoked` if the statement checked the key and
    found it no longer active."""

    async def work(tx: AsyncManagedTransaction) -> tuple[dict[str, Any], bool]:
        record = await (await tx.run(statement.cypher, statement.static | params)).single(
            strict=True
        )
        return record["data"], record["keyOk"] if statement.key_check else True

    data, key_ok = await graph.read(work)
    if not key_ok:
        raise KeyRevoked
    if statement.fix is not None:
        finish(data, statement.fix)
    return data
