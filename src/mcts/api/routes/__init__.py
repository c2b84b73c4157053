"""The API's routers: ``mcts`` (the MCTS surface). Shared here: the documented error responses of every route."""

from __future__ import annotations

from typing import Any

from mcts.api.models import ErrorResponse

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: the target, a setting or a gate is invalid, or the Host header is not accepted",
    401: "Missing or wrong X-API-Key (the server sets MCTS_API_KEY)",
    403: "Refused: live scan without consent, or a target or path outside the server's target policy",
    404: "The item is not on the server (the message lists the names it has)",
    413: "The request body is larger than MCTS_API_MAX_BODY_BYTES",
    422: "The request body is not valid: an unknown field, a wrong type or a value out of range",
    429: "Too many requests from this API key or client address (MCTS_API_RATE_LIMIT_PER_MINUTE); see Retry-After",
    503: "MCTS_API_MAX_CONCURRENT_SCANS scans are running and none finished in time; see Retry-After",
    504: "The scan did not finish within MCTS_API_SCAN_TIMEOUT_SECONDS; it was cancelled",
}
SCAN_ERRORS = (400, 401, 403, 413, 422, 429, 503, 504)
ITEM_ERRORS = (*SCAN_ERRORS, 404)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the ``ErrorResponse`` model for each status, with what it means."""
    return {status: {"model": ErrorResponse, "description": ERROR_DESCRIPTIONS[status]} for status in sorted(statuses)}
