"""The benchmark's arithmetic and report: percentiles, ratios, targets, the results table."""

from __future__ import annotations

import math

import pytest
from graphql import build_schema

from bench.stats import (
    Cell,
    OneOff,
    Report,
    Stats,
    evaluate,
    percentile,
    ratio,
    render,
    summarise,
)
from bench.targets import pick_document


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == 25.0  # halfway between 20 and 30
    assert percentile(values, 95) == pytest.approx(38.5)  # rank 2.85 → 30 + 0.85 × 10
    assert percentile([5.0], 99) == 5.0


def test_percentile_does_not_depend_on_input_order() -> None:
    values = [float(x) for x in range(1, 101)]
    shuffled = values[::-1]
    assert percentile(shuffled, 99) == percentile(values, 99) == pytest.approx(99.01)


def test_percentile_rejects_empty_samples_and_bad_ranks() -> None:
    with pytest.raises(ValueError, match="empty"):
        percentile([], 50)
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1.0], 101)


def test_summarise_converts_to_milliseconds_and_counts_only_successes() -> None:
    stats = summarise([0.010, 0.020, 0.030, 0.040], wall_s=2.0, errors=3, first_error="boom")
    assert stats.requests == 4
    assert stats.errors == 3
    assert stats.p50 == pytest.approx(25.0)
    assert stats.p99 == pytest.approx(39.7)
    assert stats.throughput == pytest.approx(2.0)  # 4 successes in 2 s; errors not counted
    assert stats.first_error == "boom"


def test_summarise_of_only_failures_has_no_latency() -> None:
    stats = summarise([], wall_s=1.0, errors=5)
    assert stats.requests == 0
    assert math.isnan(stats.p50)
    assert stats.throughput == 0.0


def test_ratio_is_none_when_a_side_is_missing() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(3.0, 0.0) is None
    assert ratio(float("nan"), 2.0) is None


def _stats(p50: float, throughput: float, p95: float | None = None) -> Stats:
    return Stats(100, 0, p50, p95 or p50 * 2, p50 * 3, throughput)


def _report(size: str = "S") -> Report:
    report = Report(size=size, meta={"Command": "`python -m bench.run`"}, data={"Nodes": "10"})
    op = "organisation by id with members and events"
    report.cells += [
        Cell(op, "ours", 1, _stats(3.0, 300)),
        Cell(op, "floor", 1, _stats(2.0, 450)),
        Cell(op, "peer", 1, _stats(4.0, 250)),
        Cell("search", "ours", 1, _stats(6.0, 100)),
        Cell("search", "floor", 1, _stats(2.0, 400)),
        Cell("search", "peer", 1, None, "n/a — no full-text search"),
        Cell("ego network depth 2", "ours", 1, None, "n/a — not implemented yet (no field)"),
    ]
    report.oneoffs.append(OneOff("import 100k attendance rows", "ours", 25_000, "rows/s", "bulk"))
    return report


def test_evaluate_reports_the_worst_ratio_and_judges_each_target() -> None:
    verdicts = {v.target: v for v in evaluate(_report())}
    floor = verdicts["ours/floor p50 ≤ 1.5 on reads"]
    assert floor.met is False
    assert floor.figure.startswith("worst 3.00 (search, c=1)")
    peer = verdicts["throughput ≥ the peer on every read"]
    assert peer.met is True  # 300 vs 250; search has no peer figure
    assert "1.20" in peer.figure
    assert verdicts["import ≥ 20,000 rows/s"].met is True
    # Export and ego were not measured: neither met nor failed.
    assert verdicts["export of M ≤ 5 s with API memory ≤ 500 MB"].met is None
    assert verdicts["ego network depth 2 p95 ≤ 50 ms on L"].met is None


