"""Exit codes from real reports (snapshot scans): 0 pass, 1 findings at or above fail_on, 3 incomplete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mcts.engine import scan_async
from mcts.model.finding import Severity
from mcts.model.report import ScanReport, ScanStatus
from mcts.options import FailOn, Limits, ScanOptions
from mcts.policy.gates import ExitCode, exit_code, failing_findings

HIDDEN_TEXT = Path(__file__).resolve().parents[1] / "analyzers" / "data" / "hidden_text.json"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def scan_snapshot(tmp_path: Path, name: str, wire: dict[str, Any], options: ScanOptions) -> ScanReport:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(wire), encoding="utf-8")
    return await scan_async(str(path), options)


@pytest.fixture
async def reports(tmp_path: Path) -> dict[str, ScanReport]:
    tight = ScanOptions(limits=Limits(max_field_chars=256))
    return {
        "clean": await scan_snapshot(tmp_path, "clean", {"tools": [{"name": "add", "description": "Adds."}]},
                                     ScanOptions()),
        # only a medium finding (a zero-width space)
        "medium": await scan_snapshot(tmp_path, "medium", {"tools": [{"name": "rm", "description": "del\u200bete"}]},
                                      ScanOptions()),
        # critical findings (tag characters)
        "critical": await scan_async(str(HIDDEN_TEXT), ScanOptions()),
        # a description longer than the cap: cut, so the scan is incomplete
        "incomplete": await scan_snapshot(tmp_path, "incomplete",
                                          {"tools": [{"name": "big", "description": "x" * 300}]}, tight),
    }


@pytest.mark.anyio
async def test_fixture_reports_are_what_they_claim(reports: dict[str, ScanReport]) -> None:
    assert reports["clean"].status is ScanStatus.COMPLETE
    assert reports["clean"].findings == ()
    assert reports["medium"].max_severity() is Severity.MEDIUM
    assert reports["critical"].max_severity() is Severity.CRITICAL
    assert reports["incomplete"].status is ScanStatus.INCOMPLETE
    assert reports["incomplete"].findings == ()
    assert any("max_field_chars" in r for r in reports["incomplete"].status_reasons)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("names", "fail_on", "code"),
    [
        (["clean"], Severity.HIGH, ExitCode.PASS),
        (["clean"], "none", ExitCode.PASS),
        (["medium"], Severity.HIGH, ExitCode.PASS),  # below the threshold
        (["medium"], Severity.MEDIUM, ExitCode.FINDINGS),  # at the threshold
        (["medium"], Severity.INFO, ExitCode.FINDINGS),
        (["critical"], Severity.HIGH, ExitCode.FINDINGS),
        (["critical"], Severity.CRITICAL, ExitCode.FINDINGS),
        (["critical"], "none", ExitCode.PASS),  # fail_on none: findings never fail the run
        (["incomplete"], Severity.HIGH, ExitCode.INCOMPLETE),
        (["incomplete"], "none", ExitCode.INCOMPLETE),  # ... but an incomplete scan still does
        (["clean", "incomplete"], Severity.HIGH, ExitCode.INCOMPLETE),
        (["incomplete", "critical"], Severity.HIGH, ExitCode.FINDINGS),  # 1 outranks 3
        (["critical", "incomplete"], Severity.HIGH, ExitCode.FINDINGS),
        (["medium", "incomplete"], Severity.HIGH, ExitCode.INCOMPLETE),
        (["critical", "incomplete"], "none", ExitCode.INCOMPLETE),
        ([], Severity.HIGH, ExitCode.PASS),
    ],
)
async def test_exit_code(reports: dict[str, ScanReport], names: list[str], fail_on: FailOn, code: ExitCode) -> None:
    assert exit_code([reports[n] for n in names], fail_on) == code


@pytest.mark.anyio
async def test_failing_findings_counts(reports: dict[str, ScanReport]) -> None:
    critical = reports["critical"]
    assert failing_findings(critical, "none") == 0
    criticals = sum(f.severity is Severity.CRITICAL for f in critical.findings)
    assert 0 < criticals < len(critical.findings)
    assert failing_findings(critical, Severity.CRITICAL) == criticals
    assert failing_findings(critical, Severity.HIGH) == sum(f.severity.rank >= Severity.HIGH.rank
                                                            for f in critical.findings)
    assert failing_findings(critical, Severity.INFO) == len(critical.findings)
    assert failing_findings(reports["medium"], Severity.HIGH) == 0


def test_exit_code_values() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3]
