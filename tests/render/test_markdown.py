"""Markdown for PR comments: headline, a table a server cannot break or inject into, a length cap, and
suppressed findings folded away."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from mcts.model.finding import Confidence, Finding, Location, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import ScanReport, ScanStatus, Summary, TargetInfo
from mcts.render import Format, render
from mcts.render.markdown import GITHUB_COMMENT_LIMIT, md_code, md_text, render_markdown
from tests.render.reports import decorated, scanned

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def plain() -> ScanReport:
    return scanned()


@pytest.fixture(scope="module")
def full(plain: ScanReport) -> ScanReport:
    return decorated(plain, incomplete=True)


def _finding(n: int, evidence: str, title: str = "Hostile", item: str = "tool") -> Finding:
    return Finding(
        id=f"MCTS-{n:016x}", analyzer="x", techniques=("hidden-directive",), owasp=("MCP03",),
        severity=Severity.HIGH, confidence=Confidence.HIGH,
        location=Location(surface=Surface.TOOL, item=item, field="description"), title=title, evidence=evidence,
        remediation="Remove it.",
    )


def _report(*findings: Finding) -> ScanReport:
    return ScanReport(
        mcts_version="0", status=ScanStatus.COMPLETE, target=TargetInfo(kind="snapshot", value="s.json"),
        started_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), duration_ms=1, inventory=Inventory(),
        findings=findings, summary=Summary.of(findings),
    )


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]


def test_headline_with_scores_gates_and_incomplete(full: ScanReport) -> None:
    text = render_markdown([full])
    assert render([full], Format.MARKDOWN) == text
    head = text.split("| Severity")[0]
    assert "**Status:** **INCOMPLETE**" in head
    assert "**Score:** 7/100 (grade F)" in head
    assert "**Risk level:** critical (absolute risk 61.2, security score 12/100)" in head
    assert "2 suppressed" in head
    assert "**Gate violations**" in head
    assert "- security score 12 &lt; min\\_security\\_score 60" in head
    assert "> - tools/list failed: timeout after 30s" in head
    assert "analyzer broken failed: boom &lt;i&gt;x&lt;/i&gt;" in head


def test_plain_report_without_scores(plain: ScanReport) -> None:
    text = render_markdown([plain])
    assert "**Status:** complete" in text
    assert "Score" not in text and "Risk level" not in text and "Gate" not in text
    assert "<details>" not in text
    rows = table_rows(text)
    assert len(rows) == len(plain.findings)


def test_every_row_keeps_four_columns(full: ScanReport) -> None:
    text = render_markdown([full])
    for row in table_rows(text):
        assert len(UNESCAPED_PIPE.findall(row)) == 5, row


def test_suppressed_findings_collapsed(full: ScanReport) -> None:
    text = render_markdown([full])
    folded = text.split("<details><summary>Suppressed findings (2)</summary>")[1].split("</details>")[0]
    rows = table_rows(folded)
    assert len(rows) == 2
    assert "Accepted: fixture tool &lt;b&gt;\\|\\`x\\`\\|&lt;/b&gt; @team (until 2030-01-31)" in rows[0]
    assert "Known false positive" in rows[1]
    active = table_rows(text.split("<details>")[0])
    assert len(active) == len(full.findings) - 2


@pytest.mark.parametrize(
    "evidence",
    [
        "a | b || c",
        "<img src=x onerror=alert(1)> <script>alert(1)</script>",
        "``` fenced ``` and `one` and ``two``",
        "`starts and ends with a backtick`",
        "[click](https://evil.example) ![x](https://evil.example/p.png) @octocat #1",
        "trailing backslash \\",
        "\\| escaped pipe already",
        "   ",
        "",
    ],
)
def test_hostile_evidence_is_inert(evidence: str) -> None:
    text = render_markdown([_report(_finding(1, evidence, title="Bad <b>title</b> | [x](y)", item="t|`x`"))])
    row = table_rows(text)[0]
    assert len(UNESCAPED_PIPE.findall(row)) == 5, row
    outside_code = re.sub(r"(`+).*?\1", "", row.replace("\\`", ""))
    assert "<" not in outside_code.replace("<br>", ""), "no raw HTML outside code spans"
    assert "](" not in outside_code or "\\](" in outside_code or "\\]\\(" in outside_code
    assert "@octocat" not in outside_code
    assert "Bad &lt;b&gt;title&lt;/b&gt; \\| \\[x\\]\\(y\\)" in row


def test_code_span_fence_longer_than_content() -> None:
    assert md_code("a ``b`` c") == "```a ``b`` c```"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("p|q") == "`p\\|q`"
    assert md_code("") == "(empty)"
    assert md_code("\x1b[31m\u202e") == "`\\x1b[31m\\u202e`"
    assert md_text("*bold* _it_ <b>") == "\\*bold\\* \\_it\\_ &lt;b&gt;"


@pytest.mark.parametrize("limit", [GITHUB_COMMENT_LIMIT, 60_000, 5_000])
def test_long_reports_cut_with_note(limit: int) -> None:
    findings = tuple(_finding(n, f"evidence {n} " + "x" * 200) for n in range(2_000))
    text = render_markdown([_report(*findings), _report(*findings[:3])], max_chars=limit)
    assert len(text) <= limit
    assert "**Cut:**" in text and "left out" in text
    rows = table_rows(text)
    assert 0 < len(rows) < 2_003
    for row in rows:
        assert len(UNESCAPED_PIPE.findall(row)) == 5


def test_several_reports_and_empty(plain: ScanReport) -> None:
    text = render_markdown([plain, _report()])
    assert text.startswith("# mcts: 2 targets")
    assert text.count("### mcts:") == 2
    assert "No active findings." in text
    assert render_markdown([]).strip() == ""


HOSTILE = [
    "a | b || c",
    "<img src=x onerror=alert(1)> <script>alert(1)</script>",
    "``` fenced ``` and `one` and ``two``",
    "`x`",
    "[click](https://evil.example) ![x](https://evil.example/p.png)",
    "trailing backslash \\",
    "\\| escaped pipe already",
]


def test_renders_as_intended_in_a_commonmark_table_parser() -> None:
    """A real CommonMark parser with GFM tables (markdown-it-py, which rich depends on) sees one cell per column,
    code where we put code, and no HTML, link or image of the server's."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    findings = [_finding(i, e, title="Bad <b>title</b> | [x](y)", item="t|`x`") for i, e in enumerate(HOSTILE)]
    out = parser.render(render_markdown([_report(*findings)]))
    rows = re.findall(r"<tr>(.*?)</tr>", out, re.S)[1:]
    assert len(rows) == len(HOSTILE)
    for row, evidence in zip(rows, HOSTILE, strict=True):
        assert len(re.findall(r"<td>", row)) == 4, row
        assert f"<br><code>{html.escape(evidence, quote=False)}</code>" in row
        assert "<code>tool:t|`x`.description</code>" in row
        assert "Bad &lt;b&gt;title&lt;/b&gt; | [x](y)" in row
    for tag in ("<script", "<img", "<a ", "<b>"):
        assert tag not in out
