"""The hardened twin of ``examples/vulnerable-mcp-server``: the same notes server, every tool done right.

Each tool of the vulnerable example is here under the same name, with honest metadata and a handler that
checks what a model hands it; the comment above each handler says what changed. A source scan of this
directory (`mcts scan examples/safe-mcp-server`) must report nothing at MEDIUM or above. Run it with
`python server.py` (stdio) or `python server.py streamable-http --port 8000`.

Files live under a scratch directory in the system temp dir, the database is in memory, and fetches only
reach docs.python.org. Two tools changed their shape, not just their code: ``send_note`` became
``draft_note`` and ``fetch_url`` became ``fetch_docs``, so the server no longer holds untrusted input,
private data and a way out together (the "lethal trifecta" that mcts reports as a toxic flow).
"""

from __future__ import annotations

import argparse
import ast
import re
import sqlite3
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from string import Template
from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

DOCS_PAGE = re.compile(r"(?:[a-z0-9_-]+/){0,3}[a-z0-9_-]+\.html")  # library/ast.html: no "..", no host
HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")  # no leading "-": not an option
MAX_LITERAL_CHARS = 10_000
READ_LIMIT = 65_536
GREETINGS = {"formal": Template("Dear $name,"), "friendly": Template("Hi $name!")}

server = MCPServer(name="safe-notes", version="0.1.0", instructions="Notes and utilities for the user's own notes.")


def _workdir() -> Path:
    """The scratch directory the handlers work in. Only the tools that write create directories in it."""
    return Path(tempfile.gettempdir()) / "mcts-safe-notes"


@server.tool(description="Add two numbers.")
def add(a: int, b: int) -> int:
    """No hidden text: the description is what the user approves and what the model reads."""
    return a + b


@server.tool(description="Search the user's notes by keyword and return the names of the notes that match.")
def search_notes(query: str) -> str:
    """Plain text only: no bidirectional controls in the description."""
    notes = sorted((_workdir() / "notes").glob("*.txt"))
    hits = [note.name for note in notes if query.lower() in note.read_text(errors="replace").lower()]
    return "\n".join(hits) or f"no notes match {query!r}"


@server.tool(description="Save a note as a draft addressed to one recipient, for the user to review.")
def draft_note(to: str, body: str) -> str:
    """The twin of ``send_note``: no instructions about other tools, and a draft the user sends, not an e-mail."""
    drafts = _workdir() / "drafts"
    drafts.mkdir(parents=True, exist_ok=True)
    count = sum(1 for _ in drafts.iterdir())
    (drafts / f"draft-{count + 1}.txt").write_text(f"To: {to}\n\n{body}", encoding="utf-8")
    return f"draft {count + 1} saved for {to}"


@server.tool(description="Run a diagnostic ping against a host name or IP address.")
def ping(host: str) -> str:
    """The host is validated and passed as one argument of a fixed command, without a shell."""
    if not HOST_NAME.fullmatch(host):
        raise ValueError("host must be a host name or an IP address")
    done = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True, timeout=10, check=False)
    return done.stdout


@server.tool(description="Report server status.")
def status() -> str:
    """A plain name: no terminal escape sequences."""
    return "ok"


@server.tool(description="Parse a value typed by the user (a number, a string, a list or a dict) into data.")
def parse_value(text: str) -> str:
    """``ast.literal_eval`` accepts literals only: no names, calls or attribute access; the size is capped."""
    if len(text) > MAX_LITERAL_CHARS:
        raise ValueError(f"values are limited to {MAX_LITERAL_CHARS} characters")
    return repr(ast.literal_eval(text))


@server.tool(description="Read one of the user's notes by file name.")
def read_note(name: str) -> str:
    """The resolved path must stay inside the notes directory (``..`` and absolute names are refused)."""
    root = (_workdir() / "notes").resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise ValueError("note names must stay inside the notes directory")
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.read(READ_LIMIT)


@server.tool(description="Fetch a page of the Python 3 documentation by its path, such as library/ast.html.")
def fetch_docs(page: str) -> str:
    """The twin of ``fetch_url``: the host is fixed in code and the model only picks a page path on it."""
    if not DOCS_PAGE.fullmatch(page):
        raise ValueError("page must be a documentation path such as library/ast.html")
    with urllib.request.urlopen(f"https://docs.python.org/3/{page}", timeout=10) as response:
        return str(response.read(READ_LIMIT).decode("utf-8", errors="replace"))


@server.tool(description="Look up a note author's e-mail address by user name.")
def lookup_user(username: str) -> str:
    """A parameterized query: the user name is data, never SQL."""
    db = sqlite3.connect(":memory:")
    db.executescript(
        "CREATE TABLE users (name TEXT, email TEXT);"
        "INSERT INTO users VALUES ('ada', 'ada@example.com'), ('grace', 'grace@example.com');"
    )
    rows = db.cursor().execute("SELECT name, email FROM users WHERE name = ?", (username,)).fetchall()
    db.close()
    return "\n".join(f"{name} <{email}>" for name, email in rows)


@server.tool(description="Render a greeting for a note in a formal or a friendly style.")
def render_greeting(style: Literal["formal", "friendly"], name: str) -> str:
    """The templates are the server's own; the model picks one and fills in the name, and sees nothing else."""
    return GREETINGS[style].safe_substitute(name=name)


@server.tool(
    description="Show how many notes are cached. Read-only: it changes nothing.",
    annotations=ToolAnnotations(readOnlyHint=True, destructiveHint=False),
)
def cache_stats() -> str:
    """Honest annotations: it counts and changes nothing."""
    cache = _workdir() / "cache"
    count = sum(1 for _ in cache.iterdir()) if cache.is_dir() else 0
    return f"{count} cached notes"


@server.prompt(description="Summarise the user's notes.")
def summarise(topic: str) -> str:
    """An ordinary prompt."""
    return f"Summarise my notes about {topic}."


@server.resource("notes://readme", description="About these notes.")
def readme() -> str:
    """An ordinary resource."""
    return "Notes live here."


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("transport", nargs="?", default="stdio", choices=["stdio", "streamable-http", "sse"])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.transport == "stdio":
        server.run()
    else:
        server.run(args.transport, host="127.0.0.1", port=args.port)
