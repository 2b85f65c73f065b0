"""Measure the morphology candidates through the real search: `python -m bench.morph.measure`.

One local Neo4j (neo4j-local/, with the Estonian analyzers) on a temporary directory, the
seeded graph (the tests' `seeded` fixture data), and for each candidate of
bench/morph/candidates.py every query of bench/morph/forms.json through graph/search.py
`run` (today's two matchers plus the candidate's lemma branch). Reports top-1 accuracy per
query set, lemmatisation µs/token (Python-side candidates, uncached), search p50/p95 (ms,
end to end: query lemmatisation, Cypher, decoding) and the install sizes measured by
bench/morph/install_size.py (bench/morph/sizes.json). Writes bench/morph/results.json and
prints the Markdown table that bench/morph/README.md holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from neo4j import AsyncManagedTransaction

from api.settings import Settings
from bench.morph import candidates as c
from graph import local, migrations
from graph.driver import Graph, connect
from graph.labels import NAMED_LABELS
from graph.lucene import lemma_query, lucene_query
from graph.morph import inflected
from graph.search import LEMMA_EXACT_BONUS, LEMMA_WEIGHT, NAMES_OF_NAMED_NODES, run
from graph.text import fold
from seeds import dataset, loader

HERE = Path(__file__).parent
FORMS = HERE / "forms.json"
SIZES = HERE / "sizes.json"
RESULTS = HERE / "results.json"

_NAMED = "|".join(NAMED_LABELS)
#: Each candidate has its own property and index, so that all of them live in one graph
#: and the latency rounds can take turns query by query (the machine is shared: load
#: drifts, and taking turns spreads the drift over all candidates alike).
SET_PROPERTY = "UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n[$property] = r.value"


def _slug(cand: c.Candidate) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in cand.name.lower()).strip("_")[:40]


def _index_ddl(name: str, prop: str, analyzer: str) -> str:
    return (
        f"CREATE FULLTEXT INDEX {name} FOR (n:{_NAMED}) ON EACH [n.`{prop}`] "
        f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{analyzer}', "
        "`fulltext.eventually_consistent`: false}}"
    )


async def _write(graph: Graph, query: str, **params: Any) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(query, **params)).consume()

    await graph.write(work)


async def _nodes(graph: Graph) -> list[tuple[str, list[str], str | None]]:
    async def work(tx: AsyncManagedTransaction) -> list[tuple[str, list[str], str | None]]:
        result = await tx.run(NAMES_OF_NAMED_NODES, labels=list(NAMED_LABELS))
        return [(r["id"], r["names"], r["nameEn"]) async for r in result]

    return await graph.read(work)


def _per_token_us(fn: Any, words: list[str]) -> float:
    """CPU time of this process per word (the machine is shared: wall time would measure
    the neighbours' load as much as the lemmatiser)."""
    for w in words[:20]:  # load dictionaries and models first
        fn(w)
    start = time.process_time()
    for w in words:
        fn(w)
    return (time.process_time() - start) / len(words) * 1e6


Searcher = Callable[[str], Awaitable[tuple[str | None, float]]]


async def prepare(graph: Graph, cand: c.Candidate, args: argparse.Namespace) -> Searcher:
    """Index the seeded graph for `cand`; return its search (top-1 id, seconds)."""
    lemmas_of: Any = None
    index = "entity_" + _slug(cand)
    prop = "m_" + _slug(cand)
    nodes = await _nodes(graph)
    if cand.kind == "python":
        # Python-side: the surface words and lemmas of every name (nameEn: its words only).
        lemmas_of = cand.cached()
        rows = [
            {"id": i, "value": c.lemma_text(names, lemmas_of) + " " + fold(en or "")}
            for i, names, en in nodes
        ]
        await _write(graph, SET_PROPERTY, rows=rows, property=prop)
        keys = [{"id": i, "value": c.morph.name_keys(names, lemmas_of)} for i, names, _ in nodes]
        await _write(graph, SET_PROPERTY, rows=keys, property="k_" + _slug(cand))
        await _write(graph, _index_ddl(index, prop, "whitespace"))
    elif cand.kind == "lucene":
        # Lucene-side: the names as written, under an index with the candidate's analyzer
        # (production would index name, shortName, aliases, title themselves).
        assert cand.analyzer is not None
        rows = [{"id": i, "value": names} for i, names, _ in nodes]
        await _write(graph, SET_PROPERTY, rows=rows, property=prop)
        await _write(graph, _index_ddl(index, prop, cand.analyzer))
    await _write(graph, "CALL db.awaitIndexes(300)")

    def lemma_branch(text: str) -> tuple[tuple[str, str] | None, list[tuple[str, float]]]:
        """The lemma branch (index, query) or None, and the text's lemma keys."""
        if cand.kind == "python":
            words = c.query_words(text, lemmas_of)
            keys = c.morph.lemma_keys(text, lemmas_of) if args.keys else []
            bonus = [(k, LEMMA_EXACT_BONUS) for k in keys]
            if not args.alone and args.skip and not inflected(words):
                return None, bonus
            q = lemma_query(words, fuzzy=args.alone, field=prop)
            return ((index, q) if q else None), bonus
        if cand.kind == "lucene":
            q = c.analyzer_query(text)
            return ((index, q) if q else None), []
        return None, []

    async def top(text: str) -> tuple[str | None, float]:
        start = time.perf_counter()
        lucene = lucene_query(text)
        folded = fold(text)
        hits = []
        if lucene and folded:
            branch, keys = lemma_branch(text)
            hits = await run(
                graph,
                lucene=lucene,
                folded=folded,
                lemmas=branch,
                keys=keys,
                types=list(NAMED_LABELS),
                first=20,
                lemma_weight=args.weight,
                keys_property="k_" + _slug(cand),
                alone=args.alone and cand.kind == "python",
            )
        return (hits[0].node.id if hits else None), time.perf_counter() - start

    return top


async def accuracy(top: Searcher, forms: list[dict[str, Any]]) -> dict[str, Any]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    for f in forms:
        keys = [f["set"]]
        if f["set"] == "inflected":
            keys.append(f"inflected {f['number']}")
        got, _ = await top(f["form"])
        for k in keys:
            total[k] += 1
            right[k] += got == f["expected"]
        if got != f["expected"] and f.get("number") != "pl":
            misses.append(f"[{f['set']}] {f['form']} → {got} (want {f['expected']})")
    return {"accuracy": {k: [right[k], total[k]] for k in total}, "misses": misses}


async def latency(
    searchers: list[Searcher], forms: list[dict[str, Any]], rounds: int
) -> list[list[tuple[str, float]]]:
    """Every form through every searcher, taking turns (rotated order each form);
    per searcher (the form's set, seconds)."""
    times: list[list[tuple[str, float]]] = [[] for _ in searchers]
    for f in forms[:50]:  # warm-up: plans cached, JIT warm
        for s in searchers:
            await s(f["form"])
    for r in range(rounds):
        for k, f in enumerate(forms):
            order = list(range(len(searchers)))
            shift = (k + r) % len(order)
            for i in order[shift:] + order[:shift]:
                _, seconds = await searchers[i](f["form"])
                times[i].append((f["set"], seconds))
    return times


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    forms = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]
    chosen = [
        cand
        for cand in c.CANDIDATES
        if not args.only or any(o.lower() in cand.name.lower() for o in args.only)
    ]
    settings = Settings()
    home = Path(tempfile.mkdtemp(prefix="koostoo-morph-"))
    engine = local.LocalNeo4j(home=home / "home", port=0)
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
        results: list[dict[str, Any]] = []
        searchers: list[Searcher] = []
        for cand in chosen:
            top = await prepare(graph, cand, args)
            searchers.append(top)
            r: dict[str, Any] = {
                "candidate": cand.name,
                "kind": cand.kind,
                "lemma_weight": args.weight,
            }
            r |= await accuracy(top, forms)
            if cand.kind == "python" and cand.word_lemmas is not None:
                words = sorted({t for f in forms for t in c.morph.tokens(f["form"])})
                r["us_per_token"] = _per_token_us(cand.word_lemmas, words)
                r["tokens_timed"] = len(words)
            results.append(r)
            print(json.dumps({k: v for k, v in r.items() if k != "misses"}), flush=True)
        # Latency: every typed query (uninflected, typo, prefix, written) and as many
        # generated inflected forms, all candidates taking turns.
        inflected_forms = [f for f in forms if f["set"] == "inflected"]
        typed = [f for f in forms if f["set"] != "inflected"]
        sample = typed + inflected_forms[:: max(1, len(inflected_forms) // len(typed))]
        times = await latency(searchers, sample, args.rounds)
        for r, t in zip(results, times, strict=True):
            r["search_ms"] = {
                group: _quantiles([sec for s, sec in t if s in sets])
                for group, sets in LATENCY_GROUPS.items()
            }
            r["latency_queries"] = len(t)
        await graph.driver.close()
        return results
    finally:
        engine.stop()


#: The latency table's groups: what people type (the lemma branch is skipped when no
#: word is inflected) and inflected text (three branches).
LATENCY_GROUPS = {
    "all": ("uninflected", "typo", "prefix", "written", "inflected"),
    "typed": ("uninflected", "typo", "prefix"),
    "inflected": ("inflected", "written"),
}


def _quantiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95)] * 1000,
    }


