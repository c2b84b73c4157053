"""The readiness report: is an MCP server fit for production use by agents, check by check.

Readiness is not security: it asks whether the server describes itself well enough for a model to use it
correctly (descriptions, typed schemas, annotations, errors, auth, versions, paging, size). Heuristic checks
have stable ids (``RDY001``…); Rego policies add checks of their own. A check that could not be evaluated is
``unavailable`` with the reason, never ``pass``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcts.model.finding import Severity
from mcts.model.report import Coverage, TargetInfo

READINESS_SCHEMA_VERSION: Literal["1.0"] = "1.0"

CheckSource = Literal["heuristic", "policy"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CheckStatus(enum.StrEnum):
    """The outcome of one check."""

    PASS = "pass"  # noqa: S105 -- a status, not a password
    FAIL = "fail"
    UNAVAILABLE = "unavailable"


class ReadinessStatus(enum.StrEnum):
    """The verdict of a readiness run.

    ``ready``: every check ran and nothing failed at or above the threshold, the score is high enough.
    ``not_ready``: a check failed at or above the threshold, or the score is below the minimum.
    ``partial``: the collection was complete but some checks are unavailable (e.g. Rego without ``mcts[opa]``).
    ``incomplete``: the server's inventory could not be fully collected, so the checks saw only part of it.
    """

    READY = "ready"
    NOT_READY = "not_ready"
    PARTIAL = "partial"
    INCOMPLETE = "incomplete"


class PolicyViolation(_Frozen):
    """One violation returned by a Rego policy."""

    id: str = Field(description="The policy's rule id, e.g. POL001")
    severity: Severity
    message: str = Field(description="What is wrong, escaped: safe to print anywhere")
    item: str | None = Field(default=None, description="The tool, prompt or resource concerned, when one is")


class CheckResult(_Frozen):
    """One check: what it asks, how bad a failure is, and what it saw."""

    id: str = Field(description="Stable id: RDY001… for heuristic checks, policy:<file stem> for Rego policies")
    title: str
    severity: Severity = Field(description="How much a failure matters for production use")
    status: CheckStatus
    detail: str = Field(description="Why the check passed, failed or could not run")
    items: tuple[str, ...] = Field(default=(), description="Names of the items that fail the check (escaped)")
    failed: int = Field(default=0, ge=0, description="How many items fail (``items`` keeps at most 200 names)")
    applicable: int = Field(default=0, ge=0, description="How many items the check applies to (0: server-wide)")
    source: CheckSource = "heuristic"
    violations: tuple[PolicyViolation, ...] = Field(default=(), description="For policy checks: what they returned")


class ReadinessScore(_Frozen):
    """The readiness score (0-100, higher is better) and how it was reached; see docs/readiness.md."""

    value: int = Field(ge=0, le=100)
    penalties: dict[str, float] = Field(default_factory=dict, description="Points lost per failing check id")
    formula: str = Field(description="The formula, in words")


class ReadinessReport(_Frozen):
    """The result of ``mcts readiness`` on one target."""

    schema_version: Literal["1.0"] = READINESS_SCHEMA_VERSION
    mcts_version: str
    status: ReadinessStatus
    status_reasons: tuple[str, ...] = Field(default=(), description="Why the status is not ready")
    target: TargetInfo
    started_at: datetime
    duration_ms: float
    server_name: str | None = Field(default=None, description="serverInfo.name, escaped")
    server_version: str | None = Field(default=None, description="serverInfo.version, escaped")
    counts: dict[str, int] = Field(default_factory=dict, description="Items listed, keyed by wire name")
    score: ReadinessScore
    checks: tuple[CheckResult, ...] = ()
    coverage: Coverage = Field(default_factory=Coverage)
    min_score: int | None = Field(default=None, description="The minimum score asked for, if any")
    fail_on: Severity | None = Field(default=None, description="Failing checks at or above this make it not ready")

    def failing(self, threshold: Severity | None = None) -> tuple[CheckResult, ...]:
        """Failed checks at or above ``threshold`` (all failed checks when ``None``)."""
        floor = -1 if threshold is None else threshold.rank
        return tuple(c for c in self.checks if c.status is CheckStatus.FAIL and c.severity.rank >= floor)
