"""Scores of a scan: the legacy 0-100 score and the v2 risk model (docs/scoring.md).

``compute_scores`` is the one entry point: the policy stage calls it with the unsuppressed findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mcts.model.finding import Finding
from mcts.model.inventory import Inventory
from mcts.model.report import TargetInfo
from mcts.model.score import LegacyScore, ScoreV2
from mcts.options import ScanOptions
from mcts.scoring.assets import load_assets
from mcts.scoring.corpus import load_corpus
from mcts.scoring.legacy import legacy_score
from mcts.scoring.profile import WeightsProfile, load_profile
from mcts.scoring.v2 import score_v2

__all__ = ["WeightsProfile", "compute_scores", "legacy_score", "load_profile"]


def compute_scores(
    findings: Sequence[Finding],
    inventory: Inventory,
    target: TargetInfo,
    options: ScanOptions,
    cwd: Path,
) -> tuple[LegacyScore, ScoreV2 | None]:
    """The legacy score and, unless ``options.scoring_mode`` is ``legacy``, the v2 score.

    ``findings`` are the unsuppressed ones. The weights profile, the assets file and the corpus stats are read
    from ``options`` (paths relative to ``cwd``); a bad one raises ``ConfigError`` naming the problem.
    """
    legacy = legacy_score(findings)
    if options.scoring_mode == "legacy":
        return legacy, None
    profile = load_profile(options.weights_profile, cwd)
    assets = load_assets(options.assets_path, cwd, profile)
    corpus = load_corpus(options.corpus_stats_path, cwd)
    return legacy, score_v2(findings, inventory, target.kind, profile, assets, corpus)
