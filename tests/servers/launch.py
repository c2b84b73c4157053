"""Helpers to start the test MCP servers: free ports, HTTP server processes and pinned third-party servers.

Plain functions with no pytest dependency. The installers are idempotent, serialize on a
``flock`` lock file (safe across threads and processes), report progress on stderr and raise
``RuntimeError`` carrying the installer's output when an install fails.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Literal

HOST = "127.0.0.1"
"""The only interface any test server binds."""

Transport = Literal["stdio", "streamable-http", "sse"]

KILL_GRACE_SECONDS = 3.0
"""How long a stopped server gets between SIGTERM and SIGKILL."""

INSTALL_TIMEOUT_SECONDS = 600.0

SERVERS_DIR = Path(__file__).resolve().parent
RICH_SERVER = SERVERS_DIR / "rich_server.py"
BAD_SERVERS_DIR = SERVERS_DIR / "bad"
LOOPBACK_PRELOAD = SERVERS_DIR / "loopback_only.cjs"
"""Node ``--require`` preload pinning host-less ``listen()`` calls to 127.0.0.1."""

SERVER_EVERYTHING_PACKAGE = "@modelcontextprotocol/server-everything"
SERVER_EVERYTHING_VERSION = "2026.8.31"
SERVER_EVERYTHING_TRANSPORT_ARGS: dict[Transport, str] = {
    "stdio": "stdio",
    "streamable-http": "streamableHttp",
    "sse": "sse",
}
"""The package's own name for each transport (its first CLI argument)."""
SERVER_EVERYTHING_HTTP_PATHS: dict[Transport, str] = {"streamable-http": "/mcp", "sse": "/sse"}
"""HTTP endpoint path per transport; the port comes from the ``PORT`` environment variable."""
SERVER_EVERYTHING_TOOLS = 13
SERVER_EVERYTHING_PROMPTS = 4
SERVER_EVERYTHING_RESOURCES = 7
SERVER_EVERYTHING_TEMPLATES = 2
SERVER_EVERYTHING_PROTOCOL_VERSION = "2025-11-25"
"""Negotiated by the SDK client (``mode="auto"``) on every transport: the server answers the
``server/discover`` probe with an error and the client falls back to ``initialize``."""

MCP_SERVER_TIME_PACKAGE = "mcp-server-time"
MCP_SERVER_TIME_VERSION = "2026.10.19"
MCP_SERVER_TIME_TOOLS = 2
MCP_SERVER_TIME_PROTOCOL_VERSION = "2026-07-28"
"""Negotiated by the SDK client (``mode="auto"``): the server answers ``server/discover``."""



_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).

    Never the same port twice in one test process: a server's URL is its identity in the history store, so a
    later test's server on a recycled port would otherwise inherit an earlier one's baseline.
    """
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def python_server_argv(script: Path, *args: str) -> list[str]:
    """Return the argv that runs the server ``script`` (e.g. ``RICH_SERVER``) with this interpreter."""
    return [sys.executable, str(script), *args]


@contextmanager
def run_http_server(
    argv: list[str],
    port: int,
    path: str,
    *,
    timeout: float = 30,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run ``argv`` as an HTTP MCP server in its own process group and yield its URL.

    ``env`` holds extra variables layered over this process's environment. Waits until
    ``127.0.0.1:port`` accepts TCP connections, then yields ``http://127.0.0.1:{port}{path}``.
    On exit the whole process group gets SIGTERM, then SIGKILL after ``KILL_GRACE_SECONDS``.

    Raises:
        RuntimeError: The process exited before the port opened (message has its output).
        TimeoutError: The port did not open within ``timeout`` seconds (message has its output).
    """
    # Append mode: the child shares this file offset, so our seek-and-read cannot misplace its writes.
    with tempfile.TemporaryFile("a+b") as output:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            _wait_for_port(process, port, timeout, output)
            yield f"http://{HOST}:{port}{path}"
        finally:
            stop_process_group(process)


