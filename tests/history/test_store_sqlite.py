"""SQLite specifics: where the default file lives and with which permissions, WAL, URLs, and broken files."""

from __future__ import annotations

import contextlib
import sqlite3
import stat
from pathlib import Path

import pytest

from mcts.history import HistoryError, HistoryStore, default_db_url
from mcts.history.store import default_db_path
from mcts.model.report import ScanReport

pytestmark = pytest.mark.anyio


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_default_url_follows_mcts_db_url_then_xdg_then_home(tmp_path: Path) -> None:
    assert default_db_url({"MCTS_DB_URL": " postgresql+asyncpg://u@h/db ", "XDG_DATA_HOME": "/x"}) == \
        "postgresql+asyncpg://u@h/db"
    assert default_db_url({"XDG_DATA_HOME": str(tmp_path), "HOME": "/home/u"}) == \
        f"sqlite+aiosqlite:///{tmp_path}/mcts/history.db"
    assert default_db_path({"XDG_DATA_HOME": "relative/dir", "HOME": "/home/u"}) == \
        Path("/home/u/.local/share/mcts/history.db")  # a relative XDG_DATA_HOME is invalid: ignored
    assert default_db_path({"MCTS_DB_URL": "", "HOME": "/home/u"}) == Path("/home/u/.local/share/mcts/history.db")
    odd = tmp_path / "a dir?#%"
    assert default_db_url({"XDG_DATA_HOME": str(odd)}).endswith("/a dir%3F%23%25/mcts/history.db")


async def test_the_default_store_is_private_and_in_wal_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan_report: ScanReport
) -> None:
    monkeypatch.delenv("MCTS_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    async with await HistoryStore.open() as store:
        await store.save_scan(scan_report, identity="s")
        assert store.url == f"sqlite+aiosqlite:///{tmp_path}/data/mcts/history.db"
    path = tmp_path / "data" / "mcts" / "history.db"
    assert mode(tmp_path / "data") == 0o700
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    with contextlib.closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT count(*) FROM scans").fetchone() == (1,)


async def test_an_existing_directory_keeps_its_permissions(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    async with await HistoryStore.open(f"sqlite:///{tmp_path / 'h.db'}") as store:  # plain sqlite:// accepted
        assert store.url.startswith("sqlite+aiosqlite:///")
    assert mode(tmp_path) == 0o755


async def test_an_in_memory_store_works(scan_report: ScanReport) -> None:
    async with await HistoryStore.open("sqlite+aiosqlite://") as store:
        scan_id = await store.save_scan(scan_report, identity="s")
        stored = await store.get_scan(scan_id)
        assert stored is not None and stored.report == scan_report


async def test_a_corrupt_file_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    garbage = b"this is not a database, " * 200
    path.write_bytes(garbage)
    with pytest.raises(HistoryError) as caught:
        await HistoryStore.open(f"sqlite+aiosqlite:///{path}")
    message = str(caught.value)
    assert f"the history database {path} is corrupt or not a SQLite database" in message
    assert "move it aside" in message and "MCTS_DB_URL" in message
    assert path.read_bytes() == garbage


async def test_a_damaged_database_is_a_clear_error(tmp_path: Path, scan_report: ScanReport) -> None:
    path = tmp_path / "history.db"
    async with await HistoryStore.open(f"sqlite+aiosqlite:///{path}") as store:
        for _ in range(3):
            await store.save_scan(scan_report, identity="s")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="corrupt or not a SQLite database"):
        async with await HistoryStore.open(f"sqlite+aiosqlite:///{path}") as store:
            await store.list_scans()


async def test_unusable_paths_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=f"the history database {tmp_path} is a directory"):
        await HistoryStore.open(f"sqlite+aiosqlite:///{tmp_path}")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(HistoryError, match=f"cannot create the history database {blocker}/h.db: .*MCTS_DB_URL"):
        await HistoryStore.open(f"sqlite+aiosqlite:///{blocker / 'h.db'}")


@pytest.mark.parametrize(("url", "expected"), [
    ("mysql://root:hunter2@db/mcts", "unsupported history store URL scheme 'mysql'"),
    ("postgresql+psycopg://u:hunter2@h/db", "unsupported history store URL scheme 'postgresql+psycopg'"),
    ("not a url :// hunter2", "not a database URL"),
])
async def test_unsupported_urls_are_refused_without_echoing_secrets(url: str, expected: str) -> None:
    with pytest.raises(HistoryError, match="sqlite\\+aiosqlite:///PATH or postgresql\\+asyncpg://") as caught:
        await HistoryStore.open(url)
    assert expected in str(caught.value)
    assert "hunter2" not in str(caught.value)
