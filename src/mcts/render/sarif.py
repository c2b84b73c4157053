"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (``docs/reports.md``).

One ``run`` per report. One rule per technique that appears in the run (rule id = technique id), with the
technique's title, description, remediation, OWASP MCP Top 10 keys and CWE ids. Each finding is a result with a
logical location (the item and field it was seen in) and a physical location: the file, line and column of a
source finding, or else the snapshot file a snapshot scan read (live items have none). Suppressed findings stay
in the run with an ``external`` suppression. An incomplete scan is an unsuccessful invocation with one
notification per reason, never a clean run. The text is pure ASCII.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from mcts.model.finding import Finding, Severity, Surface
from mcts.model.report import ScanReport, ScanStatus
from mcts.model.target import SOURCE_SUFFIXES
from mcts.taxonomy import Technique, load_taxonomy
from mcts.text.escape import escape_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://mcts.dev"
TECHNIQUE_DOCS_URI = "https://mcts.dev/docs/techniques/{id}.md"
FINGERPRINT_KEY = "mctsFindingId/v1"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
_LOGICAL_KIND = {
    Surface.SERVER: "module",
    Surface.INSTRUCTIONS: "text",
    Surface.TOOL: "function",
    Surface.PROMPT: "member",
    Surface.RESOURCE: "resource",
    Surface.RESOURCE_TEMPLATE: "resource",
}
_MESSAGE_LIMIT = 2000
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")


def render_sarif(reports: Sequence[ScanReport]) -> str:
    """The SARIF 2.1.0 log for ``reports`` as JSON text (one run per report)."""
    return json.dumps(sarif_document(reports), indent=2, ensure_ascii=True) + "\n"


def sarif_document(reports: Sequence[ScanReport]) -> dict[str, Any]:
    """The SARIF 2.1.0 log for ``reports`` as plain data."""
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [_run(report) for report in reports]}


def _run(report: ScanReport) -> dict[str, Any]:
    taxonomy = load_taxonomy()
    worst: dict[str, Severity] = {}
    for finding in report.findings:
        for technique_id in finding.techniques:
            seen = worst.get(technique_id)
            if seen is None or finding.severity.rank > seen.rank:
                worst[technique_id] = finding.severity
    rule_ids = sorted(worst)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [_rule(rule_id, taxonomy.techniques.get(rule_id), worst[rule_id]) for rule_id in rule_ids]
    driver: dict[str, Any] = {
        "name": "mcts",
        "fullName": "mcts, the Model Context Threat Scanner",
        "version": report.mcts_version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    return {
        "tool": {"driver": driver},
        "invocations": [_invocation(report)],
        "results": [_result(finding, index, _fallback_artifact(report), _source_root(report))
                    for finding in report.findings],
        "columnKind": "unicodeCodePoints",
        "properties": _run_properties(report),
    }


def _rule(rule_id: str, technique: Technique | None, worst: Severity) -> dict[str, Any]:
    docs = TECHNIQUE_DOCS_URI.format(id=rule_id)
    title = technique.title if technique else rule_id
    description = (technique.description if technique else "") or title
    remediation = technique.remediation if technique else "See the finding's remediation."
    tags = ["security"]
    if technique is not None:
        tags += list(technique.owasp)
        tags += list(technique.cwe)
        tags += [f"external/cwe/{cwe.lower()}" for cwe in technique.cwe]
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "helpUri": docs,
        "help": {
            "text": f"{description}\n\nRemediation: {remediation}\n\nDocumentation: {docs}",
            "markdown": f"{description}\n\n**Remediation:** {remediation}\n\n[Documentation for `{rule_id}`]({docs})",
        },
        "defaultConfiguration": {"level": _LEVEL[worst]},
        "properties": {"tags": tags, "security-severity": _SECURITY_SEVERITY[worst]},
    }


def _fallback_artifact(report: ScanReport) -> dict[str, Any] | None:
    """The snapshot file a snapshot scan read, or ``None``: live and source targets have no such file.

    Viewers such as GitHub code scanning need a file on every result; a snapshot item lives in that file.
    """
    if report.target.kind == "snapshot" and report.target.value:
        return {"artifactLocation": {"uri": _uri(report.target.value)}}
    return None


def _source_root(report: ScanReport) -> str | None:
    """The directory a source scan's file paths are relative to, as the target was given (a file: its folder).

    Prefixed to every file path, so a scan run from the repository root gives repository-relative URIs.
    """
    if report.target.kind != "source" or not report.target.value:
        return None
    target = PurePosixPath(report.target.value.replace("\\", "/"))
    return str(target.parent if target.suffix.lower() in SOURCE_SUFFIXES else target)


