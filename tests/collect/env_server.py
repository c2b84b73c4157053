"""A stdio MCP server whose instructions list the names of its environment variables (for the scrub test)."""

import os

from mcp.server.mcpserver import MCPServer

server = MCPServer(name="env-echo", instructions="ENV:" + ",".join(sorted(os.environ)))


@server.tool(description="Does nothing.")
def noop() -> str:
    return "ok"


if __name__ == "__main__":
    server.run()
