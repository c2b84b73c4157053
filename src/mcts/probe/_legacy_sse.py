"""MCP over the legacy SSE transport (protocol 2024-11-05) for the probe.

A session is a GET that stays open: the server's first event (``endpoint``) names the URL to POST messages
to, and the answers come back as ``message`` events on the stream. The endpoint must be on the target's own
origin (scheme, host and port), as the MCP SDKs require: the probe never posts to a host the server names.
Each connection runs in the channel's task group, reads at most ``STREAM_BYTES`` and keeps at most
``MAX_MESSAGES`` answers; closing a session cancels its connection.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import anyio
import httpx2
from anyio.abc import TaskGroup, TaskStatus

from mcts.errors import describe
from mcts.probe._channel import INITIALIZE_PARAMS, Answer, Opened, Session, forge_id, request_body
from mcts.probe._http import (
    MAX_BODY_BYTES,
    JsonRpc,
    ProbeHttp,
    ProbeNetworkError,
    Reply,
    jsonrpc_object,
    read_reply,
    scrub_bytes,
)
from mcts.probe._sse import SseParser
from mcts.text.redact import redact_secrets

STREAM_BYTES = 4 * MAX_BODY_BYTES
MAX_MESSAGES = 500
RAW_ANSWER_WAIT = 5.0
"""Seconds to wait on the stream for the answer to a raw (invalid) message the server accepted with 202."""


def same_origin(a: str, b: str) -> bool:
    """Whether two absolute URLs share scheme, host and port."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme.lower(), pa.hostname, pa.port) == (pb.scheme.lower(), pb.hostname, pb.port)


def session_param(endpoint: str) -> tuple[str, str] | None:
    """The query parameter of ``endpoint`` that carries the session id, and its value."""
    for name, value in parse_qsl(urlsplit(endpoint).query, keep_blank_values=True):
        lowered = name.lower()
        if value and ("session" in lowered or lowered == "sid"):
            return name, value
    return None


class SseConnection:
    """One open SSE stream: its endpoint, session id and the answers received on it."""

    def __init__(self, http: ProbeHttp, url: str, *, anonymous: bool, headers: Mapping[str, str]) -> None:
        self.http = http
        self.url = url
        self.anonymous = anonymous
        self.headers = {"Accept": "text/event-stream", **headers}
        self.endpoint: str | None = None
        self.session_id: str | None = None
        self.messages: dict[object, JsonRpc] = {}
        self.closed = False
        self._arrived = anyio.Event()
        self._scope = anyio.CancelScope()
        self._started = False

    def close(self) -> None:
        """Stop reading and drop the connection."""
        self._scope.cancel()

    async def run(self, *, task_status: TaskStatus[Reply]) -> None:
        """Open the stream; report the reply once the endpoint event came (or did not); then keep reading."""
        with self._scope:
            try:
                async with self.http.open_stream(self.url, anonymous=self.anonymous, headers=self.headers) as response:
                    if not 200 <= response.status_code < 300 or "text/event-stream" not in response.headers.get(
                        "content-type", ""
                    ):
                        with anyio.fail_after(self.http.options.request_timeout):
                            reply = await read_reply(response, secrets=self.http.secrets)
                        self._start(task_status, reply)
                        return
                    await self._read(response, task_status)
            except (httpx2.HTTPError, TimeoutError) as exc:
                if not self._started:
                    timed_out = isinstance(exc, TimeoutError)
                    raise ProbeNetworkError(redact_secrets(describe(exc)), timed_out=timed_out) from None
            except Exception:
                if not self._started:
                    raise
            finally:
                self.closed = True
                self._arrived.set()

    def _start(self, task_status: TaskStatus[Reply], reply: Reply) -> None:
        self._started = True
        task_status.started(reply)

    async def _read(self, response: httpx2.Response, task_status: TaskStatus[Reply]) -> None:
        head = Reply(response.status_code, response.headers)
        parser = SseParser()
        received = 0
        with anyio.CancelScope(deadline=anyio.current_time() + self.http.options.request_timeout) as waiting:
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                for event in parser.feed(chunk):
                    if event.event == "endpoint" and not self._started:
                        self._accept_endpoint(event.data)
                        note = "" if self.endpoint else "its endpoint event names another origin: not followed"
                        self._start(task_status, replace(head, note=note))
                        waiting.deadline = math.inf
                    elif event.event == "message":
                        self._keep(jsonrpc_object(scrub_bytes(event.data.encode(), self.http.secrets)))
                if received >= STREAM_BYTES:
                    break
        if not self._started:
            what = "no endpoint event" if not waiting.cancelled_caught else "no endpoint event in time"
            self._start(task_status, replace(head, note=f"the stream opened but sent {what}"))

    def _accept_endpoint(self, data: str) -> None:
        endpoint = urljoin(self.url, data.strip())
        if same_origin(endpoint, self.url):
            self.endpoint = endpoint
            found = session_param(endpoint)
            self.session_id = found[1] if found else None

    def _keep(self, messages: list[JsonRpc]) -> None:
        for message in messages:
            if len(self.messages) < MAX_MESSAGES:
                self.messages[message.get("id")] = message
        self._arrived.set()
        self._arrived = anyio.Event()

    async def wait_for(self, keys: tuple[object, ...], timeout: float) -> JsonRpc | None:
        """The first answer received under one of ``keys`` (ids; None for an error without id), or None."""
        with anyio.move_on_after(timeout):
            while True:
                for key in keys:
                    message = self.messages.get(key)
                    if message is not None and (key is not None or "error" in message):
                        return message
                if self.closed:
                    return None
                await self._arrived.wait()
        return None


