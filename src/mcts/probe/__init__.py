"""Protocol probe: active, read-only HTTP checks of an MCP server's transport security.

``probe_server(target, options)`` runs the checks listed in ``CHECKS`` (ids ``PRB001``…) against a URL
target and returns the record of every check (``ProbeResult``) and a finding (analyzer ``protocol-probe``)
for each failed one. The engine calls it after analysis when ``options.protocol_probe`` is set. The checks
and what they send are described in ``docs/probe.md``.
"""

from __future__ import annotations

from mcts.probe._catalog import CHECKS, CheckSpec
from mcts.probe._runner import probe_server

__all__ = ["CHECKS", "CheckSpec", "probe_server"]
