"""Asset values: the assets file's shape, its errors, and that overrides move risk the right way."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcts.errors import ConfigError
from mcts.model.finding import Severity, Surface
from mcts.scoring.assets import load_assets
from mcts.scoring.profile import load_profile
from tests.scoring.helpers import make_finding, scores


def _write(directory: Path, text: str) -> Path:
    path = directory / ".mcts" / "assets.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_medium_everywhere(tmp_path: Path) -> None:
    profile = load_profile("manual_v1", tmp_path)
    assets = load_assets(None, tmp_path, profile)
    assert assets.tools == {}
    assert assets.for_tool("anything") == profile.asset_values["medium"]


def test_levels_numbers_and_default(tmp_path: Path) -> None:
    profile = load_profile("manual_v1", tmp_path)
    _write(tmp_path, "default: low\ntools:\n  send_email: high\n  run_query: 2.5\n  list_issues: Medium\n")
    assets = load_assets(None, tmp_path, profile)
    assert assets.for_tool("send_email") == profile.asset_values["high"]
    assert assets.for_tool("run_query") == 2.5
    assert assets.for_tool("list_issues") == profile.asset_values["medium"]
    assert assets.for_tool("read_file") == assets.default == profile.asset_values["low"]
    assert assets.highest() == 2.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tools: [a, b]", "'tools' must map tool names"),
        ("- just a list", "must be a mapping"),
        ("tools:\n  send_email: critical\n", "tools.send_email: expected high, medium, low or a number"),
        ("tools:\n  send_email: -1\n", "tools.send_email"),
        ("tools:\n  send_email: .nan\n", "tools.send_email"),
        ("tools:\n  send_email: true\n", "tools.send_email"),
        ("default: 1000\n", "default: expected"),
        ("tool:\n  send_email: high\n", "unknown key.s. tool"),
        ("tools: {unclosed\n", "cannot parse assets file"),
    ],
)
def test_bad_assets_files_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load_assets(None, tmp_path, load_profile("manual_v1", tmp_path))


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    _write(tmp_path, "")
    profile = load_profile("manual_v1", tmp_path)
    assert load_assets(None, tmp_path, profile).default == profile.asset_values["medium"]


def test_explicit_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"assets file .* does not exist"):
        scores([make_finding()], tmp_path, assets_path=tmp_path / "missing.yaml")


def test_explicit_path_wins_over_cwd_file(tmp_path: Path) -> None:
    _write(tmp_path, "tools:\n  read_file: low\n")
    other = tmp_path / "elsewhere.yaml"
    other.write_text("tools:\n  read_file: high\n", encoding="utf-8")
    finding = make_finding(item="read_file")
    high = scores([finding], tmp_path, assets_path=other)[1].absolute_risk
    assert high > scores([finding], tmp_path)[1].absolute_risk


def test_overrides_move_risk_in_the_right_direction(tmp_path: Path) -> None:
    finding = make_finding(item="send_email", severity=Severity.HIGH)
    other_tool = make_finding(item="read_file", severity=Severity.HIGH, evidence="x")
    baseline = scores([finding, other_tool], tmp_path)[1]
    _write(tmp_path, "tools:\n  send_email: high\n")
    raised = scores([finding, other_tool], tmp_path)[1]
    _write(tmp_path, "tools:\n  send_email: low\n")
    lowered = scores([finding, other_tool], tmp_path)[1]
    assert lowered.absolute_risk < baseline.absolute_risk < raised.absolute_risk
    assert raised.top_contributors[0].finding_id == finding.id  # the valuable tool's finding now leads
    assert lowered.top_contributors[0].finding_id == other_tool.id
    assert raised.dimension_scores["asset_value"] < baseline.dimension_scores["asset_value"]


def test_server_wide_findings_take_the_most_valuable_tool(tmp_path: Path) -> None:
    server_wide = make_finding(surface=Surface.INSTRUCTIONS, item=None, field="instructions")
    baseline = scores([server_wide], tmp_path)[1].absolute_risk
    _write(tmp_path, "tools:\n  run_query: high\n")
    assert scores([server_wide], tmp_path)[1].absolute_risk > baseline
    _write(tmp_path, "tools:\n  no_such_tool: high\n")  # a tool the server does not list changes nothing
    assert scores([server_wide], tmp_path)[1].absolute_risk == baseline
