"""From an mcts ``ScanReport`` to Ramparts' ``ScanResult`` shape (models in ``ramparts_result_models``).

Pure functions of the report: a cached result (the baseline's stored report) is shaped exactly like a fresh
one. Each finding becomes a ``security_scan_results`` entry on the item it is about (``ramparts_findings``).
Suppressed findings are listed with ``suppressed: true`` but are not counted, as in the report.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcts import __version__
from mcts.api.ramparts_findings import FindingEntries, judge_skipped, llm_details, llm_prompts, scan_type, yara_result
from mcts.api.ramparts_result_models import (
    AnalyzerOut,
    AuthenticationErrorStatus,
    ConnectionErrorStatus,
    FailedStatus,
    IssueCountsOut,
    PromptArgumentOut,
    PromptOut,
    ResourceOut,
    ResourceTemplateOut,
    ScanResultOut,
    ScanSummaryOut,
    SecurityIssueOut,
    SecurityIssuesOut,
    SecurityScanEntry,
    ServerInfoOut,
    Status,
    ToolOut,
)
from mcts.api.service import FindingIndex, shown_target
from mcts.model.finding import Surface
from mcts.model.inventory import Inventory, Tool
from mcts.model.report import ScanReport, ScanStatus
from mcts.model.target import redact_argv, redact_url
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

MAX_REASON_CHARS = 2000
MAX_URL_SHOWN = 500
_AUTH_REFUSED = re.compile(r"\b(401|403)\b|unauthori[sz]ed|forbidden", re.I)
_ISSUE_KEYS = {Surface.TOOL: "tool_name", Surface.PROMPT: "prompt_name", Surface.RESOURCE: "resource_uri",
               Surface.RESOURCE_TEMPLATE: "resource_uri"}


@dataclass(frozen=True)
class Shaping:
    """How to shape one result: what the request asked for and what the scan measured."""

    url: str
    detailed: bool = False
    raw: bool = False
    return_prompts: bool = False
    elapsed_ms: float = 0.0
    identity: str | None = None
    scan_root: Path = Path()


def shown_url(raw: str) -> str:
    """The target as given, for a response: URL userinfo and secret-looking values hidden, escaped and cut."""
    text = raw.strip()
    if text.lower().startswith(("http://", "https://")):
        try:
            text = redact_url(text)
        except ValueError:
            text = re.sub(r"//[^/?#]*@", "//", text)
    else:
        with contextlib.suppress(ValueError):
            text = " ".join(shlex.quote(a) for a in redact_argv(tuple(shlex.split(text))))
    return escape_text(redact_secrets(text), limit=MAX_URL_SHOWN)


def ramparts_status(report: ScanReport) -> Status:
    """``"Success"`` for a complete scan; otherwise why not, in Ramparts' status variants."""
    if report.status is ScanStatus.COMPLETE:
        return "Success"
    reason = "; ".join(report.status_reasons)[:MAX_REASON_CHARS] or "the scan is incomplete"
    listings = report.coverage.listings
    reached = not listings or any(not (x.error or "").startswith("not reached") for x in listings.values())
    if reached:
        return FailedStatus(Failed=reason)
    if any(r.startswith("deadline of") for r in report.status_reasons):
        return "Timeout"
    if _AUTH_REFUSED.search(" ".join((*report.status_reasons, *report.coverage.warnings))):
        return AuthenticationErrorStatus(AuthenticationError=reason)
    return ConnectionErrorStatus(ConnectionError=reason)


def scan_result(report: ScanReport, shaping: Shaping, *, extra_warnings: Iterable[str] = ()) -> ScanResultOut:
    """The ``result`` object of ``report``."""
    inventory = report.inventory
    index = FindingIndex(report.findings)
    entries = FindingEntries(shaping.detailed)
    tools = [_tool(t, [entries.of(f) for f in index.of("tool", t.name)]) for t in inventory.tools]
    prompts = [PromptOut(name=p.name, description=p.description,
                         arguments=[PromptArgumentOut(name=a.name, description=a.description, required=a.required)
                                    for a in p.arguments] or None,
                         security_scan_results=[entries.of(f) for f in index.of("prompt", p.name)])
               for p in inventory.prompts]
    resources = [ResourceOut(uri=r.uri, name=r.name or r.uri, description=r.description, mime_type=r.mime_type,
                             size=_size(r.model_extra), metadata=_wire(r, exclude={"uri", "name", "description",
                                                                                   "mime_type", "contents"}),
                             security_scan_results=[entries.of(f) for f in index.of("resource", r.uri)])
                 for r in inventory.resources]
    templates = [ResourceTemplateOut(uri_template=t.uri_template, name=t.name, description=t.description,
                                     mime_type=t.mime_type,
                                     security_scan_results=[entries.of(f) for f in
                                                            index.of("resource_template", t.uri_template)])
                 for t in inventory.resource_templates]
    server_findings = [f for f in report.findings if f.location.item is None]
    raw = None
    if shaping.raw:
        raw = report.model_dump(mode="json", by_alias=True, exclude_none=True)
        raw["target"]["value"] = shown_target(report.target.kind, report.target.value, shaping.scan_root)
    return ScanResultOut(
        url=shaping.url, status=ramparts_status(report), timestamp=report.started_at.isoformat(),
        response_time_ms=round(shaping.elapsed_ms), server_info=_server_info(report), tools=tools,
        resources=resources, resource_templates=templates, prompts=prompts,
        server_security_scan_results=[entries.of(f) for f in server_findings],
        security_issues=_issues(report, shaping.detailed), security_scan_summary=_summary(report),
        yara_results=[y for f in report.findings if (y := yara_result(f)) is not None],
        errors=list(report.status_reasons),
        warnings=[*report.coverage.warnings, *(judge_skipped(report) if shaping.return_prompts else ()),
                  *extra_warnings],
        llm_prompts=llm_prompts(report) if shaping.return_prompts else None, raw=raw, identity=shaping.identity,
        mcts_version=report.mcts_version or __version__,
    )


