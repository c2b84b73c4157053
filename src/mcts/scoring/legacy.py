"""The legacy score, exactly as MCTS 0.1.x documents it, so the same findings give the same number.

``raw_risk = 25 critical + 10 high + 3 medium + 1 low`` (info counts 0), ``overall = round(100 * e^(-raw_risk/50))``,
grade A >= 90, B >= 80, C >= 70, D >= 60, else F.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from mcts.model.finding import Finding, Severity
from mcts.model.score import Grade, LegacyScore

LEGACY_WEIGHTS = {Severity.CRITICAL: 25, Severity.HIGH: 10, Severity.MEDIUM: 3, Severity.LOW: 1, Severity.INFO: 0}
LEGACY_SCALE = 50
GRADE_FLOORS = ((90, Grade.A), (80, Grade.B), (70, Grade.C), (60, Grade.D))


def grade(overall: int) -> Grade:
    """The letter grade of a 0-100 legacy score."""
    for floor, letter in GRADE_FLOORS:
        if overall >= floor:
            return letter
    return Grade.F


def legacy_score(findings: Iterable[Finding]) -> LegacyScore:
    """The legacy score over ``findings`` (the unsuppressed ones)."""
    raw = sum(LEGACY_WEIGHTS[f.severity] for f in findings)
    return legacy_from_raw(raw)


def legacy_from_raw(raw_risk: float) -> LegacyScore:
    """The legacy score for a given ``raw_risk``."""
    overall = round(100 * math.exp(-raw_risk / LEGACY_SCALE))
    return LegacyScore(overall=overall, grade=grade(overall), raw_risk=raw_risk)
