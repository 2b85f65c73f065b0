"""The analyst console in GraphQL: `cypher(query, params)`, read-only and audited."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph import console
from graph.errors import GraphError
from schema.context import Info
from schema.cost import NEIGHBOURHOOD, Cost
from schema.errors import ClientError, from_graph_error
from schema.permissions import CanAnalyse


@strawberry.type(description="The rows of a console query, as typed JSON.")
class CypherResult:
    columns: list[str]
    rows: list[list[Any]] = strawberry.field(
        graphql_type=JSON,
        description="One list per row. Nodes, relationships and paths are maps tagged "
        '`kind: "node" | "relationship" | "path"`; temporal values are '
        '`{kind: "date" | "datetime" | …, value: ISO text}`.',
    )
    row_count: int
    truncated: bool = strawberry.field(description="True when the row cap cut the result.")
    elapsed_ms: int


@strawberry.type
class ConsoleQuery:
    @strawberry.field(
        permission_classes=[CanAnalyse],
        directives=[Cost(weight=NEIGHBOURHOOD)],
        description="Run a read-only Cypher query (analyst role). Anything that could write, "
        "administer, load files or switch database is refused; a timeout and a row cap "
        "apply. Every query is audited.",
    )
    async def cypher(
        self,
        info: Info,
        query: str,
        params: JSON | None = None,
        max_rows: int = console.DEFAULT_ROWS,
    ) -> CypherResult:
        if params is not None and not isinstance(params, dict):
            raise ClientError("params must be a JSON object", "BAD_USER_INPUT", field="params")
        try:
            result = await console.run(
                info.context.graph,
                query,
                params,
                actor=info.context.actor,
                max_rows=max_rows,
                reader=info.context.console,
            )
        except console.ConsoleRefused as e:
            raise ClientError(str(e), "CYPHER_REFUSED", field=e.field) from e
        except console.ConsoleFailed as e:
            raise ClientError(str(e), "CYPHER_FAILED") from e
        except GraphError as e:
            raise from_graph_error(e) from e
        return CypherResult(
            columns=result.columns,
            rows=result.rows,
            row_count=result.row_count,
            truncated=result.truncated,
            elapsed_ms=result.elapsed_ms,
        )