class SseChannel:
    """MCP over the legacy SSE transport."""

    kind = "sse"
    opening = "the SSE stream (GET)"
    method = "GET"

    def __init__(self, http: ProbeHttp, url: str, task_group: TaskGroup) -> None:
        self.http = http
        self.url = url
        self.sessions: list[Session] = []
        self._tg = task_group
        self._ids = itertools.count(1)

    async def open(
        self, *, anonymous: bool, headers: Mapping[str, str] | None = None, handshake: bool = True
    ) -> Opened:
        """Open the stream; with ``handshake``, also ``initialize`` over it."""
        connection = SseConnection(self.http, self.url, anonymous=anonymous, headers=headers or {})
        reply: Reply = await self._tg.start(connection.run)
        if connection.endpoint is None:
            connection.close()
            return Opened(reply, None)
        session = Session(anonymous, connection.session_id, endpoint=connection.endpoint, handle=connection)
        self.sessions.append(session)
        if not handshake:
            return Opened(reply, session)
        answer = await self.call(session, "initialize", INITIALIZE_PARAMS)
        if not answer.result:
            connection.close()
            said = "an error" if answer.error else "no answer"
            return Opened(replace(answer.reply, note=f"initialize got {said} on the stream"), None)
        await self.http.send("POST", connection.endpoint or "", anonymous=anonymous,
                             headers={"Content-Type": "application/json"},
                             body=request_body(None, "notifications/initialized"))
        return Opened(reply, session)

    async def call(
        self, session: Session, method: str, params: JsonRpc, *, wait: bool = True, allow_throttle: bool = False
    ) -> Answer:
        """POST a request to the session's endpoint; its answer comes on the session's stream."""
        request_id = next(self._ids)
        reply = await self.http.send("POST", session.endpoint or self.url, anonymous=session.anonymous,
                                     headers={"Content-Type": "application/json"},
                                     body=request_body(request_id, method, params), allow_throttle=allow_throttle)
        message = reply.answer(request_id)
        if message is None and reply.ok and wait and isinstance(session.handle, SseConnection):
            message = await session.handle.wait_for((request_id,), self.http.options.request_timeout)
        return Answer(reply, message)

    async def post_raw(self, session: Session, body: bytes, answer_id: object) -> Answer:
        """POST ``body`` unchanged to the session's endpoint and watch the stream briefly for its answer."""
        reply = await self.http.send("POST", session.endpoint or self.url, anonymous=session.anonymous,
                                     headers={"Content-Type": "application/json"}, body=body)
        message = reply.answer(answer_id) or reply.error()
        if message is None and reply.ok and isinstance(session.handle, SseConnection):
            wait = min(self.http.options.request_timeout, RAW_ANSWER_WAIT)
            message = await session.handle.wait_for((answer_id, None), wait)
        return Answer(reply, message)

    def forged(self, session: Session) -> Session | None:
        """``session`` with a random id in its endpoint's session parameter (and no stream to wait on)."""
        found = session_param(session.endpoint or "")
        if session.endpoint is None or found is None:
            return None
        name, value = found
        fake = forge_id(value)
        parts = urlsplit(session.endpoint)
        query = [(k, fake if k == name else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        endpoint = urlunsplit(parts._replace(query=urlencode(query)))
        return Session(session.anonymous, fake, endpoint=endpoint)

    def cleanup_cost(self) -> int:
        """Nothing: closing a stream sends no request."""
        return 0

    async def close_all(self) -> None:
        """Drop every open stream (legacy SSE has no DELETE: a closed stream ends the session)."""
        while self.sessions:
            handle = self.sessions.pop().handle
            if isinstance(handle, SseConnection):
                handle.close()
