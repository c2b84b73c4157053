"""The REST API under test: ``create_app(settings)`` served by a real uvicorn on 127.0.0.1, a free port.

``running_api(settings)`` serves one app in a thread (so the stdio servers its scans start are this process's
children, which the timeout test inspects) and stops it cleanly. ``api`` is one server shared by a module:
scan root the repository, the rich test server and the misbehaving servers allow-listed, loopback URLs
allowed, an API key set and a generous rate limit.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn

from mcts.api import ApiSettings, create_app
from mcts.cli.serve_cmd import server_config
from tests.conftest import REPO, SERVERS

API_KEY = "test-key-0123456789abcdef"
PY = sys.executable
RICH_STDIO = f"{PY} {SERVERS / 'rich_server.py'} stdio"
EXAMPLE = "examples/vulnerable-mcp-server/server.py"
START_TIMEOUT = 30.0


def bad_stdio(name: str) -> str:
    """The stdio target (command line) of ``tests/servers/bad/<name>.py``."""
    return f"{PY} {SERVERS / 'bad' / name}.py"


def settings_for(scan_root: Path = REPO, **changes: Any) -> ApiSettings:
    """Test settings: loopback, scan root, the test servers allow-listed, a high rate limit; ``changes`` win."""
    values: dict[str, Any] = {
        "host": "127.0.0.1", "port": 0, "scan_root": scan_root, "rate_limit_per_minute": 100_000,
        "stdio_allow": (RICH_STDIO, f"{PY} {SERVERS / 'bad'}/*.py"), "allow_private_targets": True,
        "max_concurrent_scans": 4,
    }
    values.update(changes)
    return ApiSettings(**values)


@dataclass
class Api:
    """A running API: its base URL and the uvicorn server (for its bound port)."""

    url: str
    server: uvicorn.Server

    def client(self, key: str | None = API_KEY, **kwargs: Any) -> httpx2.Client:
        """An HTTP client for this API, sending ``key`` as X-API-Key (``None``: no key)."""
        headers = {"X-API-Key": key} if key is not None else {}
        headers.update(kwargs.pop("headers", {}))
        return httpx2.Client(base_url=self.url, headers=headers, timeout=kwargs.pop("timeout", 120), **kwargs)


@contextmanager
def running_api(settings: ApiSettings) -> Iterator[Api]:
    """Serve ``create_app(settings)`` with uvicorn in a thread on a free port; stop it on exit."""
    server = uvicorn.Server(server_config(settings, create_app(settings), log_level="warning"))
    thread = threading.Thread(target=server.run, name="mcts-api-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Api(url=f"http://127.0.0.1:{port}", server=server)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "the API server did not stop"


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    """One API server for a test module: key ``API_KEY``, scan root the repository."""
    with running_api(settings_for(api_key=API_KEY)) as running:
        yield running


@pytest.fixture
def client(api: Api) -> Iterator[httpx2.Client]:
    """A client of the shared server, authenticated."""
    with api.client() as http:
        yield http


def assert_error(response: httpx2.Response, status: int, error: str, *says: str) -> dict[str, Any]:
    """The response is the ErrorResponse ``error`` with ``status`` and its detail mentions each of ``says``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["error"] == error, body
    for words in says:
        assert words in body["detail"], body["detail"]
    return body
