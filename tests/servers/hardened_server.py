"""A hardened MCP server: everything the protocol probe checks, done right (its negative test case).

Run it as::

    HARDENED_SERVER_TOKEN=secret python tests/servers/hardened_server.py --port N   # http://127.0.0.1:N/mcp

An SDK (``MCPServer``) server on streamable HTTP, bound to 127.0.0.1, inside two Starlette (pure ASGI)
middlewares:

* ``HostOriginGuard`` (outermost): a ``Host`` other than ``127.0.0.1:N`` / ``localhost:N`` gets 421, an
  ``Origin`` other than ``http://127.0.0.1:N`` / ``http://localhost:N`` gets 403 (no CORS headers, ever);
* ``BurstLimiter``: at most ``--session-limit`` requests per ``--window`` seconds per ``Mcp-Session-Id``, and
  ``--address-limit`` per client address for requests without one; over the limit: 429 with ``Retry-After``.
  DELETE (closing a session) is never limited.

Inside, the SDK: a bearer token (the ``HARDENED_SERVER_TOKEN`` environment variable, compared in constant
time) is required on ``/mcp``; without it: 401 with ``WWW-Authenticate: Bearer … resource_metadata=…``. It
serves RFC 9728 metadata at ``/.well-known/oauth-protected-resource/mcp`` naming itself as the
authorization server, and RFC 8414 metadata at ``/.well-known/oauth-authorization-server`` listing
``S256``. Unknown sessions get 404 and invalid JSON-RPC gets 400 (the SDK's transport). Session ids are
128 random bits (32 hex digits) from ``secrets``.

``GET /_test/open-sessions`` answers ``{"open": N}``, the sessions still open (tests check that clients
closed theirs). ``--pkce-methods plain`` (or ``none``: no field) weakens the authorization-server metadata.

Tools: ``server_time`` (read-only, no argument: the one the probe may call) and ``sum_numbers`` (read-only,
two required arguments).
"""

from __future__ import annotations

import argparse
import hmac
import math
import os
import secrets
import time
from collections import defaultdict, deque
from typing import Annotated

import uvicorn
from mcp.server import streamable_http_manager
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

HOST = "127.0.0.1"
PATH = "/mcp"
TOKEN_ENV = "HARDENED_SERVER_TOKEN"
SCOPE = "mcp:tools"
SERVER_NAME = "hardened-test-server"
READ_ONLY_TOOL = "server_time"
OPEN_SESSIONS_PATH = "/_test/open-sessions"


class _Random128:
    """Stands in for ``uuid.uuid4`` in the SDK's session manager, which mints ids as ``uuid4().hex``.

    A UUID carries 122 random bits; these ids carry 128, as the MCP security best practices recommend.
    """

    @property
    def hex(self) -> str:
        return secrets.token_hex(16)


class StaticTokenVerifier:
    """Accepts exactly one bearer token (constant-time comparison), issued for this server's resource URL."""

    def __init__(self, token: str, resource: str) -> None:
        self._token = token.encode()
        self._resource = resource

    async def verify_token(self, token: str) -> AccessToken | None:
        if not hmac.compare_digest(token.encode(), self._token):
            return None
        return AccessToken(token=token, client_id="hardened-test-client", scopes=[SCOPE], resource=self._resource)


