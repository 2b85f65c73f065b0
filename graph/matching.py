"""Finding existing entities for imported rows: by id, by e-mail (people), or by any
of their names (name, shortName, nameEn, aliases, title) under `normalise_name()`.

Name matching needs the same normalisation on both sides (case, diacritics, spacing,
punctuation and legal-form words such as MTÜ/SA/OÜ), which Cypher cannot compute. So
instead of storing a derived key on every node (which every writer would have to keep
in step, and which erasure would have to remember to clear), `name_index()` streams
the names of the labels an import refers to, once per import, and keys them in
Python. Its cost grows with the number of such nodes (roughly 1 s per 100k), not with
the file; lookups by id are plain index seeks. Erased people are never matched by name.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.bulk import even_size
from graph.driver import Graph, Rows
from graph.labels import ENTITY_LABELS, NAMED_LABELS, checked_label
from graph.text import normalise_name

# Both lookups return one record per batch (a list of rows), not one per entity: the
# async driver's cost per record, not Neo4j, dominated them with a record per entity.
BY_IDS = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN collect([n.id, [l IN labels(n) WHERE l IN $labels][0], coalesce(n.name, n.title),
                n.startDate, n.endDate, n.email, elementId(n), n.registryCode]) AS rows
"""

#: Read transactions `by_ids()` keeps in flight: Neo4j seeks one batch while the
#: client decodes the previous one.
LOOKUPS = 2

#: Ids per `BY_IDS` statement.
LOOKUP_BATCH = 10_000

#: Entities per record of `name_index()`.
NAME_PAGE = 20_000

NAMES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n {.name, .title, .shortName, .nameEn, .aliases} AS names
"""


def _names_of(label: str) -> str:
    """One page of the (not erased) entities of `label` after the id `$after`."""
    return f"""
MATCH (n:{label})
WHERE n.id > $after AND NOT coalesce(n.erased, false)
WITH n ORDER BY n.id LIMIT $page
RETURN collect([n.id, coalesce(n.name, n.title),
                [x IN [n.shortName, n.nameEn, n.title] WHERE x IS NOT NULL]
                  + coalesce(n.aliases, []),
                n.startDate, n.endDate, n.email, elementId(n), n.registryCode]) AS rows
"""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing entity a row may mean."""

    id: str
    label: str
    name: str
    start_date: str | None = None
    end_date: str | None = None
    email: str | None = None
    #: Neo4j's elementId of the node, for writes that seek it directly
    #: (`bulk.upsert_relationships`); valid while the node exists
    element_id: str | None = None
    #: an organisation's business-register code
    registry_code: str | None = None

    def describe(self) -> str:
        when = f", {self.start_date}" if self.start_date else ""
        return f"{self.name!r} ({self.label.lower()} {self.id}{when})"


@dataclass
class NameIndex:
    """Existing entities of some labels by normalised name and by e-mail address."""

    labels: set[str] = field(default_factory=set)
    _by_name: dict[tuple[str, str], list[Candidate]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _by_email: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    _by_code: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))

    def add(self, candidate: Candidate, names: Iterable[str]) -> None:
        keys = {normalise_name(n) for n in names if n}
        for key in keys:
            if key:
                self._by_name[(candidate.label, key)].append(candidate)
        if candidate.email:
            self._by_email[candidate.email.lower()].append(candidate)
        if candidate.registry_code:
            self._by_code[candidate.registry_code].append(candidate)

    def by_name(self, label: str, name: str) -> list[Candidate]:
        return list(self._by_name.get((label, normalise_name(name)), ()))

    def by_email(self, email: str) -> list[Candidate]:
        return list(self._by_email.get(email.lower(), ()))

    def by_registry_code(self, code: str) -> list[Candidate]:
        return list(self._by_code.get(code.strip(), ()))


class IdLookup:
    """Entities looked up by id while the ids are still being collected: each batch of
    `batch` new ids goes to Neo4j as soon as it is full, so a file's validation pass
    (Python) and the lookups of the ids it has seen so far (Neo4j) run at the same
    time. `done()` sends the rest and returns every existing entity among the ids.
    The tasks run while their creator awaits something: a long loop that feeds a
    lookup yields to the event loop now and then (`await asyncio.sleep(0)`).

    Use it as `async with`: leaving the block on an error cancels the lookups still
    running."""

    def __init__(self, graph: Graph, *, batch: int = LOOKUP_BATCH) -> None:
        self._graph = graph
        self._batch = batch
        self._seen: set[str] = set()
        self._pending: list[str] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._slots = asyncio.Semaphore(LOOKUPS)
        self._found: dict[str, Candidate] = {}

    async def __aenter__(self) -> IdLookup:
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def add(self, id_: str) -> None:
        if id_ in self._seen:
            return
        self._seen.add(id_)
        self._pending.append(id_)
        if len(self._pending) >= self._batch:
            self._send()

    async def done(self) -> dict[str, Candidate]:
        """Every existing entity among the ids added, by id."""
        if self._pending:
            self._send()
        await asyncio.gather(*self._tasks)
        return self._found

    def _send(self) -> None:
        chunk, self._pending = sorted(self._pending), []
        self._tasks.append(asyncio.create_task(self._lookup(chunk)))

    async def _lookup(self, chunk: list[str]) -> None:
        async def work(tx: AsyncManagedTransaction) -> None:
            result = await tx.run(BY_IDS, ids=Rows(chunk), labels=list(ENTITY_LABELS))
            record = await result.single(strict=True)
            for id_, label, name, start, end, email, element, code in record["rows"]:
                self._found[id_] = Candidate(
                    id_, label, name or id_, start, end, email, element, code
                )

        async with self._slots:
            await self._graph.read(work)


async def by_ids(
    graph: Graph, ids: Iterable[str], *, batch: int = LOOKUP_BATCH
) -> dict[str, Candidate]:
    """The existing entities among `ids`, looked up in even batches of at most `batch`
    (one size class of Neo4j's plan cache, `bulk.by_start()`)."""
    wanted = sorted(set(ids))
    async with IdLookup(graph, batch=even_size(len(wanted), batch)) as lookup:
        for id_ in wanted:
            lookup.add(id_)
        return await lookup.done()


async def name_index(graph: Graph, labels: Iterable[str]) -> NameIndex:
    """Every (not erased) entity of `labels`, keyed by each of its names."""
    index = NameIndex()
    for label in sorted(set(labels)):
        checked_label(label)
        if label not in NAMED_LABELS:
            continue
        index.labels.add(label)

        async def work(tx: AsyncManagedTransaction, label: str = label) -> None:
            after = ""
            while True:  # pages in one transaction: one consistent snapshot
                result = await tx.run(_names_of(label), after=after, page=NAME_PAGE)
                rows = (await result.single(strict=True))["rows"]
                for id_, name, other, start, end, email, element, code in rows:
                    found = Candidate(id_, label, name or id_, start, end, email, element, code)
                    index.add(found, [name, *other])
                if len(rows) < NAME_PAGE:
                    return
                after = rows[-1][0]

        await graph.read(work)
    return index


async def names(graph: Graph, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The name properties (name, title, shortName, nameEn, aliases) of existing `ids`,
    to recompute the derived sortKey/searchText when an update changes one of them."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, dict[str, Any]]:
        result = await tx.run(NAMES, ids=sorted(set(ids)))
        return {
            r["id"]: {k: v for k, v in r["names"].items() if v is not None} async for r in result
        }

    return await graph.read(work)
