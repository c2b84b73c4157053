"""Scan history: saved scans, per-server baselines and a small cache (SQLite by default, PostgreSQL by URL).

The store is imported lazily, so ``mcts.history.changes`` and the lockfile code do not load SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcts.history._db import AmbiguousScanIdError, HistoryError
    from mcts.history._records import Baseline, ScanRow, StoredScan, inventory_hash
    from mcts.history.store import HistoryStore, default_db_url

__all__ = [
    "AmbiguousScanIdError",
    "Baseline",
    "HistoryError",
    "HistoryStore",
    "ScanRow",
    "StoredScan",
    "default_db_url",
    "inventory_hash",
]

_HOMES = {
    "AmbiguousScanIdError": "mcts.history._db",
    "HistoryError": "mcts.history._db",
    "Baseline": "mcts.history._records",
    "ScanRow": "mcts.history._records",
    "StoredScan": "mcts.history._records",
    "inventory_hash": "mcts.history._records",
    "HistoryStore": "mcts.history.store",
    "default_db_url": "mcts.history.store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mcts.history' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(home), name)
