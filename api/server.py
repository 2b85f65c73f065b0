"""How uvicorn serves the app: its limits on slow and idle clients, from Settings.

Uvicorn times out idle keep-alive connections (`timeout_keep_alive`) but has no timeout
for reading a request's headers: a client that connects and sends nothing, or sends its
headers a byte at a time (slowloris), holds a connection for ever, and the headers it
sends are buffered without bound. `HeaderLimits` adds both limits to uvicorn's httptools
protocol. Request bodies are bounded in the app (`api.middleware.BodyLimit`). In front
of the API a reverse proxy should still apply its own (nginx `client_header_timeout`,
`client_body_timeout`, `large_client_header_buffers`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import Settings


def _answer(status: str, message: str) -> bytes:
    body = message.encode()
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


class HeaderLimits(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a deadline and a size limit for the request
    line and headers: the clock starts when the connection opens (or, on a kept-alive
    connection, with the first byte of the next request) and stops when the headers are
    complete. Past the deadline the answer is 408, over the size 431; then the
    connection is closed, lingering: the answer is sent and the writing side shut, what
    the client still sends is read and dropped for `linger` seconds, then it closes (a
    close with unread data would reset the connection, and a client still sending would
    lose the answer)."""

    header_timeout: float = 10.0
    max_header_bytes: int = 64 * 1024
    linger: float = 2.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._refused = False

    # as uvicorn's own override: an asyncio.Transport where asyncio declares a BaseTransport
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_clock()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the rest of a refused request: dropped while the close lingers
        super().data_received(data)
        if self._header_deadline is None or self.transport.is_closing():
            return
        # Still in the headers after this chunk: all of it was headers.
        self._header_bytes += len(data)
        if self._header_bytes > self.max_header_bytes:
            self._refuse(
                "431 Request Header Fields Too Large",
                f"request line and headers over {self.max_header_bytes} bytes",
            )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_header_clock()

    def on_headers_complete(self) -> None:
        self._stop_header_clock()
        super().on_headers_complete()

    def _start_header_clock(self) -> None:
        if self._header_deadline is None:
            self._header_bytes = 0
            self._header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _stop_header_clock(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self.cycle is not None and not self.cycle.response_complete:
            # An earlier request on this connection is still being answered; the next
            # one's headers get their full time once it is.
            self._start_header_clock()
            return
        self._refuse(
            "408 Request Timeout",
            f"the request line and headers did not arrive within {self.header_timeout:g} s",
        )

    def _refuse(self, status: str, message: str) -> None:
        self._stop_header_clock()
        if self._refused or self.transport.is_closing():
            return
        self._refused = True
        self.transport.write(_answer(status, message))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(self.linger, self.transport.close)


def http_protocol(settings: Settings) -> type[HeaderLimits]:
    """`HeaderLimits` with the limits of these settings."""
    return type(
        "KoostooHttpProtocol",
        (HeaderLimits,),
        {
            "header_timeout": settings.header_timeout,
            "max_header_bytes": settings.max_header_bytes,
        },
    )


def config(app: Any, settings: Settings, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    """Uvicorn's configuration for serving `app` with the slow-client limits of `settings`."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=http_protocol(settings),
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
        **options,
    )
