"""Findings in Ramparts' shapes: ``security_scan_results`` entries, ``yara_results`` and the LLM judge's output.

The ``scan_type`` of a finding is chosen by analyzer family (``SCAN_TYPES``; every other analyzer is
``static_analysis``). A YARA finding's evidence starts with ``[family.rule]``: that gives ``rule_file`` and
``rule_name``, and the compiled rule set gives ``rule_metadata``. The LLM judge's requests
(``llm_prompts``) and per-item verdicts (``tool_analysis_details``) come from its run's attachments.
"""

from __future__ import annotations

import re
from typing import Any

from mcts.api.ramparts_result_models import (
    LlmPromptOut,
    RuleMetadataOut,
    ScanType,
    SecurityScanEntry,
    YaraResultOut,
)
from mcts.model.finding import Finding
from mcts.model.report import ScanReport

SCAN_TYPES: dict[str, ScanType] = {
    "yara-rules": "yara_rules", "llm-judge": "llm_analysis", "rug-pull": "change_detection",
    "protocol-probe": "protocol_probe",
}
YARA_TAG = re.compile(r"\[(?P<file>[A-Za-z0-9_]+)\.(?P<rule>[A-Za-z0-9_]+)\] (?P<rest>.*)", re.S)


def scan_type(finding: Finding) -> ScanType:
    """The ``scan_type`` of a finding: by analyzer family."""
    return SCAN_TYPES.get(finding.analyzer, "static_analysis")


class FindingEntries:
    """Findings to ``security_scan_results`` entries; ``detailed`` adds remediation, techniques and spans."""

    def __init__(self, detailed: bool) -> None:
        self.detailed = detailed

    def of(self, f: Finding) -> SecurityScanEntry:
        """The entry of finding ``f``."""
        values: dict[str, Any] = {
            "scan_type": scan_type(f), "analyzer": f.analyzer, "finding_id": f.id,
            "issue_type": f.techniques[0] if f.techniques else f.analyzer, "severity": f.severity.value.upper(),
            "confidence": f.confidence.value, "message": f.title, "description": f.evidence, "details": f.detail,
            "field": f.location.field, "suppressed": f.suppressed is not None,
        }
        tag = YARA_TAG.fullmatch(f.evidence) if f.analyzer == "yara-rules" else None
        if tag is not None:
            values.update(rule_name=tag["rule"], rule_file=tag["file"], context=tag["rest"],
                          rule_metadata=rule_metadata(f, tag["file"], tag["rule"]))
        if self.detailed:
            values.update(remediation=f.remediation, techniques=list(f.techniques), owasp=list(f.owasp),
                          span=list(f.location.span) if f.location.span else None,
                          suppression_reason=f.suppressed.reason if f.suppressed else None)
        return SecurityScanEntry(**values)


def rule_metadata(finding: Finding, rule_file: str, rule_name: str) -> RuleMetadataOut:
    """What the rule declares, from the compiled rule set (the finding's own values when it is not there)."""
    from mcts.rules import load_rules

    info = load_rules().info.get((rule_file, rule_name))
    return RuleMetadataOut(
        name=rule_name, description=(info.description or info.title) if info else finding.title,
        severity=(info.severity if info else finding.severity).value.upper(),
        category=info.technique if info else (finding.techniques[0] if finding.techniques else None),
        confidence=(info.confidence if info else finding.confidence).value, author="mcts",
        tags=[*finding.techniques, *finding.owasp],
    )


def yara_result(f: Finding) -> YaraResultOut | None:
    """The ``yara_results`` entry of an unsuppressed YARA finding, else ``None``."""
    tag = YARA_TAG.fullmatch(f.evidence) if f.analyzer == "yara-rules" and f.suppressed is None else None
    if tag is None:
        return None
    return YaraResultOut(target_type=f.location.surface.value, target_name=f.location.item or f.location.surface.value,
                         rule_name=tag["rule"], rule_file=tag["file"], matched_text=tag["rest"],
                         context=f"{f.location.display()}: {f.title}",
                         rule_metadata=rule_metadata(f, tag["file"], tag["rule"]))


def llm_details(report: ScanReport) -> dict[str, str]:
    """The LLM judge's reasoning per tool (every verdict, believed or not, as its attachments record them)."""
    out: dict[str, list[str]] = {}
    for run in report.analyzers:
        if run.id != "llm-judge":
            continue
        for account in run.attachments.get("verdicts", ()):
            if account.get("surface") != "tool" or not isinstance(account.get("item"), str):
                continue
            for verdict in _list(account.get("verdicts")):
                if isinstance(verdict, dict):
                    believed = "" if verdict.get("believed") else " (not believed)"
                    out.setdefault(str(account["item"]), []).append(
                        f"{verdict.get('issue_type')}{believed}: {verdict.get('reasoning') or ''}".strip())
    return {name: "\n".join(lines) for name, lines in out.items()}


def judge_skipped(report: ScanReport) -> list[str]:
    """Why ``llm_prompts`` is empty when the judge did not run (not configured, filtered out)."""
    return [f"no llm_prompts: analyzer llm-judge {r.status.value}: {r.reason}" for r in report.analyzers
            if r.id == "llm-judge" and r.status.value != "ran"]


def llm_prompts(report: ScanReport) -> list[LlmPromptOut]:
    """The LLM judge's requests as Ramparts' ``llm_prompts`` (empty when the judge did not build any)."""
    out: list[LlmPromptOut] = []
    for run in report.analyzers:
        if run.id != "llm-judge":
            continue
        for index, request in enumerate(run.attachments.get("requests", ())):
            body = request.get("body")
            items = [i for i in _list(request.get("items")) if isinstance(i, dict)]
            surfaces = {str(i.get("surface")) for i in items}
            messages = body.get("messages") if isinstance(body, dict) else None
            user = next((m.get("content") for m in _list(messages) if isinstance(m, dict) and m.get("role") == "user"),
                        "")
            out.append(LlmPromptOut(
                target_type=surfaces.pop() if len(surfaces) == 1 else "mixed", batch_index=index, prompt=str(user),
                request_body=body if isinstance(body, dict) else {},
                endpoint=str(request["url"]) if request.get("url") else None,
                item_names=[str(i.get("item") or i.get("surface")) for i in items],
            ))
    return out


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
