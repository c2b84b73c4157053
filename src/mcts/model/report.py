"""The scan report: what was scanned, what was seen and not seen, and what was found.

``SCHEMA_VERSION`` versions the JSON wire form; ``docs/report.schema.json`` is generated from these models.
A report whose ``status`` is ``incomplete`` says why in ``status_reasons``: it is never a clean bill.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcts.model.finding import Finding, Severity
from mcts.model.inventory import Inventory, JsonObject
from mcts.model.probe import ProbeResult
from mcts.model.score import LegacyScore, ScoreV2

SCHEMA_VERSION: Literal["1.0"] = "1.0"

TargetKind = Literal["stdio", "http", "snapshot", "source", "client-config"]
ListingStatus = Literal["listed", "partial", "failed", "not_advertised", "not_applicable"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScanStatus(enum.StrEnum):
    """``complete``: everything the target exposes was seen and every analyzer ran or was skipped on purpose."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class AnalyzerStatus(enum.StrEnum):
    """What happened to one analyzer in one scan."""

    RAN = "ran"
    SKIPPED = "skipped"
    FAILED = "failed"


class AnalyzerRun(_Frozen):
    """One analyzer's run: ``skipped`` and ``failed`` always carry a reason."""

    id: str
    status: AnalyzerStatus
    reason: str | None = None
    duration_ms: float = 0.0
    findings: int = 0
    metrics: dict[str, float] = Field(default_factory=dict, description="Counters the analyzer kept (calls, tokens, …)")
    attachments: dict[str, tuple[JsonObject, ...]] = Field(
        default_factory=dict, description="Structured output besides findings (e.g. the LLM judge's requests)"
    )


class Listing(_Frozen):
    """How one kind of item (tools, prompts, …) was listed."""

    status: ListingStatus
    items: int = 0
    pages: int = 0
    error: str | None = None


class CapHit(_Frozen):
    """A size cap that cut what was seen: the scan is incomplete where this appears."""

    cap: str = Field(description="Which cap, e.g. max_field_chars, max_pages")
    limit: int
    observed: int | None = Field(default=None, description="The size seen, when known")
    where: str = Field(description="What was cut, e.g. tool:big.description or tools/list")


class Coverage(_Frozen):
    """What was and was not seen."""

    transport: str | None = Field(default=None, description="stdio, streamable-http, sse, snapshot, source")
    listings: dict[str, Listing] = Field(default_factory=dict, description="Keyed by tools, prompts, …")
    caps_hit: tuple[CapHit, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    server_stderr: str | None = Field(default=None, description="The server's stderr, capped")
    server_stderr_truncated: bool = False


class TargetInfo(_Frozen):
    """The target as shown in reports: secrets redacted."""

    kind: TargetKind
    value: str


class Summary(_Frozen):
    """Counts of the findings that count: by severity, over unsuppressed findings; ``suppressed`` counts the rest."""

    total: int = 0
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    info: int = 0
    suppressed: int = Field(default=0, description="Findings accepted by an ignore entry (not in the other counts)")

    @classmethod
    def of(cls, findings: tuple[Finding, ...]) -> Summary:
        """Count the unsuppressed ``findings`` by severity, and the suppressed ones apart."""
        counts = {s.value: 0 for s in Severity}
        suppressed = 0
        for finding in findings:
            if finding.suppressed is None:
                counts[finding.severity.value] += 1
            else:
                suppressed += 1
        return cls(total=len(findings) - suppressed, suppressed=suppressed, **counts)


class ScanReport(_Frozen):
    """The result of scanning one target."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    mcts_version: str
    status: ScanStatus
    status_reasons: tuple[str, ...] = Field(default=(), description="Why the scan is incomplete")
    target: TargetInfo
    started_at: datetime
    duration_ms: float
    inventory: Inventory
    findings: tuple[Finding, ...] = ()
    summary: Summary = Field(default_factory=Summary)
    analyzers: tuple[AnalyzerRun, ...] = ()
    coverage: Coverage = Field(default_factory=Coverage)
    score: LegacyScore | None = Field(default=None, description="Legacy 0-100 score over unsuppressed findings")
    score_v2: ScoreV2 | None = Field(default=None, description="v2 risk model, when the scoring mode includes it")
    gate_violations: tuple[str, ...] = Field(default=(), description="Policy gates this report violates")
    probe: ProbeResult | None = Field(default=None, description="The protocol probe's checks, when it ran")

    def max_severity(self) -> Severity | None:
        """The most severe finding's severity, or ``None`` when there is none."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


class ReportSet(_Frozen):
    """Several targets' reports, in the order the targets were given."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    reports: tuple[ScanReport, ...]
