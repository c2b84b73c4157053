"""Outcomes to Ramparts envelopes: ``ScanResponse``, a batch's elements, refresh results and errors.

A target refused or failed before any report existed still gets a ``result`` in a batch (Ramparts'
``{"Failed": reason}`` status, empty listings), so a batch has one result per URL in request order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mcts import __version__
from mcts.api.ramparts_changes import change_summary_out
from mcts.api.ramparts_models import RefreshResultOut, ScanFields, ScanResponseOut
from mcts.api.ramparts_result import Shaping, scan_result, shown_url
from mcts.api.ramparts_result_models import ScanResultOut
from mcts.api.ramparts_scan import Outcome
from mcts.api.service import shown_target
from mcts.model.inventory import Inventory
from mcts.model.report import ScanReport, ScanStatus, TargetInfo


def now() -> str:
    """The current time, RFC 3339 in UTC."""
    return datetime.now(UTC).isoformat()


def scan_response(outcome: Outcome, fields: ScanFields, scan_root: Path) -> ScanResponseOut:
    """The ``ScanResponse`` of one outcome; ``success`` only for a complete scan."""
    shown = shown_url(outcome.url)
    report = outcome.report
    if report is None:
        result = failure_result(shown, outcome.error or "the scan did not run", outcome.elapsed_ms,
                                timeout=outcome.status == 504)
        success, error = False, outcome.error
    else:
        shaping = Shaping(url=shown, detailed=fields.detailed, raw=fields.output_format() == "raw",
                          return_prompts=fields.return_prompts, elapsed_ms=outcome.elapsed_ms,
                          identity=shown_identity(outcome.identity, report), scan_root=scan_root)
        result = scan_result(report, shaping, extra_warnings=outcome.warnings)
        success = result.status == "Success" and outcome.reference_error is None
        error = None if success else "; ".join(report.status_reasons)[:2000] or outcome.reference_error
    change = (change_summary_out(outcome.comparison, include_diff=fields.include_diff)
              if outcome.comparison is not None else None)
    return ScanResponseOut(
        success=success, result=result, error=error, timestamp=now(), refresh_happened=outcome.refresh_happened,
        changes_detected=outcome.changes_detected, change_summary=change, scan_skipped=outcome.scan_skipped,
        cache_hit=outcome.cache_hit, scan_id=outcome.scan_id, baseline_scan_id=outcome.baseline_scan_id,
        report=rendered(report, fields.output_format(), scan_root) if report is not None else None,
    )


def shown_identity(identity: str | None, report: ScanReport) -> str | None:
    """The server identity for an answer: only for live servers (a path's would reveal the server's layout)."""
    return identity if report.target.kind in ("http", "stdio") else None


def failure_result(url: str, reason: str, elapsed_ms: float, *, timeout: bool = False) -> ScanResultOut:
    """A result for a target that produced no report: status ``{"Failed": reason}`` (or ``"Timeout"``)."""
    kind: Any = "http" if url.lower().startswith(("http://", "https://")) else "stdio"
    empty = ScanReport(mcts_version=__version__, status=ScanStatus.INCOMPLETE, status_reasons=(reason,),
                       target=TargetInfo(kind=kind, value=url), started_at=datetime.now(UTC), duration_ms=0.0,
                       inventory=Inventory())
    result = scan_result(empty, Shaping(url=url, elapsed_ms=elapsed_ms))
    return result.model_copy(update={"status": "Timeout"}) if timeout else result


def refresh_result(outcome: Outcome, scan_root: Path) -> RefreshResultOut:
    """One server of ``/refresh-tools``."""
    shown = shown_url(outcome.url)
    report = outcome.report
    if report is None:
        return RefreshResultOut(url=shown, success=False, tools_count=0, tools=[], error=outcome.error)
    result = scan_result(report, Shaping(url=shown, elapsed_ms=outcome.elapsed_ms, scan_root=scan_root))
    complete = report.status is ScanStatus.COMPLETE
    problems = [*report.status_reasons, *outcome.warnings]
    return RefreshResultOut(
        url=shown, success=complete and outcome.baseline_updated, tools_count=len(result.tools), tools=result.tools,
        error=None if complete and outcome.baseline_updated else "; ".join(problems)[:2000] or None,
        identity=shown_identity(outcome.identity, report), baseline_updated=outcome.baseline_updated,
        scan_id=outcome.scan_id, previous_baseline_scan_id=outcome.baseline_scan_id,
        changes_detected=outcome.changes_detected,
        change_summary=(change_summary_out(outcome.comparison, include_diff=True)
                        if outcome.comparison is not None else None),
    )


def rendered(report: ScanReport, fmt: str, scan_root: Path) -> str | None:
    """``format`` text (Markdown) or table (the terminal table, no colour): the report rendered; else ``None``."""
    from mcts.render import Format, render

    if fmt not in ("table", "text"):
        return None
    shown = TargetInfo(kind=report.target.kind, value=shown_target(report.target.kind, report.target.value, scan_root))
    report = report.model_copy(update={"target": shown})
    if fmt == "table":
        return render([report], Format.TABLE, color=False, width=120)
    return render([report], Format.MARKDOWN)


def error_body(status: int, code: str, detail: str, *, validate: bool = False) -> dict[str, Any]:
    """Ramparts' error envelope with mcts' machine code (and ``valid: false`` on ``/validate``)."""
    body: dict[str, Any] = {"success": False, "error": detail, "error_code": code, "timestamp": now()}
    if validate:
        body["valid"] = False
    return body
