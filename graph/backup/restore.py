"""`restore`: a checked backup file replaces the graph so that no failure can lose data
(see `graph/backup/__init__.py`): in one transaction, or in batches when Neo4j refuses one
that large, with the replaced graph saved first and put back if anything fails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Final, Protocol, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from graph import maintenance, migrations
from graph.backup.check import (
    Manifest,
    NodeRow,
    RelRow,
    check,
    check_file,
    open_file,
    rows_to_write,
)
from graph.backup.export import ExportReport, export_all
from graph.backup.fileformat import BackupError
from graph.backup.hashing import content_hash, content_hash_in
from graph.backup.walk import Tx
from graph.driver import Graph, Rows
from graph.errors import Conflict, Unavailable

BATCH_SIZE: Final = 1000

#: The one-transaction replacement's delete; the counts tell whether the graph is still
#: the one just saved to the safety file.
DELETE_ALL = """
MATCH (n) WHERE NOT n:KoostooMigration
WITH n, COUNT { (n)-->() } AS out
DETACH DELETE n
RETURN count(n) AS nodes, coalesce(sum(out), 0) AS relationships
"""

RESTORE_NODES = """
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
RETURN row.key AS key, elementId(n) AS id
"""

RESTORE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
"""


@dataclass(frozen=True)
class RestoreReport:
    nodes: int
    relationships: int
    hash: str
    #: data nodes the restore replaced
    wiped: int
    #: the replaced graph, exported before anything changed (None: the database was empty)
    saved: Path | None
    #: replaced in one transaction (else in batches: Neo4j refused one that large)
    one_transaction: bool
    manifest: Manifest


Progress = Callable[[str, int], None]
Notice = Callable[[str], None]
T = TypeVar("T")


class _Run(Protocol):
    """Runs one unit of work: inside the one transaction, or as a transaction of its own."""

    def __call__(self, work: Callable[[Tx], Awaitable[T]], /) -> Awaitable[T]: ...


class _TooBig(Exception):
    """Neo4j refused the one-transaction restore for its size (rolled back)."""


async def _create_nodes(params: Rows, tx: Tx) -> dict[int, str]:
    result = await tx.run(RESTORE_NODES, rows=params)
    return {r["key"]: r["id"] async for r in result}


async def _create_relationships(params: Rows, tx: Tx) -> int:
    row = await (await tx.run(RESTORE_RELATIONSHIPS, rows=params)).single(strict=True)
    return int(row["created"])


async def _write(
    run: _Run, rows: Iterator[NodeRow | RelRow], batch_size: int, progress: Progress | None
) -> None:
    """Create the rows' nodes and relationships in batches, in file order (a
    relationship's end nodes come before it in a checked file)."""
    ids: dict[int, str] = {}
    nodes: list[NodeRow] = []
    rels: list[RelRow] = []

    async def flush_nodes() -> None:
        if nodes:
            params = Rows({"key": r.key, "labels": r.labels, "props": r.properties} for r in nodes)
            ids.update(await run(partial(_create_nodes, params)))
            if progress:
                progress("nodes", len(nodes))
            nodes.clear()

    async def flush_relationships() -> None:
        await flush_nodes()
        if rels:
            params = Rows(
                {"type": r.type, "start": ids[r.start], "end": ids[r.end], "props": r.properties}
                for r in rels
            )
            created = await run(partial(_create_relationships, params))
            if created != len(rels):
                raise BackupError([f"restored {created} of a batch of {len(rels)} relationships"])
            if progress:
                progress("relationships", len(rels))
            rels.clear()

    for row in rows:
        if isinstance(row, NodeRow):
            nodes.append(row)
            if len(nodes) >= batch_size:
                await flush_nodes()
        else:
            rels.append(row)
            if len(rels) >= batch_size:
                await flush_relationships()
    await flush_relationships()


