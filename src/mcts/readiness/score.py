"""The readiness score: 100 minus what the failing checks cost. Pure, documented in docs/readiness.md.

A failing check costs its severity's weight times ``0.5 + 0.5 × (failing items / applicable items)``: the first
failing item already costs half the weight, every item failing costs all of it; a server-wide check (no items)
costs the full weight. Passing and unavailable checks cost nothing (unavailable ones make the report
``partial`` instead). The score is ``max(0, round(100 − total cost))``. Adding a failure or raising a check's
severity never raises the score.
"""

from __future__ import annotations

from collections.abc import Sequence

from mcts.model.finding import Severity
from mcts.model.readiness import CheckResult, CheckStatus, ReadinessScore

WEIGHTS: dict[Severity, float] = {
    Severity.CRITICAL: 40.0,
    Severity.HIGH: 20.0,
    Severity.MEDIUM: 10.0,
    Severity.LOW: 4.0,
    Severity.INFO: 0.0,
}
FORMULA = (
    "score = max(0, round(100 - sum over failing checks of weight(severity) * (0.5 + 0.5 * failed/applicable))); "
    "weights: critical 40, high 20, medium 10, low 4, info 0; a server-wide check counts failed/applicable as 1"
)


def penalty(check: CheckResult) -> float:
    """What ``check`` costs: 0 unless it failed."""
    if check.status is not CheckStatus.FAIL:
        return 0.0
    share = min(1.0, check.failed / check.applicable) if check.applicable and check.failed else 1.0
    return WEIGHTS[check.severity] * (0.5 + 0.5 * share)


def readiness_score(checks: Sequence[CheckResult]) -> ReadinessScore:
    """Score ``checks`` (heuristic and policy alike)."""
    penalties = {c.id: round(p, 2) for c in checks if (p := penalty(c)) > 0}
    value = max(0, round(100 - sum(penalty(c) for c in checks)))
    return ReadinessScore(value=value, penalties=penalties, formula=FORMULA)
