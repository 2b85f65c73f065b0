"""`bulk.Pipeline` (several batch transactions in flight), `bulk.by_start` and
`matching.IdLookup`."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ClientError

from graph import bulk, maintenance, matching, relationships
from graph.driver import Graph, TxWork
from graph.models.relationships import AttendedProps, RelType
from seeds import gc_tuning


def _node_batch(ids: list[str]) -> TxWork[int]:
    async def work(tx: AsyncManagedTransaction) -> int:
        result = await tx.run("UNWIND $ids AS id CREATE (:Entity:Topic {id: id})", ids=ids)
        return (await result.consume()).counters.nodes_created

    return work


async def test_batches_run_side_by_side_up_to_the_limit(graph: Graph) -> None:
    running = peak = 0
    done: list[int] = []

    def batch(i: int) -> TxWork[int]:
        async def work(tx: AsyncManagedTransaction) -> int:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.05)  # while one waits, the next may start
            running -= 1
            return await _node_batch([f"t-{i}"])(tx)

        return work

    async with bulk.Pipeline(graph, writers=3) as pipeline:
        for i in range(10):
            await pipeline.submit(batch(i), done.append)
    assert peak == 3
    assert done == [1] * 10
    assert (await maintenance.label_counts(graph))["Topic"] == 10


async def test_a_failed_batch_stops_the_load_and_is_raised(graph: Graph) -> None:
    async def broken(tx: AsyncManagedTransaction) -> int:
        await tx.run("RETURN 1 / 0")  # a client error: not retried
        return 0

    done: list[int] = []
    pipeline = bulk.Pipeline(graph, writers=1)
    await pipeline.submit(_node_batch(["t-1"]), done.append)
    await pipeline.submit(broken, done.append)
    with pytest.raises(ClientError, match="/ by zero"):
        # This batch waits for the broken one's slot and is never started.
        await pipeline.submit(_node_batch(["t-2"]), done.append)
    await pipeline.drain()  # the failure was raised once; nothing is left in flight
    assert done == [1]
    assert (await maintenance.label_counts(graph))["Topic"] == 1


async def test_the_callers_error_wins_and_batches_in_flight_finish(graph: Graph) -> None:
    done: list[int] = []
    with pytest.raises(KeyError):
        async with bulk.Pipeline(graph, writers=2) as pipeline:
            await pipeline.submit(_node_batch(["t-1", "t-2"]), done.append)
            raise KeyError("the caller failed")
    assert done == [2]  # committed before the block was left
    assert (await maintenance.label_counts(graph))["Topic"] == 2


async def test_loads_running_together_freeze_the_heap_until_the_last_one_ends() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    first_started, second_ended = asyncio.Event(), asyncio.Event()
    seen: dict[str, tuple[tuple[int, int, int], int]] = {}

    @gc_tuning.loads
    async def first() -> None:
        first_started.set()
        await second_ended.wait()
        seen["first, after the second ended"] = (gc.get_threshold(), gc.get_freeze_count())

    @gc_tuning.loads
    async def second() -> None:
        await first_started.wait()
        seen["second"] = (gc.get_threshold(), gc.get_freeze_count())

    async def second_then_signal() -> None:
        await second()
        second_ended.set()

    await asyncio.gather(first(), second_then_signal())
    for name, (threshold, frozen) in seen.items():
        assert threshold[:2] == (50_000, 1_000), name
        assert frozen > 0, name  # what was alive before the first load began
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_by_start_keeps_each_start_node_in_one_batch_ordered_by_end() -> None:
    rows = [{"from": f"p{p}", "to": f"e{e}", "props": {}} for p in (3, 1, 2, 4) for e in (2, 9, 1)]
    batches = list(bulk.by_start(rows, 5))
    assert [len(b) for b in batches] == [6, 6]  # whole start nodes: 3 rows each
    for b in batches:
        assert [r["to"] for r in b] == sorted(r["to"] for r in b)
    starts = [{r["from"] for r in b} for b in batches]
    assert starts == [{"p1", "p2"}, {"p3", "p4"}]
    assert sorted(map(str, (r for b in batches for r in b))) == sorted(map(str, rows))
    assert list(bulk.by_start([], 5)) == []


def test_by_start_makes_batches_of_even_length() -> None:
    rows = [{"from": f"p{p:04d}", "to": "e", "props": {}} for p in range(10_100)]
    lengths = [len(b) for b in bulk.by_start(rows, 5_000)]
    # not 5,000 + 5,000 + 100: the last would fall into another size class of Neo4j's
    # plan cache (and be planned again) and run alone at the end
    assert lengths == [3_367, 3_367, 3_366]
    assert bulk.even_size(10_000, 5_000) == 5_000
    assert bulk.even_size(10_001, 5_000) == 3_334


# --- one relationship per (start, type, end), also against concurrent writers --------


async def _two_ends(graph: Graph) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await tx.run("CREATE (:Entity:Person {id: 'p-1'}), (:Entity:Event {id: 'e-1'})")

    await graph.write(work)


async def _attended(graph: Graph) -> list[dict[str, object]]:
    async def work(tx: AsyncManagedTransaction) -> list[dict[str, object]]:
        result = await tx.run("MATCH (:Person {id: 'p-1'})-[r:ATTENDED]->() RETURN r.role AS role")
        return [dict(r) async for r in result]

    return await graph.read(work)


async def _api_merge(graph: Graph, role: str) -> None:
    """The API's `connect` of p-1 to e-1 (its MERGE statement)."""
    await relationships.connect(
        graph, RelType.ATTENDED, "p-1", "e-1", AttendedProps(role=role), actor="test"
    )


