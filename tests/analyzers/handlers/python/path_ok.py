# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: containment checks, basenames and fixed paths."""

import os
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("files")
ROOT = Path("/srv/notes").resolve()


def _inside(candidate: str) -> Path:
    path = (ROOT / candidate).resolve()
    if not path.is_relative_to(ROOT):
        raise ValueError("path escapes the notes directory")
    return path


@mcp.tool()
def read_note(name: str) -> str:
    """Read a note by name."""
    return _inside(name).read_text()


@mcp.tool()
def save_note(name: str, body: str) -> str:
    """Save a note."""
    target = (ROOT / name).resolve()
    if os.path.commonpath([str(ROOT), str(target)]) != str(ROOT):
        raise ValueError("outside")
    target.write_text(body)
    return "saved"


@mcp.tool()
def read_upload(filename: str) -> bytes:
    """Read an uploaded file by its base name."""
    safe = os.path.basename(filename)
    with open(os.path.join("/srv/uploads", safe), "rb") as handle:
        return handle.read()


@mcp.tool()
def read_checked(path: str) -> str:
    """Read a file under the root."""
    resolved = os.path.realpath(os.path.join(ROOT, path))
    if not resolved.startswith(str(ROOT) + os.sep):
        raise PermissionError(path)
    with open(resolved, encoding="utf-8") as handle:
        return handle.read()


@mcp.tool()
def server_log(lines: int = 50) -> str:
    """The last lines of the server's own log."""
    with open("/var/log/notes.log", encoding="utf-8") as handle:
        return "".join(handle.readlines()[-int(lines):])


@mcp.tool()
def search_notes(query: str) -> list[str]:
    """Search note names for a word (query is not a path)."""
    return [p.name for p in ROOT.iterdir() if query.lower() in p.name.lower()]
