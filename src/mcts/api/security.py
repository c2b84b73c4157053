"""Who may call the API and what they must say first: API keys, rate-limit buckets, live consent, Host checks.

Reusable by every router: ``require_caller`` is a FastAPI dependency (rate limit, then API key);
``require_live_consent`` is called by a handler once it knows a request reaches a live server; ``HostGuard``
is ASGI middleware. API keys are compared in constant time (over SHA-256 digests, so the key's length does
not leak either) and are never logged or echoed; neither is a caller's bearer token (``scrub``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from pydantic import SecretStr
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mcts.api.limits import api_state
from mcts.api.models import ApiError
from mcts.api.settings import ApiSettings

API_KEY_HEADER = "X-API-Key"
CONSENT_HEADER = "X-MCTS-Live-Consent"
_YES = frozenset({"1", "true", "yes"})
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "::1"})
MIN_SCRUBBED_CHARS = 16  # shorter values could be ordinary words of the report ("unavailable")
"""Secrets shorter than this are not searched for in responses (replacing them would mangle ordinary text)."""

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, scheme_name="ApiKey",
    description="Required on every endpoint but /health when the server sets MCTS_API_KEY",
)


@dataclass(frozen=True)
class Caller:
    """Who is calling: whether a valid API key was presented, and the rate-limit bucket the request counted in."""

    authenticated: bool
    bucket: str


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def matching_key(presented: str | None, keys: Iterable[SecretStr]) -> SecretStr | None:
    """The configured key equal to ``presented``; every key is compared, each in constant time."""
    if presented is None:
        return None
    given = _digest(presented)
    found: SecretStr | None = None
    for key in keys:
        if hmac.compare_digest(given, _digest(key.get_secret_value())) and found is None:
            found = key
    return found


def client_address(request: Request, settings: ApiSettings) -> str:
    """The caller's address: the socket peer, or the last X-Forwarded-For hop when the operator trusts a proxy.

    The last hop is the one the operator's proxy appended; earlier ones are whatever the client sent.
    """
    if settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.client.host if request.client is not None else "unknown"


async def require_caller(
    request: Request, api_key: Annotated[str | None, Security(api_key_header)] = None
) -> Caller:
    """Dependency of every endpoint but ``/health``: count the request (429 when over), then check the key (401).

    Requests with a valid key count per key; others (including wrong keys) per client address, so guessing
    keys is rate limited too and one client cannot use up another's allowance.
    """
    state = api_state(request)
    keys = state.settings.api_keys()
    key = matching_key(api_key, keys)
    if key is not None:
        bucket, who = "key:" + hashlib.sha256(key.get_secret_value().encode()).hexdigest()[:16], "API key"
    else:
        bucket, who = "addr:" + client_address(request, state.settings), "client address"
    retry = state.rate_limiter.acquire(bucket)
    if retry is not None:
        seconds = max(1, math.ceil(retry))
        raise ApiError(429, "rate_limited", f"more than {state.rate_limiter.per_minute} requests in the last minute "
                       f"from this {who} (the server's MCTS_API_RATE_LIMIT_PER_MINUTE); retry after {seconds}s",
                       headers={"Retry-After": str(seconds)})
    if keys and key is None:
        problem = "no X-API-Key header was sent" if api_key is None else "the X-API-Key header is not a valid key"
        raise ApiError(401, "unauthorized", f"{problem}: this server requires its API key in the X-API-Key header",
                       headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'})
    return Caller(authenticated=key is not None, bucket=bucket)


def consent_given(request: Request, understand_live_risk: bool) -> bool:
    """Whether the body, the header or the operator consented to a live scan."""
    if understand_live_risk or api_state(request).settings.live_ok:
        return True
    return request.headers.get(CONSENT_HEADER, "").strip().lower() in _YES


def require_live_consent(request: Request, understand_live_risk: bool, what: str) -> None:
    """403 unless the caller consented to a live scan; ``what`` names the live part (a URL, a command)."""
    if consent_given(request, understand_live_risk):
        return
    raise ApiError(
        403, "live_consent_required",
        f"{what} is a live MCP server: scanning it starts the server's code on this machine or connects to it over "
        "the network. To consent, send \"understand_live_risk\": true in the request body or the header "
        f"{CONSENT_HEADER}: 1 (the operator can also set MCTS_LIVE_OK=1 on the server).",
    )


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` (JSON) with every occurrence of each secret replaced by ``***`` (defence in depth)."""
    for secret in secrets:
        if len(secret) >= MIN_SCRUBBED_CHARS:
            text = text.replace(json.dumps(secret, ensure_ascii=True)[1:-1], "***")
    return text


def allowed_hosts(settings: ApiSettings) -> frozenset[str] | None:
    """Host header names the server answers (``None``: any). A loopback bind defaults to the loopback names."""
    if settings.allowed_hosts:
        names = frozenset(h.strip().lower().strip("[]") for h in settings.allowed_hosts)
        return None if "*" in names else names
    return _LOOPBACK_NAMES if settings.is_loopback_bind() else None


def host_name(header: str) -> str:
    """The host part of a Host header, lower case, without port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    return value.rpartition(":")[0] if value.count(":") == 1 else value


class HostGuard:
    """ASGI middleware: answer 400 to a Host header outside ``allowed`` (a DNS-rebinding page gets nothing)."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str] | None) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the Host header of HTTP requests, then call the app."""
        if scope["type"] == "http" and self.allowed is not None:
            header = Request(scope).headers.get("host", "")
            if host_name(header) not in self.allowed:
                detail = ("the Host header names a host this server does not answer to; the operator can list it in "
                          "MCTS_API_ALLOWED_HOSTS")
                await JSONResponse({"error": "invalid_host", "detail": detail}, status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
