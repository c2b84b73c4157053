"""The baseline for ``live_scan.py``: a bare MCP SDK client that lists everything a stdio server exposes.

It connects with the official SDK (``Client(params, cache=None)``), lists tools, prompts, resources and
resource templates page by page, prints the counts (and ``session_ms``, the time from connecting to
having disconnected) as one JSON line, and exits. Nothing else: no analysis,
no report. ``live_scan.py`` runs it as a subprocess next to ``mcts scan`` to measure what mcts adds.

Usage: ``.venv/bin/python bench/bare_client.py COMMAND [ARG ...]`` (the server's argv).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

MAX_PAGES = 100

LISTINGS = (
    ("tools", "list_tools", "tools"),
    ("prompts", "list_prompts", "prompts"),
    ("resources", "list_resources", "resources"),
    ("resourceTemplates", "list_resource_templates", "resource_templates"),
)


async def list_all(fetch: Callable[..., Awaitable[Any]], attr: str) -> int:
    count, cursor = 0, None
    for _ in range(MAX_PAGES):
        result = await fetch(cursor=cursor)
        count += len(getattr(result, attr))
        cursor = result.next_cursor
        if not cursor:
            break
    return count


async def run(argv: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    params = StdioServerParameters(command=argv[0], args=argv[1:])
    counts: dict[str, float] = {}
    async with Client(params, cache=None) as client:
        for key, method, attr in LISTINGS:
            counts[key] = await list_all(getattr(client, method), attr)
    counts["session_ms"] = round((time.perf_counter() - t0) * 1000, 1)  # connect, list, disconnect
    return counts


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(json.dumps(anyio.run(run, sys.argv[1:])))


if __name__ == "__main__":
    main()
