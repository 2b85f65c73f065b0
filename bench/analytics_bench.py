"""Benchmark of the network analytics on a synthetic network (not a timed test).

Starts a local Neo4j in a temporary directory, generates the synthetic network with
`seeds/synth.py` (which loads through the same `graph/bulk/` writers as the
seeds), loads it, then measures:

- ego network, depth 2 (`graph.analytics.network.ego`), on sampled organisations;
- explained paths (`graph.analytics.paths.find`, max 4 hops) between sampled pairs;
- centrality (each metric) and communities on the organisation projection, and
  `analyse` (every metric + communities for both networks, stored on the nodes);
- the streamed GraphML export of the whole graph (`graph.export.stream`).

    .venv/bin/python -m bench.analytics_bench --size S        # a couple of minutes
    .venv/bin/python -m bench.analytics_bench --size 100K     # 100k orgs+people, ~1M rels
    .venv/bin/python -m bench.analytics_bench --size L        # 100k orgs, 300k people

Prints the figures (median / p95 / max in ms) as a table.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.run import MEMORY
from graph import export, local, maintenance, migrations
from graph.analytics import centrality, communities, network, paths, stored
from graph.analytics.projection import NetworkKind, pull
from graph.driver import Graph, connect
from seeds import synth


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
        f"max {ordered[-1] * 1000:8.1f} ms   (n={len(ordered)})"
    )


async def _timed(work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await work()
    return time.perf_counter() - t0, result


async def measure(graph: Graph, net: synth.Network, samples: int, seed: int) -> None:
    rng = random.Random(seed)
    orgs = net.ids("Organisation")
    people = net.ids("Person")

    times, sizes = [], []
    for oid in rng.sample(orgs, min(samples, len(orgs))):
        t, result = await _timed(
            partial(network.ego, graph, oid, depth=2, filter=network.NetworkFilter(max_nodes=5000))
        )
        times.append(t)
        sizes.append((len(result.nodes), len(result.edges)))
    print(f"ego depth 2          {_ms(times)}")
    print(
        f"   nodes median {statistics.median(s[0] for s in sizes):.0f}, "
        f"edges median {statistics.median(s[1] for s in sizes):.0f}, "
        f"capped at 5000 nodes: {sum(1 for s in sizes if s[0] >= 5000)}"
    )

    times, found = [], 0
    actors = orgs + people
    for _ in range(samples):
        a, b = rng.sample(actors, 2)
        t, result = await _timed(partial(paths.find, graph, a, b, max_hops=4, limit=3))
        times.append(t)
        found += bool(result.shortest)
    print(f"paths (≤4 hops)      {_ms(times)}   pairs connected: {found}/{samples}")

    t, projection = await _timed(lambda: pull(graph, NetworkKind.ORGANISATIONS))
    print(
        f"projection pull      {t * 1000:8.1f} ms   ({len(projection.ids):,} organisations, "
        f"{len(projection.edges):,} weighted ties)"
    )
    for metric in centrality.Metric:
        t, _ = await _timed(partial(centrality.centrality, graph, metric, first=20))
        print(f"centrality {metric.value:<11} {t * 1000:8.1f} ms (pull + igraph + names)")
    t, found_c = await _timed(lambda: communities.communities(graph))
    print(f"communities          {t * 1000:8.1f} ms   ({len(found_c):,} of size ≥ 2)")
    t, reports = await _timed(lambda: stored.analyse(graph))
    print(
        f"analyse (store all)  {t * 1000:8.1f} ms   "
        + ", ".join(f"{r.network.value}: {r.nodes:,} nodes / {r.ties:,} ties" for r in reports)
    )

    t0 = time.perf_counter()
    first_chunk = None
    total = 0
    async for chunk in export.stream(graph, export.Format.GRAPHML):
        if first_chunk is None:
            first_chunk = time.perf_counter() - t0
        total += len(chunk)
    t = time.perf_counter() - t0
    print(
        f"export GraphML       {t * 1000:8.1f} ms   {total / 1e6:,.1f} MB "
        f"({total / 1e6 / t:,.1f} MB/s), first chunk after {(first_chunk or 0) * 1000:.0f} ms"
    )


async def run(
    uri: str, size: str, seed: int, samples: int, memory: str, reuse: bool = False
) -> None:
    graph = await connect(uri, "neo4j", "", "neo4j")
    try:
        t0 = time.perf_counter()
        net = synth.generate(size, seed)
        gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        if not reuse:
            await maintenance.wipe(graph, allow_data=True)
            await migrations.migrate(graph)
            await synth.load(graph, net)
        load = time.perf_counter() - t0
        print(
            f"size {size} (seed {seed}): {net.node_count():,} nodes, "
            f"{net.rel_count():,} relationships; generated in {gen:.1f} s, "
            f"loaded in {load:.1f} s; {memory}"
        )
        await measure(graph, net, samples, seed)
    finally:
        await graph.driver.close()


async def main(size: str, seed: int, samples: int, uri: str | None, reuse: bool) -> None:
    if uri:
        await run(uri, size, seed, samples, f"Neo4j at {uri}", reuse)
        return
    heap, pagecache = MEMORY[size]
    with tempfile.TemporaryDirectory(prefix="koostoo-analytics-bench-") as tmp:
        engine = local.LocalNeo4j(home=Path(tmp) / "neo4j", port=0, heap=heap, pagecache=pagecache)
        started = engine.start(timeout=600)
        try:
            await run(started, size, seed, samples, f"Neo4j heap {heap}, page cache {pagecache}")
        finally:
            engine.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default="S", choices=sorted(synth.SIZES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument(
        "--uri", help="use this running Neo4j instead of starting one (ITS DATA IS WIPED)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --uri: the same size and seed is already loaded there; measure only",
    )
    args = parser.parse_args()
    asyncio.run(main(args.size, args.seed, args.samples, args.uri, args.reuse))
