# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: tool arguments choose the host of outbound requests."""

import urllib.request

import httpx
import requests
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("web")


@mcp.tool()
def fetch_page(url: str) -> str:
    """Fetch a web page and return its text."""
    return requests.get(url, timeout=10).text  # NOT OK: ssrf-sink


@mcp.tool()
async def check_health(host: str, port: int = 80) -> int:
    """Check a service's health endpoint."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://{host}:{port}/health")  # NOT OK: ssrf-sink
    return response.status_code


@mcp.tool()
def webhook(target: str, message: str) -> int:
    """Send a message to a webhook."""
    req = urllib.request.Request(target, data=message.encode(), method="POST")  # NOT OK: ssrf-sink
    with urllib.request.urlopen(req) as resp:
        return resp.status


session = requests.Session()


@mcp.tool()
def head(args: dict) -> dict:
    """Return the headers of a URL."""
    link = args["link"]
    return dict(session.head(link).headers)  # NOT OK: ssrf-sink
