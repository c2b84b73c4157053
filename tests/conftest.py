"""Shared fixtures: the real MCP servers the tests scan, installed on demand into .cache/."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import launch

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache"
SERVERS = REPO / "tests" / "servers"
PY = sys.executable


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The history store and the LLM verdict cache default to the user's data and cache directories: the tests
    (and the servers and CLIs they start, which inherit the environment) use throw-away ones instead."""
    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME")}
    root = tmp_path_factory.mktemp("user-dirs")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def rich_server_argv(transport: str = "stdio", *extra: str) -> list[str]:
    return [PY, str(SERVERS / "rich_server.py"), transport, *extra]


def bad_server(name: str) -> str:
    """A stdio target string for one of tests/servers/bad/*.py."""
    return f"{PY} {SERVERS / 'bad' / name}.py"


@pytest.fixture(scope="session")
def server_everything_entry() -> Path:
    return launch.ensure_server_everything(CACHE / "npm")


@pytest.fixture(scope="session")
def time_server_argv() -> list[str]:
    return launch.ensure_mcp_server_time(CACHE)


@pytest.fixture(params=["streamable-http", "sse"])
def rich_http(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(transport, url) of the rich test server running over HTTP on 127.0.0.1."""
    transport = request.param
    port = launch.free_port()
    path = "/mcp" if transport == "streamable-http" else "/sse"
    with launch.run_http_server(rich_server_argv(transport, "--port", str(port)), port, path) as url:
        yield transport, url
