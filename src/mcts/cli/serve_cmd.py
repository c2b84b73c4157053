"""``mcts serve``: the REST API (stub: being built)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``mcts serve`` to ``app``."""
