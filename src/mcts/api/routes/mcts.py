"""The MCTS surface: ``GET /health`` (public) and the scan endpoints (API key, rate limit, consent, limits).

Handlers are thin: consent that needs no parsing, ScanOptions from the request, then in a scan slot and under
the scan deadline the target policy, the engine, and the report shaped for the endpoint (``service``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from mcts.api.limits import api_state
from mcts.api.models import (
    AllPromptsRequest,
    AllResourcesRequest,
    AllToolsRequest,
    BatchScanResponse,
    HealthResponse,
    InstructionsScanRequest,
    ItemKind,
    PromptScanRequest,
    ReadinessRequest,
    ResourceScanRequest,
    ScanRequest,
    ScanResponse,
    TargetFields,
    ToolScanRequest,
)
from mcts.api.routes import ITEM_ERRORS, SCAN_ERRORS, error_responses
from mcts.api.security import require_caller
from mcts.api.service import (
    admit,
    api_errors,
    check_consent_upfront,
    fanout,
    json_response,
    report_response,
    resource_flags,
    restrict,
    save_history,
    scan_options,
    secrets_of,
    shown_target,
    surface_flags,
)
from mcts.model.readiness import ReadinessReport
from mcts.model.report import ScanReport
from mcts.options import ScanOptions, SurfaceName

log = logging.getLogger("mcts.api")

public_router = APIRouter(tags=["health"])
router = APIRouter(dependencies=[Depends(require_caller)], tags=["scan"])

Shape = Callable[[ScanReport, ScanOptions], Awaitable[Response]]
_RESOURCE_KINDS: tuple[ItemKind, ...] = ("resource", "resource_template")
_RESOURCE_SURFACES: tuple[SurfaceName, ...] = ("resources", "resource_templates")


@public_router.get("/health", response_model=HealthResponse, summary="Liveness; public, not rate limited")
async def health() -> HealthResponse:
    """``{"status": "ok"}`` while the server runs."""
    return HealthResponse()


async def _scan(request: Request, body: TargetFields, flags: dict[str, Any], shape: Shape | None = None) -> Response:
    state = api_state(request)
    settings = state.settings
    check_consent_upfront(request, body)
    options = scan_options(body, settings, **flags)
    secrets = secrets_of(body, settings)

    async def work() -> Response:
        from mcts.engine import scan_async

        target = await admit(request, body)
        t0 = time.perf_counter()
        with api_errors():
            report = await scan_async(target, options, cwd=settings.scan_root)
        await save_history(request, target, report)
        log.info("%s %s target: %s, %d finding(s) in %.1fs", request.url.path, target.kind, report.status.value,
                 report.summary.total, time.perf_counter() - t0)
        if shape is not None:
            return await shape(report, options)
        return report_response(report, options, settings, secrets)

    return await state.scan_gate.run(work)


def _one_item(request: Request, body: TargetFields, kinds: Sequence[ItemKind], name: str) -> Shape:
    settings = api_state(request).settings

    async def shape(report: ScanReport, options: ScanOptions) -> Response:
        single = await restrict(report, kinds, name, options, settings.scan_root)
        return report_response(single, options, settings, secrets_of(body, settings))

    return shape


def _all_items(request: Request, body: Any, kinds: Sequence[ItemKind]) -> Shape:
    settings = api_state(request).settings

    async def shape(report: ScanReport, options: ScanOptions) -> Response:
        extra = fanout(report, kinds, body, settings.max_fanout_items)
        return report_response(report, options, settings, secrets_of(body, settings), extra)

    return shape


@router.post("/scan", response_model=ScanResponse, responses=error_responses(*SCAN_ERRORS))
async def scan(body: ScanRequest, request: Request) -> Response:
    """Scan a target: a source path, a snapshot, an allow-listed stdio command or a URL."""
    return await _scan(request, body, surface_flags(body, ()))


@router.post("/scan-tool", response_model=ScanResponse, responses=error_responses(*ITEM_ERRORS))
async def scan_tool(body: ToolScanRequest, request: Request) -> Response:
    """Scan one tool: the whole tool list is analyzed (cross-tool findings count), the report is the tool's."""
    return await _scan(request, body, surface_flags(body, ("tools",)),
                       _one_item(request, body, ("tool",), body.tool_name))


@router.post("/scan-all-tools", response_model=BatchScanResponse, responses=error_responses(*SCAN_ERRORS))
async def scan_all_tools(body: AllToolsRequest, request: Request) -> Response:
    """Scan every tool; the report plus one page of per-tool results."""
    return await _scan(request, body, surface_flags(body, ("tools",)), _all_items(request, body, ("tool",)))


@router.post("/scan-prompt", response_model=ScanResponse, responses=error_responses(*ITEM_ERRORS))
async def scan_prompt(body: PromptScanRequest, request: Request) -> Response:
    """Scan one prompt."""
    return await _scan(request, body, surface_flags(body, ("prompts",)),
                       _one_item(request, body, ("prompt",), body.prompt_name))


@router.post("/scan-all-prompts", response_model=BatchScanResponse, responses=error_responses(*SCAN_ERRORS))
async def scan_all_prompts(body: AllPromptsRequest, request: Request) -> Response:
    """Scan every prompt; the report plus one page of per-prompt results."""
    return await _scan(request, body, surface_flags(body, ("prompts",)), _all_items(request, body, ("prompt",)))


@router.post("/scan-resource", response_model=ScanResponse, responses=error_responses(*ITEM_ERRORS))
async def scan_resource(body: ResourceScanRequest, request: Request) -> Response:
    """Scan one resource or resource template; contents of allowed MIME types are read (size capped) and scanned."""
    flags = {**surface_flags(body, _RESOURCE_SURFACES), **resource_flags(body)}
    return await _scan(request, body, flags, _one_item(request, body, _RESOURCE_KINDS, body.resource_uri))


@router.post("/scan-all-resources", response_model=BatchScanResponse, responses=error_responses(*SCAN_ERRORS))
async def scan_all_resources(body: AllResourcesRequest, request: Request) -> Response:
    """Scan every resource and template, contents read within the MIME allowlist; one page of per-item results."""
    flags = {**surface_flags(body, _RESOURCE_SURFACES), **resource_flags(body)}
    return await _scan(request, body, flags, _all_items(request, body, _RESOURCE_KINDS))


@router.post("/scan-instructions", response_model=ScanResponse, responses=error_responses(*SCAN_ERRORS))
async def scan_instructions(body: InstructionsScanRequest, request: Request) -> Response:
    """Scan the server's instructions only."""
    return await _scan(request, body, {"surfaces": ("instructions",)})


@router.post("/readiness", response_model=ReadinessReport, responses=error_responses(*SCAN_ERRORS))
async def readiness(body: ReadinessRequest, request: Request) -> Response:
    """Production-readiness checks and score; ``enable_opa`` also evaluates the bundled Rego policies."""
    state = api_state(request)
    settings = state.settings
    check_consent_upfront(request, body)
    options = scan_options(body, settings)
    secrets = secrets_of(body, settings)

    async def work() -> Response:
        from mcts.readiness import ReadinessSettings, readiness_async

        target = await admit(request, body)
        with api_errors():
            report = await readiness_async(target, options, ReadinessSettings(bundled=body.enable_opa),
                                           cwd=settings.scan_root)
        data = report.model_dump(mode="json", exclude_none=True)
        data["target"]["value"] = shown_target(report.target.kind, report.target.value, settings.scan_root)
        return json_response(data, secrets)

    return await state.scan_gate.run(work)
