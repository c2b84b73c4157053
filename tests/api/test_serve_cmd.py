"""``mcts serve`` as an operator runs it: refusals at start, the bound URL, and logs free of secrets."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

from tests.api.conftest import EXAMPLE
from tests.conftest import REPO

MCTS = Path(sys.executable).parent / "mcts"
KEY = "serve-key-0123456789abcdef"
TOKEN = "bearer-token-fedcba9876543210"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCTS_")}
    return {**env, **extra}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MCTS), "serve", *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=60, check=False)


def test_a_public_bind_without_a_key_refuses_to_start() -> None:
    result = _run("--host", "0.0.0.0", "--port", "0", env=_env())
    assert result.returncode == 2
    assert "refusing to serve 0.0.0.0 without an API key" in result.stderr
    assert "MCTS_API_KEY" in result.stderr and "--allow-unauthenticated" in result.stderr


def test_bad_settings_refuse_to_start() -> None:
    result = _run("--port", "0", env=_env(MCTS_API_RATE_LIMIT_PER_MINUTE="0"))
    assert result.returncode == 2
    assert "rate_limit_per_minute" in result.stderr
    result = _run("--port", "0", env=_env(MCTS_API_SCAN_ROOT=str(REPO / "no-such-dir")))
    assert result.returncode == 2
    assert "is not a directory" in result.stderr


@contextmanager
def _serving(env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """Run ``mcts serve --port 0``; yield its URL and the output lines read so far (kept up to date).

    Stop it as an operator would (Ctrl+C) and check it shuts down cleanly.
    """
    process = subprocess.Popen([str(MCTS), "serve", "--port", "0"], env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "serving the REST API on " in line:
                found.put(line.split("serving the REST API on ", 1)[1].split()[0])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        url = found.get(timeout=60)
        yield url, lines
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) in {0, 130}, "".join(lines)  # uvicorn re-raises SIGINT: 130
        reader.join(timeout=10)
        assert "Finished server process" in "".join(lines)


def test_serve_prints_the_bound_url_and_logs_no_secret() -> None:
    with _serving(_env(MCTS_API_KEY=KEY)) as (url, lines):
        assert url.startswith("http://127.0.0.1:")
        with httpx2.Client(base_url=url, timeout=60) as http:
            assert http.get("/health").json() == {"status": "ok"}
            scanned = http.post("/scan", json={"target": EXAMPLE, "bearer_token": TOKEN}, headers={"X-API-Key": KEY})
            assert scanned.status_code == 200, scanned.text
            assert http.post("/scan", json={}, headers={"X-API-Key": "not-" + KEY}).status_code == 401
        deadline = time.monotonic() + 10
        while not any('"POST /scan HTTP/1.1" 401' in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
    log = "".join(lines)
    assert '"POST /scan HTTP/1.1" 200' in log and '"POST /scan HTTP/1.1" 401' in log
    assert KEY not in log and TOKEN not in log
    assert "warning" not in log.lower()
    assert EXAMPLE not in log  # request bodies are never logged


def test_a_short_key_warns() -> None:
    with _serving(_env(MCTS_API_KEY="k3y-9z")) as (url, lines), httpx2.Client(base_url=url) as http:
        assert http.get("/health").status_code == 200
    assert any("API key is shorter than 16 characters" in line for line in lines)
    assert not any("k3y-9z" in line for line in lines)


def test_a_loopback_bind_without_a_key_warns() -> None:
    with _serving(_env()) as (url, lines), httpx2.Client(base_url=url) as http:
        assert http.post("/scan", json={"target": "../x"}).status_code == 403  # no key needed
    assert any("warning: no API key (MCTS_API_KEY) is set" in line for line in lines)
