"""Corpus stats: percentile and security score, the bundled file, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcts.errors import ConfigError
from mcts.model.finding import Severity
from mcts.scoring.corpus import load_corpus, parse_corpus
from tests.scoring.helpers import make_finding, scores


def _corpus(tmp: Path, risks: list[float], profile: str = "manual_v1") -> Path:
    path = tmp / "corpus.json"
    path.write_text(json.dumps({"profile": profile, "scoring_version": "2.0", "mcts_version": "test",
                                "date": "2026-01-01", "n": len(risks), "risks": risks}), encoding="utf-8")
    return path


def test_percentile_is_the_share_with_lower_risk(tmp_path: Path) -> None:
    stats = load_corpus(_corpus(tmp_path, [0, 0, 10, 20, 40]), tmp_path)
    assert [stats.percentile(r) for r in (0, 5, 10, 15, 40, 1000)] == [0.0, 0.4, 0.4, 0.6, 0.8, 1.0]


def test_security_score_halves_at_the_median_risky_scan(tmp_path: Path) -> None:
    stats = load_corpus(_corpus(tmp_path, [0, 0, 10, 20, 40]), tmp_path)
    assert stats.reference_risk == 20
    assert [stats.security_score(r) for r in (0, 1, 20, 40, 400)] == [100, 97, 50, 25, 0]
    assert load_corpus(_corpus(tmp_path, [0, 0]), tmp_path).security_score(5) is None  # nothing to compare to


def test_scores_use_the_configured_corpus(tmp_path: Path) -> None:
    finding = make_finding(severity=Severity.CRITICAL)  # absolute risk 44
    v2 = scores([finding], tmp_path, corpus_stats_path=_corpus(tmp_path, [0, 10, 44, 88]))[1]
    assert (v2.percentile, v2.security_score) == (0.5, 50)


def test_corpus_of_another_profile_gives_no_percentile(tmp_path: Path) -> None:
    v2 = scores([make_finding()], tmp_path, corpus_stats_path=_corpus(tmp_path, [0, 10], profile="other"))[1]
    assert (v2.percentile, v2.security_score) == (None, None)


def test_bundled_corpus_is_consistent() -> None:
    stats = load_corpus(None, Path("/"))
    assert stats.profile == "manual_v1"
    assert stats.n == len(stats.risks) == len(stats.entries) >= 20
    assert sorted(e.absolute_risk for e in stats.entries) == list(stats.risks)
    kinds = {e.kind for e in stats.entries}
    assert kinds == {"live", "example", "eval-dev"}
    vulnerable = next(e for e in stats.entries if e.source == "examples/vulnerable-mcp-server")
    assert stats.security_score(vulnerable.absolute_risk) < 10  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"profile": "p", "scoring_version": "2.0", "mcts_version": "x", "date": "d", "n": 2, "risks": [5, 1]}',
         "sorted ascending"),
        ('{"profile": "p", "scoring_version": "2.0", "mcts_version": "x", "date": "d", "n": 3, "risks": [1, 5]}',
         "n is 3 but 2 risks"),
        ('{"profile": "p", "scoring_version": "2.0", "mcts_version": "x", "date": "d", "n": 1, "risks": [-1]}',
         ">= 0"),
        ('{"risks": []}', "profile"),
    ],
)
def test_bad_corpus_files_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_corpus(text, "test")


def test_missing_corpus_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read corpus stats"):
        scores([], tmp_path, corpus_stats_path=tmp_path / "missing.json")
