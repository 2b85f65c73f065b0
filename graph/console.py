"""The analyst console: arbitrary Cypher, read-only, bounded, audited.

Three independent guards stand between a query and a write:

1. A lexical check (for clear errors, and for reads that are still dangerous): code
   outside string literals and comments must be plain ASCII (no homoglyphs, zero-width
   or fullwidth tricks), one statement, no `USE`, no write or admin clause, no
   `LOAD CSV` (reads files and URLs), no `CALL { … } IN TRANSACTIONS`, and only allowed
   procedures.
2. Neo4j's own planner: `EXPLAIN` must report a read-only query type (`r`) and a plan
   with no write, `LOAD CSV`, transaction or procedure operator outside the allow-list.
3. The query runs in a READ session (`default_access_mode=READ`) through
   `execute_read`: the server itself refuses any write in it.

It runs with a transaction timeout and a row cap; every attempt (accepted or refused)
is written to the audit trail with who, when, the text, params and row count.
"""

from __future__ import annotations

import json
import re
import time as clock
import unicodedata
from typing import Any, Final

import neo4j
from neo4j import AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship
from pydantic import BaseModel, ConfigDict

from graph.analytics.network import jsonable
from graph.driver import Graph
from graph.errors import GraphError, Unavailable
from graph.models.common import new_id

MAX_ROWS: Final = 10_000
DEFAULT_ROWS: Final = 1_000
DEFAULT_TIMEOUT: Final = 10.0
MAX_QUERY_CHARS: Final = 20_000

#: Read-only procedures an analyst may call (schema introspection).
ALLOWED_PROCEDURES: Final = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)

