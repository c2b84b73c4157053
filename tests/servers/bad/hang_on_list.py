"""Misbehaviour: completes the legacy handshake, then never answers ``tools/list``.

``server/discover`` gets -32601 and ``initialize`` succeeds (protocol 2025-06-18 or the
client's older offer), so a client connects fine; prompts/resources lists answer empty,
but a ``tools/list`` request is silently dropped and waits forever.
"""

from __future__ import annotations

try:
    from . import _rpc
except ImportError:  # run as a script
    import _rpc  # type: ignore[import-not-found, no-redef, unused-ignore]

SERVER_NAME = "hang-on-list"


def ignore_tools_list(message: _rpc.Message) -> bool:
    """Drop ``tools/list`` on the floor."""
    return message.get("method") == "tools/list"


if __name__ == "__main__":
    _rpc.serve(SERVER_NAME, ignore_tools_list)
