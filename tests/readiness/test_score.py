"""The readiness score: formula, bounds and monotonicity."""

from __future__ import annotations

import itertools

import pytest

from mcts.model.finding import Severity
from mcts.model.readiness import CheckResult, CheckStatus
from mcts.readiness.score import WEIGHTS, penalty, readiness_score


def result(check_id: str, severity: Severity, status: CheckStatus = CheckStatus.FAIL, failed: int = 0,
           applicable: int = 0) -> CheckResult:
    return CheckResult(id=check_id, title="t", severity=severity, status=status, detail="d", failed=failed,
                       applicable=applicable)


def test_all_passing_is_100() -> None:
    checks = [result(f"RDY{i:03d}", s, CheckStatus.PASS) for i, s in enumerate(Severity)]
    assert readiness_score(checks).value == 100
    assert readiness_score([]).value == 100


def test_unavailable_costs_nothing() -> None:
    assert readiness_score([result("policy:x", Severity.HIGH, CheckStatus.UNAVAILABLE)]).value == 100


def test_formula() -> None:
    # server-wide high failure: full weight; one of four tools failing a medium check: 10 * (0.5 + 0.5 * 0.25)
    checks = [result("RDY050", Severity.HIGH), result("RDY030", Severity.MEDIUM, failed=1, applicable=4)]
    score = readiness_score(checks)
    assert score.penalties == {"RDY050": 20.0, "RDY030": 6.25}
    assert score.value == round(100 - 26.25)
    assert "weight" in score.formula


def test_floor_at_zero() -> None:
    checks = [result(f"C{i}", Severity.CRITICAL) for i in range(5)]
    assert readiness_score(checks).value == 0


def test_any_failure_costs_at_least_half_its_weight() -> None:
    assert penalty(result("a", Severity.LOW, failed=1, applicable=10_000)) >= WEIGHTS[Severity.LOW] / 2


@pytest.mark.parametrize(("low", "high"), list(itertools.combinations(list(Severity), 2)))
def test_raising_severity_never_improves_the_score(low: Severity, high: Severity) -> None:
    base = [result("RDY001", Severity.MEDIUM, failed=2, applicable=5)]
    assert readiness_score([*base, result("X", high, failed=1, applicable=3)]).value <= \
        readiness_score([*base, result("X", low, failed=1, applicable=3)]).value


def test_adding_a_failure_or_more_failing_items_never_improves_the_score() -> None:
    base = [result("RDY001", Severity.HIGH, failed=1, applicable=5)]
    assert readiness_score([*base, result("RDY002", Severity.LOW)]).value <= readiness_score(base).value
    more = [result("RDY001", Severity.HIGH, failed=4, applicable=5)]
    assert readiness_score(more).value <= readiness_score(base).value
