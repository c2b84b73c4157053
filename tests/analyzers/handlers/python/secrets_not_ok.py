# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: credentials written into the server's source."""

import httpx
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("deploy")

GITHUB_TOKEN = "ghp_R4nd0mT0k3nV4lu3Qw8Er7Ty6Ui5Op4As3Df2"  # NOT OK: hardcoded-secret
AWS_ACCESS_KEY_ID = "AKIAZ7Q3MPLW5XR2KD4N"  # NOT OK: hardcoded-secret
stripe_secret = "9fK2#qL7vX1mZ8pR4tW6yB3nC5"  # NOT OK: hardcoded-secret
SLACK = {"bot": "xoxb-2948571039-5829104857-Kq8LmZp2Rt6VwXy9Ab3Cd7Ef"}  # NOT OK: hardcoded-secret


@mcp.tool()
def deploy(ref: str) -> int:
    """Trigger a deployment of a git ref."""
    headers = {"Authorization": f"Bearer {GITHUB_TOKEN}"}
    return httpx.post("https://api.github.com/repos/acme/app/dispatches", headers=headers, json={"ref": ref}).status_code
