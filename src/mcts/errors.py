"""The errors mcts raises on purpose. Each maps to a CLI exit code and an API status."""

from __future__ import annotations


class MctsError(Exception):
    """Base class: a problem mcts can explain to the operator in one sentence."""

    exit_code = 2


class TargetError(MctsError):
    """The target string is malformed, names nothing, or is a kind this build cannot scan."""


class ConfigError(MctsError):
    """A configuration file, environment variable or flag has an invalid value."""


class CollectError(MctsError):
    """The target could not be inventoried (unreachable, handshake failed, listing broke)."""

    exit_code = 3


class SnapshotError(MctsError):
    """A snapshot file could not be read or is not an MCP inventory."""
