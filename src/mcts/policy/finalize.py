"""Finalize a report: suppressions, then scores, then gates. Every report a scan returns has been through this."""

from __future__ import annotations

import datetime
from pathlib import Path

from mcts.model.report import ScanReport, Summary
from mcts.options import ScanOptions
from mcts.policy.gates import check_gates, gate_violations
from mcts.policy.suppressions import apply_suppressions, load_ignore_file


def check_policy(options: ScanOptions, cwd: Path) -> None:
    """Fail early (ConfigError) on a policy that could not be applied: bad gates or a bad ignore file."""
    check_gates(options, risk_levels(options, cwd))
    load_ignore_file(options.ignore_path, cwd)


def finalize(
    report: ScanReport, options: ScanOptions, cwd: Path, *, today: datetime.date | None = None
) -> ScanReport:
    """A new report with suppressions applied, scores computed over the unsuppressed findings, and gates checked.

    The status is kept: an incomplete report gets scores too, and stays incomplete. Finalizing twice gives the
    same report. ``today`` (default: the local date) decides which ignore entries have expired.
    """
    from mcts.scoring import compute_scores

    levels = risk_levels(options, cwd)
    check_gates(options, levels)
    ignore = load_ignore_file(options.ignore_path, cwd)
    findings, warnings = apply_suppressions(report.findings, ignore, today or datetime.date.today())
    unsuppressed = [f for f in findings if f.suppressed is None]
    legacy, v2 = compute_scores(unsuppressed, report.inventory, report.target, options, cwd)
    coverage = report.coverage
    if warnings:
        coverage = coverage.model_copy(update={"warnings": tuple(dict.fromkeys((*coverage.warnings, *warnings)))})
    scored = report.model_copy(
        update={
            "findings": findings,
            "summary": Summary.of(findings),
            "coverage": coverage,
            "score": legacy,
            "score_v2": v2,
        }
    )
    return scored.model_copy(update={"gate_violations": gate_violations(scored, options.gates, levels)})


def risk_levels(options: ScanOptions, cwd: Path) -> tuple[str, ...]:
    """The risk level names of the weights profile, lowest first, for the ``max_risk_level`` gate."""
    from mcts.scoring.profile import load_profile

    return tuple(band.name for band in load_profile(options.weights_profile, cwd).bands)
