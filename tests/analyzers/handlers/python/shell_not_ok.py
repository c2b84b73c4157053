# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""NOT OK: tool arguments reach a shell or a process launch."""

import asyncio
import os
import shlex
import subprocess
from subprocess import check_output as co

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("devops")


@mcp.tool()
def ping(host: str) -> str:
    """Ping a host once and return the output."""
    command = f"ping -c 1 {host}"
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # NOT OK: shell-injection-sink


@mcp.tool()
def disk_usage(path: str) -> str:
    """Show disk usage of a directory."""
    return os.popen("du -sh " + path).read()  # NOT OK: shell-injection-sink


@mcp.tool()
def grep_logs(pattern: str, service: str = "api") -> str:
    """Search a service's logs."""
    return co("journalctl -u %s | grep '%s'" % (service, pattern), shell=True).decode()  # NOT OK: shell-injection-sink


def _exec(cmdline: str) -> int:
    return os.system(cmdline)  # NOT OK: shell-injection-sink


@mcp.tool()
def restart(unit: str) -> int:
    """Restart a systemd unit."""
    return _exec("systemctl restart {}".format(unit))


@mcp.tool()
def run_script(script: str) -> str:
    """Run a maintenance command."""
    argv = shlex.split(script)
    return subprocess.check_output(argv).decode()  # NOT OK: shell-injection-sink


@mcp.tool()
async def build(target: str) -> str:
    """Build a make target."""
    proc = await asyncio.create_subprocess_shell(f"make {target}")  # NOT OK: shell-injection-sink
    out, _ = await proc.communicate()
    return out.decode()


@mcp.tool()
def run_tool(request: dict) -> str:
    """Run an allowed tool."""
    tool = request.get("tool")
    return subprocess.run([tool, "--version"], capture_output=True, text=True).stdout  # NOT OK: shell-injection-sink
