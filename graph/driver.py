"""Driver lifecycle and the `Graph` handle every graph function takes.

`Graph` is the driver plus the database name: functions receive it explicitly, so
there is no global connection and no I/O at import time.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors

from graph.errors import Conflict, GraphError, Unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
TxWork = Callable[[AsyncManagedTransaction], Awaitable[T]]


class CheckFailed(GraphError):
    """The check a unit of work set (`FirstCheck`) failed: its transaction was rolled back."""


@dataclass(slots=True)
class FirstCheck:
    """A check that the first transaction of a unit of work (one API request) runs before
    its own work, in that same transaction, so the check costs no transaction of its own:
    an API key taken from the cache, checked again (api/app.py). Until one transaction
    has passed it, every transaction of the unit runs it first; one that fails raises
    `CheckFailed`, and nothing of that transaction is kept."""

    check: Callable[[AsyncManagedTransaction], Awaitable[bool]]
    passed: bool = False
    failed: bool = False

    def around(self, work: TxWork[T]) -> TxWork[T]:
        if self.passed:
            return work

        @functools.wraps(work)
        async def checked(tx: AsyncManagedTransaction) -> T:
            if not self.passed:
                if not await self.check(tx):
                    self.failed = True
                    raise CheckFailed("the request's check failed")
                self.passed = True
            return await work(tx)

        return checked


#: The check of the unit of work running now (set per request by the API).
FIRST_CHECK: ContextVar[FirstCheck | None] = ContextVar("first_check", default=None)


def _with_first_check(work: TxWork[T]) -> TxWork[T]:
    pending = FIRST_CHECK.get()
    return work if pending is None else pending.around(work)


@dataclass(frozen=True, slots=True)
class Graph:
    """A Neo4j driver bound to one database."""

    driver: AsyncDriver
    database: str = "neo4j"

    async def read(self, work: TxWork[T], *, timeout: float | None = None, retry: bool = True) -> T:
        """Run `work` in a managed read transaction (routed to readers in a cluster);
        with `retry=False` once only, also on transient errors (for work that is
        allowed to fail, such as a bounded optional search)."""
        if not retry:
            return await self._uncommitted(work, write=False, timeout=timeout)
        return await self._run(work, write=False, timeout=timeout)

    async def write(
        self, work: TxWork[T], *, timeout: float | None = None, first_retry: float | None = None
    ) -> T:
        """Run `work` in a managed write transaction; retried by the driver on transient
        errors, the first time after about a second (or `first_retry` seconds), each
        next wait twice as long, for up to 30 s in all."""
        return await self._run(work, write=True, timeout=timeout, first_retry=first_retry)

    async def dry_run(self, work: TxWork[T]) -> T:
        """Run `work` in a write transaction and roll it back: what would change."""
        return await self._uncommitted(work, write=True, timeout=None)

    async def _uncommitted(self, work: TxWork[T], *, write: bool, timeout: float | None) -> T:
        """`work` once, in an explicit transaction that is rolled back, never committed
        and never retried (dry runs, and reads that may fail)."""
        work = _with_first_check(work)
        with _translated():
            async with self.driver.session(
                database=self.database,
                default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
            ) as session:
                tx = await session.begin_transaction(timeout=timeout)
                try:
                    # an explicit transaction runs what a managed one would (same `run`)
                    return await work(tx)  # type: ignore[arg-type]
                finally:
                    # Closed already when the work was cancelled mid-query (the driver
                    # then drops the connection): rolling back would raise instead.
                    if not tx.closed():
                        await tx.rollback()

    async def _run(
        self,
        work: TxWork[T],
        *,
        write: bool,
        timeout: float | None,
        first_retry: float | None = None,
    ) -> T:
        work = _with_first_check(work)
        txn = neo4j.unit_of_work(timeout=timeout)(work) if timeout else work
        # `initial_retry_delay` is the driver's session setting for the first wait of
        # its retry loop (neo4j._conf.WorkspaceConfig, default 1 s; the waits then
        # double). `session()`'s typed signature leaves it out, hence the Any.
        retry: dict[str, Any] = {} if first_retry is None else {"initial_retry_delay": first_retry}

        async def managed() -> T:
            async with self.driver.session(
                database=self.database,
                default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
                **retry,
            ) as session:
                if write:
                    return await session.execute_write(txn)
                return await session.execute_read(txn)

        with _translated():
            return await _not_cut_short(managed())


async def _not_cut_short(work: Coroutine[Any, Any, T]) -> T:
    """`work`, finished even when its caller is cancelled (the caller still gets the
    `CancelledError` at once).

    A caller is cancelled when a sibling fails: graphql-core cancels the other fields
    of a selection once a non-null one raises (`gather_with_cancel`). Cancelled while
    the driver opens a new connection, neo4j 6.4 leaks that connection's socket (its
    `_connect_secure` closes the raw socket on `Exception` only, and `CancelledError`
    is not one). Letting the transaction finish returns the connection to the pool
    instead. The work is no longer than it would have been uncancelled (the reads and
    writes of a request; a transaction with a `timeout` is bounded by it)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        # nobody awaits it any more: its outcome (an error too) is dropped here
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        raise


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors as the graph layer's own: unreachable or timed out → `Unavailable`,
    a constraint violation → `Conflict`; everything else as it is."""
    try:
        yield
    except GraphError:
        raise
    except neo4j_errors.ConstraintError as e:
        raise _constraint_conflict(e) from e
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
        raise Unavailable(f"Neo4j is not reachable: {e}") from e
    except neo4j_errors.ClientError as e:
        if e.code and "TransactionTimedOut" in e.code:
            raise Unavailable("Neo4j did not answer within the transaction timeout") from e
        raise


#: How Neo4j words a uniqueness violation: "Node(42) already exists with label
#: `Organisation` and property `sortKey` = 'sev'".
_ALREADY_EXISTS = re.compile(
    r"already exists with label `(?P<label>[^`]+)` and property `(?P<property>[^`]+)`"
    r" = (?P<value>.*)",
    re.DOTALL,
)


def _constraint_conflict(e: neo4j_errors.ConstraintError) -> Conflict:
    """A uniqueness violation as a Conflict whose `field` is the property (`id`, or
    `sortKey` for a folded name, which `graph.entities` words with the entity that has
    it); never Neo4j's internal node number."""
    message = e.message or str(e)
    found = _ALREADY_EXISTS.search(message)
    if found is None:
        return Conflict(message)
    label, prop, value = found.group("label", "property", "value")
    if prop == "id":
        return Conflict("an entity with this id already exists", field="id")
    article = "an" if label[:1] in "AEIOU" else "a"
    what = _PROPERTY_WORDS.get(prop, prop)
    return Conflict(f"{article} {label} with the {what} {value.strip()} already exists", field=prop)


