"""A streamable-HTTP MCP server that answers only requests carrying ``Authorization: Bearer <TOKEN>``."""

import sys

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

server = MCPServer(name="needs-auth")


@server.tool(description="Returns a secret thing.")
def secret_thing() -> str:
    return "ok"


class RequireBearer:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            if headers.get(b"authorization") != f"Bearer {self.token}".encode():
                await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


if __name__ == "__main__":
    port, token = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(RequireBearer(server.streamable_http_app(), token), host="127.0.0.1", port=port, log_level="warning")
