"""Markdown for pull-request comments (GitHub-flavoured).

A headline per report (status, legacy score and grade, v2 risk level, gate violations, why a scan is
incomplete), a findings table, and suppressed findings in a collapsed ``<details>`` section. Everything a server
controls (evidence, locations, names) is printed inside code spans, so it can neither add HTML, links, images
or @-mentions nor break the table; our own prose is escaped for Markdown. The whole text stays under
``max_chars`` (a GitHub comment holds at most 65,536 characters): rows that do not fit are left out with a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mcts.model.finding import Finding
from mcts.model.report import ScanReport, ScanStatus
from mcts.text.escape import escape_text

GITHUB_COMMENT_LIMIT = 65_536
DEFAULT_MAX_CHARS = 60_000  # leaves room for what a comment bot adds around the report
_EVIDENCE_LIMIT = 240
_LIST_LIMIT = 20  # reasons or violations listed per report
_NOTE_RESERVE = 400
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!~|])")
_BACKTICKS = re.compile(r"`+")
_TABLE_HEAD = "| Severity | Finding | Location | Technique |\n|---|---|---|---|"


def md_text(text: str, limit: int | None = 300) -> str:
    """Plain text for Markdown: unsafe characters escaped, HTML neutralised, Markdown punctuation escaped."""
    safe = escape_text(text, limit=limit)
    safe = safe.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", safe)


def md_code(text: str, limit: int | None = _EVIDENCE_LIMIT) -> str:
    """Untrusted text as a code span that is safe inside a table cell (pipes escaped, fence longer than any run)."""
    safe = escape_text(text, limit=limit).replace("|", "\\|")
    if not safe.strip():
        return "(empty)"
    longest = max((len(run) for run in _BACKTICKS.findall(safe)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if safe.startswith(("`", " ")) or safe.endswith(("`", " ")) else ""
    return f"{fence}{pad}{safe}{pad}{fence}"


def render_markdown(reports: Sequence[ScanReport], *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The Markdown comment for ``reports``, never longer than ``max_chars`` characters."""
    writer = _Writer(max(max_chars, 2 * _NOTE_RESERVE))
    if len(reports) > 1:
        writer.always(f"# mcts: {len(reports)} targets\n")
    for report in reports:
        _report(writer, report, heading="##" if len(reports) == 1 else "###")
    return writer.text()


class _Writer:
    """Collects lines; findings rows stop once the budget is spent, and the cut is said."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.lines: list[str] = []
        self.size = 0
        self.rows_left_out = 0
        self.lines_left_out = 0

    def always(self, line: str) -> None:
        """A headline or structure line: shown while anything fits."""
        if self.size + len(line) + 1 > self.max_chars - _NOTE_RESERVE:
            self.lines_left_out += 1
            return
        self.lines.append(line)
        self.size += len(line) + 1

    def row(self, line: str) -> None:
        """A findings row: shown while the budget for rows lasts; once one is cut, all later ones are."""
        if self.rows_left_out or self.size + len(line) + 1 > self.max_chars - 2 * _NOTE_RESERVE:
            self.rows_left_out += 1
            return
        self.lines.append(line)
        self.size += len(line) + 1

    def text(self) -> str:
        """The document, with a note when anything was cut."""
        lines = list(self.lines)
        if self.rows_left_out or self.lines_left_out:
            cut = f"{self.rows_left_out} findings" + (f" and {self.lines_left_out} other lines"
                                                       if self.lines_left_out else "")
            lines.append(f"\n> **Cut:** {cut} left out to stay under {self.max_chars:,} characters. "
                         "The JSON, SARIF or HTML report has everything.")
        out = "\n".join(lines) + "\n"
        return out if len(out) <= self.max_chars else out[: self.max_chars - 2] + "…\n"


def _report(writer: _Writer, report: ScanReport, heading: str) -> None:
    incomplete = report.status is ScanStatus.INCOMPLETE
    writer.always(f"{heading} mcts: {md_code(report.target.value, 200)} ({report.target.kind})\n")
    writer.always(" · ".join(_headline(report)) + "\n")
    if incomplete:
        writer.always("> [!WARNING]\n> The scan is **incomplete**: no findings does not mean safe.")
        for reason in report.status_reasons[:_LIST_LIMIT]:
            writer.always(f"> - {md_text(reason)}")
        writer.always("")
    if report.gate_violations:
        writer.always("**Gate violations** (the build fails):\n")
        for violation in report.gate_violations[:_LIST_LIMIT]:
            writer.always(f"- {md_text(violation)}")
        if len(report.gate_violations) > _LIST_LIMIT:
            writer.always(f"- … and {len(report.gate_violations) - _LIST_LIMIT} more")
        writer.always("")
    active = [f for f in report.findings if f.suppressed is None]
    suppressed = [f for f in report.findings if f.suppressed is not None]
    if active:
        writer.always(_TABLE_HEAD)
        for finding in active:
            writer.row(_row(finding))
        writer.always("")
    elif not incomplete:
        writer.always("No active findings.\n")
    if report.probe is not None:
        writer.always(f"<details><summary>Protocol probe: {md_text(report.probe.summary(), 80)}</summary>\n")
        writer.always("| Check | Result | Detail |\n|---|---|---|")
        for check in report.probe.checks:
            detail = md_text(check.detail or "", 200)
            writer.row(f"| {check.id} {md_text(check.title, 120)} | {check.status} | {detail} |")
        writer.always("\n</details>\n")
    if suppressed:
        writer.always(f"<details><summary>Suppressed findings ({len(suppressed)})</summary>\n")
        writer.always("| Severity | Finding | Location | Reason |\n|---|---|---|---|")
        for finding in suppressed:
            writer.row(_suppressed_row(finding))
        writer.always("\n</details>\n")


def _headline(report: ScanReport) -> list[str]:
    status = "**Status:** " + ("complete" if report.status is ScanStatus.COMPLETE else "**INCOMPLETE**")
    parts = [status]
    if report.score is not None:
        parts.append(f"**Score:** {report.score.overall}/100 (grade {report.score.grade.value})")
    if report.score_v2 is not None:
        v2 = report.score_v2
        risk = f"**Risk level:** {md_text(v2.risk_level, 40)} (absolute risk {v2.absolute_risk:.1f}"
        if v2.security_score is not None:
            risk += f", security score {v2.security_score}/100"
        parts.append(risk + ")")
    s = report.summary
    counts = ", ".join(f"{n} {name}" for name, n in
                       (("critical", s.critical), ("high", s.high), ("medium", s.medium), ("low", s.low),
                        ("info", s.info)) if n)
    parts.append(f"**Findings:** {s.total}" + (f" ({counts})" if counts else ""))
    suppressed = sum(f.suppressed is not None for f in report.findings)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    if report.gate_violations:
        parts.append(f"**Gates:** {len(report.gate_violations)} violated")
    return parts


def _row(finding: Finding) -> str:
    title = md_text(finding.title, 160)
    evidence = md_code(finding.evidence)
    techniques = ", ".join(md_code(t, 60) for t in finding.techniques)
    return (f"| {finding.severity.value.upper()} | {title}<br>{evidence} | {md_code(finding.location.display(), 200)} "
            f"| {techniques} |")


def _suppressed_row(finding: Finding) -> str:
    assert finding.suppressed is not None
    reason = md_text(finding.suppressed.reason, 200)
    if finding.suppressed.expires is not None:
        reason += f" (until {finding.suppressed.expires.isoformat()})"
    return (f"| {finding.severity.value.upper()} | {md_text(finding.title, 160)} | "
            f"{md_code(finding.location.display(), 200)} | {reason} |")
