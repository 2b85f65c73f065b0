"""The API operations: each through ours, the floor and the peer at each concurrency,
and the stored-centrality operation."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema, parse, validate

from bench import operations as ops
from bench.common import CONCURRENCIES, console
from bench.loop import closed_loop
from bench.processes import cpu_seconds
from bench.stats import Cell, OneOff, Report
from bench.targets import Floor, HttpGraphQL, pick_document
from graph.driver import Graph

# --- the run ---------------------------------------------------------------------------


@dataclass
class Env:
    graph: Graph
    floor: Floor
    ours: HttpGraphQL
    peer: HttpGraphQL | None
    api_pid: int
    api_url: str
    neo4j_pid: int
    #: processes whose CPU time a cell of each target is charged (server side + Neo4j)
    cpu_pids: dict[str, list[int]]
    admin_key: str
    samples: ops.Samples
    duration: float
    report: Report
    #: a request taking longer counts as an error (so one pathological operation cannot
    #: stall the run)
    request_timeout: float = 60.0


def _http_call(
    endpoint: HttpGraphQL, document: str, op: ops.Operation, samples: ops.Samples, target: str
) -> Callable[[int], Awaitable[Any]]:
    async def call(i: int) -> Any:
        return await endpoint.call(document, op.variables(samples, i, target))

    return call


def _floor_call(
    floor: Floor, op: ops.Operation, samples: ops.Samples
) -> Callable[[int], Awaitable[Any]]:
    params = op.floor_params or op.variables

    async def call(i: int) -> Any:
        return await floor.call(op.floor or "", params(samples, i, "floor"), write=op.write)

    return call


async def run_looped(
    env: Env, op: ops.Operation, schema: GraphQLSchema, peer_schema: GraphQLSchema | None
) -> None:
    doc, why = pick_document(schema, op.ours)
    docs: dict[str, str] = {}
    if doc:
        docs["ours"] = doc
    if op.floor:
        docs["floor"] = op.floor
    peer_doc = op.peer
    if peer_doc and peer_schema is not None:
        errs = validate(peer_schema, parse(peer_doc))
        if errs:
            env.report.findings.append(f"peer document for {op.name!r} invalid: {errs[0].message}")
            peer_doc = None
    if peer_doc:
        docs["peer"] = peer_doc
    env.report.documents[op.name] = docs
    calls: dict[str, Callable[[int], Awaitable[Any]] | None] = {
        "ours": _http_call(env.ours, doc, op, env.samples, "ours") if doc else None,
        "floor": _floor_call(env.floor, op, env.samples) if op.floor else None,
        "peer": _http_call(env.peer, peer_doc, op, env.samples, "peer")
        if peer_doc and env.peer
        else None,
    }
    notes = {
        "ours": f"n/a — not implemented yet ({why})",
        "floor": "n/a",
        "peer": op.notes.get("peer", "n/a — peer not running"),
    }
    for conc in CONCURRENCIES:
        for target in ("floor", "ours", "peer"):
            call = calls[target]
            if call is None:
                env.report.cells.append(Cell(op.name, target, conc, None, notes[target]))
                continue
            console.print(f"  {op.name} · {target} · c={conc}", end="")
            # Warm up first, so that the CPU figure covers the measured requests only;
            # distinct variables per cell: a mutation never repeats an id.
            first = conc * 1_000_000
            warmup = 3 if op.write else 5
            for i in range(first, first + warmup):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(call(i), env.request_timeout)
            cpu_before = cpu_seconds(env.cpu_pids[target])
            stats = await closed_loop(
                call,
                concurrency=conc,
                duration=env.duration,
                max_requests=op.max_requests,
                warmup=0,
                first_index=first + warmup,
                request_timeout=env.request_timeout,
            )
            note = (
                f"all {stats.errors} requests failed: {stats.first_error}"
                if not stats.requests
                else ""
            )
            if stats.errors:
                env.report.findings.append(
                    f"{op.name} · {target} · c={conc}: {stats.errors} errors, "
                    f"first: {stats.first_error}"
                )
            cpu = cpu_seconds(env.cpu_pids[target]) - cpu_before
            done = stats.requests + stats.errors
            cpu_ms = cpu * 1000 / done if done else None
            env.report.cells.append(Cell(op.name, target, conc, stats, note, cpu_ms))
            console.print(
                f" → p50 {stats.p50:.1f} ms, p95 {stats.p95:.1f} ms, {stats.throughput:.1f}/s"
                + (f", {cpu_ms:.1f} CPU ms/req" if cpu_ms is not None else "")
                + (f", {stats.errors} errors" if stats.errors else "")
            )


async def run_centrality(env: Env, schema: GraphQLSchema) -> None:
    op = ops.CENTRALITY
    doc, why = pick_document(schema, op.ours)
    env.report.documents[op.name] = {"floor": op.floor or ""} | ({"ours": doc} if doc else {})
    for target, call in (
        ("floor", lambda i: env.floor.call(op.floor or "", {}, write=False)),
        ("ours", (lambda i, d=doc: env.ours.call(d, {})) if doc else None),
    ):
        if call is None:
            env.report.oneoffs.append(
                OneOff(
                    "centrality on the whole graph",
                    target,
                    None,
                    "ms",
                    f"n/a — not implemented yet ({why})",
                )
            )
            continue
        stats = await closed_loop(
            call, concurrency=1, duration=env.duration * 3, max_requests=5, warmup=1
        )
        env.report.oneoffs.append(
            OneOff(
                "centrality on the whole graph",
                target,
                stats.p50 if stats.requests else None,
                "ms",
                f"p50 of {stats.requests} runs"
                if stats.requests
                else f"failed: {stats.first_error}",
            )
        )
        console.print(f"  centrality · {target} → {stats.p50:.0f} ms")