#: Clauses that write, administer, read outside the graph or escape the transaction.
FORBIDDEN: Final = (
    ("CREATE", "CREATE writes"),
    ("MERGE", "MERGE writes"),
    ("SET", "SET writes"),
    ("DELETE", "DELETE writes"),
    ("DETACH", "DETACH DELETE writes"),
    ("REMOVE", "REMOVE writes"),
    ("DROP", "DROP changes the schema"),
    ("FOREACH", "FOREACH exists to write"),
    ("LOAD", "LOAD CSV reads files and URLs outside the graph"),
    ("USE", "USE switches to another database"),
    ("GRANT", "GRANT is an administration command"),
    ("DENY", "DENY is an administration command"),
    ("REVOKE", "REVOKE is an administration command"),
    ("ALTER", "ALTER is an administration command"),
    ("RENAME", "RENAME is an administration command"),
    ("START", "START is an administration command"),
    ("STOP", "STOP is an administration command"),
    ("TERMINATE", "TERMINATE is an administration command"),
    ("SHOW", "SHOW commands are not available; use CALL db.labels() and friends"),
    ("ENABLE", "ENABLE is an administration command"),
    ("DEALLOCATE", "DEALLOCATE is an administration command"),
    ("REALLOCATE", "REALLOCATE is an administration command"),
)
# Not a clause when it is a property (`n.start`), a parameter or a map key (`{start: 1}`).
_FORBIDDEN_RE = re.compile(
    r"(?<![.$\w])(" + "|".join(w for w, _ in FORBIDDEN) + r")\b(?!\s*:)", re.IGNORECASE
)
_REASONS = {w: why for w, why in FORBIDDEN}
_IN_TX = re.compile(r"\bIN\s+(\d+\s+)?(CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)
_CALL = re.compile(
    r"\bCALL\s*([A-Za-z_][A-Za-z0-9_.]*|`[^`]*`(?:\s*\.\s*`?[^`\s(]*`?)*)?\s*([({])?", re.IGNORECASE
)

#: Plan operators that must never appear.
FORBIDDEN_OPERATORS: Final = (
    "Create",
    "Merge",
    "Set",
    "Delete",
    "Remove",
    "LoadCSV",
    "Foreach",
    "TransactionApply",
    "TransactionForeach",
    "EmptyResult",
    "LockNodes",
)

AUDIT = """
CREATE (:AuditEvent {id: $id, at: datetime(), actor: $actor, action: $action,
                     entityId: 'console', entityType: 'Console', after: $details})
"""


class ConsoleRefused(GraphError):
    """The console refused a query: it could write, administer or leave the graph."""

    def __init__(self, message: str, field: str = "query") -> None:
        super().__init__(message)
        self.field = field


class ConsoleFailed(GraphError):
    """The query was allowed but Neo4j could not run it (syntax, timeout, type error)."""


class ConsoleResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    columns: list[str]
    #: one list per row, values as typed JSON (see `typed`)
    rows: list[list[Any]]
    row_count: int
    #: true when the row cap cut the result short
    truncated: bool
    elapsed_ms: int


def _code_only(query: str) -> str:
    """The query with string literals, backtick names and comments blanked out.

    Raises `ConsoleRefused` for an unterminated literal or comment (what Neo4j would
    make of it is not ours to guess).
    """
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        two = query[i : i + 2]
        if two == "//":
            j = query.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif two == "/*":
            j = query.find("*/", i + 2)
            if j < 0:
                raise ConsoleRefused("unterminated /* comment")
            i = j + 2
            out.append(" ")
        elif c in "'\"":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" else 1
            if j >= n:
                raise ConsoleRefused("unterminated string literal")
            i = j + 1
            out.append(" '' ")
        elif c == "`":
            j = query.find("`", i + 1)
            if j < 0:
                raise ConsoleRefused("unterminated `quoted name`")
            i = j + 1
            out.append(" `x` ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_text(query: str) -> str:
    """The lexical guard; returns the query to run (a trailing `;` removed)."""
    if not query.strip():
        raise ConsoleRefused("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ConsoleRefused(f"the query is longer than {MAX_QUERY_CHARS} characters")
    code = _code_only(query)
    for ch in code:
        if ord(ch) > 127 or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            raise ConsoleRefused(
                f"character U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')}) outside a string "
                "literal; write Cypher keywords and names in plain ASCII (quote other names "
                "in backticks)"
            )
    stripped = code.rstrip()
    if stripped.endswith(";"):
        stripped = stripped[:-1]
        query = query.rstrip()[:-1]
    if ";" in stripped:
        raise ConsoleRefused("one statement at a time: `;` separates several statements")
    if stripped.lstrip().startswith(":"):
        raise ConsoleRefused("client commands (`:use`, `:param`) are not Cypher")
    forbidden = _FORBIDDEN_RE.search(stripped)
    if forbidden:
        word = forbidden.group(1).upper()
        raise ConsoleRefused(f"{word} is not allowed in the console: {_REASONS[word]}")
    if _IN_TX.search(stripped):
        raise ConsoleRefused("CALL { … } IN TRANSACTIONS is not allowed: it commits writes")
    for call in _CALL.finditer(stripped):
        name = call.group(1)
        if name is None:
            continue  # a subquery, `CALL { … }` or `CALL (x) { … }`: checked like the rest
        proc = name.replace("`", "").replace(" ", "").lower()
        if proc not in ALLOWED_PROCEDURES:
            allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
            raise ConsoleRefused(f"procedure {name!r} is not allowed; the console allows {allowed}")
    return query


def _operators(plan: Any) -> list[tuple[str, str]]:
    """(operator type, details) for every operator in an EXPLAIN plan."""
    if plan is None:
        return []
    op = str(plan.get("operatorType", ""))
    details = str((plan.get("args") or {}).get("Details", ""))
    found = [(op, details)]
    for child in plan.get("children") or []:
        found.extend(_operators(child))
    return found


def check_plan(query_type: str | None, plan: Any) -> None:
    """The planner guard: a read-only query type and no forbidden operator."""
    if query_type != "r":
        raise ConsoleRefused(f"Neo4j classifies this query as {query_type!r}, not read-only ('r')")
    for op, details in _operators(plan):
        name = op.split("@")[0]
        if any(name.startswith(bad) for bad in FORBIDDEN_OPERATORS):
            raise ConsoleRefused(f"the plan contains a {name} operator; the console only reads")
        if name.startswith("ProcedureCall"):
            proc = details.split("(")[0].strip().lower()
            if proc not in ALLOWED_PROCEDURES:
                raise ConsoleRefused(f"procedure {proc!r} is not allowed in the console")


def typed(value: Any) -> Any:
    """A result value as typed JSON: nodes, relationships and paths become tagged maps."""
    if isinstance(value, Node):
        return {
            "kind": "node",
            "elementId": value.element_id,
            "labels": sorted(value.labels),
            "properties": {k: typed(v) for k, v in sorted(value.items())},
        }
    if isinstance(value, Relationship):
        return {
            "kind": "relationship",
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": {k: typed(v) for k, v in sorted(value.items())},
        }
    if isinstance(value, Path):
        return {
            "kind": "path",
            "nodes": [typed(n) for n in value.nodes],
            "relationships": [typed(r) for r in value.relationships],
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
        return {str(k): typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [typed(v) for v in value]
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
) -> ConsoleResult:
    """Run an analyst's read query; refuse anything that could write.

    Raises `ConsoleRefused` (nothing ran) or `ConsoleFailed` (Neo4j rejected or timed
    out the query); both are audited, as is every accepted query with its row count.
    """
    params = dict(params or {})
    max_rows = max(1, min(max_rows, MAX_ROWS))
    record = {"query": query, "params": params}
    try:
        text = check_text(query)
        result = await _execute(graph, text, params, max_rows=max_rows, timeout=timeout)
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


async def _execute(
    graph: Graph, query: str, params: dict[str, Any], *, max_rows: int, timeout: float
) -> ConsoleResult:
    @neo4j.unit_of_work(timeout=timeout)
    async def work(tx: AsyncManagedTransaction) -> ConsoleResult:
        explained = await (await tx.run("EXPLAIN " + query, params)).consume()
        check_plan(explained.query_type, explained.plan)
        started = clock.monotonic()
        result = await tx.run(query, params)
        columns = list(result.keys())
        rows: list[list[Any]] = []
        truncated = False
        async for rec in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append([typed(v) for v in rec.values()])
        summary = await result.consume()
        if summary.database and summary.database != graph.database:
            raise ConsoleRefused("the query ran against another database")
        return ConsoleResult(
            columns=columns,
            rows=rows,
            row_count=len(rows),
            truncated=truncated,
            elapsed_ms=int((clock.monotonic() - started) * 1000),
        )

    try:
        async with graph.driver.session(
            database=graph.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            return await session.execute_read(work)
    except GraphError:
        raise
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
        raise Unavailable(f"Neo4j is not reachable: {e}") from e
    except neo4j_errors.Neo4jError as e:
        code = e.code or ""
        if "Forbidden" in code or "AccessMode" in code or "Security" in code:
            raise ConsoleRefused(f"Neo4j refused the query: {e.message}") from e
        if "TransactionTimedOut" in code or "Terminated" in code:
            raise ConsoleFailed(f"the query ran longer than {timeout:g} s and was stopped") from e
        raise ConsoleFailed(f"Neo4j could not run the query: {e.message}") from e


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
