"""mcts, the Model Context Threat Scanner: find what an MCP server can do to the agent that connects to it.

Python API::

    from mcts import scan, ScanOptions
    report = scan("npx -y @modelcontextprotocol/server-everything", ScanOptions(timeout=90))
    for finding in report.findings:
        print(finding.severity, finding.title, finding.location.display())

Names are imported lazily so that ``mcts version`` and ``--help`` start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0.dev0"

__all__ = ["Finding", "ScanOptions", "ScanReport", "__version__", "scan", "scan_async"]

if TYPE_CHECKING:
    from mcts.engine import scan, scan_async
    from mcts.model.finding import Finding
    from mcts.model.report import ScanReport
    from mcts.options import ScanOptions

_LAZY = {
    "scan": "mcts.engine",
    "scan_async": "mcts.engine",
    "Finding": "mcts.model.finding",
    "ScanReport": "mcts.model.report",
    "ScanOptions": "mcts.options",
}


def __getattr__(name: str) -> Any:
    """Import public names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mcts' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
