"""Speaking MCP to the probed server: sessions opened, requests sent, raw bodies posted, sessions closed.

``Channel`` is what the checks use; ``StreamableChannel`` implements it for streamable HTTP (POST JSON-RPC
with ``Accept: application/json, text/event-stream``, ``Mcp-Session-Id`` and ``MCP-Protocol-Version`` after
``initialize``, DELETE of every session opened) and ``mcts.probe._legacy_sse.SseChannel`` for the legacy SSE
transport. Every session the probe opens is recorded so that it is closed at the end.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from mcts import __version__
from mcts.probe._http import JSON_AND_SSE, BudgetSpent, JsonRpc, ProbeHttp, ProbeNetworkError, Reply, Throttled
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

PROTOCOL_VERSION = "2025-11-25"
"""Asked for in ``initialize``; the version the server answers is sent back in ``MCP-Protocol-Version``."""
INITIALIZE_PARAMS: JsonRpc = {
    "protocolVersion": PROTOCOL_VERSION,
    "capabilities": {},
    "clientInfo": {"name": "mcts-protocol-probe", "version": __version__},
}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass
class Session:
    """One MCP session the probe opened (or forged, to test how an unknown id is answered)."""

    anonymous: bool
    """Opened without the operator's headers."""
    id: str | None
    """``Mcp-Session-Id`` (streamable HTTP) or the id in the SSE message endpoint; none for a stateless server."""
    protocol_version: str | None = None
    endpoint: str | None = None
    """Legacy SSE: the URL messages are POSTed to."""
    handle: Any = field(default=None, repr=False)
    """Legacy SSE: the open connection."""


@dataclass(frozen=True)
class Opened:
    """How an attempt to open a session went: the deciding reply, and the session when it was accepted."""

    reply: Reply
    session: Session | None


@dataclass(frozen=True)
class Answer:
    """The HTTP reply to a POST and the JSON-RPC answer to it, when one came."""

    reply: Reply
    message: JsonRpc | None

    @property
    def result(self) -> bool:
        """The server answered with a JSON-RPC result (it processed the message)."""
        return self.message is not None and "result" in self.message

    @property
    def error(self) -> bool:
        """The server answered with a JSON-RPC error."""
        return self.message is not None and "error" in self.message

    def describe(self) -> str:
        """The JSON-RPC error when there is one, else the HTTP reply."""
        error = self.message.get("error") if self.message is not None else None
        if isinstance(error, dict):
            text = escape_text(redact_secrets(str(error.get("message"))), limit=120)
            return f"JSON-RPC error {error.get('code')}: {text} (HTTP {self.reply.status})"
        return self.reply.describe()


class Channel(Protocol):
    """A transport the checks speak MCP over."""

    kind: str
    opening: str
    """How a session is opened, for messages: ``initialize (POST)`` or ``the SSE stream (GET)``."""
    method: str
    """The HTTP method of the opening request (for CORS preflights)."""

    async def open(
        self, *, anonymous: bool, headers: Mapping[str, str] | None = None, handshake: bool = True
    ) -> Opened:
        """Open a session; ``handshake=False`` stops after the first exchange (enough to see it accepted)."""
        ...

    async def call(
        self, session: Session, method: str, params: JsonRpc, *, wait: bool = True, allow_throttle: bool = False
    ) -> Answer:
        """Send a request in ``session``; ``wait=False`` does not wait for an answer sent elsewhere (SSE)."""
        ...

    async def post_raw(self, session: Session, body: bytes, answer_id: object) -> Answer:
        """POST ``body`` as it is in ``session``; the answer is the response to ``answer_id`` or an error."""
        ...

    def forged(self, session: Session) -> Session | None:
        """A copy of ``session`` with a random id of the same shape; none when its id cannot be replaced."""
        ...

    def cleanup_cost(self) -> int:
        """Requests that closing the open sessions will take (kept back from the budget)."""
        ...

    async def close_all(self) -> None:
        """Close every session this channel opened (best effort: clean-up never fails a check)."""
        ...


