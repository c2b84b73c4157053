"""Request and response models of the REST API, and the one error shape every failure answers with.

Requests forbid unknown fields (422 naming the field). Each endpoint has its own request model, so a field
that means nothing there (``tool_name`` on ``/scan``, ``hide_safe`` on a single-item scan) is refused
rather than silently ignored. Responses are the versioned ``ScanReport`` (``docs/report.schema.json``) with
a few API fields added; errors are always ``{"error": code, "detail": message}``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from mcts.model.finding import Finding, Severity
from mcts.model.report import ScanReport, Summary
from mcts.model.score import LegacyScore, ScoringMode
from mcts.model.target import Transport
from mcts.options import SurfaceName

_NAME = 1024
"""Longest accepted item name, URI, path or pattern (characters)."""


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetFields(_Request):
    """What to scan and whether the caller consents to a live scan."""

    target: str = Field(
        default=".", min_length=1, max_length=4096,
        description="A path under the server's scan root (source folder or file, snapshot .json), a stdio "
        "command or stdio: URI (allow-listed by the operator), or an http(s) URL. Relative paths start at the "
        "scan root.",
    )
    live: bool = Field(default=False, description="The target is a live server (stdio command or URL) on purpose")
    url: str | None = Field(
        default=None, max_length=4096, description="An HTTP MCP server to scan instead of target (streamable HTTP "
        "first, SSE on fallback unless transport says)",
    )
    transport: Transport | None = Field(default=None, description="For URL targets: auto, streamable-http or sse")
    bearer_token: SecretStr | None = Field(
        default=None, max_length=8192, description="Sent to the scanned server as Authorization: Bearer; never "
        "logged or echoed",
    )
    understand_live_risk: bool = Field(
        default=False, description="Consent to start or connect to a live server (or send X-MCTS-Live-Consent: 1)"
    )


class AnalysisFields(TargetFields):
    """How to analyze, score and gate."""

    analyzer_filter: list[str] | None = Field(
        default=None, max_length=100, description="Run only these analyzer ids (default: all)"
    )
    pip_audit: bool = Field(default=False, description="Source targets: audit Python dependencies with pip-audit")
    protocol_probe: bool = Field(
        default=False, description="URL targets: run the read-only HTTP security checks of the protocol probe"
    )
    scoring_mode: ScoringMode | None = Field(default=None, description="legacy, v2 or both [both]")
    weights_profile: str | None = Field(
        default=None, max_length=_NAME, description="A bundled v2 weights profile name, or a YAML file under the "
        "scan root",
    )
    corpus_stats_path: str | None = Field(
        default=None, max_length=_NAME, description="Corpus statistics JSON under the scan root (v2 percentile)"
    )
    assets_path: str | None = Field(
        default=None, max_length=_NAME, description="Asset values YAML under the scan root (v2 impact)"
    )
    min_security_score: int | None = Field(default=None, ge=0, le=100, description="Gate: lowest v2 security score")
    max_absolute_risk: float | None = Field(default=None, ge=0, description="Gate: highest v2 absolute risk")
    max_risk_level: str | None = Field(
        default=None, max_length=64, description="Gate: highest v2 risk level (a band of the weights profile)"
    )
    min_category_score_v2: dict[str, Annotated[int, Field(ge=0, le=100)]] | None = Field(
        default=None, max_length=64, description="Gate: lowest score per tile, e.g. {\"MCP03\": 70}"
    )


class SurfaceFields(_Request):
    """Which parts of the inventory to look at."""

    surfaces: list[SurfaceName] | None = Field(
        default=None, max_length=5, description="Scan only these surfaces (tools, prompts, resources, "
        "resource_templates, instructions); the endpoint's own surface is always included",
    )
    tool_filter: list[str] | None = Field(
        default=None, max_length=200, description="Scan only tools whose name matches one of these names or "
        "shell-style globs",
    )


class ResourceFields(_Request):
    """Which resource contents may be read."""

    resource_mime_allowlist: list[str] | None = Field(
        default=None, max_length=50, description="MIME types whose contents are read [text/plain, text/html]"
    )


class FanoutFields(_Request):
    """Paging of the per-item results of a batch endpoint."""

    hide_safe: bool = Field(default=False, description="Leave items without unsuppressed findings out of items")
    fanout_offset: int = Field(default=0, ge=0, le=1_000_000, description="First item of the page (0-based)")
    fanout_limit: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Items per page (capped at the server's "
        "MCTS_API_MAX_FANOUT_ITEMS)",
    )


class ScanRequest(SurfaceFields, AnalysisFields):
    """``POST /scan``: scan a whole target."""


class InstructionsScanRequest(AnalysisFields):
    """``POST /scan-instructions``: scan the server's instructions only."""


