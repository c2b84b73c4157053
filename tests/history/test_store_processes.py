"""Several processes writing to one store at once, and a writer killed with SIGKILL in the middle of its saves."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest

from mcts.history import HistoryStore
from mcts.model.report import ScanReport

REPO = Path(__file__).resolve().parents[2]
WRITER = """
import sys
import anyio
from mcts.history import HistoryStore
from mcts.model.report import ScanReport

async def main(url: str, count: int, report_path: str, tag: str) -> None:
    report = ScanReport.model_validate_json(open(report_path, encoding="utf-8").read())
    async with await HistoryStore.open(url) as store:
        n = 0
        while count < 0 or n < count:
            scan_id = await store.save_scan(report, identity=f"{tag}-{n % 3}")
            print(scan_id, flush=True)  # only after the commit returned
            n += 1

anyio.run(main, sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
"""


def writer(url: str, count: int, report_path: Path, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, str(count), str(report_path), tag], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def report_file(tmp_path: Path, scan_report: ScanReport) -> Path:
    path = tmp_path / "report.json"
    path.write_text(scan_report.model_dump_json(), encoding="utf-8")
    return path


def test_four_processes_saving_at_once_lose_nothing(db_url: str, report_file: Path) -> None:
    # The store does not exist yet: the four processes also race to create and migrate it.
    processes = [writer(db_url, 25, report_file, f"proc{n}") for n in range(4)]
    reported: list[str] = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "locked" not in err
        reported += out.split()
    assert len(reported) == len(set(reported)) == 100

    async def check() -> None:
        async with await HistoryStore.open(db_url) as store:
            assert await store.count_scans() == 100
            assert {row.id for row in await store.list_scans(limit=1000)} == set(reported)
            assert await store.count_scans(identity="proc2-1") == 8

    anyio.run(check)


def test_a_committed_scan_survives_kill_9_of_its_writer(tmp_path: Path, report_file: Path,
                                                        scan_report: ScanReport) -> None:
    path = tmp_path / "history.db"
    url = f"sqlite+aiosqlite:///{path}"
    process = writer(url, -1, report_file, "crash")
    watchdog = threading.Timer(120, process.kill)  # a hung writer fails the test instead of hanging it
    watchdog.start()
    reported: list[str] = []
    try:
        assert process.stdout is not None
        while len(reported) < 40:
            line = process.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        os.kill(process.pid, signal.SIGKILL)  # most likely in the middle of the next save
        out, err = process.communicate(timeout=60)
    finally:
        watchdog.cancel()
    reported += out.split()
    assert process.returncode == -signal.SIGKILL, err
    assert len(reported) >= 40, err
    assert Path(f"{path}-wal").exists()  # killed before it could fold its log back: recovery is exercised

    with contextlib.closing(sqlite3.connect(path)) as raw:  # an independent reader: the file itself is sound
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []

    async def check() -> None:
        async with await HistoryStore.open(url) as store:
            for scan_id in reported:
                stored = await store.get_scan(scan_id)
                assert stored is not None, f"scan {scan_id} was reported committed but is gone"
                assert stored.report == scan_report
            assert len(await store.item_hashes(reported[-1])) == 7
            assert await store.count_scans() in (len(reported), len(reported) + 1)  # + one committed, unreported

    anyio.run(check)