def _tool(tool: Tool, results: list[SecurityScanEntry]) -> ToolOut:
    wire = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
    properties = tool.input_schema.get("properties")
    return ToolOut(name=tool.name, description=tool.description, input_schema=tool.input_schema or None,
                   output_schema=tool.output_schema, parameters=properties if isinstance(properties, dict) else {},
                   deprecated=bool((tool.annotations or {}).get("deprecated", False)), raw_json=wire,
                   security_scan_results=results)


def _wire(model: Any, *, exclude: set[str]) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=exclude)
    return dumped


def _size(extra: dict[str, Any] | None) -> int | None:
    size = (extra or {}).get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def _server_info(report: ScanReport) -> ServerInfoOut | None:
    inventory: Inventory = report.inventory
    info = inventory.server_info
    if info is None and inventory.protocol_version is None:
        return None
    metadata: dict[str, Any] = {"protocol_version": inventory.protocol_version, "transport": report.coverage.transport}
    if info is not None and info.title:
        metadata["title"] = info.title
    if inventory.instructions is not None:
        metadata["instructions"] = inventory.instructions
    return ServerInfoOut(name=(info.name if info else None) or "", version=(info.version if info else None) or "",
                         description=info.description if info else None,
                         capabilities=sorted(inventory.capabilities or {}), metadata=metadata)


def _issues(report: ScanReport, detailed: bool) -> SecurityIssuesOut:
    groups: dict[str, list[SecurityIssueOut]] = {"tool": [], "prompt": [], "resource": [], "server": []}
    for f in (f for f in report.findings if f.suppressed is None):
        key = _ISSUE_KEYS.get(f.location.surface) if f.location.item is not None else None
        issue = SecurityIssueOut(
            issue_type=f.techniques[0] if f.techniques else f.analyzer, description=f.evidence, details=f.detail,
            severity=f.severity.value.upper(), message=f.title, scan_type=scan_type(f), analyzer=f.analyzer,
            finding_id=f.id, **({key: f.location.item} if key else {}),
        )
        groups[key.split("_")[0] if key else "server"].append(issue)
    counts = IssueCountsOut(tools=len(groups["tool"]), prompts=len(groups["prompt"]),
                            resources=len(groups["resource"]), server=len(groups["server"]),
                            total=sum(len(g) for g in groups.values()))
    return SecurityIssuesOut(tool_issues=groups["tool"], prompt_issues=groups["prompt"],
                             resource_issues=groups["resource"], server_issues=groups["server"],
                             tool_analysis_details=llm_details(report) if detailed else {}, counts=counts,
                             total_issues=counts.total)


def _summary(report: ScanReport) -> ScanSummaryOut:
    counted = [f for f in report.findings if f.suppressed is None]
    summary, worst = report.summary, max((f.severity for f in counted), key=lambda s: s.rank, default=None)
    status = "incomplete" if report.status is not ScanStatus.COMPLETE else "issues_found" if counted else "clean"
    inventory = report.inventory
    return ScanSummaryOut(
        status=status, total_issues=summary.total, highest_severity=worst.value.upper() if worst else None,
        by_severity={"CRITICAL": summary.critical, "HIGH": summary.high, "MEDIUM": summary.medium,
                     "LOW": summary.low, "INFO": summary.info},
        by_scan_type=dict(Counter(scan_type(f) for f in counted)),
        items_scanned={"tools": len(inventory.tools), "prompts": len(inventory.prompts),
                       "resources": len(inventory.resources), "resource_templates": len(inventory.resource_templates)},
        score=report.score.overall if report.score else None, grade=report.score.grade if report.score else None,
        security_score=report.score_v2.security_score if report.score_v2 else None,
        risk_level=report.score_v2.risk_level if report.score_v2 else None,
        gate_violations=list(report.gate_violations),
        analyzers=[AnalyzerOut(id=r.id, status=r.status.value, reason=r.reason, findings=r.findings)
                   for r in report.analyzers],
    )