class ToolScanRequest(SurfaceFields, AnalysisFields):
    """``POST /scan-tool``: one tool, analyzed with the rest of the tool list."""

    tool_name: str = Field(min_length=1, max_length=_NAME, description="The tool's name")


class PromptScanRequest(SurfaceFields, AnalysisFields):
    """``POST /scan-prompt``: one prompt."""

    prompt_name: str = Field(min_length=1, max_length=_NAME, description="The prompt's name")


class ResourceScanRequest(ResourceFields, SurfaceFields, AnalysisFields):
    """``POST /scan-resource``: one resource (or resource template), its contents read within the allowlist."""

    resource_uri: str = Field(min_length=1, max_length=_NAME, description="The resource's URI or template URI")


class AllToolsRequest(FanoutFields, SurfaceFields, AnalysisFields):
    """``POST /scan-all-tools``: every tool, results per tool, paged."""


class AllPromptsRequest(FanoutFields, SurfaceFields, AnalysisFields):
    """``POST /scan-all-prompts``: every prompt, results per prompt, paged."""


class AllResourcesRequest(FanoutFields, ResourceFields, SurfaceFields, AnalysisFields):
    """``POST /scan-all-resources``: every resource and template, contents read within the allowlist, paged."""


class ReadinessRequest(TargetFields):
    """``POST /readiness``: production-readiness checks."""

    enable_opa: bool = Field(default=False, description="Also evaluate the bundled Rego policies (needs mcts[opa])")


# Responses


class HealthResponse(BaseModel):
    """``GET /health``."""

    status: Literal["ok"] = "ok"


class ErrorResponse(BaseModel):
    """Every error: a stable machine code and a message that says what to do."""

    error: str = Field(description="bad_request, unauthorized, forbidden, live_consent_required, target_refused, "
                       "not_found, payload_too_large, invalid_request, rate_limited, busy, scan_timeout, ...")
    detail: str


class ScanResponse(ScanReport):
    """The full scan report (``docs/report.schema.json``) with the scoring mode echoed."""

    score: LegacyScore = Field(description="Legacy 0-100 score; always present (score.overall)")
    scoring_mode: ScoringMode = Field(description="The scoring mode the scan used")
    scoring_version: str | None = Field(default=None, description="Version of the v2 model (v2 and both modes)")


ItemKind = Literal["tool", "prompt", "resource", "resource_template"]


class ItemResult(BaseModel):
    """One item of a batch scan: its findings (server-wide tool-chain findings naming it included)."""

    kind: ItemKind
    name: str = Field(description="Tool or prompt name, resource URI or template URI")
    findings: tuple[Finding, ...] = ()
    summary: Summary
    max_severity: Severity | None = Field(default=None, description="Most severe finding, suppressed ones included")


class BatchScanResponse(ScanResponse):
    """The scan report plus one page of per-item results."""

    items: tuple[ItemResult, ...]
    total_items: int = Field(description="Items after hide_safe (the pages cover these)")
    safe_items_hidden: int = Field(default=0, description="Items left out by hide_safe")
    fanout_offset: int
    fanout_limit: int = Field(description="Items per page actually used (after the server's cap)")
    truncated: bool = Field(description="More items remain after this page")
    truncation_warning: str | None = Field(default=None, description="How to ask for the rest, when truncated")


class ApiError(Exception):
    """An error answered as ``ErrorResponse`` with ``status`` (and extra headers such as Retry-After)."""

    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers or {}
