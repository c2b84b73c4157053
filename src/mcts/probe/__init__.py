"""Protocol probe: active, read-only HTTP checks of an MCP server's transport security (stub: being built)."""

from __future__ import annotations

from mcts.model.finding import Finding
from mcts.model.probe import ProbeResult
from mcts.model.target import HttpTarget
from mcts.options import ScanOptions


async def probe_server(target: HttpTarget, options: ScanOptions) -> tuple[ProbeResult, list[Finding]]:
    """Run every probe check against ``target``; a failed check is a finding, every check is recorded."""
    raise NotImplementedError("protocol probe")
