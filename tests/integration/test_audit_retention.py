"""Audit retention (issue 21, part of item 12): audit events older than
KOOSTOO_AUDIT_RETENTION_DAYS are deleted by `koostoo audit prune`, in batches, and the
pruning is audited; recent events and everything else stay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from api.settings import Settings
from graph import audit, console
from graph.driver import Graph
from graph.models.common import to_native
from tests.factories import make_organisation


async def _trail(graph: Graph) -> dict[str, dict[str, Any]]:
    async def work(tx: Any) -> dict[str, dict[str, Any]]:
        result = await tx.run("MATCH (a:AuditEvent) RETURN a {.*} AS a")
        return {r["a"]["id"]: to_native(dict(r["a"])) async for r in result}

    return await graph.read(work)


async def test_prune_deletes_the_old_events_only(graph: Graph) -> None:
    for i in range(5):
        await make_organisation(graph, f"Vana ühing {i}")
    old = await _trail(graph)
    cutoff = max(e["at"] for e in old.values()) + timedelta(microseconds=1)
    for i in range(3):
        await make_organisation(graph, f"Uus ühing {i}")
    before = await _trail(graph)
    content = await console.fingerprint(graph)

    dry = await audit.prune(graph, before=cutoff, actor="test", dry_run=True, batch_size=2)
    assert (dry.deleted, dry.dry_run) == (5, True)
    assert await _trail(graph) == before

    done = await audit.prune(graph, before=cutoff, actor="test", batch_size=2)
    assert (done.deleted, done.oldest) == (5, min(e["at"] for e in old.values()))
    after = await _trail(graph)
    (pruned,) = [e for e in after.values() if e["action"] == "prune"]
    assert (pruned["entityId"], pruned["entityType"], pruned["actor"]) == ("audit", "Audit", "test")
    assert json.loads(pruned["after"])["deleted"] == 5
    assert {k: v for k, v in after.items() if k != pruned["id"]} == {
        k: v for k, v in before.items() if k not in old
    }
    assert await console.fingerprint(graph) == content


def test_retention_setting() -> None:
    assert Settings(_env_file=None).audit_retention_days == 730
    assert Settings(KOOSTOO_AUDIT_RETENTION_DAYS="0").audit_retention_days == 0
    with pytest.raises(ValidationError, match="KOOSTOO_AUDIT_RETENTION_DAYS"):
        Settings(KOOSTOO_AUDIT_RETENTION_DAYS="-1")


def _prune(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "audit", "prune", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


async def test_cli_prunes_by_the_retention_setting(
    graph: Graph, neo4j_server: str, tmp_path: Path
) -> None:
    for i in range(4):
        await make_organisation(graph, f"Ühing {i}")

    async def backdate(tx: Any) -> None:
        await tx.run(
            "MATCH (a:AuditEvent) WITH a ORDER BY a.at LIMIT 3 "
            "SET a.at = a.at - duration({days: 31})"
        )

    await graph.write(backdate)
    kept = await _trail(graph)
    env = dict(os.environ) | {
        "NEO4J_URI": neo4j_server,
        "KOOSTOO_DATA_DIR": str(tmp_path),
        "KOOSTOO_AUDIT_RETENTION_DAYS": "30",
    }

    dry = _prune(env, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 3 audit events older than 30 days" in dry.stdout
    assert await _trail(graph) == kept

    forever = _prune(env | {"KOOSTOO_AUDIT_RETENTION_DAYS": "0"})
    assert forever.returncode == 0 and "kept forever" in forever.stdout
    assert await _trail(graph) == kept

    done = _prune(env)
    assert done.returncode == 0, done.stderr
    assert "deleted 3 audit events older than 30 days" in done.stdout
    left = await _trail(graph)
    assert len(left) == len(kept) - 3 + 1
    assert [e["action"] for e in left.values() if e["id"] not in kept] == ["prune"]