def test_size_specific_targets_are_only_judged_at_their_size() -> None:
    report = _report("S")
    report.cells = [c for c in report.cells if c.operation != "ego network depth 2"]
    report.cells.append(Cell("ego network depth 2", "ours", 1, _stats(10.0, 50, p95=20.0)))
    report.oneoffs += [
        OneOff("export of the whole graph", "ours", 1.0, "s"),
        OneOff("API peak RSS during export", "ours", 200.0, "MB"),
    ]
    verdicts = {v.target: v for v in evaluate(report)}
    ego = next(v for k, v in verdicts.items() if k.startswith("ego"))
    assert ego.met is None and "the target is for L" in ego.figure
    report.size = "L"
    verdicts = {v.target: v for v in evaluate(report)}
    assert next(v for k, v in verdicts.items() if k.startswith("ego")).met is True
    report.size = "M"
    export = next(v for k, v in {v.target: v for v in evaluate(report)}.items() if "export" in k)
    assert export.met is True and export.figure.startswith("1.00 s, peak RSS 200 MB")


def test_render_writes_a_row_per_operation_with_ratios_and_notes() -> None:
    text = render(_report())
    row = next(line for line in text.splitlines() if line.startswith("| organisation by id"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "3.0 / 6.0 / 9.0"  # ours p50 / p95 / p99
    assert cells[2] == "300.0"
    assert cells[7] == "1.50"  # ours/floor p50
    assert cells[8] == "0.75"  # ours/peer p50
    assert cells[9] == "1.20"  # ours/peer throughput
    search = next(line for line in text.splitlines() if line.startswith("| search"))
    assert "n/a — no full-text search" in search
    ego = next(line for line in text.splitlines() if line.startswith("| ego network"))
    assert "n/a — not implemented yet (no field)" in ego
    assert "- **Command:** `python -m bench.run`" in text
    assert "| import ≥ 20,000 rows/s | 25,000 rows/s (bulk) | met |" in text


def test_pick_document_takes_the_first_candidate_valid_against_the_schema() -> None:
    schema = build_schema("type Query { organisation(id: ID!): Org } type Org { id: ID! }")
    chosen, why = pick_document(
        schema,
        [
            "query($id: ID!) { organisation(id: $id) { id members { id } } }",
            "query($id: ID!) { organisation(id: $id) { id } }",
        ],
    )
    assert chosen == "query($id: ID!) { organisation(id: $id) { id } }"
    assert why == ""
    none, why = pick_document(schema, ['{ search(text: "x") { id } }'])
    assert none is None
    assert "search" in why


async def test_closed_loop_counts_failures_apart_and_stops_at_max_requests() -> None:
    from bench.loop import closed_loop

    seen: list[int] = []

    async def call(i: int) -> None:
        seen.append(i)
        if i % 2:
            raise RuntimeError(f"odd {i}")

    stats = await closed_loop(
        call, concurrency=4, duration=60, max_requests=20, warmup=2, first_index=100
    )
    assert stats.requests + stats.errors == 20  # the two warm-up calls are not counted
    assert stats.errors == 10
    assert stats.first_error is not None and stats.first_error.startswith("RuntimeError: odd")
    assert seen[:2] == [100, 101]  # warm-up first, then distinct indexes
    assert len(seen) == len(set(seen)) == 22


def test_render_adds_a_cpu_table_when_cpu_was_measured() -> None:
    report = _report()
    assert "## CPU time per request" not in render(report)
    op = "organisation by id with members and events"
    for c in report.cells:
        if c.operation == op:
            c.cpu_ms = {"ours": 6.0, "floor": 2.0, "peer": 4.0}[c.target]
    text = render(report)
    row = next(
        line
        for line in text.split("## CPU time per request")[1].splitlines()
        if line.startswith(f"| {op}")
    )
    assert [c.strip() for c in row.strip("|").split("|")] == [
        op, "1", "6.0", "2.0", "4.0", "3.00", "1.50",
    ]  # fmt: skip


async def test_a_request_over_the_timeout_counts_as_an_error() -> None:
    import asyncio

    from bench.loop import closed_loop

    async def call(i: int) -> None:
        await asyncio.sleep(10 if i == 0 else 0)

    stats = await closed_loop(
        call, concurrency=1, duration=60, max_requests=3, warmup=0, request_timeout=0.05
    )
    assert (stats.requests, stats.errors) == (2, 1)
    assert stats.first_error is not None and stats.first_error.startswith("TimeoutError")
