"""The Ramparts-compatible surface, ``/v1/ramparts`` (docs/ramparts.md): Ramparts' endpoints and shapes, mcts' guards.

Same protections as the MCTS surface, with its dependencies: the API key (``/health`` is public), the rate
limit, live consent, the body limit, the concurrency gate and scan deadline, and the target policy. Every
refusal is answered in Ramparts' envelope (``{"success": false, "error": message, ...}``) with mcts'
``error_code``. A batch scans its URLs concurrently, each in a slot of the gate, never more at once than the
gate has slots (so it cannot wait on itself), and answers one result per URL in request order.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from mcts import __version__
from mcts.api.limits import api_state
from mcts.api.models import ApiError, TargetFields
from mcts.api.ramparts_info import describe, protocol
from mcts.api.ramparts_models import (
    BatchScanRequest,
    BatchScanResponseOut,
    HealthOut,
    RampartsErrorOut,
    RefreshToolsRequest,
    RefreshToolsResponseOut,
    ScanFields,
    ScanResponseOut,
    ValidationResponseOut,
    request_problem,
)
from mcts.api.ramparts_options import JAVELIN_HEADER, RequestContext, auth_headers, looks_live
from mcts.api.ramparts_responses import error_body, now, refresh_result, scan_response
from mcts.api.ramparts_scan import Outcome, refresh_target, scan_target
from mcts.api.security import require_caller, require_live_consent
from mcts.api.service import json_response, secrets_of

PREFIX = "/v1/ramparts"
_BUSY_RETRY_SECONDS = 0.1


class RampartsRoute(APIRoute):
    """A route whose refusals (auth, rate limit, validation, policy) use Ramparts' error envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The default handler, with ``ApiError`` and request validation errors answered in Ramparts' shape."""
        handler = super().get_route_handler()
        validate = self.path.endswith("/validate")
        model = getattr(getattr(self.body_field, "field_info", None), "annotation", None)

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                body = error_body(exc.status, exc.error, exc.detail, validate=validate)
                return JSONResponse(body, status_code=exc.status, headers=exc.headers)
            except RequestValidationError as exc:
                detail = _problems(exc.errors(), model)
                return JSONResponse(error_body(400, "invalid_request", detail, validate=validate), status_code=400)
            except HTTPException as exc:  # e.g. a body FastAPI cannot parse
                code = "invalid_request" if exc.status_code == 400 else "error"
                body = error_body(exc.status_code, code, str(exc.detail), validate=validate)
                return JSONResponse(body, status_code=exc.status_code, headers=dict(exc.headers or {}))

        return route


def _problems(errors: Sequence[Any], model: Any) -> str:
    """What is wrong with the body, without echoing a value (it may hold a credential)."""
    problems: list[str] = []
    for error in list(errors)[:10]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        kind = error.get("type", "")
        if kind == "extra_forbidden":
            problems.append(f"unknown field {where!r}")
        elif kind == "json_invalid":
            problems.append("the body is not valid JSON")
        elif not where:
            problems.append("the body must be a JSON object (Content-Type: application/json)")
        else:
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
    detail = "; ".join(dict.fromkeys(problems))
    if any(p.startswith("unknown field") for p in problems) and isinstance(model, type) and issubclass(model,
                                                                                                      BaseModel):
        detail += f" (this endpoint accepts: {', '.join(model.model_fields)})"
    return detail


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": RampartsErrorOut, "description": text} for status, text in {
        400: "Invalid options (the Ramparts messages), an invalid body, a malformed target, or a failed scan "
             "(/scan: the body is then a ScanResponse with success false)",
        401: "Missing or wrong X-API-Key (the server sets MCTS_API_KEY)",
        403: "Live scan without consent, or a target outside the server's target policy",
        413: "The request body is larger than MCTS_API_MAX_BODY_BYTES",
        429: "Too many requests (MCTS_API_RATE_LIMIT_PER_MINUTE); see Retry-After",
        503: "No scan slot freed in time (MCTS_API_MAX_CONCURRENT_SCANS), or the history store is unavailable",
        504: "The scan did not finish within MCTS_API_SCAN_TIMEOUT_SECONDS",
    }.items()
}

public_router = APIRouter(prefix=PREFIX, route_class=RampartsRoute, tags=["ramparts"])
protected_router = APIRouter(prefix=PREFIX, route_class=RampartsRoute, tags=["ramparts"],
                             dependencies=[Depends(require_caller)], responses=_ERRORS)
router = APIRouter()
"""The surface: include it in the app (``create_app`` does)."""


@public_router.get("/health", response_model=HealthOut, summary="Liveness; public, not rate limited")
async def health() -> HealthOut:
    """``{"status": "healthy", ...}`` while the server runs."""
    from mcp_types.version import LATEST_PROTOCOL_VERSION

    return HealthOut(timestamp=now(), service="mcts", version=__version__, protocol_version=LATEST_PROTOCOL_VERSION)


@protected_router.get("/protocol", summary="The MCP versions and transports mcts speaks")
async def protocol_info(request: Request) -> dict[str, Any]:
    """MCP protocol versions, transports and listing methods, and whether this server starts stdio commands."""
    return protocol(api_state(request).settings)


@protected_router.get("/", summary="This surface's endpoints, transports and protections")
async def api_docs(request: Request) -> dict[str, Any]:
    """A JSON description of the endpoints, the target forms and how this server is protected."""
    return describe(api_state(request).settings)


def _context(request: Request, fields: ScanFields | RefreshToolsRequest) -> RequestContext:
    """What the request's targets share: consent, the credentials for the scanned servers (400 when invalid)."""
    settings = api_state(request).settings
    javelin = request.headers.get(JAVELIN_HEADER)
    ctx = RequestContext(request=request, settings=settings, understand_live_risk=fields.understand_live_risk,
                         secrets=list(secrets_of(TargetFields(), settings)))
    if javelin:
        ctx.secrets.append(javelin.strip())
    ctx.headers = auth_headers(fields.auth_headers, javelin)
    ctx.secrets.extend(ctx.headers.values())
    return ctx


