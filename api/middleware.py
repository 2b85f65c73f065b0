"""Pure-ASGI middleware: request ids and access logs, body-size limits, API-key auth."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id_var
from graph import keys
from graph.driver import Graph
from graph.errors import Unavailable

log = logging.getLogger("koostoo.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _error(
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


class BodyLimit:
    """Refuses request bodies over `max_bytes` (by header, and while streaming)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _error(413, f"request body over {self.max_bytes} bytes", "PAYLOAD_TOO_LARGE")(
                scope, receive, send
            )
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise ValueError("request body too large")
            return message

        await self.app(scope, limited, send)


class ApiKeyAuth:
    """Resolves `Authorization: Bearer KEY` on protected paths; 401 without a valid key.

    The principal goes to `scope["state"]["principal"]`; role checks happen where
    the operation is known (GraphQL permissions, route handlers).
    """

    def __init__(
        self, app: ASGIApp, protected: Iterable[str], *, allow_ide_page: bool = False
    ) -> None:
        self.app = app
        self.protected = tuple(protected)
        self.allow_ide_page = allow_ide_page

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
            await _error(
                401,
                "missing API key: send `Authorization: Bearer KEY`",
                "UNAUTHENTICATED",
                {"WWW-Authenticate": 'Bearer realm="koostoo"'},
            )(scope, receive, send)
            return
        graph: Graph = scope["state"]["graph"]
        try:
            principal = await keys.authenticate(graph, secret.strip())
        except Unavailable:
            await _error(
                503, "the graph database is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
            )(scope, receive, send)
            return
        if principal is None:
            await _error(
                401,
                "unknown, revoked or expired API key",
                "UNAUTHENTICATED",
                {"WWW-Authenticate": 'Bearer realm="koostoo", error="invalid_token"'},
            )(scope, receive, send)
            return
        scope["state"]["principal"] = principal
        await self.app(scope, receive, send)

    @staticmethod
    def _is_ide_page(scope: Scope, headers: Headers) -> bool:
        return scope["method"] == "GET" and "text/html" in headers.get("accept", "")
