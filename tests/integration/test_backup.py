"""Backups: `export --all` / `restore` reproduce the same graph (content hash equal),
CRM and audit records included; a file is refused unless its keyed MAC (over every byte,
header included) verifies and every line checks out, before anything is written; and a
restore that fails part-way leaves the graph it was replacing as it was (issue 21,
items 6 and 7)."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j.time as nt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j import AsyncManagedTransaction
from neo4j.spatial import CartesianPoint, WGS84Point

from graph import (
    audit,
    backup,
    bulk,
    console,
    entities,
    keys,
    local,
    maintenance,
    migrations,
)
from graph.backup import check as backup_check
from graph.backup import signing as backup_signing
from graph.driver import Graph, connect
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
KEY = b"koostoo-test-backup-key-0123456789abcdef"
OTHER_KEY = b"someone-elses-backup-key-0123456789abcdef"

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
    """Run the CLI; its output with the console's line wrapping undone."""
    done = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    done.stdout, done.stderr = (" ".join(text.split()) for text in (done.stdout, done.stderr))
    return done


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KOOSTOO_BACKUP_KEY"}
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path)})
    return env


# --- editing files as an attacker would ------------------------------------------------------


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


#: The header of a file made by hand, signed with KEY.
HEADER = dumps(
    {
        "kind": "header",
        "format": "koostoo-backup",
        "version": 2,
        "schemaVersion": migrations.LATEST_VERSION,
        "createdAt": "2026-12-01T00:00:00+00:00",
        "database": "neo4j",
        "key": backup_signing.key_id(KEY),
        "mac": "HMAC-SHA256",
    }
)


def recount(lines: list[str]) -> list[str]:
    """Recompute the end line's counts and content hash (anyone can: it is unkeyed)."""
    acc = backup.ContentHash()
    digests: dict[int, str] = {}
    out = []
    for line in lines:
        row = json.loads(line)
        if row["kind"] == "node":
            digests[row["key"]] = backup.node_digest(row["labels"], row["properties"])
            acc.nodes.append(digests[row["key"]])
        elif row["kind"] == "relationship":
            acc.relationships.append(
                backup.relationship_digest(
                    row["type"], digests[row["start"]], digests[row["end"]], row["properties"]
                )
            )
        elif row["kind"] == "end":
            line = dumps(
                {
                    "kind": "end",
                    "nodes": len(acc.nodes),
                    "relationships": len(acc.relationships),
                    "hash": acc.hexdigest(),
                }
            )
        out.append(line)
    return out


def resign(lines: list[str], key: bytes = KEY) -> list[str]:
    """Replace the MAC line with a valid one for `key`: what only the key's holder can do.
    Files edited this way test the checks behind the MAC."""
    body = [line for line in lines if not line.startswith('{"kind":"mac"')]
    mac = hmac.new(key, "".join(f"{line}\n" for line in body).encode(), hashlib.sha256)
    return [*body, dumps({"kind": "mac", "mac": mac.hexdigest()})]


def unsigned_v1(lines: list[str]) -> list[str]:
    """The same content as an unsigned format-1 file (a backup from before issue 21)."""
    header = json.loads(lines[0])
    for field in ("key", "mac"):
        del header[field]
    header["version"] = 1
    return [dumps(header), *(line for line in lines[1:] if not line.startswith('{"kind":"mac"'))]


def add_admin_key(lines: list[str], secret: str) -> list[str]:
    """The issue's attack: an admin ApiKey node whose hash is of a secret the attacker
    knows, and a renamed organisation."""
    last_node = max(i for i, line in enumerate(lines) if line.startswith('{"kind":"node"'))
    key = max(json.loads(line)["key"] for line in lines[: last_node + 1] if '"node"' in line) + 1
    evil = {
        "kind": "node",
        "key": key,
        "labels": ["ApiKey"],
        "properties": {
            "id": "ründaja",
            "name": "ründaja",
            "role": "admin",
            "prefix": secret[:10],
            "hash": hashlib.sha256(secret.encode()).hexdigest(),
            "createdAt": backup.encode_value(nt.DateTime(2026, 1, 1, tzinfo=UTC)),
        },
    }
    renamed = [line.replace("Töötukassa", "Töötukassa (võltsitud)") for line in lines]
    return [*renamed[: last_node + 1], dumps(evil), *renamed[last_node + 1 :]]