async def _row(graph: Graph, with_elements: bool, **props: Any) -> dict[str, Any]:
    """The p-1 → e-1 row, by id or with the nodes' elementIds (as the importers pass)."""
    row: dict[str, Any] = {"from": "p-1", "to": "e-1", "props": props}
    if with_elements:
        found = await matching.by_ids(graph, ["p-1", "e-1"])
        row["fromElement"], row["toElement"] = found["p-1"].element_id, found["e-1"].element_id
        assert row["fromElement"] and row["toElement"]
    return row


async def test_an_id_lookup_starts_each_full_batch_while_ids_are_still_added(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`IdLookup` sends a batch to Neo4j as soon as it is full, before `done()`, and
    finds the existing entities among all the ids, each once."""
    await _two_ends(graph)
    reads = 0
    real_read = Graph.read

    async def counting_read(self: Graph, work: TxWork[Any], **options: Any) -> Any:
        nonlocal reads
        reads += 1
        return await real_read(self, work, **options)

    monkeypatch.setattr(Graph, "read", counting_read)
    async with matching.IdLookup(graph, batch=2) as lookup:
        for id_ in ("p-1", "nobody", "p-1", "e-1"):
            lookup.add(id_)
        await asyncio.sleep(0.5)  # what a validation pass does now and then
        assert reads == 1, "the full batch waited for done()"
        found = await lookup.done()
    assert reads == 2
    assert {i: (c.label, bool(c.element_id)) for i, c in found.items()} == {
        "p-1": ("Person", True),
        "e-1": ("Event", True),
    }


async def test_leaving_an_id_lookup_on_an_error_cancels_its_lookups(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def slow_read(self: Graph, work: TxWork[Any], **options: Any) -> Any:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    monkeypatch.setattr(Graph, "read", slow_read)
    with pytest.raises(ValueError, match="a bad row"):
        async with matching.IdLookup(graph, batch=1) as lookup:
            lookup.add("p-1")
            await started.wait()
            raise ValueError("a bad row")
    assert cancelled == [True], "the lookup in flight was left running"


@pytest.mark.parametrize("with_elements", [False, True], ids=["by id", "by elementId"])
async def test_a_merge_waits_for_a_bulk_write_of_the_same_relationship(
    graph: Graph, with_elements: bool
) -> None:
    """The bulk writer creates without MERGE; the lock it takes on the start node
    before its check makes a concurrent MERGE of the same relationship wait and then
    find it, instead of creating a second one."""
    await _two_ends(graph)
    rows = [await _row(graph, with_elements, role="SPEAKER")]
    written, release = asyncio.Event(), asyncio.Event()

    async def work(tx: AsyncManagedTransaction) -> bulk.Counts:
        counts = await bulk.upsert_relationships(tx, RelType.ATTENDED, rows)
        written.set()
        await release.wait()  # commits once the test lets it
        return counts

    writer = asyncio.create_task(graph.write(work))
    await written.wait()
    merge = asyncio.create_task(_api_merge(graph, "TRAINER"))
    await asyncio.sleep(0.5)
    assert not merge.done(), "the MERGE did not wait for the uncommitted bulk write"
    release.set()
    assert (await writer).created == 1
    await merge
    assert await _attended(graph) == [{"role": "TRAINER"}]


@pytest.mark.parametrize("with_elements", [False, True], ids=["by id", "by elementId"])
async def test_a_bulk_write_waits_for_a_merge_of_the_same_relationship(
    graph: Graph, with_elements: bool
) -> None:
    await _two_ends(graph)
    rows = [await _row(graph, with_elements, role="SPEAKER")]
    counts: list[bulk.Counts] = []

    async def bulk_write() -> None:
        async def work(tx: AsyncManagedTransaction) -> bulk.Counts:
            return await bulk.upsert_relationships(tx, RelType.ATTENDED, rows)

        counts.append(await graph.write(work))

    merged, release = asyncio.Event(), asyncio.Event()

    async def api_merge(tx: AsyncManagedTransaction) -> None:
        await relationships.connect_in_tx(
            tx, RelType.ATTENDED, "p-1", "e-1", AttendedProps(role="TRAINER"), actor="test"
        )
        merged.set()
        await release.wait()  # commits once the test lets it

    merge = asyncio.create_task(graph.write(api_merge))
    await merged.wait()
    writer = asyncio.create_task(bulk_write())
    await asyncio.sleep(0.5)
    assert not writer.done(), "the bulk write did not wait for the uncommitted MERGE"
    release.set()
    await merge
    await writer
    assert (counts[0].created, counts[0].updated) == (0, 1)
    assert await _attended(graph) == [{"role": "SPEAKER"}]


async def _write_rows(graph: Graph, rows: list[dict[str, Any]]) -> bulk.Counts:
    async def work(tx: AsyncManagedTransaction) -> bulk.Counts:
        return await bulk.upsert_relationships(tx, RelType.ATTENDED, rows)

    return await graph.write(work)


async def test_rows_with_element_ids_are_created_updated_and_left_like_rows_by_id(
    graph: Graph,
) -> None:
    await _two_ends(graph)
    by_element = await _row(graph, True, role="SPEAKER")
    assert (await _write_rows(graph, [by_element])).created == 1
    assert (await _write_rows(graph, [await _row(graph, False, role="SPEAKER")])).unchanged == 1
    assert (await _write_rows(graph, [await _row(graph, True, role="TRAINER")])).updated == 1
    assert await _attended(graph) == [{"role": "TRAINER"}]


async def test_an_element_id_of_another_node_writes_nothing(graph: Graph) -> None:
    """A stale elementId (its node deleted and the record reused by another) is not
    followed: the row's ids are checked as well."""
    await _two_ends(graph)

    async def other(tx: AsyncManagedTransaction) -> None:
        await tx.run("CREATE (:Entity:Person {id: 'p-2'})")

    await graph.write(other)
    row = await _row(graph, True, role="SPEAKER")
    row["fromElement"] = (await matching.by_ids(graph, ["p-2"]))["p-2"].element_id
    assert (await _write_rows(graph, [row])).total == 0
    assert await _attended(graph) == []

    async def attended_by_p2(tx: AsyncManagedTransaction) -> int:
        result = await tx.run("MATCH (:Person {id: 'p-2'})-[r:ATTENDED]->() RETURN count(r) AS n")
        return int((await result.single(strict=True))["n"])

    assert await graph.read(attended_by_p2) == 0


async def test_a_batch_that_fails_on_a_transient_error_is_retried_soon(
    graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    """Two batches that lock two nodes in opposite orders deadlock; Neo4j fails one
    (a transient error) and the pipeline runs it again after `FIRST_RETRY`, not after
    the driver's default second."""

    async def setup(tx: AsyncManagedTransaction) -> None:
        await tx.run("CREATE (:Entity:Topic {id: 't-1'}), (:Entity:Topic {id: 't-2'})")

    await graph.write(setup)
    locked = {"t-1": asyncio.Event(), "t-2": asyncio.Event()}

    def batch(first: str, then: str) -> TxWork[str]:
        async def work(tx: AsyncManagedTransaction) -> str:
            await tx.run("MATCH (t:Topic {id: $id}) SET t.name = $id", id=first)
            locked[first].set()
            await locked[then].wait()  # both hold one lock and want the other's
            await tx.run("MATCH (t:Topic {id: $id}) SET t.name = $id", id=then)
            return first

        return work

    done: list[str] = []
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        async with bulk.Pipeline(graph, writers=2) as pipeline:
            await pipeline.submit(batch("t-1", "t-2"), done.append)
            await pipeline.submit(batch("t-2", "t-1"), done.append)
    assert sorted(done) == ["t-1", "t-2"]  # both committed, one after a retry
    # The driver logs "Transaction failed and will be retried in %ss (%s)", delay, error.
    waits = [
        float(str(r.args[0]))
        for r in caplog.records
        if r.msg.startswith("Transaction failed") and isinstance(r.args, tuple)
    ]
    assert waits, "no batch was retried: the two did not deadlock"
    assert all(w <= bulk.FIRST_RETRY * 1.2 for w in waits), waits


async def test_the_driver_logs_a_batch_and_an_id_lookup_by_their_length(
    graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats every RUN's parameters for its debug log even when that log
    is off; a batch's rows and a lookup's ids (`driver.Rows`) show as their length, not
    as a megabyte of `repr`, and still travel as lists."""
    await _two_ends(graph)
    rows = [await _row(graph, True, role="SPEAKER")]

    async def work(tx: AsyncManagedTransaction) -> bulk.Counts:
        return await bulk.upsert_relationships(tx, RelType.ATTENDED, rows)

    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        counts = await graph.write(work)
        found = await matching.by_ids(graph, ["p-1", "e-1", "nobody"])
    assert counts.created == 1
    assert sorted(found) == ["e-1", "p-1"]
    assert await _attended(graph) == [{"role": "SPEAKER"}]
    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.msg]
    assert any("'rows': <list of 1>" in m for m in runs), runs
    assert any("'ids': <list of 3>" in m for m in runs), runs
    assert not any("p-1" in m for m in runs), "a RUN logged its rows or ids"
