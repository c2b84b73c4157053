"""The pinned MCP reference servers the live detection tests scan, and how to start each over stdio.

Installed by the tests themselves into ``.cache`` (npm packages under ``.cache/npm``, PyPI ones in their own
venvs under ``.cache/venvs``) through the idempotent, lock-guarded installers of ``launch``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers.launch import (
    ensure_mcp_server_time,
    ensure_npm_server,
    ensure_pypi_server,
    ensure_server_everything,
    node_argv,
    server_everything_argv,
)

SERVER_FILESYSTEM_PACKAGE = "@modelcontextprotocol/server-filesystem"
SERVER_FILESYSTEM_VERSION = "2026.8.31"
SERVER_FILESYSTEM_TOOLS = 14
SERVER_MEMORY_PACKAGE = "@modelcontextprotocol/server-memory"
SERVER_MEMORY_VERSION = "2026.8.31"
SERVER_MEMORY_TOOLS = 9
MCP_SERVER_FETCH_PACKAGE = "mcp-server-fetch"
MCP_SERVER_FETCH_VERSION = "2026.10.24"
MCP_SERVER_FETCH_TOOLS = 1
MCP_SERVER_GIT_PACKAGE = "mcp-server-git"
MCP_SERVER_GIT_VERSION = "2026.10.19"
MCP_SERVER_GIT_TOOLS = 12
UNREACHABLE_PROXY = "http://127.0.0.1:9"
"""Given to mcp-server-fetch as its proxy: the discard port, so a fetch could never leave this machine."""


def ensure_server_filesystem(cache_dir: Path) -> Path:
    """Install the pinned ``@modelcontextprotocol/server-filesystem``; run it with ``node_argv(entry, root)``."""
    return ensure_npm_server(cache_dir, SERVER_FILESYSTEM_PACKAGE, SERVER_FILESYSTEM_VERSION)


def ensure_server_memory(cache_dir: Path) -> Path:
    """Install the pinned ``@modelcontextprotocol/server-memory``; it stores its graph at ``MEMORY_FILE_PATH``."""
    return ensure_npm_server(cache_dir, SERVER_MEMORY_PACKAGE, SERVER_MEMORY_VERSION)


def ensure_mcp_server_fetch(cache_dir: Path) -> list[str]:
    """Install the pinned ``mcp-server-fetch`` and return its stdio argv.

    The argv routes any fetch through ``UNREACHABLE_PROXY``: listing tools never fetches, and if the
    server ever did, it could not reach the network.
    """
    script = ensure_pypi_server(cache_dir, MCP_SERVER_FETCH_PACKAGE, MCP_SERVER_FETCH_VERSION)
    return [str(script), "--proxy-url", UNREACHABLE_PROXY]


def ensure_mcp_server_git(cache_dir: Path) -> Path:
    """Install the pinned ``mcp-server-git``; run it with ``[str(script), "--repository", str(repo)]``."""
    return ensure_pypi_server(cache_dir, MCP_SERVER_GIT_PACKAGE, MCP_SERVER_GIT_VERSION)


def make_git_repository(path: Path) -> Path:
    """``git init`` a repository at ``path`` with one commit of a README (no global git config needed)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "README.md").write_text("# scratch repository for mcp-server-git\n")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    ident = ["-c", "user.name=mcts tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false"]
    for argv in (["init", "-q", "-b", "main"], ["add", "README.md"], [*ident, "commit", "-q", "-m", "initial"]):
        subprocess.run(["git", "-C", str(path), *argv], env=env, check=True, capture_output=True, timeout=60)
    return path


@dataclass(frozen=True)
class ReferenceServer:
    """How to start one pinned MCP reference server over stdio: its argv and the extra environment it needs."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


REFERENCE_SERVERS = (
    "server-everything",
    "server-filesystem",
    "server-memory",
    "mcp-server-time",
    "mcp-server-fetch",
    "mcp-server-git",
)
"""The reference servers ``reference_server`` can start, by their package names without the npm scope."""


def reference_server(name: str, cache_dir: Path, scratch: Path) -> ReferenceServer:
    """Install reference server ``name`` (one of ``REFERENCE_SERVERS``) and return how to start it over stdio.

    npm packages go to ``cache_dir/npm``, PyPI ones to venvs under ``cache_dir/venvs``. ``scratch`` is an
    empty directory owned by the caller: the filesystem server's allowed root, the memory server's
    ``MEMORY_FILE_PATH`` and the git server's repository (one commit) are made inside it.

    Raises:
        KeyError: ``name`` is not a reference server.
        RuntimeError: installing it failed.
    """
    npm = cache_dir / "npm"
    if name == "server-everything":
        return ReferenceServer(name, server_everything_argv(ensure_server_everything(npm), "stdio"))
    if name == "server-filesystem":
        root = scratch / "allowed"
        root.mkdir(parents=True, exist_ok=True)
        return ReferenceServer(name, node_argv(ensure_server_filesystem(npm), str(root)))
    if name == "server-memory":
        env = {"MEMORY_FILE_PATH": str(scratch / "memory.jsonl")}
        return ReferenceServer(name, node_argv(ensure_server_memory(npm)), env)
    if name == "mcp-server-time":
        return ReferenceServer(name, ensure_mcp_server_time(cache_dir))
    if name == "mcp-server-fetch":
        return ReferenceServer(name, ensure_mcp_server_fetch(cache_dir))
    if name == "mcp-server-git":
        repo = make_git_repository(scratch / "repo")
        return ReferenceServer(name, [str(ensure_mcp_server_git(cache_dir)), "--repository", str(repo)])
    raise KeyError(f"unknown reference server {name!r}; expected one of {', '.join(REFERENCE_SERVERS)}")
