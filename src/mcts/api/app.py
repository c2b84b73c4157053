"""``create_app(settings)``: the FastAPI app behind ``mcts serve``.

Layers, outermost first: CORS (only for the origins the operator lists), the Host check, the body size limit,
then the routers, whose dependencies rate limit and authenticate. Every error, FastAPI's own included, is
answered as ``{"error": code, "detail": message}``; validation errors never echo the values sent (a bearer
token in a malformed request stays out of the answer).
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from mcts import __version__
from mcts.api.history import history_lifespan
from mcts.api.limits import ApiState, BodySizeLimit
from mcts.api.models import ApiError
from mcts.api.routes.mcts import public_router, router
from mcts.api.routes.ramparts import router as ramparts_router
from mcts.api.security import API_KEY_HEADER, CONSENT_HEADER, HostGuard, allowed_hosts
from mcts.api.settings import ApiSettings

DESCRIPTION = """Scan MCP servers over HTTP: the same engine and report as `mcts scan`.

Every endpoint but `/health` needs the `X-API-Key` header when the server sets `MCTS_API_KEY`, and is rate
limited. Live targets (a stdio command or a URL) need consent: `"understand_live_risk": true`, the header
`X-MCTS-Live-Consent: 1`, or `MCTS_LIVE_OK=1` on the server. See docs/api.md.
"""
_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
                429: "rate_limited", 503: "busy", 504: "scan_timeout"}
_MAX_PROBLEMS = 10


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """The app for ``settings`` (default: from the ``MCTS_API_*`` environment). Nothing global is touched."""
    settings = settings if settings is not None else ApiSettings.from_env(os.environ)
    app = FastAPI(title="mcts REST API", version=__version__, description=DESCRIPTION, docs_url="/docs",
                  openapi_url="/openapi.json", redoc_url=None, lifespan=history_lifespan)
    app.state.mcts = ApiState(settings)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    app.include_router(public_router)
    app.include_router(router)
    app.include_router(ramparts_router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HostGuard, allowed=allowed_hosts(settings))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", API_KEY_HEADER, CONSENT_HEADER, "X-Javelin-Apikey"],
            allow_credentials=False, expose_headers=["Retry-After"], max_age=600,
        )
    return app


def _error(status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.error, exc.detail, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        detail = f"no endpoint {request.method} {request.url.path}; the endpoints are listed at /docs"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}; the endpoints are listed at /docs"
    else:
        detail = str(exc.detail)
    code = _ERROR_CODES.get(exc.status_code, "error")
    return _error(exc.status_code, code, detail, dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error) for error in exc.errors()[:_MAX_PROBLEMS]]
    detail = "; ".join(dict.fromkeys(problems))
    if any(p.startswith("unknown field") for p in problems):
        fields = _body_fields(request)
        if fields:
            detail += f" (this endpoint accepts: {', '.join(fields)})"
    return _error(422, "invalid_request", detail)


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown field {where!r}"
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if kind in {"missing", "model_attributes_type", "dict_type"} and not where:
        return "the body must be a JSON object (Content-Type: application/json)"
    return f"{where or 'body'}: {error.get('msg', 'invalid')}"  # never the input: it may hold a token


def _body_fields(request: Request) -> list[str]:
    route = request.scope.get("route")
    annotation = getattr(getattr(getattr(route, "body_field", None), "field_info", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


async def _internal_error(request: Request, exc: Exception) -> Response:
    # The server logs the traceback (uvicorn's error log); the caller learns nothing about the internals.
    return _error(500, "internal_error", "the server failed to handle this request; its log has the details")
