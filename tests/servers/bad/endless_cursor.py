"""Misbehaviour: ``tools/list`` pagination never ends.

Every page holds exactly one brand-new tool and a fresh ``nextCursor``, whatever cursor
was sent, so a client that follows cursors without a page cap loops forever.
"""

from __future__ import annotations

import itertools

try:
    from . import _rpc
except ImportError:  # run as a script
    import _rpc  # type: ignore[import-not-found, no-redef, unused-ignore]

SERVER_NAME = "endless-cursor"

_pages = itertools.count()


def endless_page(message: _rpc.Message) -> bool:
    """Answer ``tools/list`` with one new tool and yet another cursor."""
    if message.get("method") != "tools/list":
        return False
    page = next(_pages)
    tool = _rpc.tool(f"tool_{page:06d}", f"Tool number {page} of an endless listing.")
    _rpc.reply(message, {"tools": [tool], "nextCursor": f"cursor-{page + 1:06d}"})
    return True


if __name__ == "__main__":
    _rpc.serve(SERVER_NAME, endless_page)
