"""Exit codes of ``mcts scan``.

0 pass · 1 a finding at or above ``--fail-on`` · 2 usage, configuration or consent error (raised before any
report exists) · 3 scan incomplete. With several targets the worst outcome wins: a definite failure (1)
outranks an incomplete scan (3), because it needs action whatever was not seen.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from mcts.model.finding import Severity
from mcts.model.report import ScanReport, ScanStatus
from mcts.options import FailOn


class ExitCode(enum.IntEnum):
    """The process exit codes of the CLI."""

    PASS = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3


def failing_findings(report: ScanReport, fail_on: FailOn) -> int:
    """How many findings of ``report`` are at or above ``fail_on`` (0 when ``fail_on`` is ``none``)."""
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    return sum(f.severity.rank >= threshold for f in report.findings)


def exit_code(reports: Sequence[ScanReport], fail_on: FailOn) -> ExitCode:
    """The exit code for a run that produced ``reports``."""
    if any(failing_findings(r, fail_on) for r in reports):
        return ExitCode.FINDINGS
    if any(r.status is ScanStatus.INCOMPLETE for r in reports):
        return ExitCode.INCOMPLETE
    return ExitCode.PASS
