"""`koostoo import …` run as a user would, against the session's Neo4j: exit codes,
messages on stderr, the summary table on stdout, and nothing written on refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import maintenance
from graph.driver import Graph
from seeds import dataset, loader

CLI = [sys.executable, "-m", "api.cli", "import"]
EXAMPLES = Path(__file__).resolve().parents[2] / "seeds" / "examples"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path), "COLUMNS": "200"})
    return env


@pytest.mark.parametrize("command", [[], ["events"], ["attendance"]])
def test_import_commands_have_help(command: list[str], cli_env: dict[str, str]) -> None:
    done = run([*command, "--help"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout
    if command:
        assert "--dry-run" in done.stdout and "--create-missing" in done.stdout


async def test_examples_import_and_reimport(cli_env: dict[str, str], graph: Graph) -> None:
    await loader.load(graph, dataset.read())
    dry = run(["events", str(EXAMPLES / "events.csv"), "--dry-run"], cli_env)
    assert dry.returncode == 0, dry.stderr
    assert "would change (dry run, nothing written)" in dry.stdout
    assert "19 records would change" in dry.stdout

    done = run(["events", str(EXAMPLES / "events.csv")], cli_env)
    assert done.returncode == 0, done.stderr
    assert "import events: events.csv" in done.stdout and "19 records changed" in done.stdout
    done = run(["attendance", str(EXAMPLES / "attendance.csv")], cli_env)
    assert done.returncode == 0, done.stderr
    assert "9 records changed" in done.stdout and "10 rows read" in done.stdout
    again = run(["attendance", str(EXAMPLES / "attendance.csv")], cli_env)
    assert again.returncode == 0 and "0 records changed" in again.stdout


async def test_a_broken_file_is_refused_with_reasons(
    cli_env: dict[str, str], graph: Graph, tmp_path: Path
) -> None:
    await loader.load(graph, dataset.read())
    before = await maintenance.count_data_nodes(graph)
    path = tmp_path / "osalejad.csv"
    path.write_text(
        "\ufeffevent;attendee;role\n"
        "poordepunkt-infopaev-narva-2020-08-26;Rait Kuuse;GUEST\n"
        "poordepunkt-infopaev-narva-2020-08-26;Mari Maasikas;SPEAKER\n",
        encoding="utf-8",
    )
    done = run(["attendance", str(path)], cli_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines()[-3:] == [
        "osalejad.csv:2: column \"role\": 'GUEST' is not one of PARTICIPANT, SPEAKER, TRAINER, "
        "MODERATOR, MENTOR, COORDINATOR",
        'osalejad.csv:3: column "attendee": no person or organisation with the id or name '
        "'Mari Maasikas' (or run with --create-missing to create it)",
        "osalejad.csv: not imported; nothing was written.",
    ]
    assert await maintenance.count_data_nodes(graph) == before


def test_wrong_encoding_and_missing_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes("name;kind\nKoosolek;MEETING\nKõige parem;MEETING\n".encode("cp1257"))
    done = run(["events", str(path)], cli_env)
    assert done.returncode == 1
    assert "file.csv is not UTF-8 (byte 0xf5 at line 3): save it as UTF-8" in done.stderr
    missing = run(["events", str(tmp_path / "nope.csv")], cli_env)
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