#: How a constrained property is called in a message.
_PROPERTY_WORDS = {"sortKey": "folded name"}


async def connect(
    uri: str,
    user: str,
    password: str,
    database: str,
    *,
    attempts: int = 30,
    delay: float = 1.0,
    **driver_config: Any,
) -> Graph:
    """Create a driver and wait until the server answers (retrying at start-up)."""
    auth = (user, password) if password else None
    # Server notifications (e.g. "label does not exist" on an empty graph) are noise here.
    driver_config.setdefault("notifications_min_severity", "OFF")
    driver = AsyncGraphDatabase.driver(uri, auth=auth, **driver_config)
    for attempt in range(1, attempts + 1):
        try:
            await driver.verify_connectivity()
            return Graph(driver, database)
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
            if attempt == attempts:
                await driver.close()
                raise Unavailable(
                    f"Neo4j at {uri} did not answer after {attempts} attempts: {e}"
                ) from e
            log.info("waiting for Neo4j at %s (attempt %d/%d)", uri, attempt, attempts)
            await asyncio.sleep(delay)
        except neo4j_errors.AuthError as e:
            await driver.close()
            raise Unavailable(f"Neo4j at {uri} refused the credentials for {user!r}") from e
    raise AssertionError("unreachable")  # pragma: no cover


async def ping(graph: Graph, timeout: float = 3.0) -> None:
    """Raise `Unavailable` unless the database answers a trivial query.

    One auto-commit query, not a managed transaction: a health probe must answer at
    once, not wait out the driver's retries."""
    try:
        async with graph.driver.session(
            database=graph.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            await (await session.run(neo4j.Query("RETURN 1", timeout=timeout))).consume()
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
        raise Unavailable(f"Neo4j is not reachable: {e}") from e
    except neo4j_errors.ClientError as e:
        if e.code and "TransactionTimedOut" in e.code:
            raise Unavailable(f"Neo4j did not answer within {timeout} s") from e
        raise


class Rows(list[Any]):
    """A statement's list parameter of many items, which shows as its length.

    The driver writes every RUN's parameters to its debug log, and formats them
    (`repr`) even when debug logging is off (`neo4j/_async/io/_bolt/_bolt5.py`,
    driver 6.4): a 1 MB string for a batch of 5,000 rows, 14 ms of the client's CPU
    per batch, 0.3-0.4 s of an import of 100k rows. A list, as the driver sends it;
    only its `repr` differs. The statements that pass thousands of items use it: the
    bulk writers, the id lookups, a backup's restore and the stored centralities."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<list of {len(self):,}>"