def duplicate_organisation(lines: list[str]) -> tuple[list[str], int, str]:
    """A second node line for an Organisation already in the file (same id, new key);
    returns the lines, the new line's number and the id."""
    last_node = max(i for i, line in enumerate(lines) if line.startswith('{"kind":"node"'))
    rows = (json.loads(line) for line in lines[1 : last_node + 1])
    org = next(r for r in rows if r["kind"] == "node" and "Organisation" in r["labels"])
    key = max(json.loads(line)["key"] for line in lines[: last_node + 1] if '"node"' in line) + 1
    copy = dumps({**org, "key": key})
    return (
        [*lines[: last_node + 1], copy, *lines[last_node + 1 :]],
        last_node + 2,
        org["properties"]["id"],
    )


@pytest.fixture(scope="module")
async def good(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signed backup of the seed network, made once for the tests that only need a
    good file to spoil (they run on the empty graph: any write would show)."""
    await maintenance.wipe(graph, allow_data=True)
    await loader.load(graph, dataset.read())
    path = tmp_path_factory.mktemp("good") / "good.jsonl"
    await backup.export_all(graph, path, key=KEY)
    await maintenance.wipe(graph, allow_data=True)
    return path


async def saved_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("pre-restore-*"))  # noqa: ASYNC240


# --- values ----------------------------------------------------------------------------------


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


# --- the round trip ----------------------------------------------------------------------------


async def test_round_trip_reproduces_the_graph(graph: Graph, tmp_path: Path) -> None:
    org_id = await build_network(graph)
    before_hash = await backup.content_hash(graph)
    before_labels = await maintenance.label_counts(graph)
    before_rels = await maintenance.relationship_counts(graph)
    before_history = await audit.history(graph, org_id)
    before_keys = await keys.list_all(graph)
    assert len(before_history) == 2 and before_labels["Note"] == 1 and before_labels["Task"] == 1

    file = tmp_path / "koostoo.jsonl"
    exported = await backup.export_all(graph, file, key=KEY)
    assert exported.hash == before_hash
    assert exported.nodes == await maintenance.count_data_nodes(graph)
    assert exported.relationships > 300
    assert sorted(p.name for p in tmp_path.iterdir()) == ["koostoo.jsonl"]  # noqa: ASYNC240
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    lines = lines_of(file)
    header = json.loads(lines[0])
    assert header["format"] == "koostoo-backup" and header["version"] == 2
    assert header["key"] == exported.key_id and header["mac"] == "HMAC-SHA256"
    assert json.loads(lines[-2]) == {
        "kind": "end",
        "nodes": exported.nodes,
        "relationships": exported.relationships,
        "hash": before_hash,
    }
    assert lines == resign(lines)  # the last line is the MAC of all the others

    with pytest.raises(Conflict, match="--force"):
        await backup.restore(graph, file, key=KEY)
    assert await backup.content_hash(graph) == before_hash

    await maintenance.wipe(graph, allow_data=True)
    assert await backup.content_hash(graph) != before_hash
    report = await backup.restore(graph, file, key=KEY, batch_size=97)
    assert (report.nodes, report.relationships) == (exported.nodes, exported.relationships)
    assert report.one_transaction and report.saved is None and report.wiped == 0
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


async def test_a_forced_restore_saves_the_graph_it_replaces(graph: Graph, tmp_path: Path) -> None:
    _, secret = await keys.create(graph, name="survivor", role=Role.VIEWER, actor="test")
    await backup.export_all(graph, tmp_path / "keys.jsonl", key=KEY)
    await keys.create(graph, name="newer", role=Role.VIEWER, actor="test")
    newer = await backup.content_hash(graph)

    report = await backup.restore(
        graph, tmp_path / "keys.jsonl", key=KEY, force=True, saved_dir=tmp_path / "saved"
    )
    key = await keys.authenticate(graph, secret)
    assert key is not None and key.name == "survivor"
    assert report.one_transaction and report.wiped == 4  # two keys, two audit events
    # The replaced graph is in a signed file that restores as it was.
    assert report.saved is not None and report.saved.parent == tmp_path / "saved"
    assert stat.S_IMODE(report.saved.stat().st_mode) == 0o600
    await backup.restore(graph, report.saved, key=KEY, force=True, saved_dir=tmp_path / "saved")
    assert await backup.content_hash(graph) == newer


# --- issue 21, item 6: a failed restore --force leaves the graph as it was --------------------


async def test_a_duplicate_id_file_under_force_changes_nothing(
    seeded: Graph, tmp_path: Path
) -> None:
    """The issue's reproduction: a consistent (here: even validly signed) file with two
    Organisations of the same id took a 406-node graph to 0 nodes."""
    good = await backup.export_all(seeded, tmp_path / "good.jsonl", key=KEY)
    lines, line_number, org_id = duplicate_organisation(lines_of(good.path))
    bad = write_lines(tmp_path / "dup.jsonl", resign(recount(lines)))
    before = await console.fingerprint(seeded)

    with pytest.raises(backup.BackupError) as refused:
        await backup.restore(seeded, bad, key=KEY, force=True, saved_dir=tmp_path)
    assert f"dup.jsonl:{line_number}: a second Organisation with id {org_id!r}" in str(
        refused.value
    )
    assert await console.fingerprint(seeded) == before
    assert await maintenance.count_data_nodes(seeded) == good.nodes
    assert await saved_files(tmp_path) == []  # refused before anything, even the safety copy


class Boom(Exception):
    """A failure in the middle of a restore (the progress callback raises it)."""


def fail_after(what: str, batches: int) -> Callable[[str, int], None]:
    seen = 0

    def progress(phase: str, n: int) -> None:
        nonlocal seen
        if phase == what:
            seen += 1
            if seen >= batches:
                raise Boom(f"failure after {seen} batches of {phase}")

    return progress


@pytest.fixture
async def older(seeded: Graph, tmp_path: Path) -> Path:
    """A backup of the seeded graph, which has changed since."""
    older = await backup.export_all(seeded, tmp_path / "older.jsonl", key=KEY)
    await entities.update(
        seeded,
        "Organisation",
        "tootukassa",
        OrganisationUpdate(website="https://tootukassa.ee/uus"),
        actor="t",
    )
    assert await backup.content_hash(seeded) != older.hash
    return older.path


@pytest.mark.parametrize("phase", ["nodes", "relationships"])
async def test_a_failure_inside_the_one_transaction_changes_nothing(
    seeded: Graph, older: Path, tmp_path: Path, phase: str
) -> None:
    before = await backup.content_hash(seeded)
    with pytest.raises(Boom):
        await backup.restore(
            seeded,
            older,
            key=KEY,
            force=True,
            saved_dir=tmp_path,
            batch_size=50,
            progress=fail_after(phase, 2),
        )
    assert await backup.content_hash(seeded) == before


@pytest.mark.parametrize("phase", ["nodes", "relationships"])
async def test_a_failed_batched_restore_puts_the_previous_graph_back(
    seeded: Graph, older: Path, tmp_path: Path, phase: str
) -> None:
    before = await backup.content_hash(seeded)
    with pytest.raises(backup.BackupError, match="previous graph was put back") as failed:
        await backup.restore(
            seeded,
            older,
            key=KEY,
            force=True,
            saved_dir=tmp_path / "saved",
            batch_size=50,
            one_transaction=False,
            progress=fail_after(phase, 2),
        )
    assert isinstance(failed.value.__cause__, Boom)
    assert "failure after 2 batches" in str(failed.value)
    assert await backup.content_hash(seeded) == before
    (saved,) = await saved_files(tmp_path / "saved")
    assert saved in str(failed.value)


async def test_a_failed_batched_restore_into_an_empty_database_empties_it(
    seeded: Graph, tmp_path: Path
) -> None:
    file = await backup.export_all(seeded, tmp_path / "all.jsonl", key=KEY)
    await maintenance.wipe(seeded, allow_data=True)
    with pytest.raises(backup.BackupError, match="emptied again"):
        await backup.restore(
            seeded,
            file.path,
            key=KEY,
            batch_size=50,
            one_transaction=False,
            progress=fail_after("relationships", 3),
        )
    assert await maintenance.count_data_nodes(seeded) == 0
    report = await backup.restore(seeded, file.path, key=KEY, one_transaction=False)
    assert not report.one_transaction and report.hash == file.hash
    assert await backup.content_hash(seeded) == file.hash


def fat_file(path: Path, nodes: int, chars: int = 50_000) -> Path:
    """A signed file of `nodes` topics with `chars` characters of text each."""
    rows = [
        dumps(
            {
                "kind": "node",
                "key": i,
                "labels": ["Entity", "Topic"],
                "properties": {"id": f"pikk-{i}", "name": f"Pikk teema {i}", "text": "š" * chars},
            }
        )
        for i in range(nodes)
    ]
    return write_lines(path, resign(recount([HEADER, *rows, dumps({"kind": "end"})])))


@pytest.fixture
def small_engine(tmp_path: Path) -> Iterator[str]:
    """A Neo4j whose running transactions may hold 10 MiB in all (its minimum)."""
    engine = local.LocalNeo4j(home=tmp_path / "neo4j", port=0, pagecache="64m", tx_memory="10m")
    yield engine.start()
    engine.stop()


async def test_a_restore_too_big_for_one_transaction_goes_in_batches(
    small_engine: str, tmp_path: Path
) -> None:
    """Neo4j refuses one transaction of 11 MiB of text: the restore says so, replaces in
    batches and verifies the result; the replaced graph is saved."""
    small = await connect(small_engine, "neo4j", "", "neo4j")
    try:
        await migrations.migrate(small)
        await backup.restore(small, fat_file(tmp_path / "121.jsonl", 121), key=KEY, batch_size=5)
        before = await backup.content_hash(small)
        fat = fat_file(tmp_path / "120.jsonl", 120)
        notices: list[str] = []
        report = await backup.restore(
            small,
            fat,
            key=KEY,
            force=True,
            saved_dir=tmp_path / "saved",
            batch_size=5,
            notice=notices.append,
        )
        assert not report.one_transaction and report.wiped == 121
        assert "MemoryPoolOutOfMemoryError" in notices[-1] and "in batches" in notices[-1]
        assert (
            await backup.content_hash(small) == report.hash == backup.check_file(fat, key=KEY).hash
        )
        assert report.saved is not None
        assert backup.check_file(report.saved, key=KEY).hash == before
    finally:
        await small.driver.close()


# --- issue 21, item 7: a keyed MAC over the whole file ------------------------------------------


SECRET = "kst_ründaja-teab-seda-saladust-0123456789abcdef"

#: Edits an attacker without the key can make; each must be refused, nothing written.
TAMPERING: dict[str, Callable[[list[str]], list[str]]] = {
    # The reproduction: an admin key, a renamed organisation, the end line redone.
    "admin key, renamed organisation, end line recomputed": lambda lines: recount(
        add_admin_key(lines, SECRET)
    ),
    "the same without the MAC line": lambda lines: recount(add_admin_key(lines, SECRET))[:-1],
    "the same as an unsigned format-1 file": lambda lines: recount(
        unsigned_v1(add_admin_key(lines, SECRET))
    ),
    "header createdAt changed": lambda lines: [
        lines[0].replace('"createdAt":"', '"createdAt":"1'),
        *lines[1:],
    ],
    "header schemaVersion lowered": lambda lines: [
        lines[0].replace(f'"schemaVersion":{migrations.LATEST_VERSION}', '"schemaVersion":1'),
        *lines[1:],
    ],
    "header key id replaced": lambda lines: [
        dumps({**json.loads(lines[0]), "key": "0" * 16}),
        *lines[1:],
    ],
    "truncated to half": lambda lines: lines[: len(lines) // 2],
    "the MAC line cut off": lambda lines: lines[:-1],
    "a relationship deleted, end line recomputed": lambda lines: recount(
        [*lines[:-3], *lines[-2:]]
    ),
    "two node lines swapped": lambda lines: [lines[0], lines[2], lines[1], *lines[3:]],
    "deep JSON as the last line": lambda lines: [*lines, "[" * 2000 + "]" * 2000],
}


@pytest.mark.parametrize("name", TAMPERING)
async def test_tampered_files_are_refused_and_nothing_is_written(
    graph: Graph, good: Path, tmp_path: Path, name: str
) -> None:
    bad = write_lines(tmp_path / "bad.jsonl", TAMPERING[name](lines_of(good)))
    with pytest.raises(backup.BackupError, match=r"altered|not signed|incomplete"):
        await backup.restore(graph, bad, key=KEY, force=True, saved_dir=tmp_path)
    assert await maintenance.count_data_nodes(graph) == 0
    assert await keys.authenticate(graph, SECRET) is None


def test_a_file_cut_anywhere_is_refused(good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    for cut in (0, 1, len(data) // 3, len(data) - 40, len(data) - 1):
        bad = tmp_path / "cut.jsonl"
        bad.write_bytes(data[:cut])
        with pytest.raises(backup.BackupError, match=r"empty|not signed|incomplete|altered"):
            backup.check_file(bad, key=KEY)


async def test_a_file_signed_with_another_key_is_refused(seeded: Graph, tmp_path: Path) -> None:
    theirs = await backup.export_all(seeded, tmp_path / "theirs.jsonl", key=OTHER_KEY)
    await maintenance.wipe(seeded, allow_data=True)
    with pytest.raises(backup.BackupError, match="another backup key") as refused:
        await backup.restore(seeded, theirs.path, key=KEY)
    assert theirs.key_id in str(refused.value)
    assert await maintenance.count_data_nodes(seeded) == 0
    # Without a key at all, a signed file is refused as well.
    with pytest.raises(backup.BackupError, match="no backup key"):
        await backup.restore(seeded, theirs.path, key=None, trust_unsigned=True)
    assert await maintenance.count_data_nodes(seeded) == 0


async def test_only_restorable_schema_versions_are_restored(
    graph: Graph, good: Path, tmp_path: Path
) -> None:
    for version in (1, 4, migrations.LATEST_VERSION + 1):
        lines = lines_of(good)
        header = {**json.loads(lines[0]), "schemaVersion": version}
        old = write_lines(tmp_path / "old.jsonl", resign([dumps(header), *lines[1:]]))
        with pytest.raises(backup.BackupError, match=f"schema version {version}; this Koo"):
            await backup.restore(graph, old, key=KEY)
        legacy = write_lines(tmp_path / "legacy.jsonl", unsigned_v1(lines_of(old)))
        with pytest.raises(backup.BackupError, match=f"schema version {version}; this Koo"):
            await backup.restore(graph, legacy, key=KEY, trust_unsigned=True)
    assert await maintenance.count_data_nodes(graph) == 0


async def test_a_file_of_an_older_restorable_schema_is_brought_up_to_date(
    graph: Graph, good: Path, tmp_path: Path
) -> None:
    """A backup made before migrations 6 and 7 (schema 5) lacks the look-alike name keys
    of migration 7: the restore makes them from the restored names."""
    lines = lines_of(good)
    header = {**json.loads(lines[0]), "schemaVersion": migrations.OLDEST_RESTORABLE}

    def without_name_key(line: str) -> str:
        row = json.loads(line)
        if row["kind"] != "node" or "nameKey" not in row["properties"]:
            return line
        kept = {k: v for k, v in row["properties"].items() if k != "nameKey"}
        return dumps({**row, "properties": kept})

    body = [without_name_key(line) for line in lines[1:]]
    assert body != lines[1:], "the backup holds name keys to leave out"
    older = write_lines(tmp_path / "older.jsonl", resign([dumps(header), *recount(body)]))
    notes: list[str] = []
    await backup.restore(graph, older, key=KEY, notice=notes.append)
    assert any("brought up to" in n for n in notes), notes

    async def keys_of(tx: AsyncManagedTransaction) -> list[Any]:
        result = await tx.run("MATCH (n:Organisation) RETURN n.nameKey AS key")
        return [r["key"] async for r in result]

    found = await graph.read(keys_of)
    assert found and all(found)


async def test_a_file_of_schema_8_gets_lemmas_and_cooperation_edges(
    graph: Graph, good: Path, tmp_path: Path
) -> None:
    """A backup made at schema 8 (before issue 24) has no lemmas and says whom a service
    is provided for in `PROVIDES.forOrganisation`: the restore runs the data steps of
    migrations 9 and 10, which make the lemmas and turn the property into edges."""
    lines = lines_of(good)
    header = {**json.loads(lines[0]), "schemaVersion": 8}
    rows = [json.loads(line) for line in lines[1:]]
    key_of = {r["properties"]["id"]: r["key"] for r in rows if r["kind"] == "node"}
    body = []
    for row in rows:
        props = row.get("properties", {})
        if row["kind"] == "node":
            props = {k: v for k, v in props.items() if k not in ("lemmaText", "lemmaKeys")}
        elif row["kind"] != "relationship":
            pass
        elif row["type"] in ("COOPERATES_WITH", "DELIVERED_FOR"):
            continue  # not in the model at schema 8
        elif row["type"] == "PROVIDES" and row["end"] == key_of["seltsilise-teenus"]:
            props = {**props, "forOrganisation": "viljandi-vald"}
        body.append(dumps({**row, "properties": props}) if "properties" in row else dumps(row))
    older = write_lines(tmp_path / "older.jsonl", resign([dumps(header), *recount(body)]))
    await backup.restore(graph, older, key=KEY)

    async def found(tx: AsyncManagedTransaction) -> dict[str, Any]:
        row = await (
            await tx.run(
                "RETURN COUNT { (n:Organisation) WHERE n.lemmaText IS NULL } AS unlemmatised, "
                "COUNT { ()-[r:PROVIDES]->() WHERE r.forOrganisation IS NOT NULL } AS left, "
                "[(p)-[c:COOPERATES_WITH]->(:Organisation {id: 'viljandi-vald'}) "
                " | [p.id, c.about]] AS ties"
            )
        ).single(strict=True)
        return dict(row)

    assert await graph.read(found) == {
        "unlemmatised": 0,
        "left": 0,
        "ties": [["seltsiks-sinule", "seltsilise-teenus"]],
    }


async def test_an_unsigned_legacy_file_needs_trust_and_never_restores_keys(
    seeded: Graph, tmp_path: Path
) -> None:
    await keys.create(seeded, name="vana", role=Role.EDITOR, actor="test")
    good = await backup.export_all(seeded, tmp_path / "good.jsonl", key=KEY)
    legacy = write_lines(
        tmp_path / "legacy.jsonl", recount(unsigned_v1(add_admin_key(lines_of(good.path), SECRET)))
    )
    labels = await maintenance.label_counts(seeded)
    await maintenance.wipe(seeded, allow_data=True)

    with pytest.raises(backup.BackupError, match=r"not signed.*--trust-unsigned"):
        await backup.restore(seeded, legacy, key=KEY)
    assert await maintenance.count_data_nodes(seeded) == 0

    notices: list[str] = []
    report = await backup.restore(
        seeded, legacy, key=None, trust_unsigned=True, notice=notices.append
    )
    assert not report.manifest.signed and report.manifest.skipped_nodes == 2
    assert any("not restoring 2 API keys" in n for n in notices)
    assert await keys.list_all(seeded) == []
    assert await keys.authenticate(seeded, SECRET) is None
    assert await maintenance.label_counts(seeded) == labels  # everything else is there
    assert report.hash == await backup.content_hash(seeded)


#: Files consistent to the last byte and signed with the right key (as only its holder,
#: or a bug, could make them) that Neo4j could not store as written, or that a restore
#: must not carry: refused by the checks behind the MAC, naming the line.
def _node(lines: list[str], **changes: Any) -> list[str]:
    first = json.loads(lines[1])
    return [lines[0], dumps({**first, **changes}), *lines[2:]]


def _props(lines: list[str], **props: Any) -> list[str]:
    first = json.loads(lines[1])
    return _node(lines, properties={**first["properties"], **props})


def _add_rel(lines: list[str], **rel: Any) -> list[str]:
    row = {"kind": "relationship", "type": "PART_OF", "start": 0, "end": 1, "properties": {}}
    return [*lines[:-2], dumps({**row, **rel}), *lines[-2:]]


SIGNED_BUT_BAD: dict[str, tuple[Callable[[list[str]], list[str]], str]] = {
    "migration record": (lambda ls: _node(ls, labels=["KoostooMigration"]), "not restored"),
    "unknown label": (lambda ls: _node(ls, labels=["Entity", "Admin"]), "invalid label"),
    "label with a space": (lambda ls: _node(ls, labels=["Bad Label"]), "invalid label"),
    "unknown type": (lambda ls: _add_rel(ls, type="OWNS"), "invalid relationship type"),
    "dangling end": (lambda ls: _add_rel(ls, end=10**9), "unknown node key"),
    "node key twice": (lambda ls: [ls[0], ls[1], ls[1], *ls[2:]], "appears twice"),
    "null property": (lambda ls: _props(ls, x=None), "null"),
    "nested list": (lambda ls: _props(ls, x=[[1], [2]]), "list"),
    "mixed list": (lambda ls: _props(ls, x=[1, "a"]), "mixes"),
    "integer over 64 bits": (lambda ls: _props(ls, x=2**64), "64 bits"),
    "lone surrogate": (
        lambda ls: [
            ls[0],
            ls[1].replace('"properties":{', '"properties":{"x":"\\ud800",'),
            *ls[2:],
        ],
        "Unicode",
    ),
    "a map value": (lambda ls: _props(ls, x={"a": 1}), "unknown value tag"),
    "point of 4 coordinates": (
        lambda ls: _props(ls, x={"$t": "point", "srid": 9157, "coordinates": [1.0] * 4}),
        "coordinates",
    ),
    "a non-canonical date": (
        lambda ls: _props(ls, x={"$t": "date", "v": "2016-11-03", "note": "extra"}),
        "not in the form",
    ),
    "a number id": (lambda ls: _props(ls, id=7), "must be text"),
    "a property name with a space": (lambda ls: _props(ls, **{"a b": 1}), "property name"),
    "an extra field": (lambda ls: _node(ls, extra=1), "fields"),
    "NaN literal": (lambda ls: [ls[0], ls[1].replace("}}", ',"x":NaN}}'), *ls[2:]], "NaN"),
    "deep JSON": (
        lambda ls: [ls[0], ls[1][:-2] + ',"x":' + "[" * 100_000 + "]" * 100_000 + "}}", *ls[2:]],
        "nested too deeply",
    ),
    "a blank line": (lambda ls: [ls[0], "", *ls[1:]], "not JSON"),
    "not JSON": (lambda ls: [ls[0], "{not json", *ls[1:]], "not JSON"),
    "header missing": (lambda ls: ls[1:], "header"),
    "format version 99": (
        lambda ls: [ls[0].replace('"version":2', '"version":99'), *ls[1:]],
        "version 99",
    ),
    "a line after the end": (lambda ls: [*ls, ls[1]], "after the end line"),
    "end line counts": (lambda ls: [*ls[:-2], ls[-1]], "counts"),
    "content hash": (
        lambda ls: [line.replace("Töötukassa", "Tootukassa") for line in ls],
        "content hash",
    ),
}


@pytest.mark.parametrize("name", SIGNED_BUT_BAD)
async def test_signed_but_bad_files_are_refused_by_line(
    graph: Graph, good: Path, tmp_path: Path, name: str
) -> None:
    edit, message = SIGNED_BUT_BAD[name]
    bad = write_lines(tmp_path / "bad.jsonl", resign(edit(lines_of(good)[:-1])))
    with pytest.raises(backup.BackupError, match=message) as refused:
        await backup.restore(graph, bad, key=KEY)
    if name not in ("end line counts", "content hash"):  # those are about the whole file
        assert re.search(r"bad\.jsonl:\d+: ", str(refused.value)), refused.value
    assert await maintenance.count_data_nodes(graph) == 0


def test_a_line_longer_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_check, "MAX_LINE_BYTES", 1000)
    huge = write_lines(
        tmp_path / "huge.jsonl", resign([HEADER, '{"kind":"node","x":"' + "ä" * 600 + '"}'])
    )
    with pytest.raises(backup.BackupError, match=r"huge.jsonl:2: the line is longer than"):
        backup.check_file(huge, key=KEY)


# --- a generated corpus of tampered files ---------------------------------------------------

CORPUS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**6), st.text(max_size=12), st.just([])
)


@st.composite
def tampering(draw: st.DrawFn, lines: list[str]) -> list[str]:
    n = len(lines)
    kind = draw(st.sampled_from(["flip", "insert", "delete", "swap", "header", "header-drop"]))
    out = list(lines)
    if kind == "flip":
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(0, len(out[i]) - 1))
        char = draw(st.characters(codec="utf-8").filter(lambda c: c != out[i][j] and c != "\n"))
        out[i] = out[i][:j] + char + out[i][j + 1 :]
    elif kind == "insert":
        line = draw(
            st.sampled_from(lines)
            | st.builds(dumps, st.dictionaries(st.text(max_size=5), json_values))
        )
        out.insert(draw(st.integers(0, n)), line)
    elif kind == "delete":
        del out[draw(st.integers(0, n - 1))]
    elif kind == "swap":
        i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        if out[i] == out[j]:
            j = (i + 1) % n
        out[i], out[j] = out[j], out[i]
    else:
        header = json.loads(out[0])
        field = draw(st.sampled_from(sorted(header)))
        if kind == "header-drop":
            del header[field]
        else:
            header[field] = draw(json_values.filter(lambda v: v != header[field]))
        out[0] = dumps(header)
    return out


async def test_a_generated_corpus_of_tampered_files_is_refused(
    graph: Graph, good: Path, tmp_path: Path
) -> None:
    lines = lines_of(good)
    bad = tmp_path / "bad.jsonl"

    @CORPUS
    @given(edited=tampering(lines))
    def refused(edited: list[str]) -> None:
        assert edited != lines
        write_lines(bad, edited)
        with pytest.raises(backup.BackupError):
            backup.check_file(bad, key=KEY)

    refused()
    # The same check comes first in every restore: nothing written.
    with pytest.raises(backup.BackupError):
        await backup.restore(graph, bad, key=KEY)
    assert await maintenance.count_data_nodes(graph) == 0


# --- the command line --------------------------------------------------------------------------


async def test_cli_export_and_restore(
    graph: Graph, cli_env: dict[str, str], tmp_path: Path
) -> None:
    await build_network(graph)
    before = await backup.content_hash(graph)
    file = tmp_path / "all.jsonl"

    exported = cli(["export", "--all", str(file)], cli_env)
    assert exported.returncode == 0, exported.stderr
    assert "nodes" in exported.stdout and before[:12] in exported.stdout
    # Dev without KOOSTOO_BACKUP_KEY: a key made in the data directory, for its owner.
    key_file = tmp_path / "backup.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes().strip()
    assert backup.check_file(file, key=key).hash == before
    assert "signed with backup key" in exported.stdout

    refused = cli(["restore", str(file)], cli_env)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert await backup.content_hash(graph) == before

    no_all = cli(["export", str(file)], cli_env)
    assert no_all.returncode == 2 and "--all" in no_all.stderr

    await maintenance.wipe(graph, allow_data=True)
    restored = cli(["restore", str(file)], cli_env)
    assert restored.returncode == 0, restored.stderr
    assert "verified" in restored.stdout and "signed with backup key" in restored.stdout
    assert await backup.content_hash(graph) == before

    forced = cli(["restore", "--force", str(file)], cli_env)
    assert forced.returncode == 0, forced.stderr
    assert "in one transaction" in forced.stdout
    assert await backup.content_hash(graph) == before
    (saved,) = sorted((tmp_path / "backups").glob("pre-restore-*.jsonl"))
    assert str(saved) in forced.stdout
    batched = cli(["restore", "--force", "--in-batches", str(file)], cli_env)
    assert batched.returncode == 0, batched.stderr
    assert "in batches" in batched.stdout
    assert await backup.content_hash(graph) == before

    # Issue 21, item 6, from the command line: refused by line, the graph unchanged.
    lines, line_number, _ = duplicate_organisation(lines_of(file))
    dup = write_lines(tmp_path / "dup.jsonl", resign(recount(lines), key))
    fingerprint = await console.fingerprint(graph)
    failed = cli(["restore", "--force", str(dup)], cli_env)
    assert failed.returncode == 1
    assert f"dup.jsonl:{line_number}: a second Organisation" in failed.stderr
    assert await console.fingerprint(graph) == fingerprint

    # Issue 21, item 7: the added admin key with a recomputed end line is refused.
    forged = write_lines(tmp_path / "forged.jsonl", recount(add_admin_key(lines_of(file), SECRET)))
    failed = cli(["restore", "--force", str(forged)], cli_env)
    assert failed.returncode == 1 and "altered" in failed.stderr
    assert await console.fingerprint(graph) == fingerprint
    assert await keys.authenticate(graph, SECRET) is None


def test_cli_production_refuses_to_export_without_a_key(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**cli_env, "KOOSTOO_PROFILE": "production", "NEO4J_PASSWORD": "a-real-secret-1"}
    refused = cli(["export", "--all", str(tmp_path / "all.jsonl")], env)
    assert refused.returncode == 2
    assert "KOOSTOO_BACKUP_KEY" in refused.stderr
    assert not (tmp_path / "all.jsonl").exists() and not (tmp_path / "backup.key").exists()
    short = cli(
        ["export", "--all", str(tmp_path / "all.jsonl")], {**env, "KOOSTOO_BACKUP_KEY": "short"}
    )
    assert short.returncode == 2 and "at least 32 characters" in short.stderr
