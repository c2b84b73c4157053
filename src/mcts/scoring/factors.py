"""The v2 factors of one finding, whose product is the finding's risk.

The factors are the severity weight, exploitability, reachability, exposure, preconditions, blast radius and
asset value; docs/scoring.md explains each one.

Everything that depends only on a finding's techniques or field path is cached per call, so scoring tens of
thousands of findings stays well under a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mcts.model.finding import Finding, Surface
from mcts.model.inventory import Inventory
from mcts.scoring.assets import AssetValues
from mcts.scoring.profile import WeightsProfile

DIMENSIONS = ("severity", "exploitability", "reachability", "exposure", "preconditions", "blast_radius", "asset_value")
"""The factor families, in the order of ``Factors`` fields; one dimension score each."""

_SERVER_WIDE = frozenset({Surface.SERVER, Surface.INSTRUCTIONS})


@dataclass(frozen=True, slots=True)
class Factors:
    """The factors of one finding; ``severity`` is the profile's severity weight."""

    severity: float
    exploitability: float
    reachability: float
    exposure: float
    preconditions: float
    blast_radius: float
    asset_value: float

    @property
    def risk(self) -> float:
        """The finding's risk: the product of all factors."""
        return (self.severity * self.exploitability * self.reachability * self.exposure * self.preconditions
                * self.blast_radius * self.asset_value)

    def values(self) -> tuple[float, ...]:
        """The factors in ``DIMENSIONS`` order."""
        return (self.severity, self.exploitability, self.reachability, self.exposure, self.preconditions,
                self.blast_radius, self.asset_value)


@dataclass(frozen=True, slots=True)
class _TechniqueFactors:
    exploitability: float
    preconditions: float
    hidden: bool


class FactorModel:
    """Computes ``Factors`` for the findings of one inventory scanned as one kind of target."""

    def __init__(self, profile: WeightsProfile, inventory: Inventory, target_kind: str, assets: AssetValues) -> None:
        """Precompute what is shared by every finding of this scan."""
        self.profile = profile
        self.assets = assets
        self._reach = profile.reachability.get(target_kind, 1.0)  # type: ignore[call-overload]
        tools = [tool.name for tool in inventory.tools]
        self._server_blast = _blast(profile, max(1, len(tools)))
        self._server_asset = max((assets.for_tool(name) for name in tools), default=assets.default)
        self._techniques: dict[tuple[str, ...], _TechniqueFactors] = {}
        self._fields: dict[str, float] = {}

    def factors(self, finding: Finding) -> Factors:
        """The factors of ``finding``."""
        profile = self.profile
        tech = self._technique_factors(finding.techniques)
        location = finding.location
        exposure = self._field_factor(location.field) * (profile.exposure.hidden_factor if tech.hidden else 1.0)
        if location.surface in _SERVER_WIDE or location.item is None:
            blast, asset = self._server_blast, self._server_asset
        else:
            blast = 1.0
            asset = self.assets.for_tool(location.item) if location.surface is Surface.TOOL else self.assets.default
        return Factors(
            severity=profile.severity_weights[finding.severity],
            exploitability=profile.exploitability.confidence[finding.confidence] * tech.exploitability,
            reachability=self._reach,
            exposure=exposure,
            preconditions=profile.preconditions.surfaces[location.surface] * tech.preconditions,
            blast_radius=blast,
            asset_value=asset,
        )

    def _technique_factors(self, techniques: tuple[str, ...]) -> _TechniqueFactors:
        cached = self._techniques.get(techniques)
        if cached is None:
            exploit = self.profile.exploitability.techniques
            pre = self.profile.preconditions.techniques
            cached = _TechniqueFactors(
                exploitability=max((exploit.get(t, 1.0) for t in techniques), default=1.0),
                # The attack lands by whichever technique needs the least, so the easiest precondition counts.
                preconditions=max((pre.get(t, 1.0) for t in techniques), default=1.0),
                hidden=any(t in self.profile.exposure.hidden_techniques for t in techniques),
            )
            self._techniques[techniques] = cached
        return cached

    def _field_factor(self, field: str) -> float:
        cached = self._fields.get(field)
        if cached is None:
            exposure = self.profile.exposure
            head, depth = _head_and_depth(field)
            cached = exposure.fields.get(head, exposure.default)
            if depth > exposure.deep_depth:
                cached *= exposure.deep_factor
            self._fields[field] = cached
        return cached


def _blast(profile: WeightsProfile, touched: int) -> float:
    radius = profile.blast_radius
    return min(radius.max, 1.0 + radius.per_doubling * math.log2(max(1, touched)))


def _head_and_depth(field: str) -> tuple[str, int]:
    """The first segment of a dotted field path (without ``#key`` or an index) and the number of segments."""
    head = field.split(".", 1)[0].split("[", 1)[0].split("#", 1)[0]
    return head, 1 + field.count(".") + field.count("[")