def _result(
    finding: Finding, index: dict[str, int], fallback: dict[str, Any] | None, root: str | None
) -> dict[str, Any]:
    rule_id = finding.techniques[0] if finding.techniques else finding.analyzer
    text = f"{escape_text(finding.title, limit=300)}: {escape_text(finding.evidence)}"
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding, fallback, root)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": {
            "findingId": finding.id,
            "analyzer": finding.analyzer,
            "severity": finding.severity.value,
            "confidence": finding.confidence.value,
            "techniques": list(finding.techniques),
            "owasp": list(finding.owasp),
            "security-severity": _SECURITY_SEVERITY[finding.severity],
            "remediation": finding.remediation,
        },
    }
    if rule_id in index:
        result["ruleIndex"] = index[rule_id]
    if finding.detail:
        result["properties"]["detail"] = escape_text(finding.detail, limit=_MESSAGE_LIMIT)
    if finding.suppressed is not None:
        suppression = finding.suppressed
        properties: dict[str, str] = {"source": escape_text(suppression.source)}
        if suppression.expires is not None:
            properties["expires"] = suppression.expires.isoformat()
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": escape_text(suppression.reason),
             "properties": properties}
        ]
    return result


def _location(finding: Finding, fallback: dict[str, Any] | None, root: str | None) -> dict[str, Any]:
    where = finding.location
    logical: dict[str, Any] = {
        "name": escape_text(where.item if where.item is not None else where.field, limit=500),
        "fullyQualifiedName": escape_text(where.display(), limit=1000),
        "kind": _LOGICAL_KIND.get(where.surface, "element"),
    }
    location: dict[str, Any] = {"logicalLocations": [logical]}
    physical = _physical(finding, root) or fallback
    if physical is not None:
        location["physicalLocation"] = physical
    return location


def _physical(finding: Finding, root: str | None = None) -> dict[str, Any] | None:
    """A file:line location when the finding carries one (source findings); ``None`` for live items.

    Source findings are duck-typed: a ``path`` or ``file`` attribute on the finding's location (or on a
    ``source`` attribute of the finding), with optional ``line`` and ``column`` (1-based).
    """
    for holder in (getattr(finding, "source", None), finding.location):
        if holder is None:
            continue
        path = getattr(holder, "path", None) or getattr(holder, "file", None)
        if not path:
            continue
        if root and root != "." and not PurePosixPath(str(path)).is_absolute():
            path = PurePosixPath(root) / str(path)
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(str(path))}}
        line = getattr(holder, "line", None)
        if isinstance(line, int) and line >= 1:
            region: dict[str, int] = {"startLine": line}
            column = getattr(holder, "column", None)
            if isinstance(column, int) and column >= 1:
                region["startColumn"] = column
            physical["region"] = region
        return physical
    return None


def _uri(path: str) -> str:
    """A URI reference for ``path``: relative paths stay relative (repository-relative for GitHub)."""
    if _WINDOWS_ABSOLUTE.match(path):
        return PureWindowsPath(path).as_uri()
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/")


def _invocation(report: ScanReport) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": report.status is ScanStatus.COMPLETE,
        "startTimeUtc": _utc(report),
    }
    notes = [
        {"level": "error", "message": {"text": escape_text(reason, limit=_MESSAGE_LIMIT)}}
        for reason in report.status_reasons
    ]
    if report.status is ScanStatus.INCOMPLETE and not notes:
        notes.append({"level": "error", "message": {"text": "The scan is incomplete."}})
    notes += [{"level": "warning", "message": {"text": escape_text(warning, limit=_MESSAGE_LIMIT)}}
              for warning in report.coverage.warnings]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _utc(report: ScanReport) -> str:
    started = report.started_at
    started = started.replace(tzinfo=UTC) if started.tzinfo is None else started.astimezone(UTC)
    return started.isoformat().replace("+00:00", "Z")


def _run_properties(report: ScanReport) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "target": {"kind": report.target.kind, "value": escape_text(report.target.value, limit=1000)},
        "status": report.status.value,
        "summary": report.summary.model_dump(mode="json"),
    }
    if report.status_reasons:
        properties["statusReasons"] = [escape_text(reason) for reason in report.status_reasons]
    if report.score is not None:
        properties["score"] = report.score.model_dump(mode="json")
    if report.score_v2 is not None:
        properties["scoreV2"] = report.score_v2.model_dump(mode="json")
    if report.gate_violations:
        properties["gateViolations"] = [escape_text(v) for v in report.gate_violations]
    return properties
