"""``mcts history`` and ``mcts diff``, and saving scans from ``mcts scan --save`` (stub: being built)."""

from __future__ import annotations

from typing import Any

import typer


def save_reports(reports: list[Any], options: Any, quiet: bool) -> None:
    """Save ``reports`` to the history store named by ``options.db_url`` (or the default SQLite file)."""
    raise NotImplementedError("history store")


def register(app: typer.Typer) -> None:
    """Add the history commands to ``app``."""
