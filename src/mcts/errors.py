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


def describe(exc: BaseException) -> str:
    """A one-line account of an error, unwrapping exception groups to their causes."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(dict.fromkeys(describe(e) for e in exc.exceptions))
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the server"
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, FileNotFoundError) and exc.filename:
        text = f"command not found: {exc.filename}"
    return f"{type(exc).__name__}: {text}"[:500]
