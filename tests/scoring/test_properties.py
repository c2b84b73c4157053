"""Properties over generated cases (seeded loops; hypothesis is not a dependency), and speed.

Adding a finding never lowers a risk or raises a score; raising a severity never improves anything; passing
fewer findings (what suppression does before scoring) never makes anything worse.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from mcts.model.finding import Finding, Severity
from mcts.model.score import LegacyScore, ScoreV2
from mcts.options import ScanOptions
from mcts.scoring import compute_scores
from mcts.scoring.profile import WeightsProfile, load_profile
from tests.scoring.helpers import INVENTORY, LOCAL, NETWORK, all_risks, all_scores, random_finding, scores

CASES = 150


def _no_better(before: tuple[LegacyScore, ScoreV2], after: tuple[LegacyScore, ScoreV2], why: str) -> None:
    """``after`` is no safer than ``before`` by any measure, and its band is no lower."""
    old_scores, new_scores = all_scores(*before), all_scores(*after)
    for key, old in old_scores.items():
        assert new_scores[key] <= old, f"{why}: {key} improved from {old} to {new_scores[key]}"
    old_risks, new_risks = all_risks(*before), all_risks(*after)
    for key, old in old_risks.items():
        assert new_risks[key] >= old, f"{why}: {key} fell from {old} to {new_risks[key]}"
    ranks = [b.name for b in _profile().bands]
    assert ranks.index(after[1].risk_level) >= ranks.index(before[1].risk_level), why
    assert after[0].grade >= before[0].grade, why  # "A" < "F": a later letter is a worse grade


def _profile() -> WeightsProfile:

    return load_profile("manual_v1", Path("/"))


def _cases(rng: random.Random) -> list[Finding]:
    return [random_finding(rng, i) for i in range(rng.randint(0, 12))]


def test_adding_a_finding_never_improves_anything(tmp_path: Path) -> None:
    rng = random.Random(5)
    for case in range(CASES):
        findings = _cases(rng)
        target = rng.choice([LOCAL, NETWORK])
        extra = random_finding(rng, 1000 + case)
        _no_better(scores(findings, tmp_path, target), scores([*findings, extra], tmp_path, target),
                   f"case {case}: adding {extra.severity} {extra.techniques}")


def test_raising_a_severity_never_improves_anything(tmp_path: Path) -> None:
    rng = random.Random(55)
    order = list(Severity)
    for case in range(CASES):
        findings = _cases(rng) or [random_finding(rng, 0)]
        index = rng.randrange(len(findings))
        old = findings[index]
        if old.severity is Severity.CRITICAL:
            continue
        raised = old.model_copy(update={"severity": rng.choice(order[order.index(old.severity) + 1:])})
        after = [*findings[:index], raised, *findings[index + 1:]]
        _no_better(scores(findings, tmp_path), scores(after, tmp_path), f"case {case}: {old.severity} -> raised")


def test_fewer_findings_never_worsen_anything(tmp_path: Path) -> None:
    """What suppression does: the policy stage passes only the unsuppressed findings."""
    rng = random.Random(555)
    for case in range(CASES):
        findings = _cases(rng)
        kept = [f for f in findings if rng.random() < 0.5]
        _no_better(scores(kept, tmp_path), scores(findings, tmp_path), f"case {case}: dropping findings")


def test_scores_stay_in_range(tmp_path: Path) -> None:
    rng = random.Random(5555)
    for _ in range(50):
        legacy, v2 = scores(_cases(rng), tmp_path)
        assert all(0 <= v <= 100 for v in all_scores(legacy, v2).values())
        assert 0 <= v2.confidence <= 1
        assert v2.risk_range[0] <= v2.absolute_risk <= v2.risk_range[1]
        assert v2.percentile is None or 0 <= v2.percentile <= 1


def test_twenty_thousand_findings_score_well_under_a_second(tmp_path: Path) -> None:
    rng = random.Random(7)
    findings = [random_finding(rng, i) for i in range(20_000)]
    options = ScanOptions()
    compute_scores(findings[:10], INVENTORY, LOCAL, options, tmp_path)  # profile and corpus loaded once
    t0 = time.perf_counter()
    legacy, v2 = compute_scores(findings, INVENTORY, LOCAL, options, tmp_path)
    elapsed = time.perf_counter() - t0
    assert v2 is not None and v2.absolute_risk > 0 and legacy.overall == 0
    assert elapsed < 0.5, f"compute_scores took {elapsed:.3f}s for 20,000 findings"
