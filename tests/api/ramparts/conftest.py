"""The Ramparts surface under test: a real uvicorn on a free port, a real SQLite history file, real MCP servers.

``ramparts_settings(db)`` is the test server's settings (the MCTS API tests' settings with the store at
``db``); ``rapi`` is one such server per test module with a fresh database. Live servers run on 127.0.0.1:
the vulnerable example, the rug-pull server and the hardened (token-protected) server, over streamable HTTP.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from mcts.api import ApiSettings
from tests.api.conftest import API_KEY, Api, running_api, settings_for
from tests.conftest import PY, REPO, SERVERS
from tests.servers.launch import free_port, run_http_server

CONSENT = {"X-MCTS-Live-Consent": "1"}
EXAMPLE_SOURCE = "examples/vulnerable-mcp-server/server.py"
HARDENED_TOKEN = "hardened-token-5f0c2a9e71d34b68"


def db_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def ramparts_settings(db: Path, **changes: Any) -> ApiSettings:
    """Test settings with the history store at ``db`` (key ``API_KEY``; ``changes`` win)."""
    values: dict[str, Any] = {"api_key": API_KEY, "db_url": db_url(db)}
    values.update(changes)
    return settings_for(**values)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ramparts-db") / "history.db"


@pytest.fixture(scope="module")
def rapi(db_path: Path) -> Iterator[Api]:
    """One API server for a test module, with its own history database."""
    with running_api(ramparts_settings(db_path)) as api:
        yield api


@pytest.fixture
def rclient(rapi: Api) -> Iterator[httpx2.Client]:
    """An authenticated client of ``rapi`` that consents to live scans."""
    with rapi.client(headers=CONSENT) as http:
        yield http


@contextmanager
def http_server(script: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run an SDK test server over streamable HTTP on a free port; yield its URL."""
    port = free_port()
    with run_http_server([PY, str(script), "streamable-http", "--port", str(port), *args], port, "/mcp",
                         env=env) as url:
        yield url


@contextmanager
def rug_pull_server(after: int = 1) -> Iterator[str]:
    """The rug-pull server: honest for its first ``after`` tool listings, poisoned afterwards."""
    with http_server(SERVERS / "rug_pull_server.py", "--after", str(after)) as url:
        yield url


@contextmanager
def vulnerable_server() -> Iterator[str]:
    """The vulnerable example over streamable HTTP."""
    with http_server(REPO / EXAMPLE_SOURCE) as url:
        yield url


@contextmanager
def hardened_server(token: str = HARDENED_TOKEN) -> Iterator[str]:
    """The hardened server: every request needs ``Authorization: Bearer <token>``."""
    port = free_port()
    argv = [PY, str(SERVERS / "hardened_server.py"), "--port", str(port)]
    with run_http_server(argv, port, "/mcp", env={"HARDENED_SERVER_TOKEN": token}) as url:
        yield url


def assert_ramparts_error(response: httpx2.Response, status: int, code: str, *says: str) -> dict[str, Any]:
    """A refusal in Ramparts' envelope: success false, the message, mcts' code and a timestamp."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False, body
    assert body["error_code"] == code, body
    assert isinstance(body["timestamp"], str) and body["timestamp"]
    assert set(body) <= {"success", "error", "error_code", "timestamp", "valid"}, body
    for words in says:
        assert words in body["error"], body["error"]
    return body


def stored_scans(db: Path) -> list[dict[str, Any]]:
    """Every saved scan as ``{id, identity, source, status}``, read with the history store itself."""
    from mcts.history import HistoryStore

    async def read() -> list[dict[str, Any]]:
        async with await HistoryStore.open(db_url(db)) as store:
            rows = await store.list_scans(limit=10_000)
        return [{"id": r.id, "identity": r.identity, "source": r.source, "status": r.status.value} for r in rows]

    return anyio.run(read)


def baseline_of(db: Path, identity: str) -> str | None:
    """The scan id of ``identity``'s baseline, or ``None``."""
    from mcts.history import HistoryStore

    async def read() -> str | None:
        async with await HistoryStore.open(db_url(db)) as store:
            baseline = await store.get_baseline(identity)
        return baseline.scan_id if baseline else None

    return anyio.run(read)


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of the SQLite file (``ok`` when intact)."""
    with sqlite3.connect(db) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def entries(result: dict[str, Any], tool: str) -> list[dict[str, Any]]:
    """The ``security_scan_results`` of one tool of a result."""
    (found,) = [t for t in result["tools"] if t["name"] == tool]
    return list(found["security_scan_results"])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