def _saved_path(directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / f"pre-restore-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}.jsonl"


async def _save(graph: Graph, directory: Path, key: bytes) -> ExportReport:
    """Export the graph a restore is about to replace, and read the file back."""
    saved = await export_all(graph, _saved_path(directory), key=key)
    check_file(saved.path, key=key)
    return saved


def _too_big(e: neo4j_errors.Neo4jError) -> bool:
    """Neo4j's transaction-memory limits (db.memory.transaction.max,
    dbms.memory.transaction.total.max), its heap, or its transaction timeout
    (db.transaction.timeout): too big for one transaction."""
    code = e.code or ""
    return "OutOfMemory" in code or "TransactionTimedOut" in code


async def _replace_at_once(
    graph: Graph,
    rows: Callable[[], Iterator[NodeRow | RelRow]],
    manifest: Manifest,
    saved: ExportReport | None,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """Delete the graph and write the file's in one explicit transaction, committed only
    if the content hash read inside it is the file's: any failure rolls it all back.
    Returns how many nodes it replaced; raises `_TooBig` if Neo4j refuses the size."""
    try:
        async with graph.driver.session(
            database=graph.database, default_access_mode=neo4j.WRITE_ACCESS
        ) as session:
            tx = await session.begin_transaction()
            try:
                deleted = await (await tx.run(DELETE_ALL)).single(strict=True)
                wiped, relationships = int(deleted["nodes"]), int(deleted["relationships"])
                before = (saved.nodes, saved.relationships) if saved else (0, 0)
                if (wiped, relationships) != before:
                    raise BackupError(
                        [
                            "the graph changed since it was "
                            + (f"saved to {saved.path}" if saved else "found empty")
                            + f" ({before[0]} nodes and {before[1]} relationships, now {wiped} "
                            f"and {relationships}): stop the writers (the API) and restore "
                            "again; nothing was changed"
                        ]
                    )

                async def run(work: Callable[[Tx], Awaitable[T]]) -> T:
                    return await work(tx)

                await _write(run, rows(), batch_size, progress)
                restored = await content_hash_in(tx)
                if restored != manifest.hash:
                    raise BackupError(
                        [
                            f"the restored graph's content hash {restored[:12]}… differs from "
                            f"the file's {manifest.hash[:12]}…; rolled back: nothing was changed"
                        ]
                    )
                await tx.commit()
                return wiped
            finally:
                await tx.close()
    except neo4j_errors.Neo4jError as e:
        if _too_big(e):
            raise _TooBig(f"{e.code}: {e.message}") from e
        raise BackupError(
            [f"Neo4j refused the restore ({e.code}: {e.message}); rolled back: nothing was changed"]
        ) from e
    except (neo4j_errors.DriverError, OSError) as e:
        raise Unavailable(
            f"Neo4j could not be reached during the restore ({e}). A transaction it did not "
            "commit is rolled back: the database holds its previous graph or, if the commit "
            "went through, the whole file (compare `content hash`)"
            + (f"; the previous graph is saved in {saved.path}" if saved else "")
        ) from e


async def _replace_in_batches(
    graph: Graph,
    rows: Callable[[], Iterator[NodeRow | RelRow]],
    manifest: Manifest,
    saved: ExportReport | None,
    key: bytes | None,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """Delete the graph and write the file's in batched transactions; on any failure,
    delete what was written and put the saved graph back."""
    now = await maintenance.count_data_nodes(graph)
    if now != (saved.nodes if saved else 0):
        raise BackupError(
            [
                "the graph changed since it was "
                + (f"saved to {saved.path}" if saved else "found empty")
                + f" (now {now} nodes): stop the writers (the API) and restore again; "
                "nothing was changed"
            ]
        )
    try:
        wiped = await maintenance.wipe(graph, allow_data=True, batch_size=batch_size)
        await _write(graph.write, rows(), batch_size, progress)
        restored = await content_hash(graph)
        if restored != manifest.hash:
            raise BackupError(
                [
                    f"the restored graph's content hash {restored[:12]}… differs from the "
                    f"file's {manifest.hash[:12]}…"
                ]
            )
    except Exception as e:
        await _put_back(graph, saved, key, batch_size, e)
    return wiped


async def _put_back(
    graph: Graph,
    saved: ExportReport | None,
    key: bytes | None,
    batch_size: int,
    failure: Exception,
) -> None:
    """After a failed batched restore: the database as it was, or a message that says
    where the previous graph is. Always raises."""
    try:
        await maintenance.wipe(graph, allow_data=True, batch_size=batch_size)
        if saved is not None:
            assert key is not None
            with open_file(saved.path) as f:
                previous = check(f, str(saved.path), key, False)
                await _write(
                    graph.write, rows_to_write(f, str(saved.path), previous), batch_size, None
                )
            if await content_hash(graph) != previous.hash:
                raise BackupError([f"the content hash of the graph put back is not {saved.path}'s"])
    except Exception as e:
        where = (
            f"it is saved in {saved.path}: restore it with `koostoo restore --force {saved.path}`"
            if saved
            else "the database was empty before; empty it with `koostoo restore --force` of "
            "a good file, or by hand"
        )
        raise BackupError(
            [
                f"the restore failed: {failure}",
                f"putting the previous graph back failed: {e}",
                where,
            ]
        ) from failure
    outcome = (
        f"the previous graph was put back (content hash verified; also saved in {saved.path})"
        if saved
        else "the database was emptied again, as it was before"
    )
    raise BackupError([f"the restore failed: {failure}", outcome]) from failure


async def restore(
    graph: Graph,
    path: Path,
    *,
    key: bytes | None,
    force: bool = False,
    trust_unsigned: bool = False,
    saved_dir: Path | None = None,
    batch_size: int = BATCH_SIZE,
    one_transaction: bool = True,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> RestoreReport:
    """Restore a backup so that no failure loses data (see the module's docstring).

    The file is checked whole with `key` first; an unsigned file only with
    `trust_unsigned`. A database holding data is replaced only with `force`, after its
    graph is exported to `saved_dir` (default: the file's directory), signed with the
    same key. `one_transaction=False` goes straight to the batched replacement.
    `notice` receives a line for each step an operator should know of."""
    path = Path(path)
    say = notice or (lambda _: None)
    with open_file(path) as f:
        manifest = check(f, str(path), key, trust_unsigned)
        if manifest.skipped_nodes:
            say(
                f"not restoring {manifest.skipped_nodes} API keys of the unsigned file "
                "(create new ones with `koostoo keys create`)"
            )
        if not await migrations.is_current(graph):
            raise Conflict("the database schema is not current: run `koostoo migrate` first")
        existing = await maintenance.count_data_nodes(graph)
        if existing and not force:
            raise Conflict(
                f"refusing to restore into a database that holds {existing} nodes; "
                "use --force to replace them"
            )
        saved: ExportReport | None = None
        if existing:
            if key is None:
                raise BackupError(["a backup key is needed to save the graph a restore replaces"])
            saved = await _save(graph, Path(saved_dir) if saved_dir else path.parent, key)
            say(
                f"saved the current graph ({saved.nodes} nodes, {saved.relationships} "
                f"relationships) to {saved.path}"
            )
        rows = partial(rows_to_write, f, str(path), manifest)
        at_once = one_transaction
        if one_transaction:
            try:
                wiped = await _replace_at_once(graph, rows, manifest, saved, batch_size, progress)
            except _TooBig as e:
                say(f"Neo4j refused one transaction of this size ({e}): replacing in batches")
                at_once = False
        if not at_once:
            wiped = await _replace_in_batches(
                graph, rows, manifest, saved, key, batch_size, progress
            )
    upgraded = await migrations.upgrade_data(graph, manifest.schema_version)
    if upgraded:
        say(
            f"the file's schema version {manifest.schema_version} brought up to "
            f"{migrations.LATEST_VERSION} (the data steps of migrations {upgraded})"
        )
    return RestoreReport(
        manifest.nodes,
        manifest.relationships,
        manifest.hash,
        wiped,
        saved.path if saved else None,
        at_once,
        manifest,
    )
