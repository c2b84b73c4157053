# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""Weaker forms, reported LOW: an argument after a fixed program, SQL the tool takes whole by design."""

import sqlite3
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("db")


@mcp.tool()
def git_show(revision: str) -> str:
    """Show a git revision."""
    return subprocess.run(["git", "show", revision], capture_output=True, text=True).stdout


@mcp.tool()
def run_query(sql: str) -> list:
    """Run a read query against the analytics database."""
    cursor = sqlite3.connect("analytics.db").cursor()
    cursor.execute(sql)
    return cursor.fetchall()
