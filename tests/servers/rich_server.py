"""A well-behaved MCP server exposing every listable feature, with paginated tools.

Run it as::

    python tests/servers/rich_server.py stdio
    python tests/servers/rich_server.py streamable-http --port N   # http://127.0.0.1:N/mcp
    python tests/servers/rich_server.py sse --port N               # http://127.0.0.1:N/sse

It serves ``instructions``, ``EXPECTED_TOOLS`` benign tools over several ``tools/list``
pages of ``PAGE_SIZE`` (opaque cursor), ``EXPECTED_PROMPTS`` prompts (one with arguments),
``EXPECTED_RESOURCES`` static text/plain resources and ``EXPECTED_TEMPLATES`` resource template.
"""

from __future__ import annotations

import argparse
import base64
import binascii
from typing import Annotated, Any, Literal

from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import TextResource
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from pydantic import Field

SERVER_NAME = "rich-test-server"
INSTRUCTIONS = "A benign test server: arithmetic, echo and generated no-op tools. Nothing here touches the system."
GENERATED_TOOLS = 23
EXPECTED_TOOLS = 2 + GENERATED_TOOLS
EXPECTED_PROMPTS = 2
EXPECTED_RESOURCES = 3
EXPECTED_TEMPLATES = 1
PAGE_SIZE = 10
EXPECTED_TOOL_PAGES = -(-EXPECTED_TOOLS // PAGE_SIZE)
HOST = "127.0.0.1"
HTTP_PATHS = {"streamable-http": "/mcp", "sse": "/sse"}

_CURSOR_PREFIX = "rich-offset:"

EchoText = Annotated[str, Field(description="Any text; the tool returns it prefixed with its own name.")]


def encode_cursor(offset: int) -> str:
    """Return the opaque cursor that resumes a listing at ``offset``."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Return the offset encoded in ``cursor``; raise INVALID_PARAMS for anything this server did not mint."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX):
            return int(text.removeprefix(_CURSOR_PREFIX))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise MCPError(code=INVALID_PARAMS, message="Invalid cursor", data=cursor)


async def paginate_tools(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Server middleware that cuts the full ``tools/list`` result into pages of ``PAGE_SIZE``.

    MCPServer always answers with every tool; this slices its wire result (the rest of
    the envelope, e.g. the 2026 ``_meta`` stamp, is kept) and adds ``nextCursor``.
    """
    result = await call_next(ctx)
    if ctx.method != "tools/list" or not isinstance(result, dict):
        return result
    cursor = (ctx.params or {}).get("cursor")
    start = 0 if cursor is None else decode_cursor(str(cursor))
    tools = result["tools"]
    if not 0 <= start < len(tools):
        raise MCPError(code=INVALID_PARAMS, message="Invalid cursor", data=cursor)
    end = start + PAGE_SIZE
    page = {**result, "tools": tools[start:end]}
    if end < len(tools):
        page["nextCursor"] = encode_cursor(end)
    return page


def _generated_tool(index: int) -> Any:
    """Return a no-op tool function for ``tool_NN`` with a described parameter."""

    def tool(text: EchoText) -> str:
        return f"tool_{index:02d}: {text}"

    tool.__name__ = f"tool_{index:02d}"  # names the generated input schema
    return tool


def build_server() -> MCPServer:
    """Build the rich server with all its tools, prompts, resources and template."""
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS, version="1.0.0", log_level="WARNING")
    server.middleware.append(paginate_tools)

    @server.tool(description="Add two integers and return the sum.")
    def add(
        a: Annotated[int, Field(description="First addend.")],
        b: Annotated[int, Field(description="Second addend.")],
    ) -> int:
        return a + b

    @server.tool(description="Return the given message unchanged.")
    def echo(message: Annotated[str, Field(description="Message to echo back.")]) -> str:
        return message

    for index in range(GENERATED_TOOLS):
        server.add_tool(
            _generated_tool(index),
            name=f"tool_{index:02d}",
            description=f"Generated benign tool number {index}: echoes its text argument.",
        )

    @server.prompt(description="A friendly greeting prompt without arguments.")
    def greeting() -> str:
        return "Say hello to the user."

    @server.prompt(description="Summarize a topic in a given number of sentences.")
    def summarize(
        topic: Annotated[str, Field(description="Topic to summarize.")],
        sentences: Annotated[str, Field(description="How many sentences to use.")] = "3",
    ) -> str:
        return f"Summarize {topic} in {sentences} sentences."

    for name, text in (("alpha", "First static note."), ("beta", "Second static note."), ("gamma", "Third note.")):
        server.add_resource(
            TextResource(uri=f"text://static/{name}", name=name, description=f"Static note {name}.", text=text)
        )

    @server.resource("notes://{name}", name="note", description="A note looked up by name.", mime_type="text/plain")
    def note(name: str) -> str:
        return f"Note called {name}."

    return server


def main(argv: list[str] | None = None) -> None:
    """Parse ``stdio | streamable-http --port N | sse --port N`` and serve on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transport", choices=["stdio", *HTTP_PATHS])
    parser.add_argument("--port", type=int, help="TCP port (HTTP transports only)")
    args = parser.parse_args(argv)
    transport: Literal["stdio", "streamable-http", "sse"] = args.transport
    server = build_server()
    if transport == "stdio":
        server.run("stdio")
        return
    if args.port is None:
        parser.error(f"--port is required for {transport}")
    if transport == "sse":
        server.run("sse", host=HOST, port=args.port, sse_path=HTTP_PATHS["sse"])
    else:
        server.run("streamable-http", host=HOST, port=args.port, streamable_http_path=HTTP_PATHS["streamable-http"])


if __name__ == "__main__":
    main()
