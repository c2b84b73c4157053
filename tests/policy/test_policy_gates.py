"""Gates on finalized reports: each gate passes at its threshold and is violated past it; exit codes; errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mcts.engine import scan_async
from mcts.errors import ConfigError
from mcts.model.report import ScanReport, ScanStatus
from mcts.options import Gates, Limits, ScanOptions
from mcts.policy import check_policy, finalize
from mcts.policy.finalize import risk_levels
from mcts.policy.gates import DEFAULT_RISK_LEVELS, ExitCode, category_key, exit_code, gate_violations
from tests.policy.conftest import write

ONLY = ScanOptions(analyzers=("hidden-text",), fail_on="none")


async def scanned(cwd: Path, snapshot: Path, **gates: Any) -> ScanReport:
    return await scan_async(str(snapshot), ONLY.model_copy(update={"gates": Gates(**gates)}), cwd=cwd)


@pytest.fixture
async def base(tmp_path: Path, snapshot: Path) -> ScanReport:
    report = await scanned(tmp_path, snapshot)
    assert report.score_v2 is not None and report.score is not None
    assert report.gate_violations == ()
    return report


@pytest.mark.anyio
async def test_security_score_gate(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert base.score_v2 is not None
    score = base.score_v2.security_score
    assert score is not None  # the bundled corpus statistics give a security score
    assert (await scanned(tmp_path, snapshot, min_security_score=score)).gate_violations == ()
    if score < 100:
        report = await scanned(tmp_path, snapshot, min_security_score=score + 1)
        assert report.gate_violations == (f"security score {score} is below the minimum {score + 1}",)
        assert exit_code([report], "none") is ExitCode.FINDINGS


@pytest.mark.anyio
async def test_absolute_risk_gate(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert base.score_v2 is not None
    risk = base.score_v2.absolute_risk
    assert risk > 0
    passing = await scanned(tmp_path, snapshot, max_absolute_risk=risk)
    assert passing.gate_violations == ()
    assert exit_code([passing], "none") is ExitCode.PASS
    (violation,) = (await scanned(tmp_path, snapshot, max_absolute_risk=risk / 2)).gate_violations
    assert violation.startswith("absolute risk ") and f"above the maximum {risk / 2:g}" in violation


@pytest.mark.anyio
async def test_risk_level_gate(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert base.score_v2 is not None
    level = base.score_v2.risk_level
    levels = list(risk_levels(ONLY, tmp_path))  # the bands of the default profile, manual_v1
    assert levels == list(DEFAULT_RISK_LEVELS)
    assert level in levels and levels.index(level) > 0
    assert (await scanned(tmp_path, snapshot, max_risk_level=level)).gate_violations == ()
    assert (await scanned(tmp_path, snapshot, max_risk_level=levels[-1])).gate_violations == ()
    lower = levels[levels.index(level) - 1]
    report = await scanned(tmp_path, snapshot, max_risk_level=lower)
    assert report.gate_violations == (f"risk level {level} is above the maximum {lower}",)


@pytest.mark.anyio
async def test_category_score_gate(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert base.score_v2 is not None
    tile = base.score_v2.category_scores["MCP03"]  # tool poisoning: where hidden text lands
    assert tile < 100
    assert (await scanned(tmp_path, snapshot, min_category_score={"MCP03": tile})).gate_violations == ()
    report = await scanned(tmp_path, snapshot, min_category_score={"mcp03": tile + 1, "protocol": 0})
    assert report.gate_violations == (f"MCP03 tile {tile} is below {tile + 1}",)
    group = base.score_v2.category_scores["injection"]
    if group < 100:
        (violation,) = (await scanned(tmp_path, snapshot, min_category_score={"Injection": 100})).gate_violations
        assert violation == f"injection tile {group} is below 100"


@pytest.mark.anyio
async def test_count_gates(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert (base.summary.critical, base.summary.high) == (1, 0)
    assert (await scanned(tmp_path, snapshot, max_critical=1, max_high=0)).gate_violations == ()
    report = await scanned(tmp_path, snapshot, max_critical=0, max_high=0)
    assert report.gate_violations == ("1 critical finding(s) exceed the maximum 0",)
    assert exit_code([report], "none") is ExitCode.FINDINGS


@pytest.mark.anyio
async def test_suppressed_findings_do_not_count_for_gates(tmp_path: Path, snapshot: Path, base: ScanReport) -> None:
    assert base.score_v2 is not None
    write(tmp_path, "ignore.yaml", "- {technique: hidden-unicode-tags, item: add, reason: test fixture}\n")
    report = await scanned(tmp_path, snapshot, max_critical=0, max_absolute_risk=base.score_v2.absolute_risk)
    assert report.summary.critical == 0 and report.summary.suppressed == 1
    assert report.gate_violations == ()
    assert report.score_v2 is not None and report.score_v2.absolute_risk < base.score_v2.absolute_risk
    assert exit_code([report], "critical") is ExitCode.PASS
    assert exit_code([base], "critical") is ExitCode.FINDINGS


@pytest.mark.anyio
async def test_gate_outranks_incomplete_and_incomplete_still_scored(tmp_path: Path, snapshot: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"tools": [{"name": "big", "description": "x\u200b" * 200}]}), encoding="utf-8")
    options = ONLY.model_copy(update={"limits": Limits(max_field_chars=256), "gates": Gates(max_absolute_risk=0)})
    report = await scan_async(str(big), options, cwd=tmp_path)
    assert report.status is ScanStatus.INCOMPLETE  # never called clean
    assert report.score is not None and report.score_v2 is not None
    assert report.gate_violations
    assert exit_code([report], "none") is ExitCode.FINDINGS
    clean = await scan_async(str(big), options.model_copy(update={"gates": Gates()}), cwd=tmp_path)
    assert exit_code([clean], "none") is ExitCode.INCOMPLETE


@pytest.mark.anyio
async def test_numbers_not_computed_violate(base: ScanReport) -> None:
    assert base.score_v2 is not None
    no_score = base.model_copy(update={"score_v2": base.score_v2.model_copy(update={"security_score": None})})
    assert gate_violations(no_score, Gates(min_security_score=0)) == (
        "security score is not available, so the minimum 0 is not met",
    )
    legacy_only = base.model_copy(update={"score_v2": None})
    violations = gate_violations(legacy_only, Gates(max_absolute_risk=1e9, max_risk_level="critical",
                                                    min_category_score={"MCP01": 0}))
    assert len(violations) == 3
    assert all("not available" in v for v in violations)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ScanOptions(scoring_mode="legacy", gates=Gates(min_security_score=60)),
         "min_security_score need the v2 score, but scoring_mode is legacy"),
        (ScanOptions(scoring_mode="legacy", gates=Gates(max_absolute_risk=5, min_category_score={"MCP01": 5})),
         "max_absolute_risk, min_category_score need the v2 score"),
        (ScanOptions(gates=Gates(min_category_score={"MCP11": 50})), "unknown category key 'MCP11'"),
        (ScanOptions(gates=Gates(min_category_score={"exfil": 50})), "unknown category key 'exfil'"),
        (ScanOptions(gates=Gates(min_category_score={"MCP01": 101})), "between 0 and 100"),
        (ScanOptions(gates=Gates(max_risk_level="apocalyptic")), "unknown risk level 'apocalyptic'"),
    ],
)
def test_gates_that_cannot_be_evaluated(tmp_path: Path, options: ScanOptions, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_policy(options, tmp_path)
    assert message in str(info.value)


def test_legacy_mode_with_count_gates_is_fine(tmp_path: Path) -> None:
    check_policy(ScanOptions(scoring_mode="legacy", gates=Gates(max_critical=0, max_high=2)), tmp_path)


@pytest.mark.anyio
async def test_legacy_mode_report_has_no_v2(tmp_path: Path, snapshot: Path) -> None:
    options = ONLY.model_copy(update={"scoring_mode": "legacy", "gates": Gates(max_critical=0)})
    report = await scan_async(str(snapshot), options, cwd=tmp_path)
    assert report.score is not None and report.score_v2 is None
    assert report.gate_violations == ("1 critical finding(s) exceed the maximum 0",)
    with pytest.raises(ConfigError):
        finalize(report, options.model_copy(update={"gates": Gates(max_absolute_risk=1)}), tmp_path)


@pytest.mark.anyio
async def test_v2_gate_in_legacy_mode_fails_before_scanning(tmp_path: Path) -> None:
    options = ScanOptions(scoring_mode="legacy", gates=Gates(max_risk_level="low"))
    with pytest.raises(ConfigError, match="need the v2 score"):
        await scan_async(str(tmp_path / "does-not-matter.json"), options, cwd=tmp_path)


def test_category_keys() -> None:
    assert category_key(" mcp07 ") == "MCP07"
    assert category_key("Supply_Chain") == "supply_chain"
    with pytest.raises(ConfigError):
        category_key("MCP00")