def _pct(pair: list[int] | None) -> str:
    if not pair:
        return "–"
    return f"{100 * pair[0] / pair[1]:.1f}% ({pair[0]}/{pair[1]})"


def table(results: list[dict[str, Any]], sizes: dict[str, Any]) -> str:
    head = (
        "| candidate | integration | inflected sg | inflected pl | written | uninflected | "
        "typo | prefix | µs/token | p50 ms typed / inflected | p95 ms all | install MB |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for r in results:
        a = r["accuracy"]
        ms = r["search_ms"]
        size = sizes.get(r["candidate"], {}).get("mb", "–")
        wheel = sizes.get(r["candidate"][:-1] + ", wheel only: --no-deps)", {}).get("mb")
        if wheel is not None:
            size = f"{size} ({wheel} wheel only)"
        if r["kind"] == "lucene":
            size = "0 (2 classes; Lucene ships with Neo4j)"
        us = f"{r['us_per_token']:.1f}" if "us_per_token" in r else "–"
        integ = {"none": "–", "python": "lemmaText + index", "lucene": "analyzer in Neo4j"}
        name = r["candidate"]
        lines.append(
            f"| {name} | {integ[r['kind']]} | {_pct(a.get('inflected sg'))} | "
            f"{_pct(a.get('inflected pl'))} | {_pct(a.get('written'))} | "
            f"{_pct(a.get('uninflected'))} | {_pct(a.get('typo'))} | {_pct(a.get('prefix'))} | "
            f"{us} | {ms['typed']['p50']:.2f} / {ms['inflected']['p50']:.2f} | "
            f"{ms['all']['p95']:.1f} | {size} |"
        )
    return head + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="candidates whose name contains this")
    parser.add_argument("--weight", type=float, default=LEMMA_WEIGHT, help="lemma hits' weight")
    parser.add_argument(
        "--alone",
        action="store_true",
        help="Python-side candidates: the lemma index in place of entity_names (two branches)",
    )
    parser.add_argument(
        "--no-skip",
        dest="skip",
        action="store_false",
        help="run the lemma branch also when no word has a lemma other than itself",
    )
    parser.add_argument(
        "--no-keys", dest="keys", action="store_false", help="without the lemma-key bonus"
    )
    parser.add_argument("--out", type=Path, help=f"results file (default {RESULTS.name})")
    parser.add_argument("--latency-forms", type=int, default=300, help="forms in the sample")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the sample")
    parser.add_argument("--table", action="store_true", help="only print the table of --out")
    args = parser.parse_args()
    out = args.out or RESULTS
    if args.table:
        results = json.loads(out.read_text(encoding="utf-8"))
    else:
        results = asyncio.run(main_async(args))
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    sizes = json.loads(SIZES.read_text()) if SIZES.exists() else {}
    print(table(results, sizes))


if __name__ == "__main__":
    main()
