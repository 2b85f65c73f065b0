"""Profile one benchmark operation through our API in-process (pyinstrument).

    .venv/bin/python -m bench.profile --size XS --operation "organisation by id" -n 50

Starts a local Neo4j, loads the synthetic network, builds the app (the same
`create_app` uvicorn serves) under httpx's ASGI transport and profiles `n` requests of
the operation's GraphQL document (`--concurrency` at a time; first once unprofiled, for
its requests per second), then prints pyinstrument's call tree (`--html FILE`
for the interactive page). What the harness reports as slow, this shows why.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from graphql import build_client_schema, get_introspection_query, parse, validate
from pyinstrument import Profiler

from api.app import create_app
from api.settings import Settings
from bench import operations as ops
from bench.run import MEMORY
from graph import keys, local, migrations
from graph.driver import Graph, connect
from seeds import synth

#: transactions per request, by the graph function that ran them
TRANSACTIONS: Counter[str] = Counter()


def count_transactions() -> None:
    """Wrap `Graph._run` to count the transactions (round trips) each request makes."""
    original = Graph._run

    async def counted(self: Graph, work: Any, **options: Any) -> Any:
        TRANSACTIONS[getattr(work, "__qualname__", "?").split(".<locals>")[0]] += 1
        return await original(self, work, **options)

    Graph._run = counted  # type: ignore[method-assign]


async def profile(size: str, name: str, n: int, html: Path | None, concurrency: int = 1) -> None:
    op = next(o for o in (*ops.LOOPED, ops.CENTRALITY) if o.name.startswith(name))
    heap, pagecache = MEMORY[size]
    with tempfile.TemporaryDirectory(prefix="koostoo-profile-") as tmp:
        engine = local.LocalNeo4j(home=Path(tmp) / "neo4j", port=0, heap=heap, pagecache=pagecache)
        uri = engine.start()
        try:
            graph = await connect(uri, "neo4j", "", "neo4j")
            await migrations.migrate(graph)
            net = synth.generate(size)
            await synth.load(graph, net)
            _, secret = await keys.create(graph, name="profile", role=keys.Role.ADMIN, actor="b")
            orgs, people = ops.sample(net.ids("Organisation"), net.ids("Person"))
            samples = ops.Samples(orgs, people, ops.SEARCH_TERMS, "profile")
            app = create_app(
                Settings(
                    NEO4J_URI=uri,
                    KOOSTOO_MAX_TOKENS=10000,
                    KOOSTOO_RATE_LIMIT_PER_KEY=0,
                    KOOSTOO_RATE_LIMIT_PER_IP=0,
                )
            )
            async with (
                LifespanManager(app) as manager,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=manager.app),
                    base_url="http://bench",
                    headers={"Authorization": f"Bearer {secret}"},
                ) as client,
            ):
                full = await client.post("/graphql", json={"query": get_introspection_query()})
                schema = build_client_schema(full.json()["data"])
                doc = next(d for d in op.ours if not validate(schema, parse(d)))

                async def once(i: int) -> None:
                    r = await client.post(
                        "/graphql",
                        json={"query": doc, "variables": op.variables(samples, i, "ours")},
                    )
                    body = r.json()
                    if body.get("errors"):
                        raise RuntimeError(body["errors"][0])

                for i in range(5):
                    await once(i)
                count_transactions()
                await once(5)
                print(f"transactions for one request: {sum(TRANSACTIONS.values())}")
                for name, k in TRANSACTIONS.most_common():
                    print(f"  {k:5d}  {name}")

                async def run(first: int) -> float:
                    """`n` requests from `first` on, `concurrency` at a time; seconds."""
                    todo = iter(range(first, first + n))

                    async def worker() -> None:
                        for i in todo:
                            await once(i)

                    t0 = time.perf_counter()
                    await asyncio.gather(*(worker() for _ in range(concurrency)))
                    return time.perf_counter() - t0

                took = await run(10)
                print(
                    f"{op.name}, {concurrency} at a time, unprofiled: {n} requests in "
                    f"{took:.2f} s ({n / took:.1f} req/s)"
                )
                profiler = Profiler(async_mode="enabled", interval=0.0005)
                profiler.start()
                took = await run(10 + n)
                profiler.stop()
                print(f"{op.name}: {n} requests in {took:.2f} s ({took / n * 1000:.1f} ms each)")
                print(profiler.output_text(unicode=True, color=False, show_all=False))
                if html:
                    await asyncio.to_thread(html.write_text, profiler.output_html())
            await graph.driver.close()
        finally:
            engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default="XS", choices=sorted(MEMORY))
    parser.add_argument("--operation", default="organisation by id")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--concurrency", type=int, default=1, help="requests at a time")
    args = parser.parse_args()
    asyncio.run(profile(args.size, args.operation, args.n, args.html, args.concurrency))


if __name__ == "__main__":
    main()
