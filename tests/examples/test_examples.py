"""The two example servers, scanned from source and live.

``examples/vulnerable-mcp-server/server.py`` marks the line of each handler flaw with ``# vulnerable:<family>``;
a source scan must report that family's technique at exactly that file and line. Its hardened twin,
``examples/safe-mcp-server``, must have no finding at MEDIUM or above (from source or live) and score far
better on both scores. Both servers must still run: listed over stdio (and the vulnerable one over streamable
HTTP), with the same tools the source scan extracted. No tool is ever called.
"""

from __future__ import annotations

import re
import sys
from functools import partial
from pathlib import Path

import anyio
import pytest

from mcts import ScanOptions, ScanReport, scan_async
from mcts.model.finding import Finding, Severity, Surface
from mcts.model.report import AnalyzerStatus, ScanStatus
from mcts.model.score import Grade
from mcts.model.target import SourceTarget
from tests.servers import launch

ROOT = Path(__file__).resolve().parents[2]
VULNERABLE = ROOT / "examples" / "vulnerable-mcp-server"
SAFE = ROOT / "examples" / "safe-mcp-server"
MARKER = re.compile(r"#\s*vulnerable:(?P<family>[a-z-]+)\s*$")

FAMILIES: dict[str, tuple[str, str | None]] = {
    "shell-injection": ("shell-injection-sink", "ping"),
    "code-eval": ("code-eval-sink", "parse_value"),
    "path-traversal": ("path-traversal-sink", "read_note"),
    "ssrf": ("ssrf-sink", "fetch_url"),
    "sql-injection": ("sql-injection-sink", "lookup_user"),
    "template-injection": ("template-injection-sink", "render_greeting"),
    "hardcoded-secret": ("hardcoded-secret", None),
    "read-only-broken": ("read-only-promise-broken", "cache_stats"),
}
"""Marker family -> (technique id it must be reported as, the tool whose handler holds it; None: module level)."""

STATUS_NAME = "\x1b[32mstatus\x1b[0m"
VULNERABLE_TOOLS = {
    "add", "search_notes", "send_note", "ping", STATUS_NAME, "parse_value", "read_note", "fetch_url", "lookup_user",
    "render_greeting", "cache_stats",
}
SAFE_TOOLS = {
    "add", "search_notes", "draft_note", "ping", "status", "parse_value", "read_note", "fetch_docs", "lookup_user",
    "render_greeting", "cache_stats",
}


def markers(path: Path) -> dict[str, int]:
    """Family -> 1-based line of its ``# vulnerable:<family>`` marker; each family marked once."""
    found: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            assert match["family"] not in found, f"{match['family']} marked twice"
            found[match["family"]] = number
    return found


def source_scan(path: Path) -> ScanReport:
    """Scan the source directory ``path`` with every analyzer (nothing in it runs)."""
    target = SourceTarget(raw=str(path), path=path)
    return anyio.run(partial(scan_async, target, ScanOptions(), cwd=path))


def serious(report: ScanReport) -> list[Finding]:
    return [f for f in report.findings if f.severity.rank >= Severity.MEDIUM.rank]


def describe(findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.severity.value} {f.analyzer} {','.join(f.techniques)} {f.location.display()} "
        f"{f.source.file + ':' + str(f.source.line) if f.source else '-'} {f.evidence[:100]!r}"
        for f in findings
    ) or "  (none)"


@pytest.fixture(scope="module")
def vulnerable() -> ScanReport:
    return source_scan(VULNERABLE)


@pytest.fixture(scope="module")
def safe() -> ScanReport:
    return source_scan(SAFE)


def test_every_family_is_marked_once() -> None:
    assert markers(VULNERABLE / "server.py").keys() == FAMILIES.keys()
    assert markers(SAFE / "server.py") == {}


