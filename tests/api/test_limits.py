"""Limits over real HTTP: body size (413), rate limit (429), concurrent scans (503) and the scan timeout (504)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import psutil
import pytest

from tests.api.conftest import EXAMPLE, assert_error, bad_stdio, running_api, settings_for

BODY_LIMIT = 4096
LIVE = {"understand_live_risk": True}
REFUSED = {"target": "../elsewhere"}  # a cheap request: refused by the target policy, after it was counted


def _padded(size: int) -> bytes:
    """A valid JSON body of exactly ``size`` bytes."""
    head = json.dumps({"target": EXAMPLE}).encode()
    return head[:-1] + b" " * (size - len(head)) + b"}"


def _chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.fixture(scope="module")
def small_bodies() -> Iterator[str]:
    with running_api(settings_for(max_body_bytes=BODY_LIMIT)) as api:
        yield api.url


def test_a_body_over_the_limit_with_content_length_is_413(small_bodies: str) -> None:
    with httpx2.Client(base_url=small_bodies) as http:
        response = http.post("/scan-instructions", content=_padded(BODY_LIMIT + 1),
                             headers={"Content-Type": "application/json"})
        assert_error(response, 413, "payload_too_large", f"larger than {BODY_LIMIT} bytes", "MCTS_API_MAX_BODY_BYTES")
        assert http.get("/health").json() == {"status": "ok"}  # the same connection still serves


def test_a_chunked_body_over_the_limit_is_413(small_bodies: str) -> None:
    with httpx2.Client(base_url=small_bodies) as http:
        request = http.build_request("POST", "/scan-instructions", content=_chunks(_padded(BODY_LIMIT * 3)),
                                     headers={"Content-Type": "application/json"})
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        assert_error(http.send(request), 413, "payload_too_large")
        assert http.get("/health").status_code == 200


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_at_the_limit_is_served(small_bodies: str, chunked: bool) -> None:
    body = _padded(BODY_LIMIT)
    with httpx2.Client(base_url=small_bodies, timeout=60) as http:
        response = http.post("/scan-instructions", content=_chunks(body) if chunked else body,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["target"]["value"] == EXAMPLE


def test_the_rate_limit_is_per_key_and_health_is_exempt() -> None:
    settings = settings_for(rate_limit_per_minute=3, api_key="key-one-aaaaaaaaaaaa",
                            extra_api_keys=("key-two-bbbbbbbbbbbb",))
    with running_api(settings) as api, api.client(key="key-one-aaaaaaaaaaaa") as one, \
            api.client(key="key-two-bbbbbbbbbbbb") as two:
        for _ in range(3):
            assert_error(one.post("/scan", json=REFUSED), 403, "target_refused")
        limited = one.post("/scan", json=REFUSED)
        body = assert_error(limited, 429, "rate_limited", "this API key", "MCTS_API_RATE_LIMIT_PER_MINUTE")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert f"retry after {limited.headers['Retry-After']}s" in body["detail"]
        assert_error(one.post("/scan-tool", json={"target": EXAMPLE, "tool_name": "add"}), 429, "rate_limited")
        assert two.post("/scan", json={"target": EXAMPLE}).status_code == 200  # the other key is untouched
        for _ in range(5):
            assert one.get("/health").status_code == 200


def test_wrong_keys_are_rate_limited_per_address() -> None:
    with running_api(settings_for(rate_limit_per_minute=2, api_key="the-right-key-cccccccc")) as api:
        with api.client(key="guess-1-dddddddddddd") as guessing:
            assert_error(guessing.post("/scan", json={}), 401, "unauthorized")
            assert_error(guessing.post("/scan", json={}), 401, "unauthorized")
            assert_error(guessing.post("/scan", json={}), 429, "rate_limited", "client address")
        with api.client(key="the-right-key-cccccccc") as right:  # the key's own bucket
            assert right.post("/scan", json={"target": EXAMPLE}).status_code == 200


def test_without_keys_the_limit_is_per_client_address() -> None:
    trusted = settings_for(rate_limit_per_minute=2, trust_proxy_headers=True)
    with running_api(trusted) as api, api.client(key=None) as http:
        for _ in range(2):
            assert_error(http.post("/scan", json=REFUSED, headers={"X-Forwarded-For": "203.0.113.9, 10.0.0.1"}), 403,
                         "target_refused")
        assert_error(http.post("/scan", json=REFUSED, headers={"X-Forwarded-For": "198.51.100.7, 10.0.0.1"}), 429,
                     "rate_limited")  # the proxy's hop (the last) is the address, not what the client claims
        assert_error(http.post("/scan", json=REFUSED, headers={"X-Forwarded-For": "10.0.0.2"}), 403, "target_refused")
    untrusted = settings_for(rate_limit_per_minute=2)
    with running_api(untrusted) as api, api.client(key=None) as http:
        for address in ("10.0.0.1", "10.0.0.2"):
            http.post("/scan", json=REFUSED, headers={"X-Forwarded-For": address})
        assert_error(http.post("/scan", json=REFUSED, headers={"X-Forwarded-For": "10.0.0.3"}), 429, "rate_limited")


def _processes_running(script: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if any(script in part for part in proc.cmdline()) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.fixture
def slow_root(tmp_path: Path) -> Path:
    """A scan root whose config gives every scan a 4 s collection deadline."""
    (tmp_path / ".mcts").mkdir()
    (tmp_path / ".mcts" / "config.yaml").write_text("timeout: 4\n", encoding="utf-8")
    return tmp_path


def test_parallel_scans_beyond_the_limit_get_503_and_none_is_lost(slow_root: Path) -> None:
    settings = settings_for(slow_root, max_concurrent_scans=2, queue_wait_seconds=0.5)
    request = {"target": bad_stdio("hang_on_list"), **LIVE}
    with running_api(settings) as api, api.client(key=None) as http, ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(http.post, "/scan", json=request) for _ in range(5)]
        most = 0
        while not all(f.done() for f in futures):
            most = max(most, len(_processes_running("hang_on_list.py")))
            time.sleep(0.05)
        responses = [f.result() for f in futures]
        assert Counter(r.status_code for r in responses) == {200: 2, 503: 3}, [r.text for r in responses]
        assert 1 <= most <= 2
        for response in responses:
            if response.status_code == 503:
                assert_error(response, 503, "busy", "MCTS_API_MAX_CONCURRENT_SCANS")
                assert int(response.headers["Retry-After"]) >= 1
            else:
                assert response.json()["status"] == "incomplete"
                assert any("deadline of 4s" in r for r in response.json()["status_reasons"])
        quick = {"target": bad_stdio("exit_mid_listing"), **LIVE}
        assert http.post("/scan", json=quick).status_code == 200  # the slots were given back
    assert _processes_running("hang_on_list.py") == []


def test_a_request_waits_for_a_slot_within_the_queue_wait() -> None:
    settings = settings_for(max_concurrent_scans=1, queue_wait_seconds=60)
    with running_api(settings) as api, api.client(key=None) as http, ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(http.post, "/scan", json={"target": EXAMPLE}) for _ in range(3)]
        assert [f.result().status_code for f in futures] == [200, 200, 200]


def test_a_scan_past_the_timeout_is_504_and_its_processes_are_gone(slow_root: Path) -> None:
    (slow_root / ".mcts" / "config.yaml").write_text("timeout: 120\n", encoding="utf-8")
    settings = settings_for(slow_root, scan_timeout_seconds=5)
    request = {"target": bad_stdio("ignores_sigterm"), **LIVE}
    with running_api(settings) as api, api.client(key=None) as http, ThreadPoolExecutor(1) as pool:
        future = pool.submit(http.post, "/scan", json=request)
        seen: dict[int, tuple[psutil.Process, str]] = {}
        while not future.done():
            for proc in _processes_running("ignores_sigterm.py") + _processes_running("time.sleep(3600)"):
                with contextlib.suppress(psutil.Error):
                    seen.setdefault(proc.pid, (proc, " ".join(proc.cmdline())))
            time.sleep(0.05)
        response = future.result()
    assert_error(response, 504, "scan_timeout", "within 5s", "MCTS_API_SCAN_TIMEOUT_SECONDS", "cancelled")
    commands = sorted(command for _, command in seen.values())
    assert len(commands) == 2, commands
    assert any("ignores_sigterm.py" in c for c in commands) and any("time.sleep(3600)" in c for c in commands)
    _, alive = psutil.wait_procs([proc for proc, _ in seen.values()], timeout=10)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], "the server or its child outlived the 504"
