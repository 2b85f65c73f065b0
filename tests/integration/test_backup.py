"""Backups: `export --all` / `restore` reproduce the same graph (content hash equal),
CRM and audit records included; bad or truncated files are refused before any write."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j.time as nt
import pytest
from neo4j import AsyncManagedTransaction
from neo4j.spatial import CartesianPoint, WGS84Point

from graph import audit, backup, bulk, entities, keys, maintenance
from graph.driver import Graph
from graph.errors import Conflict
from graph.keys import Role
from graph.models.entities import (
    CampaignCreate,
    NoteCreate,
    OrganisationCreate,
    OrganisationKind,
    OrganisationUpdate,
    TaskCreate,
)
from graph.models.relationships import RelType
from seeds import dataset, loader

CLI = [sys.executable, "-m", "api.cli"]

#: One of every value type Neo4j stores, for the round trip of tagged values.
ODD_VALUES: dict[str, Any] = {
    "zoned": nt.DateTime(2024, 2, 29, 23, 59, 59, 123456789, tzinfo=UTC),
    "offset": nt.DateTime.from_iso_format("2016-11-03T10:00:00.000000001+02:00"),
    "local": nt.DateTime(2016, 11, 3, 10, 0, 0, 5),
    "day": nt.Date(2016, 11, 3),
    "clock": nt.Time(9, 30, 0, 1),
    "duration": nt.Duration(months=14, days=3, seconds=14400, nanoseconds=7),
    "where": WGS84Point((24.7536, 59.4370)),
    "flat": CartesianPoint((1.5, -2.0, 3.0)),
    "ratio": 0.1,
    "whole": 1.0,
    "count": 1,
    "huge": 2**62,
    "flags": [True, False],
    "days": [nt.Date(2020, 1, 1), nt.Date(2021, 6, 30)],
    "text": 'Kõik "jutumärgid" ja {"$t": "date"} jäävad tekstiks',
    "bytes": bytearray(b"\x00\xffkoostoo"),
    "infinite": math.inf,
}


async def build_network(graph: Graph) -> str:
    """The seed network plus CRM records, audit events, an API key and odd values;
    returns the organisation id the CRM records are about."""
    await loader.load(graph, dataset.read())
    org = await entities.create(
        graph,
        "Organisation",
        OrganisationCreate(
            id="varuks-test-sihtasutus",
            name="Varukoopia Testsihtasutus",
            kind=OrganisationKind.FOUNDATION,
        ),
        actor="test",
    )
    await entities.update(
        graph, "Organisation", org.id, OrganisationUpdate(tags=["rahastaja"]), actor="test"
    )
    campaign = await entities.create(
        graph, "Campaign", CampaignCreate(name="Sotsiaalse ettevõtluse seadus"), actor="test"
    )
    await entities.create(
        graph, "Note", NoteCreate(about=[org.id], body="Kohtumine Tallinnas, jätkame."), actor="t"
    )
    await entities.create(
        graph,
        "Task",
        TaskCreate(title="Saata kokkuvõte", due_date=datetime(2026, 1, 15).date()),
        actor="test",
    )

    async def odd(tx: AsyncManagedTransaction) -> None:
        await bulk.upsert_nodes(
            tx,
            "Topic",
            [{"id": "ajatemp", "props": {"name": "Ajatempel", **ODD_VALUES}}],
            actor="t",
        )
        await bulk.upsert_relationships(
            tx,
            RelType.STAKEHOLDER_IN,
            [
                {
                    "from": org.id,
                    "to": campaign.id,
                    "props": {"influence": 4, "interest": 5, "assessedAt": ODD_VALUES["zoned"]},
                }
            ],
        )

    await graph.write(odd)
    await keys.create(graph, name="backup-test", role=Role.EDITOR, actor="test")
    return org.id


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path)})
    return env


def test_every_value_type_survives_encoding() -> None:
    for name, value in ODD_VALUES.items():
        encoded = backup.encode_value(value)
        text = json.dumps(encoded)
        decoded = backup.decode_value(json.loads(text))
        assert backup.encode_value(decoded) == encoded, name
        if not isinstance(value, float | bytearray):
            assert decoded == value, name
    named = nt.DateTime(2020, 1, 1, 12, 0, 0, 0).replace(tzinfo=None)
    zoned = backup.decode_value(
        {"$t": "datetime", "v": "2020-01-01T12:00:00+02:00", "zone": "Europe/Tallinn"}
    )
    assert zoned.utcoffset() == timedelta(hours=2) and zoned.tzinfo is not None
    assert zoned.replace(tzinfo=None) == named


async def test_round_trip_reproduces_the_graph(graph: Graph, tmp_path: Path) -> None:
    org_id = await build_network(graph)
    before_hash = await backup.content_hash(graph)
    before_labels = await maintenance.label_counts(graph)
    before_rels = await maintenance.relationship_counts(graph)
    before_history = await audit.history(graph, org_id)
    before_keys = await keys.list_all(graph)
    assert len(before_history) == 2 and before_labels["Note"] == 1 and before_labels["Task"] == 1

    file = tmp_path / "koostoo.jsonl"
    exported = await backup.export_all(graph, file)
    assert exported.hash == before_hash
    assert exported.nodes == await maintenance.count_data_nodes(graph)
    assert exported.relationships > 300
    assert sorted(p.name for p in tmp_path.iterdir()) == ["koostoo.jsonl"]  # noqa: ASYNC240
    lines = file.read_text().splitlines()
    assert json.loads(lines[0])["format"] == "koostoo-backup"
    assert json.loads(lines[-1]) == {
        "kind": "end",
        "nodes": exported.nodes,
        "relationships": exported.relationships,
        "hash": before_hash,
    }

    with pytest.raises(Conflict, match="--force"):
        await backup.restore(graph, file)
    assert await backup.content_hash(graph) == before_hash

    await maintenance.wipe(graph, allow_data=True)
    assert await backup.content_hash(graph) != before_hash
    report = await backup.restore(graph, file, batch_size=97)
    assert (report.nodes, report.relationships) == (exported.nodes, exported.relationships)
    assert await backup.content_hash(graph) == before_hash
    assert await maintenance.label_counts(graph) == before_labels
    assert await maintenance.relationship_counts(graph) == before_rels
    assert await audit.history(graph, org_id) == before_history
    assert await keys.list_all(graph) == before_keys
    topic = await entities.get(graph, "ajatemp")
    assert topic is not None

    # The hash notices a one-property change, so the equalities above mean something.
    await entities.update(
        graph, "Organisation", org_id, OrganisationUpdate(website="https://kysk.ee"), actor="t"
    )
    assert await backup.content_hash(graph) != before_hash


async def test_a_restored_key_still_authenticates(graph: Graph, tmp_path: Path) -> None:
    _, secret = await keys.create(graph, name="survivor", role=Role.VIEWER, actor="test")
    await backup.export_all(graph, tmp_path / "keys.jsonl")
    await backup.restore(graph, tmp_path / "keys.jsonl", force=True)
    key = await keys.authenticate(graph, secret)
    assert key is not None and key.name == "survivor"


def _rewrite(path: Path, edit: Any) -> Path:
    lines = path.read_text().splitlines()
    out = path.with_name("edited-" + path.name)
    out.write_text("\n".join(edit(lines)) + "\n")
    return out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: lines[:-1], "incomplete"),
        (lambda lines: lines[: len(lines) // 2], "incomplete"),
        (lambda lines: [*lines[:-2], lines[-1]], "counts"),
        (lambda lines: [line.replace("Töötukassa", "Tootukassa") for line in lines], "altered"),
        (lambda lines: [lines[0], "{not json", *lines[1:]], "not JSON"),
        (lambda lines: lines[1:], "header"),
        (lambda lines: [lines[0].replace('"version":1', '"version":99'), *lines[1:]], "version"),
        (
            lambda lines: [
                lines[0],
                lines[1].replace('"labels":[', '"labels":["Bad Label",'),
                *lines[2:],
            ],
            "invalid label",
        ),
        (
            lambda lines: [
                *lines[:-1],
                json.dumps({"kind": "relationship", "type": "X", "start": 0, "end": 10**9}),
                lines[-1],
            ],
            "unknown node key",
        ),
    ],
)
async def test_bad_files_are_refused_before_any_write(
    graph: Graph, tmp_path: Path, edit: Any, message: str
) -> None:
    await loader.load(graph, dataset.read())
    good = await backup.export_all(graph, tmp_path / "good.jsonl")
    bad = _rewrite(good.path, edit)
    await maintenance.wipe(graph, allow_data=True)
    with pytest.raises(backup.BackupError, match=message):
        await backup.restore(graph, bad)
    assert await maintenance.count_data_nodes(graph) == 0


async def test_cli_export_and_restore(
    graph: Graph, cli_env: dict[str, str], tmp_path: Path
) -> None:
    await build_network(graph)
    before = await backup.content_hash(graph)
    file = tmp_path / "all.jsonl"

    exported = cli(["export", "--all", str(file)], cli_env)
    assert exported.returncode == 0, exported.stderr
    assert "nodes" in exported.stdout and before[:12] in exported.stdout

    refused = cli(["restore", str(file)], cli_env)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert await backup.content_hash(graph) == before

    no_all = cli(["export", str(file)], cli_env)
    assert no_all.returncode == 2 and "--all" in no_all.stderr

    await maintenance.wipe(graph, allow_data=True)
    restored = cli(["restore", str(file)], cli_env)
    assert restored.returncode == 0, restored.stderr
    assert "verified" in restored.stdout
    assert await backup.content_hash(graph) == before

    forced = cli(["restore", "--force", str(file)], cli_env)
    assert forced.returncode == 0, forced.stderr
    assert await backup.content_hash(graph) == before
