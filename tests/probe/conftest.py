"""Servers the probe tests run: server-everything over HTTP, the hardened server, a misbehaving HTTP server."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mcts.model.probe import ProbeCheck, ProbeResult
from mcts.model.target import HttpTarget, Transport
from tests.conftest import PY, SERVERS
from tests.servers import hardened_server, launch

HERE = Path(__file__).resolve().parent
TOKEN = "tok-hardened-" + "7" * 24


@contextmanager
def hardened(*extra: str) -> Iterator[str]:
    """The hardened server's URL (``…/mcp``); its bearer token is ``TOKEN``."""
    port = launch.free_port()
    argv = [PY, str(SERVERS / "hardened_server.py"), "--port", str(port), *extra]
    with launch.run_http_server(argv, port, hardened_server.PATH, env={hardened_server.TOKEN_ENV: TOKEN}) as url:
        yield url


def open_sessions(url: str) -> int:
    """Sessions the hardened server at ``url`` still holds."""
    base = url.removesuffix(hardened_server.PATH)
    with urllib.request.urlopen(base + hardened_server.OPEN_SESSIONS_PATH, timeout=10) as response:
        return int(json.load(response)["open"])


@contextmanager
def everything(entry: Path, transport: launch.Transport) -> Iterator[str]:
    port = launch.free_port()
    path = launch.SERVER_EVERYTHING_HTTP_PATHS[transport]
    argv = launch.server_everything_argv(entry, transport)
    with launch.run_http_server(argv, port, path, env={"PORT": str(port)}) as url:
        yield url


@pytest.fixture(scope="module")
def hardened_url() -> Iterator[str]:
    with hardened() as url:
        yield url


@pytest.fixture(scope="module")
def everything_http(server_everything_entry: Path) -> Iterator[str]:
    with everything(server_everything_entry, "streamable-http") as url:
        yield url


@pytest.fixture(scope="module")
def misbehaving_url() -> Iterator[str]:
    """Base URL of tests/probe/misbehaving_server.py (routes /endless, /huge, /garbage)."""
    port = launch.free_port()
    argv = [PY, str(HERE / "misbehaving_server.py"), str(port)]
    with launch.run_http_server(argv, port, "") as url:
        yield url


def target(url: str, transport: Transport = "auto") -> HttpTarget:
    return HttpTarget(raw=url, url=url, transport=transport)


def statuses(result: ProbeResult) -> dict[str, str]:
    return {check.id: check.status for check in result.checks}


def check(result: ProbeResult, check_id: str) -> ProbeCheck:
    return next(c for c in result.checks if c.id == check_id)
