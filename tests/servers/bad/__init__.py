"""Deliberately misbehaving MCP servers, one standalone script each (run them as ``python <script>``)."""
