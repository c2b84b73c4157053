"""Production readiness of an MCP server: heuristic checks, Rego policies, a score and a verdict.

``readiness(target)`` collects the target's inventory with the same collectors as ``mcts scan`` (live
servers and snapshots), runs the heuristic checks (``checks``), evaluates the bundled and the user's Rego
policies (``rego``) on an input document built from the inventory and the check results, scores the result
(``score``) and decides the status. ``assess`` does everything after collection and does no network I/O.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

from mcts import __version__
from mcts.collect.result import Collected
from mcts.engine import collect
from mcts.model.finding import Severity
from mcts.model.readiness import CheckResult, CheckStatus, ReadinessReport, ReadinessStatus
from mcts.model.report import Coverage, TargetInfo
from mcts.model.target import Target, parse_target
from mcts.options import ScanOptions
from mcts.readiness.checks import run_checks
from mcts.readiness.rego import (
    BUNDLED_DIR,
    INSTALL_HINT,
    Policy,
    PolicyError,
    compile_policies,
    discover,
    evaluate,
    load_regopy,
)
from mcts.readiness.rego import unavailable_checks as unavailable_policies
from mcts.readiness.score import readiness_score
from mcts.readiness.subject import Subject
from mcts.text.escape import escape_text

__all__ = ["PolicyError", "ReadinessSettings", "assess", "collect", "readiness", "readiness_async"]

_CREDENTIAL_HEADERS = ("authorization", "cookie", "key", "token", "secret", "auth")


@dataclass(frozen=True)
class ReadinessSettings:
    """What a readiness run asks beyond collection: policies, the failing threshold and the minimum score.

    ``fail_on``: a failing check at or above this severity makes the report ``not_ready`` (``None``: never).
    ``min_score``: a score below it makes the report ``not_ready``. ``bundled``: evaluate the bundled policies.
    """

    policy_dirs: tuple[Path, ...] = ()
    bundled: bool = True
    fail_on: Severity | None = Severity.HIGH
    min_score: int | None = None

    def policies(self) -> list[Policy]:
        """Every policy file to evaluate; a missing directory or unreadable file is a ``PolicyError``."""
        return discover([*((BUNDLED_DIR,) if self.bundled else ()), *self.policy_dirs])


def readiness(target: str | Target, options: ScanOptions | None = None,
              settings: ReadinessSettings | None = None) -> ReadinessReport:
    """Assess one target's production readiness (blocking)."""
    return anyio.run(readiness_async, target, options or ScanOptions(), settings or ReadinessSettings())


async def readiness_async(target: str | Target, options: ScanOptions, settings: ReadinessSettings,
                          *, cwd: Path | None = None) -> ReadinessReport:
    """Collect ``target`` and assess it. Policy files are read (and checked) before any server is started."""
    resolved = parse_target(target, transport=options.transport, cwd=cwd) if isinstance(target, str) else target
    policies = settings.policies()
    regopy = _regopy_for(settings)
    if regopy is not None:
        compile_policies(policies, regopy)  # a broken policy fails before any server is started
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    collected = await collect(resolved, options)
    info = TargetInfo(kind=resolved.kind, value=resolved.display())
    return assess(collected, info, options, settings, policies=policies, regopy=regopy, started_at=started_at,
                  t0=t0)


def _regopy_for(settings: ReadinessSettings) -> Any | None:
    regopy = load_regopy()
    if regopy is None and settings.policy_dirs:
        raise PolicyError(f"--policy-dir was given but Rego cannot be evaluated: {INSTALL_HINT}")
    return regopy


