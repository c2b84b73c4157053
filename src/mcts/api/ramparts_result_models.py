"""The ``result`` of a Ramparts-compatible scan: Ramparts' ``ScanResult`` keys, filled from an mcts report.

Ramparts' own keys (``url``, ``status``, ``timestamp``, ``response_time_ms``, ``server_info``, ``tools``,
``resources``, ``prompts``, ``security_issues``, ``yara_results``, ``errors``, ``llm_prompts``) keep their
names and types; what mcts adds (``security_scan_results`` on every item, ``resource_templates``,
``server_security_scan_results``, ``security_scan_summary``, ``warnings``, ``raw``, ...) is new keys only.
Severities are upper case, as in Ramparts (``CRITICAL``, ``HIGH``, ``MEDIUM``, ``LOW``, ``INFO``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

ScanType = Literal["yara_rules", "llm_analysis", "static_analysis", "change_detection", "protocol_probe"]


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class FailedStatus(_Out):
    """``{"Failed": reason}``: the scan ran but is incomplete (never a clean bill)."""

    Failed: str


class ConnectionErrorStatus(_Out):
    """``{"ConnectionError": reason}``: the server could not be reached or started."""

    ConnectionError: str


class AuthenticationErrorStatus(_Out):
    """``{"AuthenticationError": reason}``: the server refused the credentials (401 or 403)."""

    AuthenticationError: str


Status = Literal["Success", "Timeout"] | FailedStatus | ConnectionErrorStatus | AuthenticationErrorStatus


def _is_none(value: object) -> bool:
    return value is None


def _omitted(description: str | None = None) -> Any:
    """An optional field left out of the JSON when unset (as Ramparts skips its empty options)."""
    return Field(default=None, exclude_if=_is_none, description=description)


class RuleMetadataOut(_Out):
    """What a YARA rule declares (``rule_metadata``)."""

    name: str
    description: str | None = _omitted()
    severity: str | None = _omitted()
    category: str | None = _omitted("The mcts technique id")
    confidence: str | None = _omitted()
    author: str | None = _omitted()
    tags: list[str] = Field(default_factory=list, description="Techniques and OWASP MCP Top 10 keys")


class SecurityScanEntry(_Out):
    """One finding on one item, in the shape of Ramparts' per-tool ``security_scan_results``.

    Every entry carries the ``llm_analysis`` fields (``issue_type``, ``severity``, ``message``,
    ``description``, ``details``); ``yara_rules`` entries add ``rule_name``, ``rule_file``, ``context`` and
    ``rule_metadata``.
    """

    scan_type: ScanType
    analyzer: str = Field(description="The mcts analyzer id")
    finding_id: str
    issue_type: str = Field(description="The mcts technique id, e.g. hidden-directive")
    severity: str
    confidence: str
    message: str = Field(description="The finding's title")
    description: str = Field(description="The evidence, escaped")
    details: str | None = _omitted()
    field: str = Field(description="Field path on the item, e.g. inputSchema.properties.path.description")
    suppressed: bool = Field(default=False, description="Accepted by an ignore entry: not counted")
    rule_name: str | None = _omitted()
    rule_file: str | None = _omitted("The rule family (file under mcts/rules/yara)")
    context: str | None = _omitted()
    rule_metadata: RuleMetadataOut | None = _omitted()
    remediation: str | None = _omitted("detailed only")
    techniques: list[str] | None = _omitted("detailed only")
    owasp: list[str] | None = _omitted("detailed only")
    span: list[int] | None = _omitted("detailed only: [start, end) in the field")
    suppression_reason: str | None = _omitted("detailed only")


class ServerInfoOut(_Out):
    """``server_info``."""

    name: str
    version: str
    description: str | None = None
    capabilities: list[str] = Field(description="Capability names the server advertised")
    metadata: dict[str, JsonValue] = Field(description="protocol_version, title, instructions, transport")


class ToolOut(_Out):
    """One tool, as Ramparts lists it, plus its findings."""

    name: str
    description: str | None
    input_schema: dict[str, JsonValue] | None
    output_schema: dict[str, JsonValue] | None
    parameters: dict[str, JsonValue] = Field(description="inputSchema.properties")
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    deprecated: bool = False
    raw_json: dict[str, JsonValue] | None = Field(description="The tool as the server listed it (MCP wire JSON)")
    security_scan_results: list[SecurityScanEntry] = Field(default_factory=list)


class ResourceOut(_Out):
    """One resource, plus its findings."""

    uri: str
    name: str
    description: str | None = None
    mime_type: str | None = Field(default=None, alias="mimeType")
    size: int | None = None
    metadata: dict[str, JsonValue] = Field(default_factory=dict)
    security_scan_results: list[SecurityScanEntry] = Field(default_factory=list)


class ResourceTemplateOut(_Out):
    """One resource template (mcts), plus its findings."""

    uri_template: str = Field(alias="uriTemplate")
    name: str | None = None
    description: str | None = None
    mime_type: str | None = Field(default=None, alias="mimeType")
    security_scan_results: list[SecurityScanEntry] = Field(default_factory=list)


class PromptArgumentOut(_Out):
    """One prompt argument."""

    name: str
    description: str | None = None
    required: bool | None = None


class PromptOut(_Out):
    """One prompt, plus its findings."""

    name: str
    description: str | None = None
    arguments: list[PromptArgumentOut] | None = None
    security_scan_results: list[SecurityScanEntry] = Field(default_factory=list)


class SecurityIssueOut(_Out):
    """One unsuppressed finding in Ramparts' ``SecurityIssue`` shape."""

    issue_type: str
    tool_name: str | None = None
    prompt_name: str | None = None
    resource_uri: str | None = None
    description: str
    details: str | None = None
    severity: str
    message: str
    scan_type: ScanType
    analyzer: str
    finding_id: str


