"""Import throughput: 100k-row attendance files through `koostoo import attendance`'s
code, the first import after the engine starts and three new files after it."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from bench.api_runs import Env
from bench.common import console
from bench.processes import cpu_seconds, jit_seconds
from bench.stats import OneOff


def attendance_rows(
    net: Any, n: int, seed: int = 5, exclude: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """`n` new (person, event) attendance rows that the network does not hold yet (nor
    `exclude`, rows generated before)."""
    import random

    from graph.models.relationships import RelType

    rng = random.Random(seed)
    existing = {(r["from"], r["to"]) for r in [*net.rels.get(RelType.ATTENDED, []), *exclude]}
    people, events = net.ids("Person"), net.ids("Event")
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    while len(rows) < n:
        pair = (rng.choice(people), rng.choice(events))
        if pair in existing or pair in seen:
            continue
        seen.add(pair)
        rows.append({"from": pair[0], "to": pair[1], "props": {"role": "PARTICIPANT"}})
    return rows


#: Imports of fresh files on the warm engine whose median is the import's throughput.
SUSTAINED_RUNS = 3


@dataclass
class ImportRun:
    label: str
    rows: int
    seconds: float
    changed: int
    #: the CPU time Neo4j (and its JIT compiler) and the importer used
    used: str

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def describe(self) -> str:
        return (
            f"{self.label} {self.seconds:.1f} s ({self.rate:,.0f} rows/s, "
            f"{self.changed:,} changed; {self.used})"
        )


async def run_import(env: Env, net: Any, n: int, tmp: Path) -> None:
    """Import `n` new attendance rows (person and event ids) through the issue-3 importer
    (`seeds.importers.attendance.import_attendance`, the code behind `koostoo import
    attendance`); where it is missing, through graph/bulk/ directly, and say so.

    The runs, each of a `;` CSV of `n` rows:

    1. the first import since the engine started: its JIT has compiled the load's
       writes and the API's reads, not the importer's statements, so on a small machine
       much of this run is Neo4j compiling its own code (reported, with that share);
    2. the same file again (idempotent: nothing to change);
    3. `SUSTAINED_RUNS` files of other new rows, one after the other: the throughput,
       reported as their median (and range), is the figure the target is about. A
       throughput is a rate in steady state; the first run's extra time is a one-off
       cost of a JVM start, which `make run` pays once, and is reported beside it.

    Each run also reports the CPU time Neo4j and this process (the importer) used, and
    how much of Neo4j's went to its JIT compiler (`jstat -compiler`)."""
    rows = attendance_rows(net, n)
    name = "import 100k attendance rows" if n == 100_000 else f"import {n:,} attendance rows"
    try:
        from seeds.importers.attendance import import_attendance
        from seeds.importers.run import Options
    except ModuleNotFoundError as e:
        if e.name not in ("seeds.importers", "seeds.importers.attendance"):
            raise  # a broken import is an error, not an older commit
        await _import_with_bulk(env, rows, name)
        return
    files = [tmp / "attendance.csv"]
    _write_attendance(files[0], rows)
    written = list(rows)
    for k in range(SUSTAINED_RUNS):
        more = attendance_rows(net, n, seed=6 + k, exclude=written)
        written += more
        files.append(tmp / f"attendance-{k + 2}.csv")
        _write_attendance(files[-1], more)
    del written, rows

    runs: list[ImportRun] = []
    plan = [("first import after start", files[0]), ("idempotent re-run", files[0])]
    plan += [(f"new file {k + 1}", path) for k, path in enumerate(files[1:])]
    for label, path in plan:
        neo4j_cpu, own_cpu, jit = (
            cpu_seconds([env.neo4j_pid]),
            cpu_seconds([os.getpid()]),
            jit_seconds(env.neo4j_pid),
        )
        t0 = time.perf_counter()
        result = await import_attendance(
            env.graph, path, Options(create_missing=False, batch_size=5_000, actor="bench")
        )
        elapsed = time.perf_counter() - t0
        jit_after = jit_seconds(env.neo4j_pid)
        used = f"Neo4j {cpu_seconds([env.neo4j_pid]) - neo4j_cpu:.1f} s CPU"
        if jit is not None and jit_after is not None:
            used += f", {jit_after - jit:.1f} s in its JIT compiler"
        used += f"; importer {cpu_seconds([os.getpid()]) - own_cpu:.1f} s CPU"
        runs.append(ImportRun(label, n, elapsed, result.report.changed, used))
        console.print(f"  import: {runs[-1].describe()}")
    first, again, *sustained = runs
    rates = sorted(r.rate for r in sustained)
    env.report.oneoffs.append(
        OneOff(
            name,
            "ours",
            statistics.median(rates),
            "rows/s",
            "seeds/importers (`koostoo import attendance`), `;` CSVs of person and event "
            f"ids, batches of 5,000; the median of {len(sustained)} imports of {n:,} new "
            f"rows each on the warm engine (range {rates[0]:,.0f}–{rates[-1]:,.0f} rows/s: "
            + "; ".join(r.describe() for r in sustained)
            + f"); before them, {first.describe()}, and its {again.describe()}",
        )
    )


def _write_attendance(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("event;attendee;attendeeType;role\n")
        for r in rows:
            f.write(f"{r['to']};{r['from']};PERSON;{r['props']['role']}\n")


async def _import_with_bulk(env: Env, rows: list[dict[str, Any]], name: str) -> None:
    from graph import bulk
    from graph.models.relationships import RelType

    batch = 10_000
    t0 = time.perf_counter()
    created = 0
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]

        async def work(
            tx: neo4j.AsyncManagedTransaction, chunk: list[dict[str, Any]] = chunk
        ) -> bulk.Counts:
            return await bulk.upsert_relationships(tx, RelType.ATTENDED, chunk)

        created += (await env.graph.write(work)).created
    elapsed = time.perf_counter() - t0
    env.report.oneoffs.append(
        OneOff(
            name,
            "ours",
            len(rows) / elapsed,
            "rows/s",
            "graph/bulk/ upsert_relationships directly (seeds/importers is not there), "
            f"batches of {batch}, {created} created in {elapsed:.1f} s",
        )
    )
    console.print(f"  import: {len(rows) / elapsed:,.0f} rows/s ({elapsed:.1f} s)")
