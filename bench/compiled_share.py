"""Which documents take the compiled path (issue 23): the benchmark's and the explorer's
(`web/src/queries.js`, rendered by `tests/unit/explorer_documents.mjs` against our
schema's introspection), each with why it falls back where it does.

    .venv/bin/python -m bench.compiled_share
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from graphql import get_introspection_query, graphql_sync
from graphql.execution.values import get_variable_values

from bench import operations as ops
from graph.compiled.cypher import NotCompiled, statement
from schema.compiled.walk import Walker
from schema.root import build_schema

ROOT = Path(__file__).resolve().parent.parent


def explorer_documents(schema: Any) -> list[dict[str, Any]]:
    found = graphql_sync(schema, get_introspection_query())
    assert found.data is not None
    rendered = subprocess.run(
        ["node", str(ROOT / "tests/unit/explorer_documents.mjs")],
        input=json.dumps({"schema": found.data["__schema"]}),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return [json.loads(line) for line in rendered.stdout.splitlines() if line.strip()]


def why_not(schema: Any, query: str, variables: dict[str, Any]) -> str | None:
    """None when the document compiles; else why not."""
    compiled = schema.compiled
    analysis = compiled.analyse(query, None)
    if analysis is None:
        return "not a query that validates (a mutation, or invalid)"
    coerced = get_variable_values(
        compiled.schema, analysis.operation.variable_definitions or (), variables
    )
    if isinstance(coerced, list):
        return f"variables: {coerced[0].message}"
    walker = Walker(compiled.schema, analysis.operation, analysis.fragments, coerced, False)
    try:
        statement(walker.roots(), key_check=True)
    except NotCompiled as e:
        return str(e)
    return None


def main() -> None:
    schema = build_schema()
    rows: list[tuple[str, str, str | None]] = []
    samples = ops.Samples(["sev"], ["a", "b"], ["tootukassa"], "x")
    for op in ops.LOOPED:
        if op.ours:
            rows.append(
                ("bench", op.name, why_not(schema, op.ours[0], op.variables(samples, 0, "ours")))
            )
    for doc in explorer_documents(schema._schema):
        name = doc["query"].split("(")[0].split("{")[0].strip()
        rows.append(("explorer", name, why_not(schema, doc["query"], doc["variables"] or {})))
    for group in ("bench", "explorer"):
        mine = [r for r in rows if r[0] == group]
        share = sum(r[2] is None for r in mine)
        print(f"{group}: {share} of {len(mine)} compile")
        for _, name, why in mine:
            print(f"  compiled  {name}" if why is None else f"  fallback  {name}: {why}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
