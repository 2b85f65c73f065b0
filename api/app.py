"""The Starlette application. The lifespan owns the Neo4j driver."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from http import HTTPStatus
from typing import Any, TypedDict

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types.execution import ExecutionResult

from api import exports, json_body, web
from api.middleware import (
    DEFERRED_KEY,
    ApiKeyAuth,
    BodyLimit,
    KeyCache,
    RequestContext,
    Unauthenticated,
    error_response,
    unauthenticated,
    verify_deferred,
)
from api.ratelimit import IpRateLimit, KeyRateLimit, TokenBuckets
from api.security import SecurityHeaders
from api.settings import Settings
from graph import console, keys, migrations, morph
from graph.compiled.run import KeyRevoked
from graph.driver import FIRST_CHECK, FirstCheck, Graph, connect, ping
from graph.errors import Unavailable
from schema.context import Context
from schema.root import Limits, build_schema

log = logging.getLogger("koostoo.app")


class AppState(TypedDict):
    graph: Graph
    #: the analyst console's own driver (None without NEO4J_URI: the console shares `graph`)
    console: Graph | None
    settings: Settings


class GraphQLApp(GraphQL[Context, None]):
    """The GraphQL endpoint: reads that compile run as one statement each
    (`schema/compiled`), everything else on the resolvers; responses encoded with
    orjson."""

    def __init__(self, settings: Settings, key_cache: KeyCache | None = None) -> None:
        schema = build_schema(
            Limits(
                max_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_tokens=settings.max_tokens,
                introspection=settings.introspection_enabled,
                max_cost=settings.max_query_cost,
                assumed_page_size=settings.max_page_size,
            )
        )
        super().__init__(
            schema,
            # Strawberry's own GraphiQL page loads React and GraphiQL from a CDN; ours
            # (`render_graphql_ide`) is built from npm into web/dist/graphiql.
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.compiled = schema.compiled if settings.compiled_reads else None
        self.key_cache = key_cache or KeyCache()

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A read that compiles runs as one statement (which also checks a key taken
        from the cache); anything else on the resolvers, whose first transaction checks
        a key taken from the cache before its own work (`FirstCheck`: no transaction of
        its own for the check). A request that used no transaction looks the key up
        before it is answered. A key whose check failed is looked up again: revoked or
        expired, the answer is 401 (also when another transaction of the request passed
        before the key was revoked); still active under another role, a request none of
        whose transactions passed runs again under it (nothing of the first run was kept:
        every transaction of it failed the check before its work), as does one that used
        no transaction."""
        state = request.scope["state"]
        if self.compiled is not None and isinstance(request_data.variables, dict | None):
            key_hash = state.get(DEFERRED_KEY)
            try:
                data = await self.compiled.execute(
                    request_data.query or "",
                    request_data.variables,
                    request_data.operation_name,
                    context,
                    key_hash=key_hash,
                )
            except KeyRevoked:
                data = None
                context = await self._checked_again(request, sub_response)
            if data is not None:
                state.pop(DEFERRED_KEY, None)
                return ExecutionResult(data=data, errors=None)
        key_hash = state.pop(DEFERRED_KEY, None)
        first: FirstCheck | None = None
        token = None
        if key_hash is not None and context.principal is not None:
            check = partial(keys.still_active, key=context.principal, key_hash=key_hash)
            first = FirstCheck(check)
            token = FIRST_CHECK.set(first)
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        finally:
            if token is not None:
                FIRST_CHECK.reset(token)
        if first is not None and (first.failed or not first.passed):
            state[DEFERRED_KEY] = key_hash
            again = await self._checked_again(request, sub_response)
            changed = again.key.role != context.key.role
            if not first.passed and (first.failed or changed):
                # nothing of the first run was written (no transaction passed the
                # check): run it again under the key as it is now
                result = await super().execute_single(
                    request, request_adapter, sub_response, again, root_value, request_data
                )
        if result.errors and all(
            (e.extensions or {}).get("code") == "SERVICE_UNAVAILABLE" for e in result.errors
        ):
            # Neo4j is down: the same 503 whichever path met it first (the auth lookup,
            # the compiled read or a resolver), so clients and load balancers can retry.
            sub_response.status_code = 503
        return result

    async def _checked_again(self, request: Request, response: Response) -> Context:
        """A fresh context for a request whose cached key (`DEFERRED_KEY`) is looked up
        again: `Unauthenticated` when it is no longer active."""
        await verify_deferred(request.scope["state"], self.key_cache)
        return await self.get_context(request, response)

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:  # a value orjson does not take (an integer over 64 bits)
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    async def render_graphql_ide(self, request: Request) -> Response:
        return web.graphiql_page(self.settings.web_dist or web.WEB_DIST)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except Unauthenticated:
            response = unauthenticated()
        except Unavailable:
            # Neo4j went away between the auth middleware and the read: looking up a
            # cached key again, or the compiled read itself.
            response = error_response(
                503, "the graph database is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
            )
        except HTTPException as e:
            # Strawberry answers these in plain text; ours are GraphQL-shaped JSON.
            response = error_response(e.status_code, e.reason, HTTPStatus(e.status_code).name)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """JSON bounded in depth, as UTF-8. Strawberry hands a request body over as bytes
        (which must hold an object) and a JSON query parameter (`variables`) as text."""
        what = "the request body" if isinstance(data, bytes) else "a JSON query parameter"
        try:
            decoded = json_body.loads(data, max_depth=self.settings.max_json_depth, what=what)
        except json_body.JsonRefused as e:
            raise HTTPException(400, str(e)) from e
        if isinstance(data, bytes) and not isinstance(decoded, dict):
            raise HTTPException(
                400,
                'the request body must be a JSON object such as {"query": "{ viewer { name } }"}, '
                f"not {_json_kind(decoded)}",
            )
        return decoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        return Context(
            graph=request.state.graph,
            console=request.state.console,
            # Absent only for the GraphiQL page itself, which runs no operation.
            principal=getattr(request.state, "principal", None),
            request_id=request.state.request_id,
            max_page_size=self.settings.max_page_size,
        )


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    graph: Graph = request.state.graph
    try:
        await ping(graph)
        if not await migrations.is_current(graph):
            return JSONResponse({"status": "migrations pending"}, status_code=503)
    except Unavailable:
        return JSONResponse({"status": "neo4j unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> Starlette:
    """Build the app. With `graph` given, the caller owns the driver (tests, CLI)."""
    settings = settings or Settings()

    async def open_console() -> Graph | None:
        """The console's own pool, so that no console query can take the connections
        of the API's reads and writes."""
        if not settings.neo4j_uri:
            return None
        return await console.open_pool(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            size=settings.console_pool_size,
            acquire_timeout=settings.console_acquire_timeout,
            connect_timeout=settings.neo4j_connect_timeout,
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        # Search and every write of a name need the Estonian analyser: load it now (0.5 s,
        # once per process), or refuse to start, saying how to install it.
        await asyncio.to_thread(morph.engine)
        if graph is not None:
            pool = await open_console()
            try:
                yield {"graph": graph, "console": pool, "settings": settings}
            finally:
                if pool is not None:
                    await pool.driver.close()
            return
        if not settings.neo4j_uri:
            raise RuntimeError(
                "NEO4J_URI is not set: start the app with `koostoo serve`, which runs a "
                "local Neo4j, or point NEO4J_URI at your server"
            )
        own = await connect(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            max_transaction_retry_time=settings.neo4j_retry_seconds,
            connection_timeout=settings.neo4j_connect_timeout,
        )
        applied = await migrations.migrate(own)
        if applied:
            log.info("applied migrations %s", [m.version for m in applied])
        try:
            pool = await open_console()
        except BaseException:
            await own.driver.close()
            raise
        try:
            yield {"graph": own, "console": pool, "settings": settings}
        finally:
            if pool is not None:
                await pool.driver.close()
            await own.driver.close()

    middleware = [
        Middleware(RequestContext),
        Middleware(
            BodyLimit,
            max_bytes=settings.max_body_bytes,
            read_timeout=settings.body_read_timeout,
            total_timeout=settings.body_timeout,
        ),
        Middleware(SecurityHeaders, hsts=not settings.is_dev),
    ]
    if settings.rate_limit_per_ip:
        middleware.append(
            Middleware(
                IpRateLimit,
                buckets=TokenBuckets(settings.rate_limit_per_ip),
                exempt=("/healthz", "/readyz"),
            )
        )
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    key_cache = KeyCache()
    middleware.append(
        Middleware(
            ApiKeyAuth,
            protected=("/graphql", "/export"),
            allow_ide_page=settings.graphiql_enabled,
            cache=key_cache,
            deferred=("/graphql",),
        )
    )
    if settings.rate_limit_per_key:
        middleware.append(
            Middleware(KeyRateLimit, buckets=TokenBuckets(settings.rate_limit_per_key))
        )
    routes: list[Any] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", GraphQLApp(settings, key_cache), methods=["GET", "POST"]),
        Route("/export/graph", exports.export_graph, methods=["GET"]),
        Route("/export/stakeholders", exports.export_stakeholders, methods=["GET"]),
        # The explorer page at `/` and its assets at `/assets` (web/dist); the API
        # console's assets at `/graphiql/assets` (its page is a browser's GET of /graphql).
        *web.routes(settings.web_dist or web.WEB_DIST, graphiql=settings.graphiql_enabled),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
