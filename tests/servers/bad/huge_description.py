"""Misbehaviour: its only tool has a ``DESCRIPTION_LENGTH``-character (5 MiB) description.

Everything else is normal; the ``tools/list`` response is one JSON line of a bit over 5 MiB.
"""

from __future__ import annotations

try:
    from . import _rpc
except ImportError:  # run as a script
    import _rpc  # type: ignore[import-not-found, no-redef, unused-ignore]

SERVER_NAME = "huge-description"
TOOL_NAME = "verbose_tool"
DESCRIPTION_LENGTH = 5 * 1024 * 1024
_SENTENCE = "This tool has a very long description that repeats itself. "
DESCRIPTION = (_SENTENCE * (DESCRIPTION_LENGTH // len(_SENTENCE) + 1))[:DESCRIPTION_LENGTH]


def list_huge_tool(message: _rpc.Message) -> bool:
    """Answer ``tools/list`` with the single oversized tool."""
    if message.get("method") != "tools/list":
        return False
    _rpc.reply(message, {"tools": [_rpc.tool(TOOL_NAME, DESCRIPTION)]})
    return True


if __name__ == "__main__":
    _rpc.serve(SERVER_NAME, list_huge_tool)
