"""What a collector hands to the engine: the inventory and an account of how it was obtained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mcts.model.inventory import Inventory
from mcts.model.report import CapHit, Listing


@dataclass(frozen=True)
class SourceFiles:
    """The files a source scan read, for analyzers that look past the metadata (handlers, manifests).

    ``texts`` maps a path relative to ``root`` (``/`` separators) to the file's text, for every file the walk
    kept (source files and manifests, each under the size cap). Not part of the report.
    """

    root: Path
    texts: Mapping[str, str] = field(default_factory=dict)


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
    files: SourceFiles | None = None  # set by the source collector
