"""The analyst console: arbitrary Cypher, read-only, bounded, audited.

Independent guards stand between a query and a write, an administration command or
an unbounded amount of work:

1. The text guard (`graph.console_text`): the query is read with Neo4j's own lexical
   rules and only its canonical text goes on; it must start with a read clause, name
   only allowed procedures, use no write or admin word, and stay inside bounds on
   tokens, nesting, literals, `range()` and `=~` patterns. Parameters are bounded too.
2. Neo4j's planner: `EXPLAIN` must report a read-only query type (`r`) and a plan made
   only of the read operators in `READ_OPERATORS` (an allow-list: `ShowSettings`,
   `TerminateTransactions` or any operator Neo4j adds later are refused), with
   procedure calls again from the allow-list.
3. The query runs once, in a READ transaction that is rolled back (never committed,
   never retried), on the console's own driver (`open_pool`: a small pool with an
   acquisition timeout), with a transaction timeout, Neo4j's per-transaction memory
   limit (`db.memory.transaction.max`), a client-side deadline in case the server
   never answers, and caps on the rows and bytes read back.

Every attempt (accepted, refused or failed) is written to the audit trail with who,
when, the text, the parameters (cut to a bounded size) and the row count.
"""

from __future__ import annotations

import asyncio
import json
import time as clock
from typing import Any, Final

import neo4j
from neo4j import AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship
from pydantic import BaseModel, ConfigDict

from graph.analytics.network import jsonable
from graph.console_plan import check_plan
from graph.console_text import (
    ALLOWED_PROCEDURES,
    MAX_QUERY_CHARS,
    ConsoleRefused,
    check_text,
)
from graph.driver import Graph, connect
from graph.errors import GraphError
from graph.models.common import new_id

__all__ = [
    "ALLOWED_PROCEDURES",
    "MAX_QUERY_CHARS",
    "ConsoleFailed",
    "ConsoleRefused",
    "ConsoleResult",
    "check_params",
    "check_plan",
    "check_text",
    "fingerprint",
    "open_pool",
    "run",
]

MAX_ROWS: Final = 10_000
DEFAULT_ROWS: Final = 1_000
DEFAULT_TIMEOUT: Final = 10.0
#: JSON bytes of the rows one query may return to the API
MAX_RESULT_BYTES: Final = 8_000_000
#: how much longer than its transaction timeout the console waits for Neo4j to answer
#: at all (a query that overflows the server's parser stack is never answered)
DEADLINE_GRACE: Final = 5.0
#: records the driver fetches at a time: what one read may hold in the API's memory
FETCH_ROWS: Final = 100
#: values nested deeper than this in a result are refused (they would overflow the
#: API's own recursion on the way to JSON)
MAX_VALUE_DEPTH: Final = 64
MAX_PARAMS_DEPTH: Final = 8
MAX_PARAMS_BYTES: Final = 64_000
#: how much of the parameters the audit keeps
AUDIT_PARAMS_CHARS: Final = 4_000
POOL_SIZE: Final = 4
ACQUIRE_TIMEOUT: Final = 5.0

AUDIT = """
CREATE (:AuditEvent {id: $id, at: datetime(), actor: $actor, action: $action,
                     entityId: 'console', entityType: 'Console', after: $details})
"""


class ConsoleFailed(GraphError):
    """The query was allowed but Neo4j could not run it (syntax, timeout, memory, size)."""


class ConsoleResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    columns: list[str]
    #: one list per row, values as typed JSON (see `typed`)
    rows: list[list[Any]]
    row_count: int
    #: true when the row cap cut the result short
    truncated: bool
    elapsed_ms: int


def _params_shape(params: Any) -> tuple[int, int]:
    """(depth, approximate JSON size) of a parameter value, without recursion and
    stopping as soon as either passes its cap."""
    depth, size = 0, 0
    stack: list[tuple[Any, int]] = [(params, 1)]
    while stack:
        value, level = stack.pop()
        depth = max(depth, level)
        if depth > MAX_PARAMS_DEPTH or size > MAX_PARAMS_BYTES:
            break
        if isinstance(value, dict):
            size += 2
            for key, item in value.items():
                size += len(str(key)) + 4
                stack.append((item, level + 1))
        elif isinstance(value, list | tuple):
            size += 2
            stack.extend((item, level + 1) for item in value)
        else:
            size += len(value.encode()) + 2 if isinstance(value, str) else len(str(value)) + 1
    return depth, size


def check_params(params: dict[str, Any]) -> None:
    """Refuse parameters nested too deep or too large, before anything runs."""
    depth, size = _params_shape(params)
    if depth > MAX_PARAMS_DEPTH:
        raise ConsoleRefused(
            f"params nest more than {MAX_PARAMS_DEPTH} levels deep", field="params"
        )
    if size > MAX_PARAMS_BYTES:
        raise ConsoleRefused(
            f"params are larger than {MAX_PARAMS_BYTES:,} bytes of JSON", field="params"
        )