def _wait_for_port(process: subprocess.Popen[bytes], port: int, timeout: float, output: IO[bytes]) -> None:
    """Poll until ``port`` accepts a connection; fail early if ``process`` dies."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"server {process.args!r} exited with {process.returncode} before listening on port {port}:\n"
                f"{_read_all(output)}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"server {process.args!r} did not listen on port {port} within {timeout}s:\n{_read_all(output)}"
                ) from None
            time.sleep(0.05)


def _read_all(output: IO[bytes]) -> str:
    """Return everything written to ``output`` so far, decoded leniently."""
    output.seek(0)
    return output.read().decode(errors="replace")


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group led by ``process``, SIGKILL it after the grace period, reap the leader."""
    _signal_group(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=KILL_GRACE_SECONDS)
    # The leader may be gone while group members that ignored SIGTERM live on.
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to process group ``pgid``, ignoring an already empty group."""
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


@contextmanager
def _install_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (each call opens its own file, so threads exclude too)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _run_installer(argv: list[str], what: str) -> None:
    """Run an install command, raising ``RuntimeError`` with its output if it fails."""
    print(f"[tests.servers] {what}: {' '.join(argv)}", file=sys.stderr, flush=True)
    try:
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"{what} failed: {exc}") from exc
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed with exit code {result.returncode}:\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )


def _server_everything_entry(package_dir: Path) -> Path | None:
    """Return the pinned package's bin script under ``package_dir``, or ``None`` if not installed at that version."""
    try:
        manifest = json.loads((package_dir / "package.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("version") != SERVER_EVERYTHING_VERSION:
        return None
    bin_field = manifest.get("bin")
    script = bin_field if isinstance(bin_field, str) else (bin_field or {}).get("mcp-server-everything")
    if not isinstance(script, str):
        return None
    entry = package_dir / script
    return entry if entry.is_file() else None


def ensure_server_everything(cache_dir: Path) -> Path:
    """Install ``@modelcontextprotocol/server-everything`` at the pinned version into ``cache_dir``.

    Does nothing if that version is already there. Returns the path of the package's
    ``bin`` entry script (run it with ``node``; see ``server_everything_argv``).

    Raises:
        RuntimeError: npm is missing or the install failed (message has npm's output).
    """
    package_dir = cache_dir / "node_modules" / SERVER_EVERYTHING_PACKAGE
    with _install_lock(cache_dir / ".server-everything.lock"):
        entry = _server_everything_entry(package_dir)
        if entry is not None:
            return entry
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is not on PATH; it is needed to install " + SERVER_EVERYTHING_PACKAGE)
        spec = f"{SERVER_EVERYTHING_PACKAGE}@{SERVER_EVERYTHING_VERSION}"
        argv = [npm, "install", "--prefix", str(cache_dir), "--no-package-lock", "--no-audit", "--no-fund", spec]
        _run_installer(argv, f"installing {spec} into {cache_dir}")
        entry = _server_everything_entry(package_dir)
        if entry is None:
            raise RuntimeError(f"npm reported success but {spec} is not installed under {package_dir}")
        return entry


def server_everything_argv(entry: Path, transport: Transport) -> list[str]:
    """Return the argv that starts server-everything on ``transport``.

    HTTP transports listen on the port in the ``PORT`` environment variable, at
    ``SERVER_EVERYTHING_HTTP_PATHS[transport]``; the preload keeps them on 127.0.0.1.
    """
    node = shutil.which("node") or "node"
    return [node, "--require", str(LOOPBACK_PRELOAD), str(entry), SERVER_EVERYTHING_TRANSPORT_ARGS[transport]]


def _installed_version(python: Path, distribution: str) -> str | None:
    """Return the version of ``distribution`` installed for interpreter ``python``, or ``None``."""
    if not python.is_file():
        return None
    probe = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def ensure_mcp_server_time(cache_dir: Path) -> list[str]:
    """Install the pinned ``mcp-server-time`` into its own venv under ``cache_dir/venvs`` and return its stdio argv.

    The venv isolates its ``mcp`` dependency from the one the scanner is tested with.
    Does nothing if the pinned version is already installed there.

    Raises:
        RuntimeError: Creating the venv or the pip install failed (message has the output).
    """
    script = ensure_pypi_server(cache_dir, MCP_SERVER_TIME_PACKAGE, MCP_SERVER_TIME_VERSION)
    return [str(script), "--local-timezone", "UTC"]


def ensure_pypi_server(cache_dir: Path, distribution: str, version: str, script: str | None = None) -> Path:
    """Install ``distribution==version`` into its own venv ``cache_dir/venvs/<distribution>``; return its script.

    ``script`` is the console script to return (default: named like the distribution). Idempotent and
    serialized on a lock file per venv; the install counts as done only once the pinned version imports.

    Raises:
        RuntimeError: Creating the venv or the pip install failed (message has the output).
    """
    venv_dir = cache_dir / "venvs" / distribution
    python = venv_dir / "bin" / "python"
    entry = venv_dir / "bin" / (script or distribution)
    with _install_lock(cache_dir / "venvs" / f".{distribution}.lock"):
        if _installed_version(python, distribution) == version and entry.is_file():
            return entry
        if not python.is_file():
            _run_installer([sys.executable, "-m", "venv", "--clear", str(venv_dir)], f"creating venv {venv_dir}")
        spec = f"{distribution}=={version}"
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", spec]
        _run_installer(pip, f"installing {spec} into {venv_dir}")
        if _installed_version(python, distribution) != version or not entry.is_file():
            raise RuntimeError(f"pip reported success but {spec} is not importable in {venv_dir} (or has no {entry})")
        return entry


def ensure_npm_server(cache_dir: Path, package: str, version: str) -> Path:
    """Install npm ``package@version`` into its own prefix under ``cache_dir``; return its ``bin`` entry script.

    The prefix is ``cache_dir/<package with / as +>@<version>``, so pinned servers never share (or upgrade)
    each other's dependencies. npm installs into a fresh temporary prefix that is renamed into place once
    the entry script exists: a crashed install leaves no half-installed prefix, and the lock file makes a
    second process wait and then find the finished one.

    Raises:
        RuntimeError: npm is missing or the install failed (message has npm's output).
    """
    slug = f"{package.replace('/', '+')}@{version}"
    prefix = cache_dir / slug
    with _install_lock(cache_dir / f".{slug}.lock"):
        entry = _npm_entry(prefix / "node_modules" / package, version)
        if entry is not None:
            return entry
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"npm is not on PATH; it is needed to install {package}")
        staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=cache_dir))
        try:
            spec = f"{package}@{version}"
            argv = [npm, "install", "--prefix", str(staging), "--no-package-lock", "--no-audit", "--no-fund", spec]
            _run_installer(argv, f"installing {spec} into {prefix}")
            if _npm_entry(staging / "node_modules" / package, version) is None:
                raise RuntimeError(f"npm reported success but {spec} is not installed under {staging}")
            shutil.rmtree(prefix, ignore_errors=True)  # a stale prefix at another state
            staging.rename(prefix)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        entry = _npm_entry(prefix / "node_modules" / package, version)
        if entry is None:
            raise RuntimeError(f"{package}@{version} vanished from {prefix} after installing")
        return entry


def _npm_entry(package_dir: Path, version: str) -> Path | None:
    """The first ``bin`` script of the package in ``package_dir`` if it is installed at ``version``, else ``None``."""
    try:
        manifest = json.loads((package_dir / "package.json").read_text())
    except (OSError, ValueError):
        return None
    bin_field = manifest.get("bin")
    script = bin_field if isinstance(bin_field, str) else next(iter((bin_field or {}).values()), None)
    if manifest.get("version") != version or not isinstance(script, str):
        return None
    entry = package_dir / script
    return entry if entry.is_file() else None


def node_argv(entry: Path, *args: str) -> list[str]:
    """The argv that runs the npm ``entry`` script with ``node`` (pinned to 127.0.0.1 by the preload)."""
    node = shutil.which("node") or "node"
    return [node, "--require", str(LOOPBACK_PRELOAD), str(entry), *args]
