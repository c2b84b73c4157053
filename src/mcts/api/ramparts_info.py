"""The descriptive endpoints of the Ramparts surface: ``GET /v1/ramparts/protocol`` and ``GET /v1/ramparts/``.

They describe what this server does, as configured: which transports it speaks, which target forms it
accepts, and how it is protected (without naming a key, an allowed command or a path).
"""

from __future__ import annotations

from typing import Any

from mcts import __version__
from mcts.api.settings import ApiSettings

_PREFIX = "/v1/ramparts"


def protocol(settings: ApiSettings) -> dict[str, Any]:
    """The MCP protocol versions and transports mcts speaks (Ramparts' ``/protocol`` keys, plus the full list)."""
    from mcp_types.version import LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS

    return {
        "protocol": {
            "version": LATEST_PROTOCOL_VERSION,
            "supported_versions": list(SUPPORTED_PROTOCOL_VERSIONS),
            "name": "Model Context Protocol",
            "transport": {
                "stdio": "supported" if settings.stdio_allow else "disabled (no MCTS_API_STDIO_ALLOW patterns)",
                "http": "supported",
                "streamable_http": "supported",
                "sse": "supported (fallback when streamable HTTP fails)",
                "features": ["JSON-RPC 2.0", "server/discover, then the initialize handshake for older servers",
                             "pagination", "session management", "per-request and total deadlines"],
            },
            "capabilities": ["tools/list", "prompts/list", "resources/list", "resources/templates/list",
                             "server/info"],
        },
        "server": {
            "version": __version__,
            "stdio_support": bool(settings.stdio_allow),
            "mcp_compliance": LATEST_PROTOCOL_VERSION,
        },
    }


def describe(settings: ApiSettings) -> dict[str, Any]:
    """A JSON description of the surface: endpoints, target forms, protections, an example request."""
    from mcp_types.version import LATEST_PROTOCOL_VERSION

    return {
        "service": "mcts (Ramparts-compatible API)",
        "version": __version__,
        "protocol_version": LATEST_PROTOCOL_VERSION,
        "documentation": "docs/ramparts.md; OpenAPI at /docs and /openapi.json",
        "endpoints": {
            f"GET {_PREFIX}/health": "Health check (public)",
            f"GET {_PREFIX}/protocol": "MCP protocol versions and transports",
            f"GET {_PREFIX}/": "This description",
            f"POST {_PREFIX}/scan": "Scan one MCP server (change detection against its baseline)",
            f"POST {_PREFIX}/validate": "Validate scan options without scanning",
            f"POST {_PREFIX}/batch-scan": "Scan several MCP servers concurrently",
            f"POST {_PREFIX}/refresh-tools": "Re-list servers and make the listings their new baselines",
        },
        "transports": {
            "http": {"supported": True, "description": "Streamable HTTP, SSE on fallback",
                     "examples": ["https://mcp.example.com/mcp"],
                     "private_addresses": "allowed" if settings.allow_private_targets else
                     "refused (MCTS_API_ALLOW_PRIVATE_TARGETS=1 allows them)"},
            "stdio": {"supported": bool(settings.stdio_allow),
                      "description": "Commands the operator allow-listed (MCTS_API_STDIO_ALLOW) only",
                      "examples": ["stdio:///usr/local/bin/mcp-server", "stdio:npx:-y:@acme/weather-mcp@1.4.2",
                                   "node /srv/mcp/server.js --config c.json"]},
        },
        "security": {
            "authentication": "X-API-Key" if settings.api_keys() else "none (loopback only)",
            "live_consent": "not needed (MCTS_LIVE_OK=1)" if settings.live_ok else
            "X-MCTS-Live-Consent: 1, \"understand_live_risk\": true, or MCTS_LIVE_OK=1 on the server",
            "scanned_server_credentials": "auth_headers, or the X-Javelin-Apikey header",
            "rate_limit_per_minute": settings.rate_limit_per_minute,
            "max_concurrent_scans": settings.max_concurrent_scans,
            "max_batch_urls": settings.max_fanout_items,
            "cors": "on for the listed origins" if settings.cors_origins else "off",
        },
        "example": {
            f"POST {_PREFIX}/scan": {"url": "https://mcp.example.com/mcp", "timeout": 180, "http_timeout": 30,
                                     "detailed": True, "format": "json", "include_diff": True,
                                     "change_detection": {"enabled": True, "sensitivity": "moderate"}},
        },
    }
