"""Misbehaviour: answers the first ``tools/list`` page with a ``nextCursor``, then dies (exit 1) on the second.

The handshake is normal; the first page holds ``FIRST_PAGE_TOOLS`` tools and a cursor,
and the request for that cursor makes the process exit with code 1 without replying.
"""

from __future__ import annotations

import sys

try:
    from . import _rpc
except ImportError:  # run as a script
    import _rpc  # type: ignore[import-not-found, no-redef, unused-ignore]

SERVER_NAME = "exit-mid-listing"
FIRST_PAGE_TOOLS = 3
NEXT_CURSOR = "page-2"


def list_then_exit(message: _rpc.Message) -> bool:
    """Serve page one of ``tools/list``; exit on any later page."""
    if message.get("method") != "tools/list":
        return False
    if (message.get("params") or {}).get("cursor") is not None:
        sys.exit(1)
    tools = [_rpc.tool(f"tool_{n}", f"Page-one tool number {n}.") for n in range(FIRST_PAGE_TOOLS)]
    _rpc.reply(message, {"tools": tools, "nextCursor": NEXT_CURSOR})
    return True


if __name__ == "__main__":
    _rpc.serve(SERVER_NAME, list_then_exit)
