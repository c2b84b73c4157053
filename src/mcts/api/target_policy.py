"""What an API caller may scan: path targets inside the scan root, allow-listed stdio commands, public URLs.

The CLI user is trusted; an API caller is not. Every target and every path-valued request field passes
through here before anything is opened, started or connected to (stub: being built).
"""

from __future__ import annotations

from pathlib import Path

from mcts.api.settings import ApiSettings
from mcts.model.target import Target, Transport


class TargetRefused(Exception):
    """The API refuses this target or path; the message says why and how the operator can allow it (HTTP 403)."""


def admit_target(raw: str, settings: ApiSettings, *, transport: Transport = "auto") -> Target:
    """Parse ``raw`` (relative paths from the scan root) and return it if the policy allows it, else raise."""
    raise NotImplementedError("target policy")


def admit_path(value: str | Path, settings: ApiSettings, what: str) -> Path:
    """A path-valued request field (``corpus_stats_path``, …) resolved inside the scan root, or ``TargetRefused``."""
    raise NotImplementedError("target policy")
