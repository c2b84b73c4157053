"""The REST API: ``create_app(settings)`` builds the FastAPI app that ``mcts serve`` runs (docs/api.md).

``create_app`` is imported lazily, so ``mcts.api.settings`` (read by the CLI before it decides to serve)
does not import FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mcts.api.settings import ApiSettings

if TYPE_CHECKING:
    from mcts.api.app import create_app

__all__ = ["ApiSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mcts.api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
