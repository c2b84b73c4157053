"""The ``mcts`` command. Thin: parse flags -> ScanOptions -> engine -> render -> exit code."""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point of the ``mcts`` console script."""
    if sys.argv[1:] in (["version"], ["--version"]):  # answered without importing the scanner
        from mcts import __version__

        print(f"mcts {__version__}")
        return
    from mcts.cli.app import app

    app()
