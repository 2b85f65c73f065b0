"""Import of 100k attendance rows that mostly name new people, against a fresh local Neo4j.

    .venv/bin/python -m bench.import_bench [--rows 100000] [--batch-size 5000] [--writers 2]

Generates, in a temporary directory, an events file (`;`-delimited, with BOM, as an
Estonian Excel export) and an attendance file whose rows name their event by id or by
name+date and their attendee by name with an organisation, then runs the real importer
(the code behind `koostoo import`) with `--create-missing` against a fresh
`graph.local.LocalNeo4j`:

1. events import (timed on its own),
2. attendance import, first run: creates the people, organisations, MEMBER_OF and
   ATTENDED relationships (141,726 writes for 100k rows, 21,863 of them new nodes,
   each with its audit event and five index entries): the heaviest kind of
   attendance file, measured for what it costs, not against the ≥ 20,000 rows/s
   target, which `bench/run.py` measures on attendance of people and events the
   graph holds (see bench/README.md, "Import throughput"),
3. attendance import, second run: everything unchanged (the idempotent re-run).

Steps 1–2 run once on the just-started (cold) engine, then the database is wiped and
1–3 run again on the now warm engine.

`--uri` uses a running server instead (its database must be empty).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

from graph import bulk, local, maintenance, migrations
from graph.driver import Graph, connect
from seeds.importers.attendance import import_attendance
from seeds.importers.events import import_events
from seeds.importers.run import Options

KINDS = ["SEMINAR", "TRAINING", "WORKSHOP", "MEETING", "INFO_DAY", "FORUM"]
ROLES = ["PARTICIPANT"] * 8 + ["SPEAKER", "MODERATOR", "TRAINER", "MENTOR"]
CITIES = ["Tallinn", "Tartu", "Narva", "Pärnu", "Jõhvi", "Rakvere", "Viljandi", "Sillamäe"]
GIVEN = ["Mari", "Jaan", "Kaie", "Rasmus", "Anu", "Tiit", "Liis", "Peeter", "Eve", "Олег"]
FAMILY = ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kuusk", "Rebane", "Ilves", "Pärn", "Иванов"]
FORMS = ["MTÜ ", "SA ", "", "", "OÜ "]


def generate(folder: Path, rows: int, events: int, people: int, orgs: int) -> tuple[Path, Path]:
    rng = random.Random(20261123)
    event_rows = []
    for i in range(events):
        day = f"{1 + i % 28:02d}.{1 + (i // 28) % 12:02d}.{2015 + i // 336}"
        event_rows.append((f"imp-ev-{i:05d}", f"{rng.choice(CITIES)} koostööseminar nr {i}", day))
    events_file = folder / "events.csv"
    with events_file.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("id;name;kind;startDate\r\n")
        for event_id, name, day in event_rows:
            f.write(f"{event_id};{name};{rng.choice(KINDS)};{day}\r\n")
    org_names = [f"{rng.choice(FORMS)}Ühendus {i} {rng.choice(CITIES)}" for i in range(orgs)]
    person_names = [
        f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i // len(GIVEN)) % len(FAMILY)]} {i}"
        for i in range(people)
    ]
    person_org = [rng.choice(org_names) for _ in range(people)]
    attendance_file = folder / "attendance.csv"
    seen: set[tuple[int, int]] = set()
    with attendance_file.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("event;eventDate;attendee;attendeeType;role;organisation\r\n")
        written = 0
        while written < rows:
            e, p = rng.randrange(events), rng.randrange(people)
            if (e, p) in seen:
                continue
            seen.add((e, p))
            event_id, name, day = event_rows[e]
            event = f"{event_id};" if written % 2 else f"{name};{day}"
            f.write(f"{event};{person_names[p]};PERSON;{rng.choice(ROLES)};{person_org[p]}\r\n")
            written += 1
    return events_file, attendance_file


def _cpu_seconds(pid: int | None) -> float:
    """User+system CPU time of a process (Linux /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


async def run(
    graph: Graph,
    events_file: Path,
    attendance_file: Path,
    batch: int,
    writers: int,
    server_pid: int | None,
) -> None:
    await migrations.migrate(graph)
    if await maintenance.count_data_nodes(graph):
        raise SystemExit("the database is not empty; the benchmark needs a fresh one")
    options = Options(create_missing=True, batch_size=batch, actor="bench", writers=writers)
    # A fresh JVM compiles Neo4j's hot code during its first big writes (the first run
    # takes about twice as long): once on a cold engine, then the measured runs on the
    # same engine after a wipe, as a long-running server would see them.
    print("cold engine (just started):")
    await _runs(graph, events_file, attendance_file, options, server_pid, ("first run",))
    await maintenance.wipe(graph, allow_data=True)
    await migrations.migrate(graph)
    print("warm engine (after the cold run and a wipe):")
    await _runs(graph, events_file, attendance_file, options, server_pid, ("first run", "re-run"))


async def _runs(
    graph: Graph,
    events_file: Path,
    attendance_file: Path,
    options: Options,
    server_pid: int | None,
    labels: tuple[str, ...],
) -> None:
    started = time.perf_counter()
    result = await import_events(graph, events_file, options)
    took = time.perf_counter() - started
    print(f"events:      {result.rows:>7} rows in {took:6.2f} s = {result.rows / took:8.0f} rows/s")

    for label in labels:
        started = time.perf_counter()
        client0, server0 = time.process_time(), _cpu_seconds(server_pid)
        result = await import_attendance(graph, attendance_file, options)
        took = time.perf_counter() - started
        client = time.process_time() - client0
        server = _cpu_seconds(server_pid) - server0
        print(
            f"attendance ({label}): {result.rows:>7} rows in {took:6.2f} s = "
            f"{result.rows / took:8.0f} rows/s; changed {result.report.changed}"
        )
        if server_pid:
            # On a shared machine wall time mostly measures the other tenants; the CPU
            # the import itself needed is the load-independent figure.
            print(
                f"    cpu: importer {client:.1f} s, Neo4j {server:.1f} s "
                f"(= {result.rows / (client + server):.0f} rows per CPU-second); "
                f"load average {_load()} on {os.cpu_count()} cores"
            )
        for name, c in [*result.report.nodes.items(), *result.report.relationships.items()]:
            print(
                f"    {name:<13} created {c.created:>7} updated {c.updated:>5} "
                f"unchanged {c.unchanged:>7}"
            )


async def main_async(
    args: argparse.Namespace, uri: str, folder: Path, server_pid: int | None = None
) -> None:
    events_file, attendance_file = generate(folder, args.rows, args.events, args.people, args.orgs)
    print(
        f"generated {args.rows} attendance rows ({attendance_file.stat().st_size / 1e6:.1f} MB), "
        f"{args.events} events, {args.people} people, {args.orgs} organisations"
    )
    graph = await connect(uri, "neo4j", "", "neo4j")
    try:
        await run(graph, events_file, attendance_file, args.batch_size, args.writers, server_pid)
    finally:
        await graph.driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--writers", type=int, default=bulk.WRITERS, help="transactions in flight")
    parser.add_argument("--uri", help="use this (empty) server instead of a fresh local one")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="koostoo-import-bench-") as tmp:
        folder = Path(tmp)
        if args.uri:
            asyncio.run(main_async(args, args.uri, folder))
            return
        engine = local.LocalNeo4j(
            home=folder / "neo4j", port=0, heap=args.heap, pagecache=args.pagecache
        )
        uri = engine.start()
        try:
            pid = engine.process.pid if engine.process else None
            asyncio.run(main_async(args, uri, folder, pid))
        finally:
            engine.stop()


if __name__ == "__main__":
    main()
