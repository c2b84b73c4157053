"""Bounded HTTP for the probe: every request counted against a budget, sent under a deadline, read up to a cap.

Both clients come from ``mcts.net.http_client`` (so the network policy applies): one sends the operator's
headers (bearer token included), the other sends none at all. A 429 answer raises ``Throttled`` unless the
caller asked to see it (the rate-limit check): no other check may judge a server on a throttled answer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

from mcts.errors import describe
from mcts.net import http_client
from mcts.options import ScanOptions
from mcts.probe._sse import SseParser
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

MAX_REQUESTS = 60
"""Requests the probe sends to one server, session clean-up included."""
MAX_BODY_BYTES = 256 * 1024
"""Bytes read of one response body (an SSE stream included); the rest is dropped."""
JSON_AND_SSE = "application/json, text/event-stream"
MIN_SECRET_CHARS = 6
"""Operator header values at least this long are treated as secrets (scrubbed from what a server echoes)."""

JsonRpc = dict[str, Any]


class ProbeNetworkError(Exception):
    """The server could not be reached, or did not answer in time; the message says which."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class BudgetSpent(Exception):
    """The probe's request budget is spent: the check that needed one more request cannot run."""


class Throttled(Exception):
    """The server answered 429: the check cannot be judged on that answer."""


def jsonrpc_object(text: str | bytes) -> list[JsonRpc]:
    """The JSON-RPC objects in a JSON text (one object or a batch); nothing when it is not JSON."""
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers, the (capped) body and the JSON-RPC messages found in it."""

    status: int
    headers: httpx2.Headers
    body: bytes = b""
    truncated: bool = False
    messages: tuple[JsonRpc, ...] = ()
    note: str = ""
    """What the probe made of an answer the status does not explain (e.g. an SSE stream with no endpoint)."""

    @property
    def ok(self) -> bool:
        """A 2xx status."""
        return 200 <= self.status < 300

    @property
    def session_id(self) -> str | None:
        """The ``Mcp-Session-Id`` the server issued, if any."""
        return self.headers.get("mcp-session-id")

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def answer(self, request_id: object) -> JsonRpc | None:
        """The JSON-RPC response to ``request_id`` (a result or an error), if the body holds one."""
        for message in self.messages:
            if message.get("id") == request_id and ("result" in message or "error" in message):
                return message
        return None

    def error(self) -> JsonRpc | None:
        """The first JSON-RPC error object in the body, if any."""
        for message in self.messages:
            if isinstance(message.get("error"), dict):
                return message
        return None

    def describe(self) -> str:
        """``HTTP 403 (text/plain: Invalid Origin header)``: status and the start of the body, escaped."""
        text = self.body[:160].decode("utf-8", "replace").strip()
        error = self.error()
        if error is not None:
            text = f"JSON-RPC error {error['error'].get('code')}: {error['error'].get('message')}"
        elif any("result" in message for message in self.messages):
            text = "a JSON-RPC result"
        shown = escape_text(redact_secrets(" ".join(text.split())), limit=120)
        media = self.content_type or "no content type"
        said = f"HTTP {self.status} ({media}: {shown})" if shown else f"HTTP {self.status} ({media}, empty body)"
        return f"{said}; {self.note}" if self.note else said


class ProbeHttp:
    """The probe's two HTTP clients, its request counter and its caps."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self.sent = 0
        self.budget = MAX_REQUESTS
        self.throttled: str | None = None  # the first 429 seen, described
        self.secrets = operator_secrets(options)
        timeout = httpx2.Timeout(options.request_timeout)
        self._operator = http_client(options, timeout=timeout)
        self._anonymous = http_client(options, headers={}, timeout=timeout)

    @property
    def has_credentials(self) -> bool:
        """Whether the operator gave headers (a bearer token, an API key) to send."""
        return bool(self.options.http_headers())

    @property
    def remaining(self) -> int:
        """Requests left in the budget."""
        return self.budget - self.sent

    async def aclose(self) -> None:
        """Close both clients."""
        await self._operator.aclose()
        await self._anonymous.aclose()

    def _take(self, reserve: int) -> None:
        if self.sent + reserve >= self.budget:
            raise BudgetSpent(f"the probe's budget of {self.budget} requests is spent")
        self.sent += 1

    async def send(
        self,
        method: str,
        url: str,
        *,
        anonymous: bool = False,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        until_id: object = None,
        reserve: int = 0,
        allow_throttle: bool = False,
    ) -> Reply:
        """Send one request and read its answer (an SSE answer until the response to ``until_id``).

        ``reserve`` requests of the budget are kept back (for session clean-up). Raises ``ProbeNetworkError``,
        ``BudgetSpent``, or ``Throttled`` for a 429 unless ``allow_throttle``.
        """
        self._take(reserve)
        client = self._anonymous if anonymous else self._operator
        request = client.build_request(method, url, headers=dict(headers or {}), content=body)
        try:
            with anyio.fail_after(self.options.request_timeout):
                response = await self._start(client, request)
                try:
                    reply = await read_reply(response, until_id, self.secrets)
                finally:
                    await response.aclose()
        except TimeoutError:
            limit = self.options.request_timeout
            raise ProbeNetworkError(f"no complete answer within {limit:g}s", timed_out=True) from None
        except httpx2.HTTPError as exc:
            raise ProbeNetworkError(redact_secrets(describe(exc))) from None
        if reply.status == 429:
            self.throttled = self.throttled or f"{method} answered {reply.describe()}"
            if not allow_throttle:
                raise Throttled(reply.describe())
        return reply

    async def _start(self, client: httpx2.AsyncClient, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` and return once the headers arrived.

        A kept-alive connection the server closed after its last answer fails before any byte comes back; the
        request is then sent once more on a fresh connection (and counted again).
        """
        try:
            return await client.send(request, stream=True)
        except (httpx2.ReadError, httpx2.WriteError, httpx2.RemoteProtocolError):
            self._take(0)
            return await client.send(request, stream=True)

    @asynccontextmanager
    async def open_stream(
        self, url: str, *, anonymous: bool, headers: Mapping[str, str]
    ) -> AsyncIterator[httpx2.Response]:
        """A GET whose response is streamed (a legacy SSE connection).

        The deadline covers the headers; the stream may then stay quiet for as long as the probe runs (no read
        timeout): the caller bounds what it reads and cancels it when done.
        """
        self._take(0)
        client = self._anonymous if anonymous else self._operator
        timeout = httpx2.Timeout(self.options.request_timeout, read=None)
        try:
            with anyio.fail_after(self.options.request_timeout):
                request = client.build_request("GET", url, headers=dict(headers), timeout=timeout)
                response = await self._start(client, request)
        except TimeoutError:
            limit = self.options.request_timeout
            raise ProbeNetworkError(f"no answer within {limit:g}s", timed_out=True) from None
        except httpx2.HTTPError as exc:
            raise ProbeNetworkError(redact_secrets(describe(exc))) from None
        try:
            yield response
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()


async def read_reply(response: httpx2.Response, until_id: object = None, secrets: tuple[str, ...] = ()) -> Reply:
    """Read ``response`` up to ``MAX_BODY_BYTES``; an SSE body stops at the response to ``until_id``.

    Every one of ``secrets`` the server echoed back is replaced by ``***`` before anything is parsed or kept.
    """
    body = bytearray()
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    parser = SseParser() if media == "text/event-stream" else None
    messages: list[JsonRpc] = []
    try:
        truncated = await _read_body(response, body, parser, messages, until_id)
    except httpx2.HTTPError as exc:
        if 200 <= response.status_code < 300:
            raise  # an accepted request whose answer broke off: nothing can be judged from it
        note = f"the connection broke while the body was read ({redact_secrets(describe(exc))})"
        return Reply(response.status_code, response.headers, scrub_bytes(bytes(body), secrets), False, (), note)
    raw = scrub_bytes(bytes(body), secrets)
    if parser is not None and secrets:
        messages = [m for event in SseParser().feed(raw + b"\n\n") if event.event == "message"
                    for m in jsonrpc_object(event.data)]
    elif parser is None and not truncated and raw.lstrip()[:1] in (b"{", b"["):
        messages = jsonrpc_object(raw)
    return Reply(response.status_code, response.headers, raw, truncated, tuple(messages))


def scrub_bytes(data: bytes, secrets: tuple[str, ...]) -> bytes:
    """``data`` with every one of ``secrets`` replaced by ``***``."""
    for secret in secrets:
        data = data.replace(secret.encode(), b"***")
    return data


def operator_secrets(options: ScanOptions) -> tuple[str, ...]:
    """The values of the operator's headers (the bearer token included), longest first: never shown."""
    values = {value for value in options.http_headers().values() if len(value) >= MIN_SECRET_CHARS}
    if options.bearer_token is not None:
        values.add(options.bearer_token.get_secret_value())
    return tuple(sorted((v for v in values if v), key=len, reverse=True))


async def _read_body(
    response: httpx2.Response, body: bytearray, parser: SseParser | None, messages: list[JsonRpc], until_id: object
) -> bool:
    """Read into ``body`` (and ``messages`` for SSE); return whether the cap cut the body."""
    truncated = False
    async for received in response.aiter_bytes():
        room = MAX_BODY_BYTES - len(body)
        truncated = len(received) > room
        chunk = received[:room]
        body += chunk
        if parser is not None:
            for event in parser.feed(chunk):
                if event.event == "message":
                    messages += jsonrpc_object(event.data)
            if until_id is not None and any(m.get("id") == until_id for m in messages):
                break
        if truncated:
            break
    return truncated
