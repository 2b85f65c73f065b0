"""The local admin key of `koostoo serve --open-key` (`make run`): one key per data
directory, reused across runs, named for the person who runs it.

The secret is kept in KOOSTOO_DATA_DIR/local-admin.key, readable by its owner only, as
the dev backup key is: the graph keeps only its hash, and whoever can read that file
can already read and change the local Neo4j store next to it. A run reuses the key
while it has more than a week left; then it is rotated (a new secret, the old one
revoked at once). A key that is unknown, revoked, expired or named for someone else
is replaced, and the one it replaces revoked.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final

from graph import keys
from graph.driver import Graph

KEY_FILE: Final = "local-admin.key"
DEFAULT_NAME: Final = "Local administrator"
LIFETIME: Final = timedelta(days=30)
RENEW_WITHIN: Final = timedelta(days=7)


class Outcome(StrEnum):
    CREATED = "created"
    REUSED = "reused"
    ROTATED = "rotated"


@dataclass(frozen=True)
class LocalKey:
    key: keys.ApiKey
    secret: str
    outcome: Outcome
    #: the key this run revoked (rotated or replaced), if any
    revoked: keys.ApiKey | None = None


def default_user_name() -> str:
    """The full name of the account running this (its GECOS field), or DEFAULT_NAME
    when it has none (`root`, service accounts)."""
    try:
        entry = pwd.getpwuid(os.getuid())
    except KeyError:
        return DEFAULT_NAME
    full = entry.pw_gecos.split(",", 1)[0].strip()
    return full if full and full != entry.pw_name else DEFAULT_NAME


async def open_local_key(
    graph: Graph, data_dir: Path, *, name: str, actor: str, now: datetime | None = None
) -> LocalKey:
    """The local admin key for `name`: the one kept in `data_dir`, or a new one."""
    now = now or datetime.now(UTC)
    path = data_dir / KEY_FILE
    secret = _read(path)
    current = await keys.authenticate(graph, secret, now=now) if secret else None
    if current is not None and current.role is keys.Role.ADMIN and current.name == name:
        if current.expires_at is None or current.expires_at - now > RENEW_WITHIN:
            assert secret is not None
            return LocalKey(current, secret, Outcome.REUSED)
        new, new_secret = await keys.rotate(
            graph, current.id, actor=actor, expires_at=now + LIFETIME
        )
        _write(path, new_secret)
        return LocalKey(new, new_secret, Outcome.ROTATED, revoked=current)
    new, new_secret = await keys.create(
        graph, name=name, role=keys.Role.ADMIN, actor=actor, expires_at=now + LIFETIME
    )
    _write(path, new_secret)
    revoked = await keys.revoke(graph, current.id, actor=actor) if current is not None else None
    return LocalKey(new, new_secret, Outcome.CREATED, revoked=revoked)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _write(path: Path, secret: str) -> None:
    """Written whole under another name (owner-only from the start), then moved in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    os.replace(tmp, path)
