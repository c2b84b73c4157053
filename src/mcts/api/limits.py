"""What one caller may cost the server: requests per minute, request body size, concurrent scans and their deadline.

- ``RateLimiter``: a sliding window of ``MCTS_API_RATE_LIMIT_PER_MINUTE`` requests per bucket (an API key's
  hash, or the client address when no valid key was presented); answered 429 with ``Retry-After``.
- ``BodySizeLimit``: ASGI middleware reading the body before the app does and refusing it (413) as soon as it
  passes ``MCTS_API_MAX_BODY_BYTES``, whether it was announced by ``Content-Length`` or sent chunked.
- ``ScanGate``: at most ``MCTS_API_MAX_CONCURRENT_SCANS`` scans at once; a request waits up to
  ``MCTS_API_QUEUE_WAIT_SECONDS`` for a slot (503 with ``Retry-After`` otherwise); a scan that outlives
  ``MCTS_API_SCAN_TIMEOUT_SECONDS`` is cancelled (its server processes with it) and answered 504.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mcts.api.models import ApiError
from mcts.api.settings import ApiSettings

T = TypeVar("T")


class RateLimiter:
    """A sliding window of at most ``per_minute`` requests per bucket over the last ``window`` seconds.

    Refused requests do not count. At most ``max_buckets`` buckets are kept: idle ones are dropped first,
    then the least recently used (a flood of distinct addresses cannot exhaust memory).
    """

    def __init__(self, per_minute: int, *, window: float = 60.0, max_buckets: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.window = window
        self.max_buckets = max_buckets
        self._clock = clock
        self._buckets: OrderedDict[str, deque[float]] = OrderedDict()

    def acquire(self, bucket: str) -> float | None:
        """Count one request for ``bucket``: ``None`` if allowed, else the seconds until one would be."""
        now = self._clock()
        hits = self._buckets.get(bucket)
        if hits is None:
            self._make_room(now)
            hits = self._buckets[bucket] = deque()
        else:
            self._buckets.move_to_end(bucket)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(hits[0] + self.window - now, 0.001)
        hits.append(now)
        return None

    def _make_room(self, now: float) -> None:
        # Buckets are in least-recently-used order, so the idle ones are at the front.
        while self._buckets:
            hits = next(iter(self._buckets.values()))
            if hits and hits[-1] > now - self.window and len(self._buckets) < self.max_buckets:
                return
            self._buckets.popitem(last=False)


class BodySizeLimit:
    """ASGI middleware: the request body is read (and counted) before the app sees it; too large -> 413.

    A ``Content-Length`` above the limit is refused before a byte is read; a chunked body is refused as soon as
    the bytes received pass the limit. The app then gets the buffered body, so it never parses a partial one.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer and count the body of an HTTP request, then call the app with it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Request(scope).headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _error(400, "bad_request", "the Content-Length header is not a number")(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client is gone: nothing to answer
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self) -> JSONResponse:
        return _error(413, "payload_too_large", f"the request body is larger than {self.max_bytes} bytes "
                      "(the server's MCTS_API_MAX_BODY_BYTES); send a smaller request")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as the server would

    return replay


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


class ScanGate:
    """At most ``max_concurrent`` scans at once, each under a deadline; see the module docstring."""

    def __init__(self, max_concurrent: int, queue_wait: float, timeout: float) -> None:
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        self.timeout = timeout
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the server's event loop

    async def run(self, scan: Callable[[], Awaitable[T]]) -> T:
        """Run ``scan`` in a slot under the deadline; 503 if no slot frees in time, 504 when the deadline hits."""
        if self._slots is None:
            self._slots = anyio.Semaphore(self.max_concurrent)
        slots = self._slots
        acquired = False
        try:
            slots.acquire_nowait()
            acquired = True
        except anyio.WouldBlock:
            with anyio.move_on_after(self.queue_wait):
                await slots.acquire()
                acquired = True
        if not acquired:
            retry = max(1, math.ceil(self.queue_wait))
            raise ApiError(503, "busy", f"{self.max_concurrent} scan(s) are already running (the server's "
                           f"MCTS_API_MAX_CONCURRENT_SCANS) and none finished within {self.queue_wait:g}s; retry "
                           f"after {retry}s", headers={"Retry-After": str(retry)})
        try:
            with anyio.move_on_after(self.timeout):
                return await scan()
            raise ApiError(504, "scan_timeout", f"the scan did not finish within {self.timeout:g}s (the server's "
                           "MCTS_API_SCAN_TIMEOUT_SECONDS); it was cancelled and the servers it started were stopped")
        finally:
            slots.release()


@dataclass
class ApiState:
    """What the app keeps between requests: its settings, the rate limiter and the scan gate."""

    settings: ApiSettings
    rate_limiter: RateLimiter = field(init=False)
    scan_gate: ScanGate = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.rate_limiter = RateLimiter(s.rate_limit_per_minute)
        self.scan_gate = ScanGate(s.max_concurrent_scans, s.queue_wait_seconds, s.scan_timeout_seconds)


def api_state(request: Request) -> ApiState:
    """The ``ApiState`` of the app serving ``request`` (set by ``create_app``)."""
    state: ApiState = request.app.state.mcts
    return state
