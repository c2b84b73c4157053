"""What a language extractor returns for one file: wire-shaped items and where each is declared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcts.model.source import ItemSource


@dataclass
class Extracted:
    """Items found in one source file, in MCP wire shape (camelCase keys, as ``tools/list`` would send them).

    ``sources`` holds one ``ItemSource`` per item (and one for the instructions when found), with file paths
    relative to the scanned root. ``warnings`` says what could not be resolved statically (a name built at run
    time, a schema from a variable), so the report is honest about what was not seen.
    """

    tools: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    resource_templates: list[dict[str, Any]] = field(default_factory=list)
    instructions: str | None = None
    server_name: str | None = None
    server_version: str | None = None
    sources: list[ItemSource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
