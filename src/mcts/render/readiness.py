"""Readiness reports as a terminal table or versioned JSON.

Server-provided text (names, versions, policy messages) is escaped before it is printed and nothing is
parsed as rich markup; the JSON is pure ASCII.
"""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mcts.model.readiness import CheckStatus, ReadinessReport, ReadinessStatus
from mcts.render.table import safe
from mcts.text.escape import escape_text

_STATUS_STYLE = {
    ReadinessStatus.READY: "bold green",
    ReadinessStatus.PARTIAL: "bold yellow",
    ReadinessStatus.INCOMPLETE: "bold yellow",
    ReadinessStatus.NOT_READY: "bold red",
}
_CHECK_STYLE = {CheckStatus.PASS: "green", CheckStatus.FAIL: "red", CheckStatus.UNAVAILABLE: "yellow"}
_ITEMS_SHOWN = 5


def render_readiness_json(report: ReadinessReport) -> str:
    """The JSON text of ``report`` (``schema_version`` 1.0)."""
    data = report.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


def render_readiness_table(report: ReadinessReport, *, color: bool = False, width: int = 120) -> str:
    """``report`` for a terminal; ``color`` adds ANSI styles of our own."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False,
                      emoji=False, markup=False, color_system="standard" if color else None)
    console.print(_header(report))
    console.print(_checks(report))
    return buffer.getvalue()


def _header(report: ReadinessReport) -> Text:
    text = Text()
    text.append("Target: ", style="bold").append_text(safe(report.target.value, 200))
    text.append(f" ({report.target.kind})\n")
    if report.server_name or report.server_version:
        name = f"{report.server_name or '?'} {report.server_version or ''}".strip()
        text.append("Server: ", style="bold").append_text(safe(name, 120)).append("\n")
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
    text.append("Inventory: ", style="bold").append(counts + "\n")
    text.append("Readiness: ", style="bold").append(report.status.value.upper().replace("_", " "),
                                                    style=_STATUS_STYLE[report.status])
    minimum = f" (minimum {report.min_score})" if report.min_score is not None else ""
    text.append(f"   Score: {report.score.value}/100{minimum}")
    passed = sum(c.status is CheckStatus.PASS for c in report.checks)
    failed = sum(c.status is CheckStatus.FAIL for c in report.checks)
    missing = sum(c.status is CheckStatus.UNAVAILABLE for c in report.checks)
    text.append(f"   Checks: {passed} passed, {failed} failed, {missing} unavailable")
    for reason in report.status_reasons:
        text.append("\n  - ", style="yellow").append_text(safe(reason, 300))
    return text


def _checks(report: ReadinessReport) -> Table:
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for name in ("Check", "Status", "Severity", "Title", "Detail"):
        table.add_column(name, overflow="fold")
    for check in report.checks:
        detail = safe(check.detail, 400)
        if check.items:
            shown = ", ".join(check.items[:_ITEMS_SHOWN])
            more = f" (+{max(check.failed, len(check.items)) - _ITEMS_SHOWN} more)" \
                if max(check.failed, len(check.items)) > _ITEMS_SHOWN else ""
            detail.append("\n").append_text(safe(shown + more, 400, style="dim"))
        table.add_row(
            Text(escape_text(check.id, limit=60)),
            Text(check.status.value, style=_CHECK_STYLE[check.status]),
            Text(check.severity.value),
            safe(check.title, 120),
            detail,
        )
    return table
