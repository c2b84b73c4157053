"""Reports for the renderer tests, built from a real snapshot and the real analyzers (no engine finalize step).

``scanned()`` is the plain report of ``tests/analyzers/data/hidden_text.json``; ``decorated()`` adds what the
scoring and policy stages add (scores, gate violations, a suppressed finding) and can mark the scan incomplete.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import anyio

from mcts import __version__
from mcts.collect.snapshot import read_snapshot
from mcts.engine import analyze
from mcts.model.finding import Suppression
from mcts.model.report import AnalyzerRun, AnalyzerStatus, Coverage, ScanReport, ScanStatus, Summary, TargetInfo
from mcts.model.score import Contributor, Grade, LegacyScore, ScoreV2
from mcts.options import ScanOptions

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "analyzers" / "data" / "hidden_text.json"
STARTED = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
CATEGORIES = {f"MCP{n:02d}": 100 - 7 * n for n in range(1, 11)} | {
    "injection": 40, "exfiltration": 55, "privilege": 90, "supply_chain": 100, "protocol": 100,
}


def scanned(path: Path = FIXTURE, target: str | None = None) -> ScanReport:
    """The report of scanning the snapshot at ``path`` with every analyzer."""
    options = ScanOptions()
    collected = read_snapshot(path, options.limits)
    findings, runs = anyio.run(analyze, collected.inventory, options, "snapshot")
    return ScanReport(
        mcts_version=__version__,
        status=ScanStatus.COMPLETE,
        target=TargetInfo(kind="snapshot", value=target or path.relative_to(ROOT).as_posix()),
        started_at=STARTED,
        duration_ms=12.5,
        inventory=collected.inventory,
        findings=tuple(findings),
        summary=Summary.of(tuple(findings)),
        analyzers=tuple(runs),
        coverage=Coverage(transport=collected.transport, listings=collected.listings,
                          warnings=tuple(collected.warnings)),
    )


def decorated(report: ScanReport, *, incomplete: bool = False, suppress: int = 2) -> ScanReport:
    """``report`` with scores, gate violations and its first ``suppress`` findings suppressed."""
    findings = list(report.findings)
    for i in range(min(suppress, len(findings))):
        reason = "Accepted: fixture tool <b>|`x`|</b> @team" if i == 0 else "Known false positive"
        expires = datetime.date(2030, 1, 31) if i == 0 else None
        findings[i] = findings[i].model_copy(
            update={"suppressed": Suppression(reason=reason, expires=expires, source=".mcts/ignore.yaml#0")}
        )
    active = [f for f in findings if f.suppressed is None]
    contributors = tuple(
        Contributor(finding_id=f.id, title=f.title, risk=10.0 - i, share=round((10.0 - i) / 60, 3))
        for i, f in enumerate(active[:3])
    )
    update: dict[str, object] = {
        "findings": tuple(findings),
        "summary": Summary.of(tuple(findings)),
        "score": LegacyScore(overall=7, grade=Grade.F, raw_risk=133.0),
        "score_v2": ScoreV2(
            scoring_version="2.0", weights_profile="manual_v1", absolute_risk=61.25, risk_level="critical",
            risk_range=(48.0, 70.5), confidence=0.8, dimension_scores={"injection": 20.0, "exfiltration": 35.5},
            top_contributors=contributors, category_scores=CATEGORIES, percentile=0.93, security_score=12,
        ),
        "gate_violations": ("security score 12 < min_security_score 60", "critical findings 17 > max_critical 0"),
    }
    if incomplete:
        runs = (*report.analyzers, AnalyzerRun(id="broken", status=AnalyzerStatus.FAILED, reason="boom <i>x</i>"))
        update |= {
            "status": ScanStatus.INCOMPLETE,
            "status_reasons": ("tools/list failed: timeout after 30s", "analyzer broken failed: boom <i>x</i>"),
            "analyzers": runs,
        }
    return report.model_copy(update=update)
