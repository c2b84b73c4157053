"""PostgreSQL specifics: URL forms, the missing driver, and connection errors that never show the password."""

from __future__ import annotations

import sys

import pytest

from mcts.history import HistoryError, HistoryStore
from mcts.model.report import ScanReport
from tests.history.conftest import USER, Postgres
from tests.servers.launch import free_port

pytestmark = pytest.mark.anyio

PASSWORD = "s3cr3t-Pa55"


async def test_plain_postgres_urls_use_asyncpg_and_close_leaves_no_connection(
    postgres: Postgres, postgres_url: str, scan_report: ScanReport
) -> None:
    plain = postgres_url.replace("postgresql+asyncpg://", "postgres://")
    async with await HistoryStore.open(plain) as store:
        assert store.url.startswith("postgresql+asyncpg://mcts_test:***@127.0.0.1:")
        assert postgres.password not in store.url and postgres.password not in repr(store)
        scan_id = await store.save_scan(scan_report, identity="s")
    database = postgres_url.rsplit("/", 1)[1]
    assert postgres.psql(f"SELECT identity, status FROM scans WHERE id = '{scan_id}'", database) == \
        f"s|{scan_report.status.value}"
    assert postgres.psql("SELECT application_name FROM pg_stat_activity WHERE application_name = 'mcts'") == ""


async def test_a_wrong_password_is_a_clear_error_without_the_password(postgres: Postgres) -> None:
    url = postgres.url("postgres", password=PASSWORD)
    with pytest.raises(HistoryError) as caught:
        await HistoryStore.open(url)
    message = str(caught.value)
    assert f"postgresql+asyncpg://{USER}:***@127.0.0.1:{postgres.port}/postgres" in message
    assert "password authentication failed" in message
    assert PASSWORD not in message


async def test_a_missing_database_is_a_clear_error(postgres: Postgres) -> None:
    with pytest.raises(HistoryError, match='database "no_such_db" does not exist') as caught:
        await HistoryStore.open(postgres.url("no_such_db"))
    assert postgres.password not in str(caught.value)


async def test_an_unreachable_server_is_a_clear_error_with_the_url_redacted() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(HistoryError) as caught:
        await HistoryStore.open(f"postgresql+asyncpg://scanner:{PASSWORD}@127.0.0.1:{port}/history")
    message = str(caught.value)
    assert message.startswith(f"cannot connect to the history database postgresql+asyncpg://scanner:***@127.0.0.1:"
                              f"{port}/history")
    assert "is PostgreSQL running there?" in message
    assert PASSWORD not in message


async def test_without_asyncpg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # what an installation without the extra looks like
    with pytest.raises(HistoryError, match=r"needs the asyncpg driver: pip install 'mcts\[postgres\]'") as caught:
        await HistoryStore.open(f"postgresql+asyncpg://scanner:{PASSWORD}@127.0.0.1:5432/history")
    assert PASSWORD not in str(caught.value)
