# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: fixed hosts with argument paths, allow-listed hosts."""

from urllib.parse import quote, urlparse

import httpx
import requests
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("github")
API = "https://api.github.com"
ALLOWED_HOSTS = {"docs.python.org", "peps.python.org"}


@mcp.tool()
def get_repo(owner: str, repo: str) -> dict:
    """Get a GitHub repository."""
    return requests.get(f"https://api.github.com/repos/{owner}/{repo}", timeout=10).json()


@mcp.tool()
async def list_issues(owner: str, repo: str, state: str = "open") -> list:
    """List issues of a repository."""
    async with httpx.AsyncClient(base_url=API) as client:
        response = await client.get(f"{API}/repos/{quote(owner)}/{quote(repo)}/issues", params={"state": state})
    return response.json()


@mcp.tool()
def search_code(query: str) -> dict:
    """Search code on GitHub."""
    return requests.get(API + "/search/code", params={"q": query}, timeout=10).json()


@mcp.tool()
def read_docs(url: str) -> str:
    """Read a page of the Python documentation."""
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("only docs.python.org")
    return requests.get(url, timeout=10).text


@mcp.tool()
def weather(city: str) -> dict:
    """Current weather for a city."""
    url = "https://api.open-meteo.com/v1/forecast?city=%s" % quote(city)
    return requests.get(url, timeout=10).json()
