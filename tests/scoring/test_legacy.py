"""The legacy score: MCTS 0.1.x's formula at known points and its grade boundaries."""

from __future__ import annotations

import math

import pytest

from mcts.model.finding import Severity
from mcts.model.score import Grade
from mcts.scoring.legacy import grade, legacy_from_raw, legacy_score
from tests.scoring.helpers import make_finding

C, H, M, L, N = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO


@pytest.mark.parametrize(
    ("severities", "raw", "overall", "letter"),
    [
        ([], 0, 100, Grade.A),
        ([N, N, N], 0, 100, Grade.A),  # info counts 0
        ([L], 1, 98, Grade.A),
        ([M], 3, 94, Grade.A),
        ([H], 10, 82, Grade.B),
        ([M, M, L], 7, 87, Grade.B),
        ([H, M, L], 14, 76, Grade.C),
        ([C], 25, 61, Grade.D),
        ([H, H], 20, 67, Grade.D),
        ([C, H], 35, 50, Grade.F),
        ([C, C, C, C], 100, 14, Grade.F),
        ([C] * 40, 1000, 0, Grade.F),
    ],
)
def test_formula_at_known_points(severities: list[Severity], raw: int, overall: int, letter: Grade) -> None:
    findings = [make_finding(severity=s, evidence=f"e{i}") for i, s in enumerate(severities)]
    score = legacy_score(findings)
    assert score.raw_risk == raw
    assert score.overall == overall == round(100 * math.exp(-raw / 50))
    assert score.grade is letter


@pytest.mark.parametrize(
    ("overall", "letter"),
    [(100, Grade.A), (90, Grade.A), (89, Grade.B), (80, Grade.B), (79, Grade.C), (70, Grade.C), (69, Grade.D),
     (60, Grade.D), (59, Grade.F), (0, Grade.F)],
)
def test_grade_boundaries(overall: int, letter: Grade) -> None:
    assert grade(overall) is letter


def test_raw_risk_around_grade_boundaries() -> None:
    # 100 e^(-5/50) = 90.48 -> 90 (A); 100 e^(-6/50) = 88.7 -> 89 (B)
    assert (legacy_from_raw(5).overall, legacy_from_raw(5).grade) == (90, Grade.A)
    assert (legacy_from_raw(6).overall, legacy_from_raw(6).grade) == (89, Grade.B)
    # 100 e^(-25.5/50) = 60.05 -> 60 (D); 100 e^(-26/50) = 59.5 -> 59 (F)
    assert legacy_from_raw(25.5).grade is Grade.D
    assert legacy_from_raw(26).grade is Grade.F
