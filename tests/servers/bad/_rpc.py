"""Hand-rolled newline-delimited JSON-RPC over stdio, shared by the misbehaving test servers.

They play legacy (handshake-era) MCP servers: ``server/discover`` (the 2026 probe) gets
-32601 so SDK clients fall back to ``initialize``, which is answered at a version the
server supports, and unknown requests get -32601 too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

Message = dict[str, Any]

HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18")
"""Protocol versions these servers accept in ``initialize``; the newest is their counter-offer."""
METHOD_NOT_FOUND = -32601
LIST_KEYS = {
    "tools/list": "tools",
    "prompts/list": "prompts",
    "resources/list": "resources",
    "resources/templates/list": "resourceTemplates",
}
"""Result key holding the items of each list method."""


def read_message() -> Message | None:
    """Block for the next JSON object on stdin; ``None`` at EOF. Blank or malformed lines are skipped."""
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            return message
    return None


def send(message: Message) -> None:
    """Write ``message`` as one JSON line on stdout and flush."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def reply(request: Message, result: Message) -> None:
    """Send a success response to ``request``."""
    send({"jsonrpc": "2.0", "id": request["id"], "result": result})


def reply_error(request: Message, code: int, message: str) -> None:
    """Send an error response to ``request``."""
    send({"jsonrpc": "2.0", "id": request["id"], "error": {"code": code, "message": message}})


def is_request(message: Message) -> bool:
    """Whether ``message`` expects a response (has an ``id``)."""
    return "id" in message and "method" in message


def handle_handshake(message: Message, server_name: str, instructions: str | None = None) -> bool:
    """Answer the lifecycle traffic every well-behaved legacy server answers; return whether it did.

    Covers ``initialize``, ``server/discover`` (-32601), ``ping`` and all notifications (ignored).
    """
    method = message.get("method")
    if not is_request(message):
        return True  # notifications (initialized, cancelled, ...) and stray responses need no answer
    if method == "initialize":
        requested = message.get("params", {}).get("protocolVersion")
        result: Message = {
            "protocolVersion": requested if requested in HANDSHAKE_VERSIONS else HANDSHAKE_VERSIONS[-1],
            "capabilities": {"tools": {}, "prompts": {}, "resources": {}},
            "serverInfo": {"name": server_name, "version": "0.0.1"},
        }
        if instructions is not None:
            result["instructions"] = instructions
        reply(message, result)
        return True
    if method == "ping":
        reply(message, {})
        return True
    if method == "server/discover":
        reply_error(message, METHOD_NOT_FOUND, "Method not found")
        return True
    return False


def reply_empty_list(message: Message) -> bool:
    """Answer a list request with an empty, final page; return whether ``message`` was one."""
    key = LIST_KEYS.get(message.get("method", ""))
    if key is None:
        return False
    reply(message, {key: []})
    return True


def tool(name: str, description: str) -> Message:
    """Return a minimal tool definition taking no arguments."""
    return {"name": name, "description": description, "inputSchema": {"type": "object", "properties": {}}}


def serve(server_name: str, on_request: Callable[[Message], bool], instructions: str | None = None) -> None:
    """Serve stdin until EOF: lifecycle first, then ``on_request``, then empty lists, else -32601.

    ``on_request`` returns whether it dealt with the message (deliberately ignoring it counts).
    """
    while (message := read_message()) is not None:
        if handle_handshake(message, server_name, instructions) or on_request(message) or reply_empty_list(message):
            continue
        reply_error(message, METHOD_NOT_FOUND, "Method not found")