def assess(
    collected: Collected,
    target: TargetInfo,
    options: ScanOptions,
    settings: ReadinessSettings,
    *,
    policies: Sequence[Policy] | None = None,
    regopy: Any | None = None,
    started_at: datetime | None = None,
    t0: float | None = None,
) -> ReadinessReport:
    """Run the checks and the policies on ``collected`` and build the report.

    ``policies`` defaults to ``settings.policies()``; ``regopy`` to the installed module (``None``: policies
    are reported unavailable).
    """
    t0 = time.perf_counter() if t0 is None else t0
    policies = settings.policies() if policies is None else policies
    regopy = regopy if regopy is not None else load_regopy()
    subject = Subject(inventory=collected.inventory, target_kind=target.kind, listings=collected.listings,
                      credentials_sent=_credentials_sent(options))
    heuristic = run_checks(subject)
    if regopy is None:
        policy_checks = unavailable_policies(policies)
    else:
        policy_checks = evaluate(policies, _document(collected, target, subject, heuristic), regopy)
    checks = (*heuristic, *policy_checks)
    score = readiness_score(checks)
    status, reasons = _verdict(collected, checks, score.value, settings)
    info = collected.inventory.server_info
    return ReadinessReport(
        mcts_version=__version__, status=status, status_reasons=reasons, target=target,
        started_at=started_at or datetime.now(UTC), duration_ms=round((time.perf_counter() - t0) * 1000, 3),
        server_name=_shown(info.name if info else None), server_version=_shown(info.version if info else None),
        counts=collected.inventory.counts(), score=score, checks=checks, coverage=_coverage(collected),
        min_score=settings.min_score, fail_on=settings.fail_on,
    )


def _shown(value: str | None) -> str | None:
    return None if value is None else escape_text(value, limit=200)


def _credentials_sent(options: ScanOptions) -> bool:
    if options.bearer_token is not None:
        return True
    return any(word in name.lower() for name in options.headers for word in _CREDENTIAL_HEADERS)


def _document(collected: Collected, target: TargetInfo, subject: Subject,
              checks: Sequence[CheckResult]) -> dict[str, Any]:
    """The Rego ``input``: target, inventory (MCP wire names), listings and the heuristic check results."""
    return {
        "target": target.model_dump(mode="json"),
        "inventory": collected.inventory.model_dump(mode="json", by_alias=True, exclude_none=True),
        "listings": {k: v.model_dump(mode="json", exclude_none=True) for k, v in collected.listings.items()},
        "credentials_sent": subject.credentials_sent,
        "checks": [c.model_dump(mode="json", exclude={"violations"}) for c in checks],
    }


def _coverage(collected: Collected) -> Coverage:
    return Coverage(transport=collected.transport, listings=collected.listings, caps_hit=tuple(collected.caps_hit),
                    errors=tuple(collected.errors), warnings=tuple(collected.warnings),
                    server_stderr=collected.server_stderr, server_stderr_truncated=collected.server_stderr_truncated)


def _verdict(collected: Collected, checks: Sequence[CheckResult], score: int,
             settings: ReadinessSettings) -> tuple[ReadinessStatus, tuple[str, ...]]:
    failing = [c for c in checks if c.status is CheckStatus.FAIL and settings.fail_on is not None
               and c.severity.rank >= settings.fail_on.rank]
    reasons = [f"{c.id} failed ({c.severity.value}): {c.title}" for c in failing]
    if settings.min_score is not None and score < settings.min_score:
        reasons.append(f"readiness score {score} is below the minimum {settings.min_score}")
    incomplete = [*collected.errors, *(f"cap {c.cap}={c.limit} cut {c.where}" for c in collected.caps_hit)]
    reasons += incomplete
    missing = [c for c in checks if c.status is CheckStatus.UNAVAILABLE]
    reasons += [f"{c.id} unavailable: {c.detail}" for c in missing]
    if failing or (settings.min_score is not None and score < settings.min_score):
        return ReadinessStatus.NOT_READY, tuple(reasons)
    if incomplete:
        return ReadinessStatus.INCOMPLETE, tuple(reasons)
    if missing:
        return ReadinessStatus.PARTIAL, tuple(reasons)
    return ReadinessStatus.READY, tuple(reasons)
