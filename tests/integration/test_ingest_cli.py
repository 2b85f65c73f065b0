"""`koostoo ingest` run as a script would: unreadable files refused before anything is
written, --accept-all accepting every stated fact (never a co-occurrence), --json, and a
second run of the same file proposing nothing new (issue 27)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.driver import Graph

CLI = [sys.executable, "-m", "api.cli", "ingest"]

TEXT = (
    "Sotsiaalse Ettevõtluse Võrgustik korraldas 12.03.2019 seminari. "
    "Seminaril osalesid Sotsiaalkindlustusamet ja Eesti Töötukassa.\n"
    "Sotsiaalministeerium ja Rahandusministeerium avaldasid aruande.\n"
)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def cli_env(neo4j_server: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": neo4j_server, "KOOSTOO_DATA_DIR": str(tmp_path), "COLUMNS": "200"})
    return env


async def _count(graph: Graph, query: str) -> int:
    async def work(tx: Any) -> int:
        return int((await (await tx.run(query)).single(strict=True))[0])

    return await graph.read(work)


async def test_accept_all_and_json(cli_env: dict[str, str], graph: Graph, tmp_path: Path) -> None:
    good = tmp_path / "seminar.md"
    good.write_text("# Seminar\n\n" + TEXT, encoding="utf-8")
    bad = tmp_path / "vana.txt"
    bad.write_bytes("Tere õhtust".encode("latin-1"))
    refused = run([str(good), str(bad)], cli_env)
    assert refused.returncode == 1
    assert f"{bad}: is not UTF-8 (byte 0xf5 at line 1)" in refused.stderr
    assert "nothing was ingested" in refused.stderr
    assert await _count(graph, "MATCH (n) WHERE NOT n:KoostooMigration RETURN count(n)") == 0

    done = run([str(good), "--accept-all", "--json"], cli_env)
    assert done.returncode == 0, done.stderr
    (doc,) = json.loads(done.stdout)
    assert doc["created"] is True and doc["format"] == "MARKDOWN"
    kinds = {p["kind"]: p["status"] for p in doc["proposals"]}
    assert kinds["COOCCURRENCE"] == "PROPOSED"  # a suggestion is never accepted in bulk
    assert {p["status"] for p in doc["proposals"] if not p["weak"]} == {"ACCEPTED"}
    assert await _count(graph, "MATCH (:Organisation)-[:ATTENDED]->(:Event) RETURN count(*)") == 2
    assert await _count(graph, "MATCH (:Organisation)-[:ORGANISED]->(:Event) RETURN count(*)") == 1
    assert (
        await _count(graph, "MATCH (o:Organisation) WHERE NOT (o)-[:CITED_IN]->() RETURN count(o)")
        == 0
    )

    again = run([str(good)], cli_env)
    assert again.returncode == 0, again.stderr
    assert "ingested before: nothing new proposed" in again.stdout
    assert await _count(graph, "MATCH (d:Document) RETURN count(d)") == 1


async def test_accept_known_accepts_only_facts_between_existing_entities(
    cli_env: dict[str, str], graph: Graph, tmp_path: Path
) -> None:
    first = tmp_path / "seminar.txt"
    first.write_text(TEXT + "Seminaril esines Eesti Töötukassa projektijuht Mari Maasikas.\n")
    assert run([str(first), "--accept-all"], cli_env).returncode == 0
    orgs = await _count(graph, "MATCH (o:Organisation) RETURN count(o)")
    events = await _count(graph, "MATCH (e:Event) RETURN count(e)")

    second = tmp_path / "kohtumine.txt"
    second.write_text(
        "Sotsiaalkindlustusameti juhataja Mari Maasikas kohtus MTÜ Kaasiku Seltsiga.\n"
        "Infopäeva korraldas 05.04.2019 MTÜ Kaasiku Selts.\n",
        encoding="utf-8",
    )
    done = run([str(second), "--accept-known", "--json"], cli_env)
    assert done.returncode == 0, done.stderr
    (doc,) = json.loads(done.stdout)
    accepted = [
        (p["kind"], p["relType"], p["toKey"]) for p in doc["proposals"] if p["status"] == "ACCEPTED"
    ]
    # Mari and the Social Insurance Board both exist: her role there is accepted (and
    # both are cited); the new society, the new info day and their tie wait for review
    assert ("RELATIONSHIP", "MEMBER_OF", "Organisation:sotsiaalkindlustusamet") in accepted, [
        (p["key"], p["matchId"], p["status"]) for p in doc["proposals"]
    ]
    assert {k for k, _, _ in accepted} == {"RELATIONSHIP", "PERSON", "ORGANISATION"}
    assert doc["entitiesCreated"] == 0
    assert await _count(graph, "MATCH (o:Organisation) RETURN count(o)") == orgs
    assert await _count(graph, "MATCH (e:Event) RETURN count(e)") == events
    member = (
        "MATCH (:Person {name: 'Mari Maasikas'})-[m:MEMBER_OF]->"
        "(:Organisation {name: 'Sotsiaalkindlustusamet'}) RETURN count(m)"
    )
    assert await _count(graph, member) == 1


SCHEDULE = (
    "Koolitused toimuvad kahes linnas: Pärnus ja Tartus.\n\n"
    "Pärnus\n\n09.04\n30.04\n22.05\n\n"
    "Koolitused algavad kell 10.00.\n"
)


async def test_dates_without_a_year_are_named_and_date_gives_them_one(
    cli_env: dict[str, str], graph: Graph, tmp_path: Path
) -> None:
    brochure = tmp_path / "brosuur.txt"
    brochure.write_text(SCHEDULE, encoding="utf-8")
    bad = run([str(brochure), "--date", "2019-02-30"], cli_env)
    assert bad.returncode == 2
    assert "--date: '2019-02-30' is not a date" in bad.stderr
    assert await _count(graph, "MATCH (d:Document) RETURN count(d)") == 0

    undated = run([str(brochure), "--accept-all"], cli_env)
    assert undated.returncode == 0, undated.stderr
    warning = " ".join(undated.stderr.split())
    assert "3 dates have no year the text gives" in warning
    assert "09.04 (line 5), 30.04 (line 6), 22.05 (line 7)" in warning, warning
    assert "--date" in warning
    assert await _count(graph, "MATCH (e:Event) RETURN count(e)") == 0

    # the same file again, with its date: the document takes it, and the dates it gives
    # a year to are proposed now
    done = run([str(brochure), "--date", "2019", "--accept-all", "--json"], cli_env)
    assert done.returncode == 0, done.stderr
    (doc,) = json.loads(done.stdout)
    assert doc["created"] is False and doc["datesWithoutYear"] == []
    assert await _count(graph, "MATCH (d:Document {date: '2019'}) RETURN count(d)") == 1
    held = "MATCH (e:Event {kind: 'TRAINING'})-[:HELD_AT]->(:Place {name: 'Pärnu'}) RETURN count(e)"
    assert await _count(graph, held) == 3
    series = "MATCH (:Event)-[:PART_OF]->(s:Event {startDate: '2019-04-09'}) RETURN count(*)"
    assert await _count(graph, series) == 3
