"""The benchmark harness: `python -m bench.run --size S` (what `make bench` runs).

One local Neo4j on a fresh temporary directory; the synthetic network loaded through the
batched writers; our API (uvicorn, a subprocess) and the peer (node) on free ports
against that database; every operation through ours, the floor (hand-written Cypher via
the Python async driver) and the peer, at concurrency 1 and 16; bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import neo4j
from rich.progress import Progress

from bench import operations as ops
from bench.api_runs import Env, run_centrality, run_looped
from bench.common import PEER_DIR, ROOT, console
from bench.export_run import run_export
from bench.import_run import run_import
from bench.machine import machine
from bench.processes import process, rss_mb
from bench.stats import OneOff, Report, render
from bench.targets import Floor, HttpGraphQL
from graph import keys, local, migrations
from graph.driver import Graph, connect

#: Neo4j memory per size (heap, page cache); L needs the store in memory to be fair.
#: Neo4j heap and page cache per synthetic size
MEMORY = {
    "XS": ("512m", "256m"),
    "S": ("1g", "512m"),
    "M": ("2g", "1g"),
    "100K": ("3g", "2g"),
    "L": ("4g", "4g"),
}


async def bench(
    size: str,
    duration: float,
    seed: int,
    import_rows: int,
    commit: str | None = None,
    request_timeout: float = 60.0,
) -> Report:
    from seeds import synth

    meta = machine(commit)
    heap, pagecache = MEMORY[size]
    report = Report(size=size, meta=meta, data={})
    report.meta["Neo4j memory"] = f"heap {heap}, page cache {pagecache}"
    with tempfile.TemporaryDirectory(prefix="koostoo-bench-") as tmp:
        home = Path(tmp) / "neo4j"
        engine = local.LocalNeo4j(home=home, port=0, heap=heap, pagecache=pagecache)
        console.print(f"starting a local Neo4j in {home} (heap {heap}, page cache {pagecache})")
        uri = engine.start()
        try:
            graph = await connect(uri, "neo4j", "", "neo4j")
            try:
                await migrations.migrate(graph)
                console.print(f"generating the {size} network (seed {seed})")
                t0 = time.perf_counter()
                net = synth.generate(size, seed)
                gen_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                with Progress(console=console, transient=True) as bar:
                    task = bar.add_task("loading", total=net.node_count() + net.rel_count())
                    await synth.load(
                        graph,
                        net,
                        progress=lambda what, k: bar.update(task, advance=k, description=what),
                    )
                load_s = time.perf_counter() - t0
                report.data = {
                    "Generator": f"seeds/synth.py, seed {seed}, generated in {gen_s:.1f} s",
                    "Nodes": f"{net.node_count():,} ("
                    + ", ".join(f"{k} {len(v):,}" for k, v in net.nodes.items())
                    + ")",
                    "Relationships": f"{net.rel_count():,} ("
                    + ", ".join(f"{k.value} {len(v):,}" for k, v in net.rels.items())
                    + ")",
                    "Load": f"{load_s:.1f} s through graph/bulk/ "
                    f"({(net.node_count() + net.rel_count()) / load_s:,.0f} records/s)",
                }
                console.print(report.data["Load"])
                _, admin_key = await keys.create(
                    graph, name="bench", role=keys.Role.ADMIN, actor="bench"
                )
                orgs, people = ops.sample(net.ids("Organisation"), net.ids("Person"))
                samples = ops.Samples(orgs, people, ops.SEARCH_TERMS, uuid.uuid4().hex[:8])
                assert engine.process is not None
                await _serve_and_measure(
                    report,
                    graph,
                    uri,
                    admin_key,
                    samples,
                    duration,
                    Path(tmp),
                    net,
                    import_rows,
                    engine.process.pid,
                    request_timeout,
                )
            finally:
                await graph.driver.close()
        finally:
            engine.stop()
    return report


async def _serve_and_measure(
    report: Report,
    graph: Graph,
    uri: str,
    admin_key: str,
    samples: ops.Samples,
    duration: float,
    tmp: Path,
    net: Any,
    import_rows: int,
    neo4j_pid: int,
    request_timeout: float,
) -> None:
    api_port, peer_port = local.free_port(), local.free_port()
    api_env = {
        **os.environ,
        "NEO4J_URI": uri,
        "NEO4J_PASSWORD": "",
        "KOOSTOO_PROFILE": "dev",
        "KOOSTOO_LOG_LEVEL": "WARNING",
        "KOOSTOO_MAX_TOKENS": "10000",
        "KOOSTOO_INTROSPECTION": "true",
        # Rate limits off: the benchmark measures the work, not the token buckets (the
        # peer and the floor have none); production keeps them.
        "KOOSTOO_RATE_LIMIT_PER_KEY": "0",
        "KOOSTOO_RATE_LIMIT_PER_IP": "0",
    }
    api_cmd = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(api_port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    api_url = f"http://127.0.0.1:{api_port}"
    peer_env = {**os.environ, "NEO4J_URI": uri, "PORT": str(peer_port)}
    peer_cmd = ["node", str(PEER_DIR / "server.mjs")]
    peer_ok = (PEER_DIR / "node_modules" / "@neo4j" / "graphql").is_dir()
    driver = neo4j.AsyncGraphDatabase.driver(uri, notifications_min_severity="OFF")
    with contextlib.ExitStack() as stack:
        console.print(f"starting our API on {api_url}")
        api_pid = stack.enter_context(
            process(api_cmd, api_env, tmp / "api.log", api_url + "/readyz")
        )
        peer: HttpGraphQL | None = None
        peer_pid: int | None = None
        if peer_ok:
            console.print(f"starting the peer on port {peer_port}")
            peer_pid = stack.enter_context(
                process(
                    peer_cmd,
                    peer_env,
                    tmp / "peer.log",
                    f"http://127.0.0.1:{peer_port}/?query=%7B__typename%7D",
                )
            )
            peer = HttpGraphQL(f"http://127.0.0.1:{peer_port}/", {"apollo-require-preflight": "1"})
        else:
            report.findings.append("the peer's npm packages are not installed (run `make bench`)")
        ours = HttpGraphQL(api_url + "/graphql", {"Authorization": f"Bearer {admin_key}"})
        env = Env(
            graph,
            Floor(driver, "neo4j"),
            ours,
            peer,
            api_pid,
            api_url,
            neo4j_pid,
            {
                # The floor's driver runs in this process; ours and the peer are charged
                # their server process, not the HTTP client here. All three: plus Neo4j.
                "floor": [os.getpid(), neo4j_pid],
                "ours": [api_pid, neo4j_pid],
                "peer": [p for p in (peer_pid, neo4j_pid) if p is not None],
            },
            admin_key,
            samples,
            duration,
            report,
            request_timeout,
        )
        try:
            schema = await ours.schema()
            peer_schema = await peer.schema() if peer else None
            for op in ops.LOOPED:
                await run_looped(env, op, schema, peer_schema)
            await run_centrality(env, schema)
            await run_export(env)
            report.oneoffs.append(
                OneOff("API RSS after the run", "ours", rss_mb(api_pid), "MB", "")
            )
            await run_import(env, net, import_rows, tmp)
        finally:
            await ours.close()
            if peer:
                await peer.close()
            await driver.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(MEMORY), default="S")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--request-timeout", type=float, default=60.0, help="seconds before a request fails"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument(
        "--commit", help="the commit to report when the tree is not a git checkout (a snapshot)"
    )
    args = parser.parse_args(argv)
    # A plain SIGTERM would skip the clean-up and orphan the API and peer processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = asyncio.run(
        bench(
            args.size,
            args.duration,
            args.seed,
            args.import_rows,
            args.commit,
            args.request_timeout,
        )
    )
    args.out.write_text(render(report))
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
