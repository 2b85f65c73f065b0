"""Slow and oversized clients over real sockets, against uvicorn as `koostoo serve`
configures it (api/server.py): headers that never finish, or are too large, and a
body that stalls, are answered (408, 431) and the connection closed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from api.app import create_app
from api.server import config
from api.settings import Settings
from graph.driver import Graph
from graph.keys import Role

#: A guard so that a broken server fails the test instead of hanging it.
GUARD = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def port(graph: Graph, settings: Settings) -> AsyncIterator[int]:
    quick = settings.model_copy(
        update={
            "header_timeout": 0.3,
            "max_header_bytes": 8192,
            "body_read_timeout": 0.3,
            "body_timeout": 2.0,
        }
    )
    chosen = _free_port()
    server = uvicorn.Server(
        config(
            create_app(quick, graph=graph),
            quick,
            host="127.0.0.1",
            port=chosen,
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
        assert not serving.done(), "uvicorn did not start"
    yield chosen
    server.should_exit = True
    await serving


async def _exchange(port: int, *parts: bytes) -> bytes:
    """Send `parts` (and then nothing more); everything the server says until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
        return await asyncio.wait_for(reader.read(), GUARD)
    finally:
        writer.close()


async def test_headers_that_never_finish_are_408(port: int) -> None:
    for parts in (
        (),  # connects and says nothing
        (b"GET /healthz HTTP/1.1\r\n", b"Host: koostoo.test\r\n"),  # the blank line never comes
    ):
        answer = await _exchange(port, *parts)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
        assert b"did not arrive within 0.3 s" in answer


async def test_headers_over_the_size_are_431(port: int) -> None:
    padding = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 100) for i in range(200))
    answer = await _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: koostoo.test\r\n" + padding)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer


async def test_a_stalled_body_is_408_and_whole_requests_still_pass(
    port: int, api_keys: dict[Role, str]
) -> None:
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: koostoo.test\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + api_keys[Role.VIEWER].encode() + b"\r\n"
    )
    stalled = await _exchange(port, head + b"Content-Length: 40\r\n\r\n", b'{"query": ')
    assert stalled.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), stalled
    assert b"REQUEST_TIMEOUT" in stalled and b"connection: close" in stalled.lower()
    body = b'{"query": "{ viewer { name } }"}'
    whole = await _exchange(
        port, head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
    )
    assert whole.startswith(b"HTTP/1.1 200 OK\r\n"), whole
    assert whole.endswith(b'{"data":{"viewer":{"name":"test-viewer"}}}')
