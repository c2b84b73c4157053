"""Scores of a report: the legacy 0-100 score (MCTS 0.1.x formula) and the v2 risk model.

Pure data; ``mcts.scoring`` computes them. Both are computed over the findings that are not suppressed.
"""

from __future__ import annotations

import enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ScoringMode = Literal["legacy", "v2", "both"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Grade(enum.StrEnum):
    """Letter grade of the legacy score: A >= 90, B >= 80, C >= 70, D >= 60, else F."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    F = "F"


class LegacyScore(_Frozen):
    """``overall = round(100 * exp(-raw_risk / 50))`` with ``raw_risk = 25 critical + 10 high + 3 medium + 1 low``."""

    overall: int = Field(ge=0, le=100, description="0-100, higher is safer")
    grade: Grade
    raw_risk: float = Field(ge=0)


class Contributor(_Frozen):
    """A finding that drives the v2 risk, with its own risk and its share of the total."""

    finding_id: str
    title: str
    risk: float = Field(ge=0)
    share: float = Field(ge=0, le=1)


class ScoreV2(_Frozen):
    """The v2 risk model: per-finding risk = severity weight x factors, summed and banded."""

    scoring_version: str
    weights_profile: str
    absolute_risk: float = Field(ge=0)
    risk_level: str = Field(description="Band of absolute_risk (contiguous bands from the weights profile)")
    risk_range: tuple[float, float] = Field(description="Plausible range of absolute_risk given finding confidence")
    confidence: float = Field(ge=0, le=1)
    dimension_scores: dict[str, float] = Field(default_factory=dict)
    top_contributors: tuple[Contributor, ...] = ()
    category_scores: dict[str, int] = Field(
        default_factory=dict, description="OWASP MCP Top 10 tiles MCP01..MCP10 and the group keys, 100 = good"
    )
    percentile: float | None = Field(default=None, description="Share of the reference corpus with lower risk")
    security_score: int | None = Field(default=None, ge=0, le=100, description="0-100 from the corpus percentile")
