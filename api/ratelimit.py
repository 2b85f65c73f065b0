"""Rate limits: token buckets per client address and per API key.

A bucket holds up to `capacity` requests and refills at `capacity` per minute, so a
client may send a burst of that many at once and that many per minute after. Over the
limit the answer is 429 with `Retry-After` (seconds until a request would pass).

The buckets live in this process: with N API instances behind a load balancer a client
gets up to N times the limit. That is the intended trade-off (no shared store to run);
put a limit at the proxy when a global one is needed. Buckets are kept for at most
`max_clients` clients (least recently seen dropped first — a dropped bucket was, or
soon would be, full again, so dropping it forgives little).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per client key, all with the same capacity and refill rate."""

    def __init__(
        self,
        per_minute: int,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> float:
        """Take one token for `client`: 0.0 when allowed, else seconds until one is there."""
        now = self.clock()
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        self._buckets[client] = bucket  # most recently seen last
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate


async def _too_many(wait: float, what: str, scope: Scope, receive: Receive, send: Send) -> None:
    seconds = max(1, math.ceil(wait))
    message = f"too many requests from this {what}; retry in {seconds} s"
    await JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]},
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )(scope, receive, send)


class IpRateLimit:
    """Limits every HTTP request by the client address (before authentication, so that
    key guessing is limited too). Health probes are exempt."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.buckets = buckets
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait = self.buckets.take(address)
        if wait:
            await _too_many(wait, "address", scope, receive, send)
            return
        await self.app(scope, receive, send)


class KeyRateLimit:
    """Limits authenticated requests by API key; runs after `ApiKeyAuth`."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("state", {}).get("principal") if scope["type"] == "http" else None
        if principal is not None:
            wait = self.buckets.take(principal.id)
            if wait:
                await _too_many(wait, "API key", scope, receive, send)
                return
        await self.app(scope, receive, send)