def _check(fields: ScanFields | RefreshToolsRequest,
           url: Literal["required", "optional", "ignored"] = "ignored") -> None:
    problem = request_problem(fields, url)
    if problem is not None:
        raise ApiError(400, "bad_request", problem)


def _consent_upfront(ctx: RequestContext, urls: Sequence[str | None]) -> None:
    if any(u and looks_live(u) for u in urls) and not ctx.consented():
        require_live_consent(ctx.request, ctx.understand_live_risk, "the url")


@protected_router.post("/scan", response_model=ScanResponseOut, responses={400: {
    "model": RampartsErrorOut | ScanResponseOut,
    "description": "Invalid options or body (RampartsErrorOut), or a scan that failed or is incomplete (a "
                   "ScanResponse with success false and the result)"}})
async def scan(body: ScanFields, request: Request) -> Response:
    """Scan one server: list it, compare with its baseline, analyze (or reuse the cached result), save."""
    _check(body, "required")
    ctx = _context(request, body)
    _consent_upfront(ctx, (body.url, body.javelin_mcp_url, body.reference_mcp_url))
    outcome = await api_state(request).scan_gate.run(lambda: scan_target(ctx, body.url, body))
    if outcome.report is None:
        raise ApiError(outcome.status, outcome.error_code or "bad_request", outcome.error or "the scan did not run")
    response = scan_response(outcome, body, ctx.settings.scan_root)
    return json_response(response.model_dump(mode="json", by_alias=True), ctx.secrets,
                         status=200 if response.success else 400)


@protected_router.post("/validate", response_model=ValidationResponseOut)
async def validate(body: ScanFields, request: Request) -> Response:
    """Check the options (timeouts, format, URL forms, auth headers) without scanning; 400 with the reason."""
    _check(body, "optional")
    auth_headers(body.auth_headers, request.headers.get(JAVELIN_HEADER))
    return json_response({"success": True, "valid": True, "error": None, "timestamp": now()}, ())


