# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: read-only tools that only read; writing tools that say so."""

import sqlite3

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool(annotations={"readOnlyHint": True})
def list_notes() -> list:
    """List all notes (read-only)."""
    conn = sqlite3.connect("notes.db")
    return conn.execute("SELECT title FROM notes ORDER BY title").fetchall()


@mcp.tool()
def read_settings() -> str:
    """Read the settings file. Read-only."""
    with open("/srv/notes/settings.toml", encoding="utf-8") as handle:
        return handle.read()


@mcp.tool(annotations={"readOnlyHint": False, "destructiveHint": True})
def purge_notes() -> int:
    """Delete every note."""
    conn = sqlite3.connect("notes.db")
    count = conn.execute("DELETE FROM notes").rowcount
    conn.commit()
    return count
