"""SARIF 2.1.0: valid against the official schema, one rule per technique, stable fingerprints, suppressions,
incomplete scans as unsuccessful invocations, file:line locations for source findings."""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from mcts.model.finding import Confidence, Finding, Location, Severity, SourceRef, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import ScanReport, ScanStatus, TargetInfo
from mcts.render import Format, render
from mcts.render.sarif import FINGERPRINT_KEY, render_sarif, sarif_document
from mcts.taxonomy import load_taxonomy
from tests.render.reports import STARTED, decorated, scanned

SCHEMA = Path("/work/shared/schemas/sarif-2.1.0.json")


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    if not SCHEMA.is_file():
        pytest.skip(f"the official SARIF 2.1.0 schema is not at {SCHEMA}; cannot validate")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


@pytest.fixture(scope="module")
def plain() -> ScanReport:
    return scanned()


@pytest.fixture(scope="module")
def full(plain: ScanReport) -> ScanReport:
    return decorated(plain, incomplete=True)


def errors(validator: Draft4Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_valid_against_official_schema(validator: Draft4Validator, plain: ScanReport, full: ScanReport) -> None:
    for reports in ([plain], [full], [plain, full], []):
        text = render_sarif(reports)
        assert text.isascii()
        document = json.loads(text)
        assert errors(validator, document) == []
        assert document["version"] == "2.1.0"
        assert len(document["runs"]) == len(reports)
    assert render([plain], Format.SARIF) == render_sarif([plain])


def test_driver_and_rules(plain: ScanReport) -> None:
    run = sarif_document([plain])["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mcts"
    assert driver["version"] == plain.mcts_version
    assert driver["informationUri"].startswith("https://")
    used = {t for f in plain.findings for t in f.techniques}
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted(used), "one rule per technique that appears, no more"
    taxonomy = load_taxonomy()
    tags_rule = next(rule for rule in driver["rules"] if rule["id"] == "hidden-unicode-tags")
    technique = taxonomy.technique("hidden-unicode-tags")
    assert tags_rule["shortDescription"]["text"] == technique.title
    assert tags_rule["fullDescription"]["text"] == technique.description
    assert technique.remediation in tags_rule["help"]["text"]
    assert "docs/techniques/hidden-unicode-tags.md" in tags_rule["help"]["markdown"]
    assert tags_rule["helpUri"].endswith("/techniques/hidden-unicode-tags.md")
    assert {"security", "MCP03", "MCP06", "CWE-116", "external/cwe/cwe-451"} <= set(tags_rule["properties"]["tags"])
    # the rule's security-severity is the worst seen for it: a string number in GitHub's critical band
    assert tags_rule["properties"]["security-severity"] == "9.5"
    assert tags_rule["defaultConfiguration"]["level"] == "error"
    for rule in driver["rules"]:
        float(rule["properties"]["security-severity"])


def test_results_levels_messages_and_locations(plain: ScanReport) -> None:
    run = sarif_document([plain])["runs"][0]
    results = run["results"]
    assert len(results) == len(plain.findings)
    rules = run["tool"]["driver"]["rules"]
    expected_level = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
    for finding, result in zip(plain.findings, results, strict=True):
        assert result["ruleId"] == finding.techniques[0]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == expected_level[finding.severity.value]
        assert result["message"]["text"].startswith(finding.title)
        assert result["partialFingerprints"] == {FINGERPRINT_KEY: finding.id}
        location = result["locations"][0]
        assert location["physicalLocation"] == {"artifactLocation": {"uri": "tests/analyzers/data/hidden_text.json"}}
        logical = location["logicalLocations"][0]
        assert logical["fullyQualifiedName"] == finding.location.display()
        assert "suppressions" not in result
    kinds = {r["locations"][0]["logicalLocations"][0]["kind"] for r in results}
    assert {"function", "member", "resource"} <= kinds  # tools, prompts, resources


def test_evidence_escaped(plain: ScanReport) -> None:
    document = sarif_document([plain])
    texts = [r["message"]["text"] for r in document["runs"][0]["results"]]
    joined = "\n".join(texts)
    assert "\\U000e0069\\U000e0067" in joined  # tag characters shown as escapes, never raw
    assert "\\x1b[8m" in joined
    assert "\\u202e" in joined
    for text in texts:
        assert not any(0xE0000 <= ord(c) <= 0xE007F or c in "\x1b\u202e\u200b\x07" for c in text)


def test_fingerprints_stable_across_renders(plain: ScanReport) -> None:
    again = scanned()
    first = [r["partialFingerprints"] for r in sarif_document([plain])["runs"][0]["results"]]
    second = [r["partialFingerprints"] for r in sarif_document([again])["runs"][0]["results"]]
    assert first == second
    assert len({fp[FINGERPRINT_KEY] for fp in first}) == len(first)


def test_suppressions_scores_and_incomplete(full: ScanReport) -> None:
    run = sarif_document([full])["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 2
    first = suppressed[0]["suppressions"][0]
    assert first["kind"] == "external"
    assert first["justification"] == "Accepted: fixture tool <b>|`x`|</b> @team"
    assert first["properties"]["expires"] == "2030-01-31"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert notes[:2] == list(full.status_reasons)
    assert invocation["startTimeUtc"] == "2025-01-02T03:04:05Z"
    props = run["properties"]
    assert props["score"] == {"overall": 7, "grade": "F", "raw_risk": 133.0}
    assert props["scoreV2"]["risk_level"] == "critical"
    assert props["scoreV2"]["category_scores"]["MCP01"] == 93
    assert props["gateViolations"] == list(full.gate_violations)
    assert props["status"] == "incomplete"


def test_complete_scan_is_successful_and_has_no_score_when_absent(plain: ScanReport) -> None:
    run = sarif_document([plain])["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in run["invocations"][0]
    assert "score" not in run["properties"] and "scoreV2" not in run["properties"]


@dataclasses.dataclass(frozen=True)
class SourceLocation:
    """A source finding's location, as a later issue may add it: the usual fields plus file, line and column."""

    surface: Surface
    field: str
    path: str
    line: int
    column: int | None = None
    item: str | None = None
    span: tuple[int, int] | None = None

    def display(self) -> str:
        return f"{self.surface.value}:{self.item}.{self.field}"


def _finding(location: Any, fid: str) -> Finding:
    return Finding.model_construct(
        id=fid, analyzer="src", techniques=("command-payload",), owasp=("MCP05",), severity=Severity.HIGH,
        confidence=Confidence.MEDIUM, location=location, title="Shell command built from input",
        evidence="subprocess.run(cmd, shell=True)", detail=None, remediation="Do not.", suppressed=None,
    )


def test_source_findings_get_file_and_line(validator: Draft4Validator) -> None:
    findings = (
        # a real source finding: its file is relative to the scanned root, which prefixes it in the URI
        _finding(Location(surface=Surface.TOOL, item="run", field="handler"), "MCTS-1").model_copy(
            update={"source": SourceRef(file="server.py", line=42, column=9)}),
        _finding(SourceLocation(surface=Surface.TOOL, item="run", field="handler", path="/abs/dir with space/s.ts",
                                line=3), "MCTS-2"),
        _finding(Location(surface=Surface.TOOL, item="run", field="description"), "MCTS-3"),
    )
    report = ScanReport(
        mcts_version="0", status=ScanStatus.COMPLETE, target=TargetInfo(kind="source", value="src"),
        started_at=STARTED.replace(tzinfo=None), duration_ms=1, inventory=Inventory(),
    ).model_copy(update={"findings": findings})
    document = sarif_document([report])
    assert errors(validator, document) == []
    results = document["runs"][0]["results"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first == {"artifactLocation": {"uri": "src/server.py"}, "region": {"startLine": 42, "startColumn": 9}}
    second = results[1]["locations"][0]["physicalLocation"]
    assert second == {"artifactLocation": {"uri": "file:///abs/dir%20with%20space/s.ts"}, "region": {"startLine": 3}}
    assert "physicalLocation" not in results[2]["locations"][0]
    assert results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "tool:run.handler"
    assert document["runs"][0]["invocations"][0]["startTimeUtc"] == "2025-01-02T03:04:05Z"


def test_odd_reports_do_not_crash(validator: Draft4Validator) -> None:
    base = ScanReport(
        mcts_version="0", status=ScanStatus.INCOMPLETE, target=TargetInfo(kind="http", value="http://x\x1b[2J/"),
        started_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), duration_ms=0, inventory=Inventory(),
    )
    huge = _finding(Location(surface=Surface.SERVER, field="name"), "MCTS-4").model_copy(
        update={"evidence": "A" * 200_000, "techniques": ("not-a-known-technique",), "title": ""}
    )
    report = base.model_copy(update={"findings": (huge,)})
    document = sarif_document([report])
    assert errors(validator, document) == []
    run = document["runs"][0]
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "The scan is incomplete."
    assert len(run["results"][0]["message"]["text"]) <= 2000
    assert run["tool"]["driver"]["rules"][0]["id"] == "not-a-known-technique"
    assert run["properties"]["target"]["value"] == "http://x\\x1b[2J/"


def test_engine_report_valid(validator: Draft4Validator) -> None:
    """A report straight from the engine (finalized: scores, gates) renders valid SARIF with its scores."""
    from mcts.engine import scan
    from mcts.options import ScanOptions
    from tests.render.reports import FIXTURE

    report = scan(str(FIXTURE), ScanOptions())
    document = sarif_document([report])
    assert errors(validator, document) == []
    run = document["runs"][0]
    assert len(run["results"]) == len(report.findings)
    if report.score is not None:
        assert run["properties"]["score"]["overall"] == report.score.overall
