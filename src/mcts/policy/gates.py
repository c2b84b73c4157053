"""Gates and exit codes of ``mcts scan``. Pure functions, no I/O.

Exit codes: 0 pass · 1 an unsuppressed finding at or above ``--fail-on``, or a policy gate violated · 2 usage,
configuration or consent error (raised before any report exists) · 3 scan incomplete. With several targets the
worst outcome wins: a definite failure (1) outranks an incomplete scan (3), because it needs action whatever was
not seen.

Gates (``ScanOptions.gates``) read the report's scores and its unsuppressed findings. A gate whose number was not
computed (no security score without corpus statistics, a missing tile) is violated, never passed silently.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from mcts.errors import ConfigError
from mcts.model.finding import Severity
from mcts.model.report import ScanReport, ScanStatus
from mcts.options import FailOn, Gates, ScanOptions

GROUP_KEYS = ("injection", "exfiltration", "privilege", "supply_chain", "protocol")
"""The v2 group tiles, besides the OWASP MCP Top 10 tiles MCP01..MCP10."""

CATEGORY_KEYS = (*(f"MCP{n:02d}" for n in range(1, 11)), *GROUP_KEYS)

DEFAULT_RISK_LEVELS = ("none", "low", "medium", "high", "critical")
"""Risk level names lowest first (the bands of ``manual_v1``); ``finalize`` passes the weights profile's own."""


class ExitCode(enum.IntEnum):
    """The process exit codes of the CLI."""

    PASS = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3


def failing_findings(report: ScanReport, fail_on: FailOn) -> int:
    """How many unsuppressed findings of ``report`` are at or above ``fail_on`` (0 when ``fail_on`` is ``none``)."""
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    return sum(f.severity.rank >= threshold and f.suppressed is None for f in report.findings)


def exit_code(reports: Sequence[ScanReport], fail_on: FailOn) -> ExitCode:
    """The exit code of a run: 1 on failing findings or gate violations, else 3 if a report is incomplete, else 0."""
    if any(failing_findings(r, fail_on) or r.gate_violations for r in reports):
        return ExitCode.FINDINGS
    if any(r.status is ScanStatus.INCOMPLETE for r in reports):
        return ExitCode.INCOMPLETE
    return ExitCode.PASS


def category_key(key: str) -> str:
    """The canonical tile key (``mcp03`` -> ``MCP03``, ``Injection`` -> ``injection``); ConfigError if unknown."""
    canonical = key.strip().upper() if key.strip().upper().startswith("MCP") else key.strip().lower()
    if canonical not in CATEGORY_KEYS:
        raise ConfigError(f"unknown category key {key!r} in min_category_score; one of {', '.join(CATEGORY_KEYS)}")
    return canonical


def check_gates(options: ScanOptions, risk_levels: Sequence[str] = DEFAULT_RISK_LEVELS) -> None:
    """Reject gates that cannot be evaluated: v2 gates under ``scoring_mode: legacy``, unknown keys and levels."""
    gates = options.gates
    needs_v2 = [
        name
        for name, value in (
            ("min_security_score", gates.min_security_score),
            ("max_absolute_risk", gates.max_absolute_risk),
            ("max_risk_level", gates.max_risk_level),
            ("min_category_score", gates.min_category_score or None),
        )
        if value is not None
    ]
    if needs_v2 and options.scoring_mode == "legacy":
        raise ConfigError(f"gate(s) {', '.join(needs_v2)} need the v2 score, but scoring_mode is legacy; "
                          "use --scoring-mode v2 or both")
    for key, value in gates.min_category_score.items():
        category_key(key)
        if not 0 <= value <= 100:
            raise ConfigError(f"min_category_score {key}={value}: a tile score is between 0 and 100")
    if gates.max_risk_level is not None and _level_rank(gates.max_risk_level, risk_levels) is None:
        raise ConfigError(f"unknown risk level {gates.max_risk_level!r} in max_risk_level; "
                          f"one of {', '.join(risk_levels)}")


def gate_violations(
    report: ScanReport, gates: Gates, risk_levels: Sequence[str] = DEFAULT_RISK_LEVELS
) -> tuple[str, ...]:
    """The gates ``report`` breaks, as sentences. Counts are of unsuppressed findings only."""
    out: list[str] = []
    v2 = report.score_v2
    if gates.min_security_score is not None:
        score = v2.security_score if v2 else None
        if score is None:
            out.append(f"security score is not available, so the minimum {gates.min_security_score} is not met")
        elif score < gates.min_security_score:
            out.append(f"security score {score} is below the minimum {gates.min_security_score}")
    if gates.max_absolute_risk is not None:
        if v2 is None:
            out.append(f"absolute risk is not available, so the maximum {gates.max_absolute_risk:g} is not met")
        elif v2.absolute_risk > gates.max_absolute_risk:
            out.append(f"absolute risk {v2.absolute_risk:g} is above the maximum {gates.max_absolute_risk:g}")
    if gates.max_risk_level is not None:
        out += _risk_level_violation(report, gates.max_risk_level, risk_levels)
    for key, minimum in gates.min_category_score.items():
        canonical = category_key(key)
        tile = v2.category_scores.get(canonical) if v2 else None
        if tile is None:
            out.append(f"{canonical} tile is not available, so the minimum {minimum} is not met")
        elif tile < minimum:
            out.append(f"{canonical} tile {tile} is below {minimum}")
    counts = {"critical": report.summary.critical, "high": report.summary.high}
    for name, limit in (("critical", gates.max_critical), ("high", gates.max_high)):
        if limit is not None and counts[name] > limit:
            out.append(f"{counts[name]} {name} finding(s) exceed the maximum {limit}")
    return tuple(out)


def _risk_level_violation(report: ScanReport, maximum: str, risk_levels: Sequence[str]) -> list[str]:
    if report.score_v2 is None:
        return [f"risk level is not available, so the maximum {maximum!r} is not met"]
    level = report.score_v2.risk_level
    rank, limit = _level_rank(level, risk_levels), _level_rank(maximum, risk_levels)
    if rank is None or limit is None:
        return [f"risk level {level!r} cannot be compared with the maximum {maximum!r}"]
    return [f"risk level {level} is above the maximum {maximum}"] if rank > limit else []


def _level_rank(level: str, risk_levels: Sequence[str]) -> int | None:
    folded = [name.casefold() for name in risk_levels]
    return folded.index(level.casefold()) if level.casefold() in folded else None