def request_body(request_id: int | None, method: str, params: JsonRpc | None = None) -> bytes:
    """A JSON-RPC 2.0 request (a notification when ``request_id`` is None)."""
    message: JsonRpc = {"jsonrpc": "2.0", "method": method}
    if request_id is not None:
        message["id"] = request_id
    if params is not None:
        message["params"] = params
    return json.dumps(message).encode()


def forge_id(real: str) -> str:
    """A random id shaped like ``real`` (a UUID stays a UUID), so format validation cannot explain a refusal."""
    if _UUID.match(real):
        return str(uuid.uuid4())
    return secrets.token_hex(max(16, len(real) // 2))[: max(len(real), 32)]


class StreamableChannel:
    """MCP over streamable HTTP."""

    kind = "streamable-http"
    opening = "initialize (POST)"
    method = "POST"

    def __init__(self, http: ProbeHttp, url: str) -> None:
        self.http = http
        self.url = url
        self.sessions: list[Session] = []  # sessions with an id, DELETEd at the end
        self._ids = itertools.count(1)

    def _headers(self, session: Session | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": JSON_AND_SSE, "Content-Type": "application/json"}
        if session is not None and session.id:
            headers["Mcp-Session-Id"] = session.id
        if session is not None and session.protocol_version:
            headers["MCP-Protocol-Version"] = session.protocol_version
        headers.update(extra or {})
        return headers

    async def open(
        self, *, anonymous: bool, headers: Mapping[str, str] | None = None, handshake: bool = True
    ) -> Opened:
        """POST ``initialize``; on a result, record the session and (``handshake``) send ``initialized``."""
        request_id = next(self._ids)
        reply = await self.http.send(
            "POST", self.url, anonymous=anonymous, headers=self._headers(None, headers),
            body=request_body(request_id, "initialize", INITIALIZE_PARAMS), until_id=request_id,
            reserve=len(self.sessions),
        )
        answer = reply.answer(request_id)
        if not reply.ok or answer is None or not isinstance(answer.get("result"), dict):
            return Opened(reply, None)
        version = answer["result"].get("protocolVersion")
        session = Session(anonymous, reply.session_id, version if isinstance(version, str) else PROTOCOL_VERSION)
        if session.id:
            self.sessions.append(session)
        if handshake:
            await self.http.send("POST", self.url, anonymous=anonymous, headers=self._headers(session),
                                 body=request_body(None, "notifications/initialized"), reserve=len(self.sessions))
        return Opened(reply, session)

    async def call(
        self, session: Session, method: str, params: JsonRpc, *, wait: bool = True, allow_throttle: bool = False
    ) -> Answer:
        """POST a request in ``session`` and read its answer from the reply (JSON or SSE)."""
        request_id = next(self._ids)
        reply = await self.http.send(
            "POST", self.url, anonymous=session.anonymous, headers=self._headers(session),
            body=request_body(request_id, method, params), until_id=request_id, reserve=len(self.sessions),
            allow_throttle=allow_throttle,
        )
        return Answer(reply, reply.answer(request_id))

    async def post_raw(self, session: Session, body: bytes, answer_id: object) -> Answer:
        """POST ``body`` unchanged in ``session``."""
        reply = await self.http.send("POST", self.url, anonymous=session.anonymous, headers=self._headers(session),
                                     body=body, until_id=answer_id, reserve=len(self.sessions))
        return Answer(reply, reply.answer(answer_id) or reply.error())

    def forged(self, session: Session) -> Session | None:
        """``session`` with a random ``Mcp-Session-Id`` of the same shape."""
        return None if not session.id else replace(session, id=forge_id(session.id))

    def cleanup_cost(self) -> int:
        """One DELETE per session with an id."""
        return len(self.sessions)

    async def close_all(self) -> None:
        """DELETE every session opened, with the credentials that opened it."""
        while self.sessions:
            session = self.sessions.pop()
            try:
                await self.http.send("DELETE", self.url, anonymous=session.anonymous, headers=self._headers(session))
            except (ProbeNetworkError, BudgetSpent, Throttled):
                continue  # the server will expire it; clean-up never changes a verdict
