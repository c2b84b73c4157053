"""The history store under load and under ``kill -9``: real ``mcts serve`` processes on one SQLite file.

Parallel scans from an in-process server and a ``mcts serve`` process write to one file: every scan is
saved, none fails with "database is locked". A ``mcts serve`` killed with SIGKILL in the middle of a batch,
then restarted on the same file: every scan it logged as saved is there and the file passes
``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx2

from mcts.collect.snapshot import snapshot_json
from mcts.model.inventory import Inventory, Tool
from tests.api.conftest import API_KEY, RICH_STDIO, running_api
from tests.api.ramparts.conftest import CONSENT, db_url, integrity, ramparts_settings, stored_scans

MCTS = Path(sys.executable).parent / "mcts"
SAVED = re.compile(r"saved scan ([0-9a-f]{32}) ")
START_TIMEOUT = 60.0


@contextmanager
def mcts_serve(db: Path, root: Path, **extra: str) -> Iterator[tuple[str, subprocess.Popen[str], list[str]]]:
    """``mcts serve --port 0`` in its own process group; yield its URL, the process and its log lines so far."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCTS_")}
    env.update(MCTS_API_KEY=API_KEY, MCTS_DB_URL=db_url(db), MCTS_API_SCAN_ROOT=str(root),
               MCTS_API_STDIO_ALLOW=RICH_STDIO, MCTS_API_RATE_LIMIT_PER_MINUTE="100000", **extra)
    process = subprocess.Popen([str(MCTS), "serve", "--port", "0"], env=env, cwd=root, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    url: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "serving the REST API on " in line:
                url.append(line.split("serving the REST API on ", 1)[1].split()[0])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not url:
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        yield url[0], process, lines
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=10)


def _snapshots(root: Path, count: int) -> list[str]:
    names = []
    for index in range(count):
        inventory = Inventory(tools=(Tool(name=f"tool_{index}", description=f"Tool number {index}."),))
        (root / f"snap_{index}.json").write_text(snapshot_json(inventory), encoding="utf-8")
        names.append(f"snap_{index}.json")
    return names


def test_parallel_scans_from_two_servers_lose_no_write(tmp_path: Path) -> None:
    root, db = tmp_path / "root", tmp_path / "history.db"
    root.mkdir()
    targets = _snapshots(root, 6)
    body = {"change_detection": {"enabled": False}}
    with running_api(ramparts_settings(db, scan_root=root, max_concurrent_scans=8, queue_wait_seconds=60)) as local, \
            mcts_serve(db, root, MCTS_API_MAX_CONCURRENT_SCANS="8", MCTS_API_QUEUE_WAIT_SECONDS="60") as (
                remote_url, _, lines):

        def scan(job: tuple[str, str]) -> int:
            base, target = job
            with httpx2.Client(base_url=base, headers={"X-API-Key": API_KEY}, timeout=120) as http:
                return http.post("/v1/ramparts/scan", json={"url": target, **body}).status_code

        jobs = [(base, t) for _ in range(4) for base in (local.url, remote_url) for t in targets]
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(scan, jobs))
        with httpx2.Client(base_url=remote_url, headers={"X-API-Key": API_KEY}, timeout=120) as http:
            batch = http.post("/v1/ramparts/batch-scan", json={"urls": targets, "options": body}).json()
    assert statuses == [200] * len(jobs)
    assert batch["successful"] == len(targets)
    assert len(stored_scans(db)) == len(jobs) + len(targets)
    log = "".join(lines)
    assert "locked" not in log and "not saved" not in log, log
    assert len(SAVED.findall(log)) == len(jobs) // 2 + len(targets)
    assert integrity(db) == "ok"


def test_kill_9_in_the_middle_of_a_batch_loses_no_completed_scan(tmp_path: Path) -> None:
    root, db = tmp_path / "root", tmp_path / "history.db"
    root.mkdir()
    urls = [RICH_STDIO] * 12
    with mcts_serve(db, root, MCTS_API_MAX_CONCURRENT_SCANS="2", MCTS_API_QUEUE_WAIT_SECONDS="60") as (
            url, process, lines):
        errors: list[BaseException] = []

        def post() -> None:
            try:
                with httpx2.Client(base_url=url, headers={"X-API-Key": API_KEY, **CONSENT}, timeout=300) as http:
                    http.post("/v1/ramparts/batch-scan", json={"urls": urls, "options": {"force_scan": True}})
            except httpx2.HTTPError as exc:
                errors.append(exc)

        client = threading.Thread(target=post, daemon=True)
        client.start()
        deadline = time.monotonic() + 120
        while len(SAVED.findall("".join(lines))) < 3:
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        client.join(timeout=60)
        logged = set(SAVED.findall("".join(lines)))
    assert errors, "the batch was answered: the server was not killed in the middle of it"
    assert 3 <= len(logged) < len(urls)
    assert integrity(db) == "ok"
    stored = {s["id"] for s in stored_scans(db)}
    assert logged <= stored and len(stored) < len(urls)
    with mcts_serve(db, root) as (url, _, _), httpx2.Client(base_url=url, timeout=120,
                                                          headers={"X-API-Key": API_KEY, **CONSENT}) as http:
        after = http.post("/v1/ramparts/scan", json={"url": RICH_STDIO, "force_scan": True})
    assert after.status_code == 200, after.text
    assert after.json()["scan_id"] not in stored
    final = {s["id"] for s in stored_scans(db)}
    assert final == stored | {after.json()["scan_id"]}
    assert integrity(db) == "ok"