class HostOriginGuard:
    """421 for a foreign Host, 403 for a foreign Origin, before anything else runs."""

    def __init__(self, app: ASGIApp, hosts: set[str], origins: set[str]) -> None:
        self.app, self.hosts, self.origins = app, hosts, origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if headers.get("host") not in self.hosts:
                await PlainTextResponse("Misdirected request: unknown Host", status_code=421)(scope, receive, send)
                return
            origin = headers.get("origin")
            if origin is not None and origin not in self.origins:
                await PlainTextResponse("Forbidden: foreign Origin", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BurstLimiter:
    """A sliding-window limit per session id (or per client address without one); 429 with Retry-After."""

    def __init__(self, app: ASGIApp, *, session_limit: int, address_limit: int, window: float) -> None:
        self.app = app
        self.session_limit, self.address_limit, self.window = session_limit, address_limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "DELETE":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        session = headers.get(b"mcp-session-id")
        client = scope.get("client") or ("unknown", 0)
        key, limit = (f"session:{session.decode('latin-1')}", self.session_limit) if session else (
            f"address:{client[0]}", self.address_limit)
        now = time.monotonic()
        stamps = self._seen[key]
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= limit:
            retry = max(1, math.ceil(stamps[0] + self.window - now))
            response = PlainTextResponse("Too many requests", status_code=429, headers={"Retry-After": str(retry)})
            await response(scope, receive, send)
            return
        stamps.append(now)
        await self.app(scope, receive, send)


def build_app(
    port: int,
    token: str,
    *,
    session_limit: int,
    address_limit: int,
    window: float,
    pkce_methods: list[str] | None = None,
) -> ASGIApp:
    """The hardened server's ASGI app for ``http://127.0.0.1:{port}/mcp``.

    ``pkce_methods`` replaces ``["S256"]`` in the authorization-server metadata (None: the field is left out),
    to give the probe's PKCE check something to fail on.
    """
    base = f"http://{HOST}:{port}"
    resource = base + PATH
    streamable_http_manager.uuid4 = _Random128  # type: ignore[attr-defined,assignment]
    server = MCPServer(
        SERVER_NAME,
        instructions="A hardened test server: authorization, origin checks, session hygiene and rate limits.",
        token_verifier=StaticTokenVerifier(token, resource),
        auth=AuthSettings(issuer_url=base, resource_server_url=resource, required_scopes=[SCOPE],
                          validate_token_resource=True),
        log_level="WARNING",
    )

    @server.tool(description="Return the server's clock as seconds since the epoch.",
                 annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
    def server_time() -> float:
        return time.time()

    @server.tool(description="Return the sum of two integers.",
                 annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
    def sum_numbers(a: Annotated[int, Field(description="First addend.")],
                    b: Annotated[int, Field(description="Second addend.")]) -> int:
        return a + b

    @server.custom_route("/.well-known/oauth-authorization-server", methods=["GET"])
    async def authorization_server_metadata(request: Request) -> Response:
        metadata: dict[str, object] = {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": [SCOPE],
        }
        if pkce_methods is not None:
            metadata["code_challenge_methods_supported"] = pkce_methods
        return JSONResponse(metadata)

    @server.custom_route(OPEN_SESSIONS_PATH, methods=["GET"])
    async def open_sessions(request: Request) -> Response:  # for tests: did every client close its sessions?
        return JSONResponse({"open": len(server.session_manager._server_instances)})

    hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    origins = {f"http://{HOST}:{port}", f"http://localhost:{port}"}
    security = TransportSecuritySettings(allowed_hosts=sorted(hosts), allowed_origins=sorted(origins))
    app = server.streamable_http_app(streamable_http_path=PATH, transport_security=security, host=HOST)
    limited = BurstLimiter(app, session_limit=session_limit, address_limit=address_limit, window=window)
    return HostOriginGuard(limited, hosts, origins)


def main(argv: list[str] | None = None) -> None:
    """Parse the options and serve on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--session-limit", type=int, default=20, help="requests per window per session")
    parser.add_argument("--address-limit", type=int, default=200, help="requests per window per address, no session")
    parser.add_argument("--window", type=float, default=10.0, help="seconds")
    parser.add_argument("--pkce-methods", default="S256",
                        help="comma-separated code_challenge_methods_supported; 'none' leaves the field out")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_ENV)
    if not token:
        parser.error(f"set the bearer token in the {TOKEN_ENV} environment variable")
    methods = None if args.pkce_methods == "none" else [m for m in args.pkce_methods.split(",") if m]
    app = build_app(args.port, token, session_limit=args.session_limit, address_limit=args.address_limit,
                    window=args.window, pkce_methods=methods)
    uvicorn.run(app, host=HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
