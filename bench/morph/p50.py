"""Search latency as shipped: `graph.search.search` with morphology (the default) and
`graph.resolver.resolve` (what GraphQL `search` and the explorer's pickers run) against
the surface matchers alone (`morphology=False`, search as it was before issue 24), on
the seeded graph in a local Neo4j, the three taking turns query by query.

    .venv/bin/python -m bench.morph.p50 [--rounds 5]

Queries: bench/morph/forms.json's typed sets (uninflected, typo, prefix: what people
type into the pickers) and inflected text (the hand-written forms and a sample of the
generated ones). Prints p50/p95 in ms per set: `before`, `search`, `resolve`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from api.settings import Settings
from graph import local, migrations, morph, resolver
from graph.driver import Graph, connect
from graph.search import search
from seeds import dataset, loader

FORMS = Path(__file__).parent / "forms.json"
SETS = {"typed": ("uninflected", "typo", "prefix"), "inflected": ("written", "inflected")}
#: before issue 24, graph/search.py with morphology, the resolver (GraphQL `search`)
WAYS = ("before", "search", "resolve")


async def _call(graph: Graph, text: str, way: str) -> None:
    if way == "resolve":
        await resolver.resolve(graph, text, first=10)
    else:
        await search(graph, text, first=10, morphology=way == "search")


async def _time(graph: Graph, text: str, way: str) -> float:
    start = time.perf_counter()
    await _call(graph, text, way)
    return time.perf_counter() - start


async def run(rounds: int) -> dict[str, Any]:
    forms = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]
    inflected = [f for f in forms if f["set"] == "inflected"]
    sample = [f for f in forms if f["set"] != "inflected"] + inflected[::8]
    settings = Settings()
    engine = local.LocalNeo4j(home=Path(tempfile.mkdtemp(prefix="koostoo-p50-")) / "home", port=0)
    uri = engine.start()
    try:
        graph = await connect(
            uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
        )
        await migrations.migrate(graph)
        await loader.load(graph, dataset.read())
        for f in sample:  # warm-up: plans cached, words analysed once (as in a long run)
            morph.lemmas(f["form"])
            for way in WAYS:
                await _call(graph, f["form"], way)
        times: dict[tuple[str, str], list[float]] = {}
        for r in range(rounds):
            for k, f in enumerate(sample):
                group = next(g for g, sets in SETS.items() if f["set"] in sets)
                turn = (k + r) % len(WAYS)
                for way in WAYS[turn:] + WAYS[:turn]:
                    times.setdefault((group, way), []).append(await _time(graph, f["form"], way))
        await graph.driver.close()
    finally:
        engine.stop()
    out: dict[str, Any] = {}
    for group in SETS:
        out[group] = {"queries": len(times[(group, "before")])}
        for way in WAYS:
            spent = times[(group, way)]
            out[group][f"{way}_p50_ms"] = round(statistics.median(spent) * 1e3, 3)
            out[group][f"{way}_p95_ms"] = round(statistics.quantiles(spent, n=20)[-1] * 1e3, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.rounds)), indent=1))


if __name__ == "__main__":
    main()
