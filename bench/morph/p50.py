"""Search latency as shipped: `graph.search.search` with morphology (the default) against
the surface matchers alone (`morphology=False`, search as it was before issue 24), on
the seeded graph in a local Neo4j, the two taking turns query by query.

    .venv/bin/python -m bench.morph.p50 [--rounds 5]

Queries: bench/morph/forms.json's typed sets (uninflected, typo, prefix: what people
type into the pickers) and inflected text (the hand-written forms and a sample of the
generated ones). Prints p50/p95 in ms per set and the difference of the medians.
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
from graph import local, migrations, morph
from graph.driver import Graph, connect
from graph.search import search
from seeds import dataset, loader

FORMS = Path(__file__).parent / "forms.json"
SETS = {"typed": ("uninflected", "typo", "prefix"), "inflected": ("written", "inflected")}


async def _time(graph: Graph, text: str, morphology: bool) -> float:
    start = time.perf_counter()
    await search(graph, text, morphology=morphology)
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
            for m in (False, True):
                await search(graph, f["form"], morphology=m)
        times: dict[tuple[str, bool], list[float]] = {}
        for r in range(rounds):
            for k, f in enumerate(sample):
                group = next(g for g, sets in SETS.items() if f["set"] in sets)
                order = (False, True) if (k + r) % 2 else (True, False)
                for m in order:
                    times.setdefault((group, m), []).append(await _time(graph, f["form"], m))
        await graph.driver.close()
    finally:
        engine.stop()
    out: dict[str, Any] = {}
    for group in SETS:
        before, now = times[(group, False)], times[(group, True)]
        out[group] = {
            "queries": len(now),
            "before_p50_ms": statistics.median(before) * 1e3,
            "now_p50_ms": statistics.median(now) * 1e3,
            "before_p95_ms": statistics.quantiles(before, n=20)[-1] * 1e3,
            "now_p95_ms": statistics.quantiles(now, n=20)[-1] * 1e3,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.rounds)), indent=1))


if __name__ == "__main__":
    main()
