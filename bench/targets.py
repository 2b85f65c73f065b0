"""The three targets an operation runs against: our API over HTTP, the floor (the
same information through the Python driver by hand) and the peer (the Neo4j GraphQL
Library), and the choice of a document the peer's schema accepts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import neo4j
from graphql import GraphQLSchema, build_client_schema, get_introspection_query, parse, validate

# --- the three targets ---------------------------------------------------------------


class GraphQLFailed(Exception):
    """A request answered with errors (or a non-200 status)."""


@dataclass
class HttpGraphQL:
    """A GraphQL endpoint over HTTP (ours or the peer)."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    client: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(
            headers=self.headers,
            timeout=120,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )

    async def call(self, document: str, variables: dict[str, Any]) -> Any:
        response = await self.client.post(
            self.url, json={"query": document, "variables": variables}
        )
        if response.status_code != 200:
            raise GraphQLFailed(f"HTTP {response.status_code}: {response.text[:300]}")
        body = response.json()
        if body.get("errors"):
            raise GraphQLFailed(json.dumps(body["errors"][0], ensure_ascii=False)[:300])
        data = body.get("data") or {}
        # Mutations returning a typed problem instead of the object count as failures.
        for value in data.values():
            if isinstance(value, dict) and str(value.get("__typename", "")).endswith("Problem"):
                raise GraphQLFailed(f"typed problem: {value}")
        return data

    async def schema(self) -> GraphQLSchema:
        data = await self.call(get_introspection_query(), {})
        return build_client_schema(data)

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class Floor:
    """Hand-written Cypher through the Python async driver, in managed transactions."""

    driver: neo4j.AsyncDriver
    database: str

    async def call(self, query: str, params: dict[str, Any], *, write: bool) -> Any:
        async def work(tx: neo4j.AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(query, params)
            return await result.data()

        async with self.driver.session(database=self.database) as session:
            if write:
                return await session.execute_write(work)
            return await session.execute_read(work)


def pick_document(schema: GraphQLSchema, candidates: list[str]) -> tuple[str | None, str]:
    """The first candidate that is valid against `schema`, and why none was, if none."""
    reasons = []
    for doc in candidates:
        errors = validate(schema, parse(doc))
        if not errors:
            return doc, ""
        reasons.append(errors[0].message)
    return None, reasons[0] if reasons else "no candidate"
