"""What a collector hands to the engine: the inventory and an account of how it was obtained."""

from __future__ import annotations

from dataclasses import dataclass, field

from mcts.model.inventory import Inventory
from mcts.model.report import CapHit, Listing


@dataclass
class Collected:
    """An inventory and its coverage. ``errors`` and ``caps_hit`` make the scan incomplete."""

    inventory: Inventory
    transport: str
    listings: dict[str, Listing] = field(default_factory=dict)
    caps_hit: list[CapHit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    server_stderr: str | None = None
    server_stderr_truncated: bool = False
