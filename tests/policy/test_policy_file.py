"""Where gates and verdict settings come from: defaults < config < .mcts/policy.yaml < MCTS_* env < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcts.errors import ConfigError
from mcts.model.finding import Severity
from mcts.options import Gates, ScanOptions, resolve_options
from tests.policy.conftest import write


def test_no_policy_file_keeps_defaults(tmp_path: Path) -> None:
    options = resolve_options({}, env={}, cwd=tmp_path)
    assert options.gates == Gates()
    assert options == ScanOptions()


def test_policy_file_keys(tmp_path: Path) -> None:
    write(tmp_path, "policy.yaml", """
fail_on: critical
scoring_mode: v2
weights_profile: manual_v1
ignore_path: accepted.yaml
max_high: 3
gates:
  min_security_score: 40
  max_risk_level: medium
  min_category_score_v2: {MCP03: 70, injection: 60}
""")
    options = resolve_options({}, env={}, cwd=tmp_path)
    assert options.fail_on == Severity.CRITICAL
    assert options.scoring_mode == "v2"
    assert options.ignore_path == Path("accepted.yaml")
    assert options.gates == Gates(min_security_score=40, max_risk_level="medium", max_high=3,
                                  min_category_score={"MCP03": 70, "injection": 60})


def test_precedence_config_policy_env_flags(tmp_path: Path) -> None:
    write(tmp_path, "config.yaml", "fail_on: low\ntimeout: 9\ngates: {max_critical: 5, max_high: 9}\n")
    write(tmp_path, "policy.yaml", "fail_on: medium\nmax_critical: 1\nmin_category_score: {MCP01: 10, MCP02: 20}\n")
    env = {"MCTS_MAX_CRITICAL": "2", "MCTS_MIN_CATEGORY_SCORE": "MCP02=30, MCP05=50"}
    flags = {"max_critical": 0, "min_category_score": {"MCP05": 55}, "max_high": None}
    options = resolve_options(flags, env=env, cwd=tmp_path)
    assert options.timeout == 9  # config only
    assert options.fail_on == Severity.MEDIUM  # policy file over config
    assert options.gates.max_high == 9  # config, untouched by the others
    assert options.gates.max_critical == 0  # flag over env over policy over config
    # tiles merge key by key: each source overrides only the tiles it names
    assert options.gates.min_category_score == {"MCP01": 10, "MCP02": 30, "MCP05": 55}
    assert resolve_options({}, env=env, cwd=tmp_path).gates.max_critical == 2  # env over policy file


def test_flags_over_policy_file(tmp_path: Path) -> None:
    write(tmp_path, "policy.yaml", "min_security_score: 80\nscoring_mode: legacy\n")
    options = resolve_options({"min_security_score": 20, "scoring_mode": "both"}, env={}, cwd=tmp_path)
    assert options.gates.min_security_score == 20
    assert options.scoring_mode == "both"


def test_explicit_policy_path(tmp_path: Path) -> None:
    other = tmp_path / "strict.yaml"
    other.write_text("max_critical: 0\n", encoding="utf-8")
    write(tmp_path, "policy.yaml", "max_critical: 7\n")
    assert resolve_options({}, env={}, cwd=tmp_path, policy_path=other).gates.max_critical == 0
    with pytest.raises(ConfigError, match=r"policy file nope\.yaml does not exist"):
        resolve_options({}, env={}, cwd=tmp_path, policy_path=Path("nope.yaml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout: 5\n", "unknown setting 'timeout' in policy file"),
        ("gates: {max_medium: 1}\n", "unknown gate 'max_medium'"),
        ("gates: [max_high]\n", "gates must be a mapping"),
        ("min_category_score: MCP01=5\n", "min_category_score must map category keys to scores"),
        ("- max_high: 1\n", "must hold a mapping"),
        ("max_high: [unclosed\n", "cannot parse policy file"),
        ("max_high: -1\n", "gates.max_high"),
        ("scoring_mode: v3\n", "scoring_mode"),
        ("min_security_score: 101\n", "gates.min_security_score"),
    ],
)
def test_bad_policy_file(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "policy.yaml", text)
    with pytest.raises(ConfigError) as info:
        resolve_options({}, env={}, cwd=tmp_path)
    assert message in str(info.value)


def test_bad_env_category_pairs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MCTS_MIN_CATEGORY_SCORE: min_category_score 'MCP01' must look like KEY=N"):
        resolve_options({}, env={"MCTS_MIN_CATEGORY_SCORE": "MCP01"}, cwd=tmp_path)


def test_gates_in_config_file_and_unknown_gate(tmp_path: Path) -> None:
    write(tmp_path, "config.yaml", "gates: {max_high: 2}\nmax_critical: 0\n")
    assert resolve_options({}, env={}, cwd=tmp_path).gates == Gates(max_high=2, max_critical=0)
    write(tmp_path, "config.yaml", "gates: {max_hihg: 2}\n")
    with pytest.raises(ConfigError, match="unknown gate 'max_hihg'"):
        resolve_options({}, env={}, cwd=tmp_path)
