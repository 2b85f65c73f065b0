"""The `koostoo` command line, run as a user would, against the session's Neo4j."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import keys
from graph.driver import Graph
from graph.keys import Role

CLI = [sys.executable, "-m", "api.cli"]


def run(
    args: list[str], env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path)})
    return env


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["migrate"],
        ["neo4j"],
        ["neo4j", "start"],
        ["neo4j", "stop"],
        ["neo4j", "status"],
        ["keys"],
        ["keys", "create"],
        ["keys", "list"],
        ["keys", "revoke"],
    ],
)
def test_every_command_has_help(command: list[str], cli_env: dict[str, str]) -> None:
    done = run([*command, "--help"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


async def test_keys_create_prints_only_the_key(cli_env: dict[str, str], graph: Graph) -> None:
    done = run(["keys", "create", "--role", "editor", "--name", "Mari Maasikas"], cli_env)
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip()
    assert secret.startswith("kst_") and "\n" not in secret
    key = await keys.authenticate(graph, secret)
    assert key is not None and key.role is Role.EDITOR and key.name == "Mari Maasikas"

    listed = run(["keys", "list", "--json"], cli_env)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["name"] for r in rows] == ["Mari Maasikas"]
    assert rows[0]["role"] == "editor" and secret not in listed.stdout and "hash" not in rows[0]

    revoked = run(["keys", "revoke", key.id], cli_env)
    assert revoked.returncode == 0, revoked.stderr
    assert await keys.authenticate(graph, secret) is None


def test_bad_role_is_refused(cli_env: dict[str, str]) -> None:
    done = run(["keys", "create", "--role", "superuser", "--name", "x"], cli_env)
    assert done.returncode == 2
    assert "superuser" in done.stderr


async def test_migrate_reports_current_schema(cli_env: dict[str, str], graph: Graph) -> None:
    done = run(["migrate"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "nothing to do" in done.stdout


def test_neo4j_status_when_not_running(cli_env: dict[str, str]) -> None:
    done = run(["neo4j", "status"], cli_env)
    assert done.returncode == 3
    assert "not running" in done.stdout


def test_local_neo4j_start_status_stop(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env.update({"KOOSTOO_DATA_DIR": str(tmp_path), "KOOSTOO_LOCAL_BOLT_PORT": "0"})
    started = run(["neo4j", "start"], env)
    try:
        assert started.returncode == 0, started.stderr
        uri = started.stdout.strip()
        assert uri.startswith("bolt://127.0.0.1:")
        status = run(["neo4j", "status"], env)
        assert status.returncode == 0 and uri in status.stdout
        assert (tmp_path / "neo4j" / "neo4j.pid").exists()
    finally:
        stopped = run(["neo4j", "stop"], env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert run(["neo4j", "status"], env).returncode == 3