def _cut(value: Any, level: int = 0) -> Any:
    """A small copy of a parameter value for the audit: shallow, short strings, few items."""
    if level >= 4:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        cut = {str(k)[:100]: _cut(v, level + 1) for k, v in items[:20]}
        if len(items) > 20:
            cut["…"] = f"{len(items) - 20} more"
        return cut
    if isinstance(value, list | tuple):
        return [_cut(v, level + 1) for v in value[:20]] + (["…"] if len(value) > 20 else [])
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


def audit_params(params: dict[str, Any]) -> Any:
    """The parameters as the audit keeps them: whole when small, else cut down."""
    depth, size = _params_shape(params)
    if depth <= MAX_PARAMS_DEPTH and size <= AUDIT_PARAMS_CHARS:
        return params
    cut = _cut(params)
    text = json.dumps(cut, ensure_ascii=False, default=str)
    return cut if len(text) <= AUDIT_PARAMS_CHARS else {"…": text[: AUDIT_PARAMS_CHARS // 2]}


def typed(value: Any, depth: int = 0) -> Any:
    """A result value as typed JSON: nodes, relationships and paths become tagged maps."""
    if depth > MAX_VALUE_DEPTH:
        raise ConsoleFailed(f"a value in the result nests more than {MAX_VALUE_DEPTH} levels deep")
    inner = depth + 1
    if isinstance(value, Node):
        return {
            "kind": "node",
            "elementId": value.element_id,
            "labels": sorted(value.labels),
            "properties": {k: typed(v, inner) for k, v in sorted(value.items())},
        }
    if isinstance(value, Relationship):
        return {
            "kind": "relationship",
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": {k: typed(v, inner) for k, v in sorted(value.items())},
        }
    if isinstance(value, Path):
        return {
            "kind": "path",
            "nodes": [typed(n, inner) for n in value.nodes],
            "relationships": [typed(r, inner) for r in value.relationships],
        }
    if isinstance(value, neo4j.time.DateTime):
        kind = "datetime" if value.tzinfo is not None else "localdatetime"
        return {"kind": kind, "value": value.iso_format()}
    if isinstance(value, neo4j.time.Date):
        return {"kind": "date", "value": value.iso_format()}
    if isinstance(value, neo4j.time.Time):
        kind = "time" if value.tzinfo is not None else "localtime"
        return {"kind": kind, "value": value.iso_format()}
    if isinstance(value, neo4j.time.Duration):
        return {"kind": "duration", "value": value.iso_format()}
    if isinstance(value, dict):
        return {str(k): typed(v, inner) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [typed(v, inner) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return {"kind": "float", "value": str(value)}
    return jsonable(value)


async def _audit(graph: Graph, actor: str, action: str, details: dict[str, Any]) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await tx.run(
            AUDIT,
            id=new_id(),
            actor=actor,
            action=action,
            details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        )

    await graph.write(work)


async def run(
    graph: Graph,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    actor: str,
    max_rows: int = DEFAULT_ROWS,
    timeout: float = DEFAULT_TIMEOUT,
    reader: Graph | None = None,
) -> ConsoleResult:
    """Run an analyst's read query on `reader` (the console's own pool, `open_pool`;
    `graph` when not given) and audit it on `graph`; refuse anything that could write
    or run unbounded.

    Raises `ConsoleRefused` (nothing ran) or `ConsoleFailed` (Neo4j rejected, stopped
    or could not answer the query, or its result was too large); both are audited, as
    is every accepted query with its row count.
    """
    params = dict(params or {})
    max_rows = max(1, min(max_rows, MAX_ROWS))
    record = {"query": query, "params": audit_params(params)}
    try:
        check_params(params)
        text = check_text(query)
        result = await _execute(reader or graph, text, params, max_rows=max_rows, timeout=timeout)
    except ConsoleRefused as e:
        await _audit(graph, actor, "cypher.refused", record | {"error": str(e)})
        raise
    except ConsoleFailed as e:
        await _audit(graph, actor, "cypher.failed", record | {"error": str(e)})
        raise
    await _audit(
        graph,
        actor,
        "cypher",
        record | {"rows": result.row_count, "truncated": result.truncated},
    )
    return result


async def open_pool(
    uri: str,
    user: str,
    password: str,
    database: str,
    *,
    size: int = POOL_SIZE,
    acquire_timeout: float = ACQUIRE_TIMEOUT,
    connect_timeout: float = 5.0,
) -> Graph:
    """The console's own driver: a small pool whose connections no console query can
    take from the API's reads and writes, a bounded wait for a free connection, no
    retries, and a small fetch size (what one read of records may hold in memory)."""
    return await connect(
        uri,
        user,
        password,
        database,
        max_connection_pool_size=size,
        connection_acquisition_timeout=acquire_timeout,
        connection_timeout=connect_timeout,
        max_transaction_retry_time=0,
        fetch_size=FETCH_ROWS,
    )


def _failure(e: neo4j_errors.Neo4jError, timeout: float) -> GraphError:
    """A Neo4j error of an allowed query as the console reports it."""
    code = e.code or ""
    if "Forbidden" in code or "AccessMode" in code or "Security" in code:
        return ConsoleRefused(f"Neo4j refused the query: {e.message}")
    if "TransactionTimedOut" in code or "Terminated" in code:
        return ConsoleFailed(f"the query ran longer than {timeout:g} s and was stopped")
    if "MemoryPoolOutOfMemoryError" in code:
        return ConsoleFailed(
            "the query needed more memory than one transaction may use "
            "(db.memory.transaction.max) and was stopped; aggregate, filter or LIMIT earlier"
        )
    if "OutOfMemoryError" in code:
        return ConsoleFailed("Neo4j ran out of memory running the query and stopped it")
    return ConsoleFailed(f"Neo4j could not run the query: {e.message}")


async def _execute(
    graph: Graph,
    query: str,
    params: dict[str, Any],
    *,
    max_rows: int,
    timeout: float,
    max_bytes: int = MAX_RESULT_BYTES,
) -> ConsoleResult:
    async def work(tx: AsyncManagedTransaction) -> ConsoleResult:
        try:
            explained = await (await tx.run("EXPLAIN " + query, params)).consume()
            check_plan(explained.query_type, explained.plan)
            started = clock.monotonic()
            result = await tx.run(query, params)
            columns = list(result.keys())
            rows: list[list[Any]] = []
            size = 0
            truncated = False
            async for rec in result:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                row = [typed(v) for v in rec.values()]
                size += len(json.dumps(row, ensure_ascii=False, default=str).encode())
                if size > max_bytes:
                    raise ConsoleFailed(
                        f"the result passed {max_bytes:,} bytes after {len(rows):,} rows; "
                        "return fewer or smaller values (LIMIT, aggregate, pick properties)"
                    )
                rows.append(row)
            summary = await result.consume()
        except neo4j_errors.Neo4jError as e:
            raise _failure(e, timeout) from e
        except RecursionError as e:
            raise ConsoleFailed("a value in the result nests too deep to read") from e
        if summary.database and summary.database != graph.database:
            raise ConsoleRefused("the query ran against another database")
        return ConsoleResult(
            columns=columns,
            rows=rows,
            row_count=len(rows),
            truncated=truncated,
            elapsed_ms=int((clock.monotonic() - started) * 1000),
        )

    deadline = timeout + DEADLINE_GRACE
    try:
        # Once, in a read transaction that is rolled back: never committed, never
        # retried (a retry would repeat an out-of-memory query).
        return await asyncio.wait_for(graph.read(work, timeout=timeout, retry=False), deadline)
    except TimeoutError as e:
        raise ConsoleFailed(
            f"Neo4j did not answer within {deadline:g} s; the console gave up on the query"
        ) from e
    except neo4j_errors.ConnectionAcquisitionTimeoutError as e:
        raise ConsoleFailed(
            "the console is busy: every connection it may use runs a query; try again shortly"
        ) from e
    except neo4j_errors.Neo4jError as e:
        raise _failure(e, timeout) from e


FINGERPRINT_NODES = """
MATCH (n)
WHERE NOT n:AuditEvent
RETURN labels(n) AS labels, n {.*} AS props
"""

FINGERPRINT_RELS = """
MATCH (a)-[r]->(b)
WHERE NOT a:AuditEvent AND NOT b:AuditEvent
RETURN elementId(a) AS a, type(r) AS type, elementId(b) AS b, r {.*} AS props
"""

SCHEMA = "SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN *"
CONSTRAINTS = "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN *"
TOKENS = """
CALL db.labels() YIELD label RETURN 'label' AS kind, label AS name
UNION ALL CALL db.propertyKeys() YIELD propertyKey RETURN 'key' AS kind, propertyKey AS name
UNION ALL CALL db.relationshipTypes() YIELD relationshipType
RETURN 'type' AS kind, relationshipType AS name
"""


async def fingerprint(graph: Graph) -> str:
    """A digest of the whole graph's content and schema (audit records left out): equal
    digests before and after mean nothing was written."""
    import hashlib

    async def work(tx: AsyncManagedTransaction) -> str:
        parts: list[str] = []
        for query in (FINGERPRINT_NODES, FINGERPRINT_RELS, SCHEMA, CONSTRAINTS, TOKENS):
            rows = [
                json.dumps(jsonable(dict(r)), sort_keys=True, ensure_ascii=False)
                async for r in await tx.run(query)
            ]
            parts.append("\n".join(sorted(rows)))
        return hashlib.sha256("\f".join(parts).encode()).hexdigest()

    return await graph.read(work)
