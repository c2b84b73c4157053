"""OWASP MCP Top 10 tiles (MCP01..MCP10) and the five group tiles, 100 = good.

Each tile is ``round(100 * exp(-R / scale))`` where ``R`` is the summed v2 risk of the findings that count
against it: for a category tile, the findings whose ``owasp`` keys include it (from their techniques when a
finding carries none); for a group tile, the findings in any of the group's categories or with any of its extra
techniques (each finding counted once per tile). The group mapping lives in the weights profile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mcts.model.finding import Finding
from mcts.scoring.profile import GROUP_KEYS, WeightsProfile
from mcts.taxonomy import load_taxonomy


class CategoryTiles:
    """Accumulates per-tile risk for one scan."""

    def __init__(self, profile: WeightsProfile) -> None:
        """Start every tile at zero risk."""
        taxonomy = load_taxonomy()
        self._taxonomy = taxonomy
        self._scale = profile.categories.scale
        self._categories = sorted(taxonomy.categories)
        self._groups = profile.categories.groups
        self.risk: dict[str, float] = dict.fromkeys((*self._categories, *GROUP_KEYS), 0.0)
        self._keys: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}

    def add(self, finding: Finding, risk: float) -> None:
        """Count ``risk`` of ``finding`` against its tiles."""
        key = (finding.owasp, finding.techniques)
        tiles = self._keys.get(key)
        if tiles is None:
            tiles = self._tiles(finding.owasp, finding.techniques)
            self._keys[key] = tiles
        for tile in tiles:
            self.risk[tile] += risk

    def _tiles(self, owasp: tuple[str, ...], techniques: tuple[str, ...]) -> tuple[str, ...]:
        categories = set(owasp)
        if not categories:
            for technique in techniques:
                known = self._taxonomy.techniques.get(technique)
                if known is not None:
                    categories.update(known.owasp)
        categories &= set(self._categories)
        groups = [
            key for key, group in self._groups.items()
            if categories.intersection(group.categories) or set(techniques).intersection(group.techniques)
        ]
        return (*sorted(categories), *groups)

    def scores(self) -> dict[str, int]:
        """Every tile, 0-100, higher is safer."""
        return {key: round(100 * math.exp(-risk / self._scale)) for key, risk in self.risk.items()}


def tile_scores(profile: WeightsProfile, findings: Sequence[tuple[Finding, float]]) -> dict[str, int]:
    """Tiles for ``(finding, risk)`` pairs."""
    tiles = CategoryTiles(profile)
    for finding, risk in findings:
        tiles.add(finding, risk)
    return tiles.scores()
