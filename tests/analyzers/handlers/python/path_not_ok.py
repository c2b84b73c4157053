# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: tool arguments used as file paths without a containment check."""

import os
import shutil
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("files")
NOTES = Path.home() / "notes"


@mcp.tool()
def read_note(name: str) -> str:
    """Read a note by name."""
    with open(os.path.join(NOTES, name), encoding="utf-8") as handle:  # NOT OK: path-traversal-sink
        return handle.read()


@mcp.tool()
def save_note(name: str, body: str) -> str:
    """Save a note."""
    target = NOTES / f"{name}.md"
    target.write_text(body)  # NOT OK: path-traversal-sink
    return str(target)


@mcp.tool()
def delete_folder(folder: str) -> str:
    """Delete a project folder."""
    shutil.rmtree(folder)  # NOT OK: path-traversal-sink
    return "deleted"


@mcp.tool()
def list_dir(path: str = ".") -> list[str]:
    """List a directory."""
    return sorted(os.listdir(path))  # NOT OK: path-traversal-sink


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _resolve(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> bytes:
        return self._resolve(rel).read_bytes()  # NOT OK: path-traversal-sink


store = Store(Path("/srv/files"))


@mcp.tool()
def download(rel_path: str) -> bytes:
    """Download a stored file."""
    return store.read(rel_path)


@mcp.tool()
def read_resolved(path: str) -> str:
    """Read a file (resolved, but never checked against a root)."""
    full = Path(path).expanduser().resolve()
    return full.read_text()  # NOT OK: path-traversal-sink
