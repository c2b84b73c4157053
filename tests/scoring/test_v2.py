"""The v2 model: each factor moves risk the way docs/scoring.md says, and the aggregates are consistent."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mcts.model.finding import Confidence, Severity, Surface
from mcts.scoring.profile import GROUP_KEYS
from tests.scoring.helpers import INVENTORY, LOCAL, NETWORK, make_finding, scores

TILES = {f"MCP{n:02d}" for n in range(1, 11)} | set(GROUP_KEYS)


def _risk(tmp: Path, **kwargs: object) -> float:
    target = kwargs.pop("target", LOCAL)
    return scores([make_finding(**kwargs)], tmp, target)[1].absolute_risk  # type: ignore[arg-type]


def test_no_findings_is_zero_risk_and_perfect_tiles(tmp_path: Path) -> None:
    legacy, v2 = scores([], tmp_path)
    assert (legacy.overall, v2.absolute_risk, v2.risk_level, v2.risk_range) == (100, 0.0, "none", (0.0, 0.0))
    assert v2.confidence == 1.0
    assert v2.top_contributors == ()
    assert set(v2.category_scores) == TILES
    assert set(v2.category_scores.values()) == {100}
    assert set(v2.dimension_scores.values()) == {100.0}
    assert (v2.percentile, v2.security_score) == (0.0, 100)


def test_info_findings_carry_no_risk(tmp_path: Path) -> None:
    v2 = scores([make_finding(severity=Severity.INFO)], tmp_path)[1]
    assert v2.absolute_risk == 0 and v2.top_contributors == () and v2.security_score == 100


def test_one_critical_on_a_local_tool_is_high(tmp_path: Path) -> None:
    v2 = scores([make_finding(severity=Severity.CRITICAL)], tmp_path)[1]
    # 40 (critical) x 1.1 (instruction-override) x 1.0 (stdio) x 1.0 (description) x 1.0 x 1.0 x 1.0 (medium asset)
    assert v2.absolute_risk == 44.0
    assert v2.risk_level == "high"
    assert v2.top_contributors[0].share == 1.0


def test_factor_directions(tmp_path: Path) -> None:
    base = _risk(tmp_path)
    assert _risk(tmp_path, target=NETWORK) > base  # network-exposed
    assert _risk(tmp_path, confidence=Confidence.LOW) < _risk(tmp_path, confidence=Confidence.MEDIUM) < base
    assert _risk(tmp_path, technique="command-payload") > base > _risk(tmp_path, technique="metadata-anomaly")
    assert _risk(tmp_path, field="inputSchema.properties.opts.properties.mode.description") < _risk(
        tmp_path, field="inputSchema.properties.path.description") < base  # deep schema < schema < description
    assert _risk(tmp_path, field="annotations.title") < base
    assert _risk(tmp_path, technique="hidden-unicode-tags") > _risk(tmp_path, technique="jailbreak-text")  # hidden
    assert _risk(tmp_path, surface=Surface.PROMPT, item="summarize") < base  # the user must pick the prompt
    assert _risk(tmp_path, surface=Surface.RESOURCE, item="file:///notes.txt") < base  # the client must read it
    assert _risk(tmp_path, technique="toxic-flow-execution") < _risk(tmp_path, technique="command-payload")


def test_server_wide_findings_have_a_larger_blast_radius(tmp_path: Path) -> None:
    one_tool = _risk(tmp_path, technique="toxic-flow-exfiltration")
    server_wide = _risk(tmp_path, technique="toxic-flow-exfiltration", surface=Surface.SERVER, item=None, field="tools")
    expected = 1 + 0.25 * math.log2(len(INVENTORY.tools))
    assert server_wide == pytest.approx(one_tool * expected, abs=0.01)


def test_range_confidence_and_contributors(tmp_path: Path) -> None:
    findings = [
        make_finding(severity=Severity.CRITICAL, confidence=Confidence.HIGH, evidence="a"),
        make_finding(severity=Severity.HIGH, confidence=Confidence.LOW, evidence="b"),
        *(make_finding(severity=Severity.LOW, confidence=Confidence.MEDIUM, evidence=f"l{i}") for i in range(8)),
    ]
    v2 = scores(findings, tmp_path)[1]
    low, high = v2.risk_range
    assert low < v2.absolute_risk < high
    assert 0.4 < v2.confidence < 0.9
    assert len(v2.top_contributors) == 5
    assert v2.top_contributors[0].finding_id == findings[0].id
    assert [c.risk for c in v2.top_contributors] == sorted((c.risk for c in v2.top_contributors), reverse=True)
    assert sum(c.share for c in v2.top_contributors) <= 1.0
    assert v2.top_contributors[0].share == pytest.approx(v2.top_contributors[0].risk / v2.absolute_risk, abs=1e-3)


def test_tiles_follow_owasp_keys_and_groups(tmp_path: Path) -> None:
    v2 = scores([make_finding(technique="secret-in-metadata", severity=Severity.CRITICAL)], tmp_path)[1]
    tiles = v2.category_scores
    assert tiles["MCP01"] < 50 and tiles["exfiltration"] == tiles["MCP01"]
    assert all(tiles[k] == 100 for k in TILES - {"MCP01", "exfiltration"})
    v2 = scores([make_finding(technique="annotation-deception")], tmp_path)[1]  # MCP03 + a protocol technique
    assert v2.category_scores["protocol"] < 100 and v2.category_scores["injection"] < 100
    assert v2.category_scores["supply_chain"] == 100


def test_tiles_fall_back_to_the_taxonomy_when_a_finding_has_no_owasp_keys(tmp_path: Path) -> None:
    bare = make_finding(technique="command-payload").model_copy(update={"owasp": ()})
    tiles = scores([bare], tmp_path)[1].category_scores
    assert tiles["MCP05"] < 100 and tiles["MCP03"] < 100 and tiles["MCP01"] == 100


def test_legacy_mode_skips_v2_and_its_files(tmp_path: Path) -> None:
    from mcts.options import ScanOptions
    from mcts.scoring import compute_scores

    options = ScanOptions(scoring_mode="legacy", weights_profile="does-not-exist.yaml")
    legacy, v2 = compute_scores([make_finding()], INVENTORY, LOCAL, options, tmp_path)
    assert v2 is None and legacy.raw_risk == 10


def test_odd_inventories_do_not_crash(tmp_path: Path) -> None:
    from mcts.model.inventory import Inventory
    from mcts.options import ScanOptions
    from mcts.scoring import compute_scores

    empty = Inventory()
    server_wide = make_finding(surface=Surface.SERVER, item=None, field="serverInfo.name")
    unknown_tool = make_finding(item="not-listed", field="")
    _, v2 = compute_scores([server_wide, unknown_tool], empty, LOCAL, ScanOptions(), tmp_path)
    assert v2 is not None and v2.absolute_risk > 0
