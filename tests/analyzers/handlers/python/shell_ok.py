# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: commands with fixed programs, quoting, allow-lists and no shell."""

import shlex
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("devops")
ALLOWED_UNITS = {"nginx", "postgresql"}


@mcp.tool()
def git_log(repo_path: str, max_count: int = 10) -> str:
    """Show recent commits (git is called without a shell; the count is an integer)."""
    result = subprocess.run(["git", "-C", "/srv/repo", "log", f"-n{int(max_count)}"], capture_output=True, text=True)
    return result.stdout


@mcp.tool()
def ping(host: str) -> str:
    """Ping a host; the host is quoted for the shell."""
    return subprocess.run(f"ping -c 1 {shlex.quote(host)}", shell=True, capture_output=True, text=True).stdout


@mcp.tool()
def uptime() -> str:
    """Show the machine's uptime."""
    return subprocess.check_output("uptime", shell=True).decode()


@mcp.tool()
def status(unit: str) -> str:
    """Show the status of an allowed systemd unit."""
    if unit not in ALLOWED_UNITS:
        raise ValueError("unit not allowed")
    return subprocess.run(["systemctl", "status", "--", unit], capture_output=True, text=True).stdout


@mcp.tool()
def kill(pid: int) -> None:
    """Send SIGTERM to a process."""
    subprocess.run(["kill", str(int(pid))], check=True)
