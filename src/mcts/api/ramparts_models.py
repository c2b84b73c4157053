"""Request and envelope models of the Ramparts-compatible surface (``/v1/ramparts``, docs/ramparts.md).

Field names, defaults and envelopes follow Ramparts' server mode, so a pipeline written against Ramparts
sends the same JSON and reads the same keys; the shape of one scan result is in ``ramparts_result_models``.
Requests refuse unknown fields (400 naming the field) rather than ignore them. The semantic checks whose
messages Ramparts documents (timeouts, format, URL) are not pydantic constraints but ``request_problem``, so
they answer 400 with exactly those messages.
"""

from __future__ import annotations

import shlex
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, JsonValue, field_validator

from mcts.api.ramparts_result_models import ScanResultOut, ToolOut
from mcts.history.changes import ChangeSettings

MAX_URL_CHARS = 8192
MAX_AUTH_HEADERS = 32
FORMATS = ("json", "text", "table", "raw")
DEFAULT_TIMEOUT = 60
DEFAULT_HTTP_TIMEOUT = 30
MAX_TIMEOUT = 3600

Url = Annotated[str, Field(max_length=MAX_URL_CHARS)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChangeDetectionFields(_Request):
    """``change_detection``: what counts as a change (docs/change-detection.md)."""

    enabled: bool = Field(default=True, description="Compare with the baseline at all")
    compare_schemas: bool = Field(default=True, description="Count schema changes (nested descriptions aside)")
    compare_descriptions: bool = Field(default=True, description="Count description and instruction changes")
    ignore_fields: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=100, description="Dotted field paths left out ('*' matches any key)"
    )
    sensitivity: Literal["strict", "moderate", "loose"] = Field(default="moderate")

    @field_validator("ignore_fields")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        ChangeSettings(ignore_fields=tuple(paths))  # the same rule as the lockfile and the CLI
        return paths

    def settings(self) -> ChangeSettings:
        """The ``ChangeSettings`` these fields describe."""
        return ChangeSettings(enabled=self.enabled, compare_schemas=self.compare_schemas,
                              compare_descriptions=self.compare_descriptions,
                              ignore_fields=tuple(self.ignore_fields), sensitivity=self.sensitivity)


class ScanFields(_Request):
    """The options of a scan (``POST /scan``, ``/validate`` and a batch's ``options``)."""

    url: str = Field(
        default="", max_length=MAX_URL_CHARS,
        description="http(s) URL, stdio:///path, stdio:cmd:arg, or a command line (allow-listed by the operator); "
        "ignored in a batch's options",
    )
    timeout: int | None = Field(default=None, description="Total deadline, 1-3600 seconds [60]")
    http_timeout: int | None = Field(
        default=None, description="Deadline of one MCP request, at most timeout [30, or timeout if smaller]"
    )
    detailed: bool = Field(default=False, description="Add remediation, techniques, spans and the LLM's reasoning")
    format: str | None = Field(default=None, max_length=32, description="json, text, table or raw [json]")
    auth_headers: dict[Annotated[str, Field(max_length=256)], Annotated[str, Field(max_length=8192)]] | None = Field(
        default=None, description="Headers sent to the scanned http(s) server (never logged or echoed)"
    )
    return_prompts: bool = Field(
        default=False, description="Build the LLM judge's requests and return them in result.llm_prompts; call nothing"
    )
    javelin_mcp_url: Url | None = Field(
        default=None, description="Reach the server through this gateway URL; url stays its identity"
    )
    reference_mcp_url: Url | None = Field(
        default=None, validation_alias=AliasChoices("reference_mcp_url", "reference_url"),
        description="Compare with this server's live listing instead of the baseline (alias: reference_url)",
    )
    force_scan: bool = Field(default=False, description="Analyze even when nothing changed since the baseline")
    include_diff: bool = Field(default=False, description="Put unified diffs in change_summary")
    change_detection: ChangeDetectionFields | None = Field(default=None, description="What counts as a change")
    understand_live_risk: bool = Field(
        default=False, description="mcts: consent to a live scan (or X-MCTS-Live-Consent: 1, or MCTS_LIVE_OK=1)"
    )

    def change_settings(self) -> ChangeSettings:
        """The change-detection settings of this request (defaults when it gives none)."""
        return (self.change_detection or ChangeDetectionFields()).settings()

    def output_format(self) -> str:
        """The output format (``json`` when none is given)."""
        return (self.format or "json").lower()


class BatchScanRequest(_Request):
    """``POST /batch-scan``: several targets, one set of options."""

    urls: list[Url] = Field(default_factory=list, description="Targets, scanned concurrently; results in this order")
    options: ScanFields | None = Field(default=None, description="Options shared by every URL (their url ignored)")


class RefreshToolsRequest(_Request):
    """``POST /refresh-tools``: re-list servers, analyze them and make each listing its new baseline."""

    urls: list[Url] = Field(default_factory=list)
    auth_headers: dict[Annotated[str, Field(max_length=256)], Annotated[str, Field(max_length=8192)]] | None = None
    timeout: int | None = Field(default=None, description="Total deadline per server, 1-3600 seconds [60]")
    http_timeout: int | None = Field(default=None, description="Deadline of one MCP request [30]")
    change_detection: ChangeDetectionFields | None = Field(
        default=None, description="Settings of the change_summary returned (the baseline stores full listings)"
    )
    understand_live_risk: bool = False


