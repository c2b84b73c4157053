"""The v2 risk model: per-finding risk = severity weight x factors, summed, banded and explained.

``absolute_risk`` is the sum of the findings' risks; ``risk_level`` its band in the profile; ``risk_range``
scales each risk by its confidence's multipliers; ``confidence`` is the risk-weighted mean confidence value;
``dimension_scores`` give, per factor family, ``100 * exp(-D / dimension_scale)`` with ``D`` the sum of severity
weight x that factor alone; ``top_contributors`` are the five riskiest findings with their share of the total;
``category_scores`` are the OWASP and group tiles; ``percentile`` and ``security_score`` place the total in the
corpus (only when the corpus was built with the same profile).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from mcts.model.finding import Finding
from mcts.model.inventory import Inventory
from mcts.model.score import Contributor, ScoreV2
from mcts.scoring.assets import AssetValues
from mcts.scoring.categories import CategoryTiles
from mcts.scoring.corpus import CorpusStats
from mcts.scoring.factors import DIMENSIONS, FactorModel
from mcts.scoring.profile import WeightsProfile

TOP_CONTRIBUTORS = 5


def score_v2(
    findings: Sequence[Finding],
    inventory: Inventory,
    target_kind: str,
    profile: WeightsProfile,
    assets: AssetValues,
    corpus: CorpusStats | None,
) -> ScoreV2:
    """The v2 score of ``findings`` (the unsuppressed ones) for one scan."""
    model = FactorModel(profile, inventory, target_kind, assets)
    tiles = CategoryTiles(profile)
    conf_values = profile.confidence.values
    conf_range = profile.confidence.range
    dims = [0.0] * len(DIMENSIONS)
    total = low = high = weighted_conf = 0.0
    scored: list[tuple[float, str, str]] = []
    for finding in findings:
        factors = model.factors(finding)
        weight = factors.severity
        if weight == 0:
            continue
        values = factors.values()
        dims[0] += weight
        for index in range(1, len(values)):
            dims[index] += weight * values[index]
        risk = factors.risk
        total += risk
        lo, hi = conf_range[finding.confidence]
        low += risk * lo
        high += risk * hi
        weighted_conf += risk * conf_values[finding.confidence]
        tiles.add(finding, risk)
        if risk > 0:
            scored.append((risk, finding.id, finding.title))
    absolute = round(total, 2)
    top = heapq.nsmallest(TOP_CONTRIBUTORS, scored, key=lambda item: (-item[0], item[1]))
    percentile = safety = None
    if corpus is not None and corpus.profile == profile.name and corpus.scoring_version == profile.scoring_version:
        percentile, safety = corpus.percentile(absolute), corpus.security_score(absolute)
    return ScoreV2(
        scoring_version=profile.scoring_version,
        weights_profile=profile.name,
        absolute_risk=absolute,
        risk_level=profile.band_for(absolute),
        risk_range=(round(low, 2), round(high, 2)),
        confidence=round(weighted_conf / total, 3) if total > 0 else 1.0,
        dimension_scores={
            name: round(100 * math.exp(-value / profile.dimension_scale), 1) for name, value in zip(DIMENSIONS, dims,
                                                                                                   strict=True)
        },
        top_contributors=tuple(
            Contributor(finding_id=fid, title=title, risk=round(risk, 3), share=round(min(1.0, risk / total), 4))
            for risk, fid, title in top
        ),
        category_scores=tiles.scores(),
        percentile=None if percentile is None else round(percentile, 4),
        security_score=safety,
    )
