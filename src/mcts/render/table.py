"""A terminal report (rich).

Every string that came from a server is escaped before it is printed, and nothing is parsed as rich markup,
so a server can neither inject terminal escapes nor restyle the output.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from mcts.model.finding import Severity
from mcts.model.report import AnalyzerStatus, ScanReport, ScanStatus
from mcts.text.escape import escape_text

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


_GRADE_STYLE = {"A": "bold green", "B": "bold green", "C": "bold yellow", "D": "bold yellow", "F": "bold red"}


def safe(value: object, limit: int = 300, style: str = "") -> Text:
    """Untrusted text, escaped and cut, as a rich ``Text`` (never markup)."""
    return Text(escape_text(str(value), limit=limit), style=style)


def render_table(reports: Sequence[ScanReport], *, color: bool = False, width: int = 120) -> str:
    """Render ``reports`` for a terminal; ``color`` adds ANSI styles of our own."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False,
                      emoji=False, markup=False, color_system="standard" if color else None)
    for index, report in enumerate(reports):
        if index:
            console.rule()
        console.print(_report(report))
    return buffer.getvalue()


def _report(report: ScanReport) -> Group:
    parts: list[Table | Text] = [_header(report)]
    if report.findings:
        parts.append(_findings(report))
    else:
        verdict = "No findings." if report.status is ScanStatus.COMPLETE else "No findings in what could be seen."
        parts.append(Text(verdict, style="green" if report.status is ScanStatus.COMPLETE else "yellow"))
    parts.append(_footer(report))
    return Group(*parts)


def _header(report: ScanReport) -> Text:
    inv = report.inventory
    text = Text()
    text.append("Target: ", style="bold").append_text(safe(report.target.value, 200))
    text.append(f" ({report.target.kind}")
    if report.coverage.transport and report.coverage.transport != report.target.kind:
        text.append(f", {escape_text(report.coverage.transport)}")
    text.append(")\n")
    if inv.server_info is not None:
        name = f"{inv.server_info.name or '?'} {inv.server_info.version or ''}".strip()
        text.append("Server: ", style="bold").append_text(safe(name, 120))
        if inv.protocol_version:
            text.append(f"  protocol {escape_text(inv.protocol_version, limit=40)}")
        text.append("\n")
    counts = ", ".join(f"{n} {k}" for k, n in inv.counts().items())
    text.append("Inventory: ", style="bold").append(counts + "\n")
    status_style = "bold green" if report.status is ScanStatus.COMPLETE else "bold yellow"
    text.append("Status: ", style="bold").append(report.status.value.upper(), style=status_style)
    s = report.summary
    text.append(f"   Findings: {s.total} (critical {s.critical}, high {s.high}, medium {s.medium}, "
                f"low {s.low}, info {s.info})   {report.duration_ms / 1000:.2f}s")
    for reason in report.status_reasons:
        text.append("\n  - ", style="yellow").append_text(safe(reason, 300))
    return text


def _findings(report: ScanReport) -> Table:
    table = Table(show_lines=False, expand=True, pad_edge=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Finding", ratio=2)
    table.add_column("Where", ratio=2, overflow="fold")
    table.add_column("Evidence", ratio=3, overflow="fold")
    for finding in report.findings:
        title = safe(finding.title, 120)
        title.append(f"\n{finding.id} · {', '.join(finding.techniques)}", style="dim")
        severity = Text(finding.severity.value.upper(), style=_SEVERITY_STYLE[finding.severity])
        if finding.suppressed is not None:
            severity = Text(finding.severity.value.upper(), style="dim").append("\nsuppressed", style="italic")
            until = f" until {finding.suppressed.expires.isoformat()}" if finding.suppressed.expires else ""
            title.append(f"\nsuppressed{until}: ", style="italic").append_text(
                safe(finding.suppressed.reason, 160, style="dim"))
        table.add_row(
            severity,
            title,
            safe(finding.location.display(), 200),
            safe(finding.evidence, 400),
        )
    return table


def _footer(report: ScanReport) -> Text:
    text = Text()
    runs = report.analyzers
    ran = sum(r.status is AnalyzerStatus.RAN for r in runs)
    text.append(f"Analyzers: {ran} ran", style="dim")
    for run in runs:
        if run.status is not AnalyzerStatus.RAN:
            text.append(f"; {run.id} {run.status.value}: ", style="yellow").append_text(safe(run.reason or "", 200))
    _scores(text, report)
    if report.probe is not None:
        text.append(f"\nProtocol probe: {report.probe.summary()}", style="bold")
        for check in report.probe.checks:
            if check.status in ("skipped", "error"):
                text.append(f"\n  {check.id} {check.status}: ", style="yellow" if check.status == "error" else "dim")
                text.append_text(safe(check.detail or check.title, 200, style="dim"))
    for violation in report.gate_violations:
        text.append("\nGate violated: ", style="bold red").append_text(safe(violation, 300))
    for warning in report.coverage.warnings:
        text.append("\nWarning: ", style="yellow").append_text(safe(warning, 300))
    if report.status is ScanStatus.INCOMPLETE and report.coverage.server_stderr:
        tail = report.coverage.server_stderr.strip().splitlines()[-5:]
        text.append("\nServer stderr (last lines):", style="dim")
        for line in tail:
            text.append("\n  ").append_text(safe(line, 200, style="dim"))
    return text


def _scores(text: Text, report: ScanReport) -> None:
    """Legacy score and grade, v2 risk level and security score, and the suppressed count, when present."""
    parts: list[tuple[str, str]] = []
    if report.score is not None:
        grade = report.score.grade.value
        parts.append((f"Score: {report.score.overall}/100 (grade {grade})", _GRADE_STYLE.get(grade, "")))
    v2 = report.score_v2
    if v2 is not None:
        risk = f"Risk level: {escape_text(v2.risk_level, limit=40)} (absolute risk {v2.absolute_risk:.1f}"
        if v2.security_score is not None:
            risk += f", security score {v2.security_score}/100"
        parts.append((risk + ")", "bold"))
    suppressed = sum(f.suppressed is not None for f in report.findings)
    if suppressed:
        parts.append((f"{suppressed} suppressed", "dim"))
    for index, (part, style) in enumerate(parts):
        text.append("\n" if index == 0 else "   ").append(part, style=style)