def request_problem(fields: ScanFields | RefreshToolsRequest,
                    url: Literal["required", "optional", "ignored"] = "ignored") -> str | None:
    """The Ramparts validation message for these options, or ``None`` when they are valid.

    ``url``: whether ``fields.url`` must be given (``/scan``), is checked when given (``/validate``) or is
    ignored (a batch's options).
    """
    timeout, http = fields.timeout, fields.http_timeout
    if timeout is not None and timeout <= 0:
        return "Timeout must be greater than 0"
    if timeout is not None and timeout > MAX_TIMEOUT:
        return f"Timeout must be between 1 and {MAX_TIMEOUT} seconds"
    if http is not None and http <= 0:
        return "HTTP timeout must be greater than 0"
    if http is not None and http > (timeout if timeout is not None else DEFAULT_TIMEOUT):
        return "Total timeout must be greater than or equal to HTTP timeout"
    if isinstance(fields, ScanFields):
        if fields.format is not None and fields.format.lower() not in FORMATS:
            return f"Invalid format: must be one of {', '.join(FORMATS)}"
        if url == "required" and not fields.url.strip():
            return "URL is required"
        for name in ("url", "reference_mcp_url", "javelin_mcp_url"):
            value = getattr(fields, name)
            problem = url_problem(value) if value and (url != "ignored" or name != "url") else None
            if problem is not None:
                return problem if name == "url" else f"{name}: {problem}"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a target form this surface takes (the target policy is checked when scanning)."""
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        try:
            parts = urlsplit(text)
            host, _ = parts.hostname, parts.port
        except ValueError:
            return "Invalid URL: the host or the port cannot be read"
        return None if host else "Invalid URL: it has no host"
    if lowered.startswith("stdio:"):
        if not text[len("stdio:"):].strip(" /:"):
            return "Invalid stdio target: give stdio:///path/to/server or stdio:command:arg"
        return None
    if text and "://" in text.split(None, 1)[0]:
        return ("Only HTTP and HTTPS URLs, stdio: targets and command lines are supported "
                f"(not {text.split('://', 1)[0][:20]!r})")
    try:
        shlex.split(text)
    except ValueError:
        return "Invalid command line: a quote is not closed"
    return None


# Envelopes


class ChangeSummaryOut(BaseModel):
    """What changed: Ramparts' fields (tools only) and mcts' (every kind, with hashes and diffs)."""

    tools_added: list[str]
    tools_removed: list[str]
    tools_modified: list[dict[str, JsonValue]] = Field(description="tool_name, field, old_value, new_value, diff")
    total_changes: int
    change_types: list[str] = Field(description="added, removed, modified: those that occur")
    compared_with: str = Field(description="baseline, reference or previous_baseline")
    sensitivity: str
    changed: bool
    counts: dict[str, int]
    added: list[dict[str, JsonValue]]
    removed: list[dict[str, JsonValue]]
    modified: list[dict[str, JsonValue]]
    notes: list[str] = Field(default_factory=list, description="e.g. kinds whose removals were not checked")


class ScanResponseOut(BaseModel):
    """``POST /scan`` (and each element of a batch)."""

    success: bool = Field(description="True only for a complete scan (status Success)")
    result: ScanResultOut | None
    error: str | None
    timestamp: str
    refresh_happened: bool = Field(description="The server was listed afresh by this request")
    changes_detected: bool
    change_summary: ChangeSummaryOut | None
    scan_skipped: bool = Field(description="Unchanged since the baseline: no analysis ran, result is the cached one")
    cache_hit: bool
    scan_id: str | None = Field(default=None, description="History store id of the scan the result comes from")
    baseline_scan_id: str | None = Field(default=None, description="The baseline compared with, if any")
    report: str | None = Field(default=None, description="format text or table: the rendered report")


class BatchScanResponseOut(BaseModel):
    """``POST /batch-scan``."""

    success: bool = Field(description="failed == 0")
    results: list[ScanResponseOut]
    total: int
    successful: int
    failed: int
    timestamp: str


class ValidationResponseOut(BaseModel):
    """``POST /validate``."""

    success: bool
    valid: bool
    error: str | None
    timestamp: str


class RefreshResultOut(BaseModel):
    """One server of ``POST /refresh-tools``."""

    url: str
    success: bool
    tools_count: int
    tools: list[ToolOut]
    error: str | None
    identity: str | None = None
    baseline_updated: bool = False
    scan_id: str | None = None
    previous_baseline_scan_id: str | None = None
    changes_detected: bool = False
    change_summary: ChangeSummaryOut | None = None


class RefreshToolsResponseOut(BaseModel):
    """``POST /refresh-tools``."""

    success: bool
    results: list[RefreshResultOut]
    total: int
    successful: int
    failed: int
    timestamp: str


class RampartsErrorOut(BaseModel):
    """Every refusal on this surface: Ramparts' envelope, plus a stable machine code."""

    success: Literal[False] = False
    error: str = Field(description="What went wrong and what to do (never echoes a secret)")
    error_code: str = Field(description="bad_request, unauthorized, live_consent_required, target_refused, ...")
    timestamp: str
    valid: bool | None = Field(default=None, description="/validate only: false")


class HealthOut(BaseModel):
    """``GET /v1/ramparts/health``."""

    status: Literal["healthy"] = "healthy"
    timestamp: str
    service: str
    version: str
    protocol_version: str
