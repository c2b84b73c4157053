"""``mcts pin`` (write a lockfile of content hashes) and ``mcts scan --lock`` (stub: being built)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def check_lock(reports: list[Any], lock: Path) -> bool:
    """Compare ``reports``' inventories with the lockfile; print the diff on stderr; return whether any drifted."""
    raise NotImplementedError("lockfile")


def register(app: typer.Typer) -> None:
    """Add ``mcts pin`` to ``app``."""