async def _gated(ctx: RequestContext, url: str, work: Callable[[], Awaitable[Outcome]]) -> Outcome:
    """``work`` in a slot of the scan gate, waiting (in turns of the queue wait) up to the scan deadline."""
    gate = api_state(ctx.request).scan_gate
    deadline = time.monotonic() + ctx.settings.scan_timeout_seconds
    while True:
        try:
            return await gate.run(work)
        except ApiError as exc:
            if exc.status == 503 and time.monotonic() < deadline:
                await anyio.sleep(_BUSY_RETRY_SECONDS)
                continue
            return Outcome(url=url).refuse(exc)


async def _fan_out(ctx: RequestContext, urls: Sequence[str],
                   one: Callable[[str], Awaitable[Outcome]]) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(urls)
    limiter = anyio.CapacityLimiter(ctx.settings.max_concurrent_scans)

    async def run(index: int) -> None:
        async with limiter:
            outcomes[index] = await _gated(ctx, urls[index], lambda: one(urls[index]))

    async with anyio.create_task_group() as group:
        for index in range(len(urls)):
            group.start_soon(run, index)
    return [o if o is not None else Outcome(url=u, error="not scanned") for o, u in zip(outcomes, urls, strict=True)]


def _check_urls(urls: Sequence[str], settings: Any) -> None:
    if not urls:
        raise ApiError(400, "bad_request", "At least one URL is required")
    cap = settings.max_fanout_items
    if len(urls) > cap:
        raise ApiError(400, "bad_request", f"At most {cap} URLs per batch request (the server's "
                       "MCTS_API_MAX_FANOUT_ITEMS); split the batch")
    if any(not u.strip() for u in urls):
        raise ApiError(400, "bad_request", "URL is required: an entry of urls is empty")


@protected_router.post("/batch-scan", response_model=BatchScanResponseOut)
async def batch_scan(body: BatchScanRequest, request: Request) -> Response:
    """Scan several servers concurrently with shared options; a refused or failed one is a Failed result."""
    options = body.options or ScanFields()
    _check(options)
    settings = api_state(request).settings
    _check_urls(body.urls, settings)
    ctx = _context(request, options)
    _consent_upfront(ctx, (*body.urls, options.javelin_mcp_url, options.reference_mcp_url))
    outcomes = await _fan_out(ctx, body.urls, lambda url: scan_target(ctx, url, options))
    results = [scan_response(o, options, settings.scan_root) for o in outcomes]
    ok = sum(1 for r in results if r.success)
    answer = BatchScanResponseOut(success=ok == len(results), results=results, total=len(results), successful=ok,
                                  failed=len(results) - ok, timestamp=now())
    return json_response(answer.model_dump(mode="json", by_alias=True), ctx.secrets)


@protected_router.post("/refresh-tools", response_model=RefreshToolsResponseOut)
async def refresh_tools(body: RefreshToolsRequest, request: Request) -> Response:
    """Re-list and analyze servers, make each complete listing its new baseline, and say what changed."""
    _check(body)
    settings = api_state(request).settings
    if not body.urls:
        raise ApiError(400, "bad_request", "At least one URL must be provided")
    _check_urls(body.urls, settings)
    ctx = _context(request, body)
    _consent_upfront(ctx, body.urls)
    fields = ScanFields(timeout=body.timeout, http_timeout=body.http_timeout, auth_headers=body.auth_headers,
                        change_detection=body.change_detection, understand_live_risk=body.understand_live_risk)
    outcomes = await _fan_out(ctx, body.urls, lambda url: refresh_target(ctx, url, fields))
    results = [refresh_result(o, settings.scan_root) for o in outcomes]
    ok = sum(1 for r in results if r.success)
    answer = RefreshToolsResponseOut(success=ok == len(results), results=results, total=len(results), successful=ok,
                                     failed=len(results) - ok, timestamp=now())
    return json_response(answer.model_dump(mode="json", by_alias=True), ctx.secrets)


router.include_router(public_router)
router.include_router(protected_router)
__all__ = ["PREFIX", "router"]