class IssueCountsOut(_Out):
    """Unsuppressed findings per kind of item."""

    tools: int
    prompts: int
    resources: int
    server: int
    total: int


class SecurityIssuesOut(_Out):
    """``security_issues``: the unsuppressed findings by kind of item, with counts."""

    tool_issues: list[SecurityIssueOut]
    prompt_issues: list[SecurityIssueOut]
    resource_issues: list[SecurityIssueOut] = Field(description="Resources and resource templates")
    server_issues: list[SecurityIssueOut] = Field(description="Instructions, serverInfo, whole-server findings")
    tool_analysis_details: dict[str, str] = Field(description="detailed only: the LLM judge's reasoning per tool")
    counts: IssueCountsOut
    total_issues: int


class YaraResultOut(_Out):
    """One YARA rule match (``yara_results``)."""

    target_type: str
    target_name: str
    rule_name: str
    rule_file: str | None = _omitted()
    matched_text: str | None = _omitted()
    context: str
    rule_metadata: RuleMetadataOut | None = _omitted()


class LlmPromptOut(_Out):
    """One request the LLM judge would send (``return_prompts``)."""

    target_type: str = Field(description="tool, prompt, resource, ... or mixed")
    batch_index: int
    prompt: str = Field(description="The user message: the items between the judge's delimiters")
    request_body: dict[str, JsonValue] = Field(description="The chat-completions body, exactly")
    endpoint: str | None
    item_names: list[str]


class AnalyzerOut(_Out):
    """One analyzer's run."""

    id: str
    status: str
    reason: str | None = None
    findings: int


class ScanSummaryOut(_Out):
    """``security_scan_summary``: the verdict at a glance."""

    status: Literal["clean", "issues_found", "incomplete"]
    total_issues: int
    highest_severity: str | None
    by_severity: dict[str, int]
    by_scan_type: dict[str, int]
    items_scanned: dict[str, int]
    score: int | None = Field(description="Legacy 0-100 score")
    grade: str | None
    security_score: int | None = Field(description="v2 security score")
    risk_level: str | None
    gate_violations: list[str]
    analyzers: list[AnalyzerOut]


class ScanResultOut(_Out):
    """``result``: one scanned server."""

    url: str = Field(description="The target as given, secrets redacted")
    status: Status
    timestamp: str = Field(description="When the scan that produced this result started (RFC 3339)")
    response_time_ms: int = Field(description="Time this request spent on the target (listing, and analysis)")
    server_info: ServerInfoOut | None
    tools: list[ToolOut]
    resources: list[ResourceOut]
    resource_templates: list[ResourceTemplateOut]
    prompts: list[PromptOut]
    server_security_scan_results: list[SecurityScanEntry]
    security_issues: SecurityIssuesOut
    security_scan_summary: ScanSummaryOut
    yara_results: list[YaraResultOut]
    errors: list[str] = Field(description="Why the scan is incomplete (empty for a complete scan)")
    warnings: list[str] = Field(default_factory=list)
    llm_prompts: list[LlmPromptOut] | None = Field(default=None, description="return_prompts only")
    raw: dict[str, JsonValue] | None = Field(default=None, description="format raw: the full mcts ScanReport")
    identity: str | None = Field(default=None, description="The server identity baselines are kept under")
    mcts_version: str
