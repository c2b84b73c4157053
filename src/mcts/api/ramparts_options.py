"""Ramparts request fields to ScanOptions: timeouts, credentials for the scanned server, admission of targets.

Credentials: ``auth_headers`` and the ``X-Javelin-Apikey`` request header are for the *scanned* server
(the API's own key is ``X-API-Key``). As in Ramparts, a Javelin key (the header, or an ``x-javelin-api-key``
auth header) is also sent as ``x-javelin-apikey`` and, unless an ``Authorization`` header is given, as
``Authorization: Bearer``. Header names must be HTTP tokens and values printable ASCII; framing and
hop-by-hop headers are refused. Every value is a secret: never logged, never echoed, scrubbed from answers.
They go to the server that is scanned (``url``, or ``javelin_mcp_url`` when given) and to a
``reference_mcp_url`` only when it has the same origin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request

from mcts.api.models import ApiError, TargetFields
from mcts.api.security import consent_given, require_live_consent
from mcts.api.service import LIVE_KINDS, api_errors, scan_options
from mcts.api.settings import ApiSettings
from mcts.api.target_policy import admit_target_async
from mcts.model.target import HttpTarget, Target
from mcts.options import ScanOptions
from mcts.text.escape import escape_text

JAVELIN_HEADER = "X-Javelin-Apikey"
MAX_HEADERS = 32
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")
_VALUE = re.compile(r"[\t\x20-\x7e]*")
_REFUSED_HEADERS = frozenset({
    "host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive",
    "proxy-connection", "proxy-authorization", "expect", "mcp-session-id", "mcp-protocol-version",
})


@dataclass
class RequestContext:
    """What every target of one request shares: the app, its settings, consent and the secrets to scrub."""

    request: Request
    settings: ApiSettings
    understand_live_risk: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)

    @property
    def app(self) -> Any:
        """The FastAPI app serving the request."""
        return self.request.app

    def consented(self) -> bool:
        """Whether the body, the header or the operator consented to live scans."""
        return consent_given(self.request, self.understand_live_risk)


def auth_headers(given: Mapping[str, str] | None, javelin_key: str | None) -> dict[str, str]:
    """The headers for the scanned server: ``given``, the Javelin key mapped as Ramparts does; 400 when invalid."""
    headers = dict(given or {})
    if len(headers) > MAX_HEADERS:
        raise ApiError(400, "bad_request", f"auth_headers has {len(headers)} headers; the limit is {MAX_HEADERS}")
    lowered = [name.lower() for name in headers]
    if javelin_key and javelin_key.strip() and "x-javelin-api-key" not in lowered:
        headers["x-javelin-api-key"] = javelin_key.strip()
    key = next((v for k, v in headers.items() if k.lower() == "x-javelin-api-key"), "").strip()
    if key:
        names = {k.lower() for k in headers}
        if "x-javelin-apikey" not in names:
            headers["x-javelin-apikey"] = key
        if "authorization" not in names:
            headers["Authorization"] = f"Bearer {key}"
    seen: set[str] = set()
    for name, value in headers.items():
        shown = escape_text(name, limit=80)
        if not _TOKEN.fullmatch(name):
            raise ApiError(400, "bad_request", f"auth_headers: {shown!r} is not a valid HTTP header name")
        if name.lower() in _REFUSED_HEADERS:
            raise ApiError(400, "bad_request", f"auth_headers: {shown!r} cannot be set (mcts sets it itself)")
        if name.lower() in seen:
            raise ApiError(400, "bad_request", f"auth_headers: {shown!r} is given more than once (names ignore case)")
        seen.add(name.lower())
        if not _VALUE.fullmatch(value):
            raise ApiError(400, "bad_request", f"auth_headers: the value of {shown!r} must be printable ASCII "
                           "(no line breaks or control characters)")
    return headers


def options_for(settings: ApiSettings, *, timeout: int | None, http_timeout: int | None,
                headers: Mapping[str, str], return_prompts: bool = False) -> ScanOptions:
    """ScanOptions of one Ramparts request: the MCTS surface's policy, then the request's deadlines and headers.

    A deadline left out takes the config file's (or the environment's); both stay within the server's
    ``MCTS_API_SCAN_TIMEOUT_SECONDS``, and the per-request deadline within the total one.
    """
    base = scan_options(TargetFields(), settings)
    total = min(float(timeout) if timeout is not None else base.timeout, settings.scan_timeout_seconds)
    per_request = min(float(http_timeout) if http_timeout is not None else base.request_timeout, total)
    return base.model_copy(update={
        "timeout": total, "request_timeout": per_request, "headers": dict(headers),
        "llm_prompts_only": base.llm_prompts_only or return_prompts,
    })


async def admit(ctx: RequestContext, raw: str, what: str) -> Target:
    """``raw`` through the target policy, consent required for a live target; ApiError (400/403) otherwise."""
    with api_errors():
        target: Target = await admit_target_async(raw, ctx.settings)
    if target.kind in LIVE_KINDS:
        require_live_consent(ctx.request, ctx.understand_live_risk,
                             f"the {what} {escape_text(target.display(), limit=200)}")
    return target


def looks_live(raw: str) -> bool:
    """A URL or ``stdio:`` target: live whatever the policy says (consent is checked before anything else)."""
    return raw.strip().lower().startswith(("http://", "https://", "stdio:"))


def same_origin(a: Target, b: Target) -> bool:
    """Whether two HTTP targets share scheme, host and port (credentials may follow only then)."""
    if not isinstance(a, HttpTarget) or not isinstance(b, HttpTarget):
        return False
    x, y = urlsplit(a.url), urlsplit(b.url)
    try:
        return (x.scheme.lower(), x.hostname, x.port or _port(x.scheme)) == (y.scheme.lower(), y.hostname,
                                                                            y.port or _port(y.scheme))
    except ValueError:
        return False


def _port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


