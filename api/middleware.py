"""Pure-ASGI middleware: request ids and access logs, body size and time limits, API-key auth."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id_var
from graph import keys
from graph.driver import Graph
from graph.errors import Unavailable

log = logging.getLogger("koostoo.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def error_response(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
        headers=headers,
    )


class RequestContext:
    """Gives every request an id (or keeps a sane X-Request-ID), echoes it, logs one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # The path only: query strings may carry a key (`/?key=…`).
            log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1)},
            )
            request_id_var.reset(token)


class _BodyRefused(Exception):
    """Raised into the app from `receive()`; BodyLimit turns it into the answer."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class BodyLimit:
    """Refuses request bodies over `max_bytes` (413) and bodies that arrive too slowly
    (408): a pause of more than `read_timeout` seconds between two chunks, or more than
    `total_timeout` seconds for the whole body. Checked by header where one is given,
    and while the app reads (chunked bodies carry no length). An app that never reads
    the body (a 401 for a missing key) is not held up by it."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, *, read_timeout: float, total_timeout: float
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, receive, send, self._too_large())
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_timeout
        seen = 0
        body_done = False
        responding = False

        async def limited() -> Message:
            nonlocal seen, body_done
            if body_done:  # e.g. waiting for a disconnect while streaming the answer
                return await receive()
            try:
                async with asyncio.timeout(min(self.read_timeout, deadline - loop.time())):
                    message = await receive()
            except TimeoutError:
                raise _BodyRefused(
                    408,
                    f"the request body did not arrive in time (a pause of over "
                    f"{self.read_timeout:g} s, or over {self.total_timeout:g} s in all)",
                    "REQUEST_TIMEOUT",
                ) from None
            if message["type"] != "http.request":
                body_done = True
                return message
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise self._too_large()
            body_done = not message.get("more_body", False)
            return message

        async def watched(message: Message) -> None:
            nonlocal responding
            responding = responding or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except _BodyRefused as refused:
            if responding:  # too late to answer; the server closes the connection
                raise
            await self._refuse(scope, receive, send, refused)

    def _too_large(self) -> _BodyRefused:
        return _BodyRefused(413, f"request body over {self.max_bytes} bytes", "PAYLOAD_TOO_LARGE")

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, refused: _BodyRefused) -> None:
        # The rest of the body stays unread: the connection cannot be reused.
        await error_response(refused.status, str(refused), refused.code, {"Connection": "close"})(
            scope, receive, send
        )


class KeyCache:
    """The keys this process has authenticated, by their secret's hash (bounded, the
    least recently used dropped first). A cached key lets a GraphQL read skip the
    lookup of its own: the compiled read checks the key inside its own transaction
    (`keys.STILL_ACTIVE`), and everything else looks it up again first
    (`verify_deferred`), so a key revoked by any API process stops working at once."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._keys: OrderedDict[str, keys.ApiKey] = OrderedDict()

    def get(self, key_hash: str) -> keys.ApiKey | None:
        found = self._keys.get(key_hash)
        if found is None or not found.active:
            return None
        self._keys.move_to_end(key_hash)
        return found

    def put(self, key_hash: str, key: keys.ApiKey) -> None:
        self._keys[key_hash] = key
        self._keys.move_to_end(key_hash)
        while len(self._keys) > self.size:
            self._keys.popitem(last=False)

    def drop(self, key_hash: str) -> None:
        self._keys.pop(key_hash, None)


class Unauthenticated(Exception):
    """No active key: answered with `unauthenticated()`."""


def unauthenticated() -> JSONResponse:
    return error_response(
        401,
        "unknown, revoked or expired API key",
        "UNAUTHENTICATED",
        {"WWW-Authenticate": 'Bearer realm="koostoo", error="invalid_token"'},
    )


#: Where the key of a request was taken from the cache unchecked (its hash): the
#: handler checks it, in the read's transaction or by `verify_deferred`.
DEFERRED_KEY = "unverified_key"


async def verify_deferred(state: dict[str, Any], cache: KeyCache) -> keys.ApiKey | None:
    """Look up again the key of a request whose key came from the cache (`DEFERRED_KEY`);
    its principal, or `Unauthenticated`. Nothing to do (None) for a checked key."""
    key_hash = state.pop(DEFERRED_KEY, None)
    if key_hash is None:
        return None
    principal = await keys.authenticate_hash(state["graph"], key_hash)
    if principal is None:
        cache.drop(key_hash)
        raise Unauthenticated
    cache.put(key_hash, principal)
    state["principal"] = principal
    return principal


class ApiKeyAuth:
    """Resolves `Authorization: Bearer KEY` on protected paths; 401 without a valid key.

    The principal goes to `scope["state"]["principal"]`; role checks happen where
    the operation is known (GraphQL permissions, route handlers). On the `deferred`
    paths (GraphQL) a key found in `cache` is taken without a lookup and marked
    `DEFERRED_KEY`: the handler checks it before it answers.
    """

    def __init__(
        self,
        app: ASGIApp,
        protected: Iterable[str],
        *,
        allow_ide_page: bool = False,
        cache: KeyCache | None = None,
        deferred: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.protected = tuple(protected)
        self.allow_ide_page = allow_ide_page
        self.cache = cache
        self.deferred = tuple(deferred)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.protected):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.allow_ide_page and self._is_ide_page(scope, headers):
            await self.app(scope, receive, send)
            return
        scheme, _, secret = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            await error_response(
                401,
                "missing API key: send `Authorization: Bearer KEY`",
                "UNAUTHENTICATED",
                {"WWW-Authenticate": 'Bearer realm="koostoo"'},
            )(scope, receive, send)
            return
        key_hash = keys.secret_hash(secret.strip())
        if self.cache is not None and key_hash and scope["path"].startswith(self.deferred):
            cached = self.cache.get(key_hash)
            if cached is not None:
                scope["state"]["principal"] = cached
                scope["state"][DEFERRED_KEY] = key_hash
                await self.app(scope, receive, send)
                return
        graph: Graph = scope["state"]["graph"]
        try:
            principal = await keys.authenticate(graph, secret.strip())
        except Unavailable:
            await error_response(
                503, "the graph database is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
            )(scope, receive, send)
            return
        if principal is None:
            if self.cache is not None and key_hash:
                self.cache.drop(key_hash)
            await unauthenticated()(scope, receive, send)
            return
        if self.cache is not None and key_hash:
            self.cache.put(key_hash, principal)
        scope["state"]["principal"] = principal
        await self.app(scope, receive, send)

    @staticmethod
    def _is_ide_page(scope: Scope, headers: Headers) -> bool:
        """The bare GraphiQL page: a browser's GET that carries no operation. A `query`
        parameter (even an empty one) makes it an operation, which needs a key."""
        return (
            scope["method"] == "GET"
            and "text/html" in headers.get("accept", "")
            and "query" not in QueryParams(scope["query_string"])
        )