def test_source_scans_extract_every_tool(vulnerable: ScanReport, safe: ScanReport) -> None:
    for report, tools in ((vulnerable, VULNERABLE_TOOLS), (safe, SAFE_TOOLS)):
        assert report.status is ScanStatus.COMPLETE, report.status_reasons
        assert report.coverage.transport == "source"
        assert {tool.name for tool in report.inventory.tools} == tools
        assert {p.name for p in report.inventory.prompts} == {"summarise"}
        assert {r.uri for r in report.inventory.resources} == {"notes://readme"}
        runs = {run.id: run for run in report.analyzers}
        assert runs["handler-sinks"].status is AnalyzerStatus.RAN, runs["handler-sinks"].reason


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_vulnerable_family_reported_at_its_line(vulnerable: ScanReport, family: str) -> None:
    technique, tool = FAMILIES[family]
    line = markers(VULNERABLE / "server.py")[family]
    candidates = [f for f in vulnerable.findings if technique in f.techniques]
    hits = [
        f for f in candidates
        if f.severity.rank >= Severity.MEDIUM.rank and f.source is not None
        and f.source.file == "server.py" and f.source.line == line
    ]
    assert hits, f"no MEDIUM+ {technique} finding at server.py:{line}; {technique} findings:\n{describe(candidates)}"
    if tool is not None:
        assert any(f.location.surface is Surface.TOOL and f.location.item == tool for f in hits), describe(hits)


def test_secret_never_reaches_the_report(vulnerable: ScanReport) -> None:
    secret_line = (VULNERABLE / "server.py").read_text(encoding="utf-8").splitlines()[
        markers(VULNERABLE / "server.py")["hardcoded-secret"] - 1
    ]
    token = re.search(r'"(ghp_[A-Za-z0-9]{36})"', secret_line)
    assert token is not None
    assert token[1] not in vulnerable.model_dump_json()


def test_safe_twin_has_nothing_medium_or_above(safe: ScanReport) -> None:
    assert not serious(safe), "MEDIUM+ findings on the safe example:\n" + describe(serious(safe))


def test_vulnerable_scores_far_worse(vulnerable: ScanReport, safe: ScanReport) -> None:
    assert vulnerable.score is not None and safe.score is not None
    assert safe.score.overall >= 90 and safe.score.grade in {Grade.A, Grade.B}, safe.score
    assert vulnerable.score.overall <= 20 and vulnerable.score.grade is Grade.F, vulnerable.score
    assert vulnerable.score_v2 is not None and safe.score_v2 is not None
    assert safe.score_v2.risk_level in {"none", "low"}, safe.score_v2
    assert vulnerable.score_v2.risk_level == "critical", vulnerable.score_v2
    assert vulnerable.score_v2.absolute_risk >= 10 * max(safe.score_v2.absolute_risk, 1.0)


@pytest.mark.parametrize(("directory", "tools"), [(VULNERABLE, VULNERABLE_TOOLS), (SAFE, SAFE_TOOLS)],
                         ids=["vulnerable", "safe"])
def test_example_lists_its_tools_over_stdio(directory: Path, tools: set[str]) -> None:
    command = f"{sys.executable} {directory / 'server.py'}"
    report = anyio.run(partial(scan_async, command, ScanOptions(timeout=60), cwd=directory))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert {tool.name for tool in report.inventory.tools} == tools
    if directory == SAFE:
        assert not serious(report), describe(serious(report))


def test_vulnerable_example_serves_streamable_http() -> None:
    port = launch.free_port()
    argv = [sys.executable, str(VULNERABLE / "server.py"), "streamable-http", "--port", str(port)]
    with launch.run_http_server(argv, port, "/mcp") as url:
        report = anyio.run(partial(scan_async, url, ScanOptions(timeout=60), cwd=VULNERABLE))
    assert report.status is ScanStatus.COMPLETE, report.status_reasons
    assert report.coverage.transport == "streamable-http"
    assert {tool.name for tool in report.inventory.tools} == VULNERABLE_TOOLS
