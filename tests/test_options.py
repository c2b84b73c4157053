"""resolve_options: defaults < config file < MCTS_* environment < flags, and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mcts.errors import ConfigError
from mcts.model.finding import Severity
from mcts.options import Limits, ScanOptions, resolve_options


def write_yaml(cwd: Path, text: str) -> Path:
    path = cwd / ".mcts" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    assert resolve_options({}, env={}, cwd=tmp_path) == ScanOptions()


def test_precedence_defaults_file_env_flags(tmp_path: Path) -> None:
    write_yaml(tmp_path, "timeout: 10\nrequest_timeout: 11\nconcurrency: 2\nfail_on: low\n")
    env = {"MCTS_REQUEST_TIMEOUT": "12", "MCTS_CONCURRENCY": "3"}
    flags = {"concurrency": 5, "timeout": None}  # None: the flag was not given
    options = resolve_options(flags, env=env, cwd=tmp_path)
    assert options.timeout == 10  # file over default (flag unset)
    assert options.request_timeout == 12  # env over file
    assert options.concurrency == 5  # flag over env
    assert options.fail_on == Severity.LOW  # file only
    assert options.analyzer_timeout == ScanOptions().analyzer_timeout  # default


def test_env_without_prefix_is_ignored(tmp_path: Path) -> None:
    options = resolve_options({}, env={"TIMEOUT": "1", "MCTS_TIMEOUT": "7", "MCTS_UNRELATED": "x"}, cwd=tmp_path)
    assert options.timeout == 7


def test_env_analyzers_list(tmp_path: Path) -> None:
    options = resolve_options({}, env={"MCTS_ANALYZERS": "hidden-text, other ,"}, cwd=tmp_path)
    assert options.analyzers == ("hidden-text", "other")


def test_pyproject_tool_mcts(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.mcts]\ntimeout = 9\nfail-on = "critical"\n[tool.mcts.limits]\nmax_pages = 4\n',
        encoding="utf-8",
    )
    options = resolve_options({}, env={}, cwd=tmp_path)
    assert options.timeout == 9
    assert options.fail_on == Severity.CRITICAL
    assert options.limits.max_pages == 4


def test_yaml_config_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.mcts]\ntimeout = 9\n", encoding="utf-8")
    write_yaml(tmp_path, "timeout: 8\n")
    assert resolve_options({}, env={}, cwd=tmp_path).timeout == 8


def test_explicit_config_path(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.yaml"
    other.write_text("concurrency: 7\n", encoding="utf-8")
    write_yaml(tmp_path, "concurrency: 2\n")
    assert resolve_options({}, env={}, cwd=tmp_path, config_path=other).concurrency == 7


def test_missing_explicit_config_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_options({}, env={}, cwd=tmp_path, config_path=tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "max_pages: 3\n",  # a limit key at top level
        "limits:\n  max_pages: 3\n",  # nested under limits
        "limits:\n  max-pages: 3\n",  # dashes accepted
    ],
)
def test_limit_keys_top_level_or_nested(tmp_path: Path, text: str) -> None:
    write_yaml(tmp_path, text)
    options = resolve_options({}, env={}, cwd=tmp_path)
    assert options.limits.max_pages == 3
    assert options.limits.max_items == Limits().max_items


def test_limit_from_env_and_flag(tmp_path: Path) -> None:
    write_yaml(tmp_path, "limits:\n  max_pages: 3\n  max_items: 10\n")
    options = resolve_options({"max_items": 20}, env={"MCTS_MAX_PAGES": "5"}, cwd=tmp_path)
    assert options.limits.max_pages == 5
    assert options.limits.max_items == 20


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"file": "timeout: -1\n"}, "timeout"),
        ({"env": {"MCTS_CONCURRENCY": "many"}}, "concurrency"),
        ({"flags": {"fail_on": "severe"}}, "fail_on"),
        ({"flags": {"transport": "carrier-pigeon"}}, "transport"),
        ({"file": "limits:\n  max_pages: 0\n"}, "limits.max_pages"),
        ({"file": "max_field_chars: 10\n"}, "limits.max_field_chars"),
    ],
)
def test_invalid_values_name_the_field(tmp_path: Path, source: dict[str, object], field: str) -> None:
    if "file" in source:
        write_yaml(tmp_path, str(source["file"]))
    env = source.get("env", {})
    flags = source.get("flags", {})
    with pytest.raises(ConfigError, match=rf"(^|\W){re.escape(field)}[.:]") as info:
        resolve_options(flags, env=env, cwd=tmp_path)  # type: ignore[arg-type]
    assert "invalid settings" in str(info.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("timeoutt: 3\n", "timeoutt"),
        ("limits:\n  max_pagez: 3\n", "max_pagez"),
    ],
)
def test_unknown_key_in_config_file(tmp_path: Path, text: str, key: str) -> None:
    write_yaml(tmp_path, text)
    with pytest.raises(ConfigError, match=key):
        resolve_options({}, env={}, cwd=tmp_path)


def test_unknown_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown setting 'colour' in command line"):
        resolve_options({"colour": True}, env={}, cwd=tmp_path)


@pytest.mark.parametrize("text", ["- a\n- b\n", "timeout: [unclosed\n"])
def test_malformed_config_file(tmp_path: Path, text: str) -> None:
    write_yaml(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape("config.yaml")):
        resolve_options({}, env={}, cwd=tmp_path)


def test_bearer_token_not_in_repr(tmp_path: Path) -> None:
    secret = "sk-very-secret-123"
    options = resolve_options({"bearer_token": secret, "headers": {"X-Api-Key": "hdr-secret-456"}},
                              env={}, cwd=tmp_path)
    assert secret not in repr(options)
    assert secret not in str(options)
    assert "hdr-secret-456" not in repr(options)
    assert options.http_headers()["Authorization"] == f"Bearer {secret}"


def test_bearer_token_from_env(tmp_path: Path) -> None:
    options = resolve_options({}, env={"MCTS_BEARER_TOKEN": "env-secret"}, cwd=tmp_path)
    assert options.bearer_token is not None
    assert options.bearer_token.get_secret_value() == "env-secret"
    assert "env-secret" not in repr(options)
