"""The API's history store: one per app, opened on first use, closed when the app stops.

Both API surfaces save every scan they run here (``source="api"``); the Ramparts surface also keeps each
server's baseline here. The store is ``ApiSettings.db_url`` (``MCTS_DB_URL``), else the user's SQLite file.
It is opened lazily, inside the server's event loop, so an app that never scans never creates a database;
an open that fails is retried by the next request, and its error (password hidden) is what the caller sees.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio

if TYPE_CHECKING:
    from mcts.history.store import HistoryStore
    from mcts.model.report import ScanReport

log = logging.getLogger("mcts.api")


class HistoryState:
    """The app's history store, opened at most once (concurrent first uses wait for the same open)."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._store: HistoryStore | None = None
        self._lock: anyio.Lock | None = None

    async def store(self) -> HistoryStore:
        """The open store; raises ``HistoryError`` when it cannot be opened (the next call tries again)."""
        if self._store is not None:
            return self._store
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            if self._store is None:
                from mcts.history.store import HistoryStore

                self._store = await HistoryStore.open(self.url)
                log.info("history store %s", self._store.url)
            return self._store

    async def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            store, self._store = self._store, None
            await store.close()


def history_state(app: Any) -> HistoryState:
    """The ``HistoryState`` of ``app`` (made on first use from its ``ApiSettings``)."""
    state: HistoryState | None = getattr(app.state, "mcts_history", None)
    if state is None:
        settings = app.state.mcts.settings
        url = settings.db_url.get_secret_value() if settings.db_url is not None else None
        state = app.state.mcts_history = HistoryState(url or None)
    return state


@asynccontextmanager
async def history_lifespan(app: Any) -> AsyncIterator[None]:
    """Lifespan of the routers that use the store: close it when the server stops."""
    try:
        yield
    finally:
        state: HistoryState | None = getattr(app.state, "mcts_history", None)
        if state is not None:
            with anyio.CancelScope(shield=True):
                await state.close()


async def save_report(app: Any, report: ScanReport, identity: str) -> tuple[str | None, str | None]:
    """Save ``report`` under ``identity``: ``(scan_id, None)``, or ``(None, why not)`` when the store failed."""
    from mcts.history import HistoryError

    try:
        store = await history_state(app).store()
        scan_id = await store.save_scan(report, identity=identity, source="api")
    except (HistoryError, ValueError) as exc:
        log.warning("a scan (%s target) was not saved to the history store: %s", report.target.kind, exc)
        return None, f"the scan was not saved to the history store: {exc}"
    log.info("saved scan %s (%s target)", scan_id, report.target.kind)  # targets are never logged
    return scan_id, None


async def save_scan_report(app: Any, target: Any, report: ScanReport) -> str | None:
    """Save a scan of the MCTS surface (never fails the request: a store error is logged); its id or ``None``."""
    from mcts.history.identity import server_identity

    info = report.inventory.server_info
    scan_id, _ = await save_report(app, report, server_identity(target, info.name if info else None))
    return scan_id
