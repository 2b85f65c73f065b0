"""Load test: N concurrent clients of mixed reads and writes against a running app.

Starts its own local Neo4j (temporary directory, free port) and its own `koostoo serve`
on a free loopback port, seeds the curated network, then runs the clients for a fixed
time. Afterwards every acknowledged write is read back from Neo4j. Prints p50/p95/p99
per operation and exits non-zero on any error or lost write.

    make bench-load                                  # 64 clients, 60 s
    .venv/bin/python -m bench.load --clients 16 --seconds 10

Bounded on purpose: at most 256 clients and 600 s, and only ever against the loopback
app it started itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from graph import entities, keys, local, migrations
from graph.driver import Graph, connect
from graph.keys import Role
from graph.models.entities import Organisation
from seeds import dataset, loader

MAX_CLIENTS = 256
MAX_SECONDS = 600

LIST = """query($q: String, $after: String) {
  organisations(first: 20, after: $after, filter: {nameContains: $q}) {
    totalCount edges { cursor node { id name kind } } pageInfo { hasNextPage endCursor }
  }
}"""
ONE = "query($id: ID!) { organisation(id: $id) { id name kind tags website } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CREATE = """mutation($name: String!) {
  createOrganisation(input: {name: $name, kind: NGO, tags: ["koormustest"]}) {
    __typename ... on Organisation { id name } ... on Problem { message }
  }
}"""
UPDATE = """mutation($id: ID!, $website: String!) {
  updateOrganisation(id: $id, input: {website: $website}) {
    __typename ... on Organisation { id website } ... on Problem { message }
  }
}"""
SEARCH_TERMS = [None, "sotsiaal", "tootukassa", "ministeerium", "ühing", "keskus", "linn"]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # id → name
    websites: dict[str, str] = field(default_factory=dict)  # id → last acknowledged website


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def client(
    n: int,
    http: httpx.AsyncClient,
    seed_ids: list[str],
    deadline: float,
    write_ratio: float,
    results: Results | None,
) -> None:
    rng = random.Random(n)
    mine: list[str] = []
    i = 0
    while time.monotonic() < deadline:
        i += 1
        roll = rng.random()
        if roll < write_ratio / 2 or (roll < write_ratio and not mine):
            op, query = "create", CREATE
            variables: dict[str, Any] = {"name": f"Koormustesti ühing {n}-{i}-{os.getpid()}"}
        elif roll < write_ratio:
            op, query = "update", UPDATE
            variables = {"id": rng.choice(mine), "website": f"https://k{n}-{i}.example.ee"}
        elif roll < write_ratio + (1 - write_ratio) * 0.4:
            op, query = "list", LIST
            variables = {"q": rng.choice(SEARCH_TERMS), "after": None}
        elif roll < write_ratio + (1 - write_ratio) * 0.8:
            op, query = "get", ONE
            variables = {
                "id": rng.choice(mine or seed_ids) if rng.random() < 0.3 else rng.choice(seed_ids)
            }
        else:
            op, query = "node", NODE
            variables = {"id": rng.choice(seed_ids)}
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json={"query": query, "variables": variables})
        except httpx.HTTPError as e:
            if results is not None:
                results.errors.append(f"{op}: {type(e).__name__}: {e}")
            continue
        elapsed = time.perf_counter() - started
        if results is None:
            continue
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        if response.status_code != 200 or body.get("errors"):
            results.errors.append(f"{op}: {response.status_code} {response.text[:200]}")
            continue
        results.latencies[op].append(elapsed)
        if op == "create":
            made = body["data"]["createOrganisation"]
            if made["__typename"] != "Organisation":
                results.errors.append(f"create: {made}")
                continue
            mine.append(made["id"])
            results.created[made["id"]] = made["name"]
        elif op == "update":
            changed = body["data"]["updateOrganisation"]
            if changed["__typename"] != "Organisation":
                results.errors.append(f"update: {changed}")
                continue
            results.websites[changed["id"]] = changed["website"]


async def lost_writes(graph: Graph, results: Results) -> list[str]:
    lost: list[str] = []
    ids = list(results.created)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = await entities.get_many_of(graph, Organisation, chunk)
        for org_id in chunk:
            org = found.get(org_id)
            if org is None or org.name != results.created[org_id]:
                lost.append(f"created {org_id} missing")
            elif org_id in results.websites and org.website != results.websites[org_id]:
                lost.append(f"update of {org_id}: {org.website} != {results.websites[org_id]}")
    return lost


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with status {proc.returncode} during start-up")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the app did not become ready in time")


async def run(
    args: argparse.Namespace, uri: str, url: str, secret: str, seed_ids: list[str]
) -> int:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:
        # Warm-up, not measured: a fresh JVM compiles its hot paths first.
        warm_until = time.monotonic() + args.warmup
        await asyncio.gather(
            *(client(n, http, seed_ids, warm_until, 0.0, None) for n in range(min(8, args.clients)))
        )
        results = Results()
        started = time.monotonic()
        deadline = started + args.seconds
        await asyncio.gather(
            *(
                client(n, http, seed_ids, deadline, args.write_ratio, results)
                for n in range(args.clients)
            )
        )
        wall = time.monotonic() - started

    graph = await connect(uri, "neo4j", "", "neo4j")
    try:
        lost = await lost_writes(graph, results)
    finally:
        await graph.driver.close()

    all_latencies = [x for values in results.latencies.values() for x in values]
    total = len(all_latencies) + len(results.errors)
    summary: dict[str, Any] = {
        "clients": args.clients,
        "seconds": round(wall, 1),
        "requests": total,
        "throughput_per_s": round(total / wall, 1),
        "errors": len(results.errors),
        "acknowledged_writes": len(results.created) + len(results.websites),
        "lost_writes": len(lost),
        "p50_ms": round(percentile(all_latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(all_latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(all_latencies, 99) * 1000, 1),
        "operations": {
            op: {
                "count": len(values),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p99_ms": round(percentile(values, 99) * 1000, 1),
            }
            for op, values in sorted(results.latencies.items())
        },
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    for line in (results.errors + lost)[:20]:
        print("  ", line, file=sys.stderr)
    return 0 if not results.errors and not lost else 1


def bounded(maximum: int) -> Any:
    def parse(text: str) -> int:
        value = int(text)
        if not 1 <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be 1 to {maximum}")
        return value

    return parse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=bounded(MAX_CLIENTS), default=64)
    parser.add_argument("--seconds", type=bounded(MAX_SECONDS), default=60)
    parser.add_argument("--warmup", type=bounded(120), default=10, help="seconds, not measured")
    parser.add_argument("--write-ratio", type=float, default=0.2, help="share of writes (0–1)")
    args = parser.parse_args()
    if not 0 <= args.write_ratio <= 1:
        parser.error("--write-ratio must be between 0 and 1")

    with tempfile.TemporaryDirectory(prefix="koostoo-load-") as tmp:
        engine = local.LocalNeo4j(home=Path(tmp) / "neo4j", port=0, heap="1g", pagecache="256m")
        print("starting a local Neo4j …", file=sys.stderr)
        uri = engine.start()
        app: subprocess.Popen[bytes] | None = None
        try:

            async def prepare() -> tuple[str, list[str]]:
                graph = await connect(uri, "neo4j", "", "neo4j")
                try:
                    await migrations.migrate(graph)
                    data = dataset.read()
                    await loader.load(graph, data)
                    _, secret = await keys.create(
                        graph, name="load-test", role=Role.EDITOR, actor="bench"
                    )
                finally:
                    await graph.driver.close()
                return secret, [n.id for n in data.nodes if n.label == "Organisation"]

            secret, seed_ids = asyncio.run(prepare())
            port = local.free_port()
            env = dict(os.environ)
            env.update(
                {
                    "NEO4J_URI": uri,
                    "KOOSTOO_DATA_DIR": tmp,
                    "KOOSTOO_LOG_LEVEL": "WARNING",
                    # One client address and one key: the per-instance limits would
                    # throttle the test itself.
                    "KOOSTOO_RATE_LIMIT_PER_IP": "0",
                    "KOOSTOO_RATE_LIMIT_PER_KEY": "0",
                }
            )
            cmd = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
            app = subprocess.Popen([*cmd, "--port", str(port)], env=env)
            url = f"http://127.0.0.1:{port}"
            print(f"app on {url}; {args.clients} clients for {args.seconds} s", file=sys.stderr)
            wait_ready(url, app)
            return asyncio.run(run(args, uri, url, secret, seed_ids))
        finally:
            if app is not None and app.poll() is None:
                app.send_signal(signal.SIGINT)
                try:
                    app.wait(60)
                except subprocess.TimeoutExpired:
                    app.kill()
            engine.stop()


if __name__ == "__main__":
    raise SystemExit(main())
