"""The judge's verdict cache: an unchanged item judged by the same model with the same prompt is not sent again.

Keys are ``JudgeItem.digest`` (sha256 of the prompt version, the model and the item's content); values are
the verdicts as answered (without request-local ids), checked again on every read. ``VerdictCache`` is the
interface (``get``, ``put``, ``close``); ``open_cache`` picks the store:

- ``llm_cache: false``: none;
- ``llm_cache_dir`` set: ``SqliteVerdictCache``, the file ``llm-judge.sqlite3`` in that directory;
- else, when the scan uses the history store (``db_url`` / ``MCTS_DB_URL`` set, or ``save``): its key-value
  cache, namespace ``llm-judge`` (``HistoryVerdictCache``), in SQLite or PostgreSQL;
- else ``SqliteVerdictCache`` under ``$XDG_CACHE_HOME/mcts`` (``~/.cache/mcts`` when unset).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import JsonValue

from mcts.options import ScanOptions

if TYPE_CHECKING:
    from mcts.history.store import HistoryStore

CACHE_FILE = "llm-judge.sqlite3"
NAMESPACE = "llm-judge"
COMMIT_EVERY = 1.0  # seconds between SQLite commits while verdicts arrive; close() commits the rest


class CacheError(Exception):
    """The cache cannot be opened, read or written; the message names the store and what to do."""


class VerdictCache(Protocol):
    """Where verdicts are kept between runs."""

    async def get(self, key: str) -> JsonValue | None:
        """The stored verdicts for ``key``, or ``None``."""
        ...

    async def put(self, key: str, verdicts: JsonValue) -> None:
        """Store ``verdicts`` for ``key``, replacing what was there."""
        ...

    async def close(self) -> None:
        """Make what was stored durable and release the store."""
        ...


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/mcts`` when set to an absolute path, else ``~/.cache/mcts``."""
    environ = os.environ if env is None else env
    xdg = environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "mcts"


async def open_cache(options: ScanOptions) -> VerdictCache | None:
    """The cache ``options`` ask for (see the module docstring), opened; ``None`` when caching is off."""
    if not options.llm_cache:
        return None
    if options.llm_cache_dir is None and (options.db_url or options.save):
        return await HistoryVerdictCache.open(options.db_url)
    return SqliteVerdictCache(options.llm_cache_dir or default_cache_dir())


class SqliteVerdictCache:
    """Verdicts in one SQLite file, used from the judge's event loop (local and fast: no thread hop).

    Writes are committed at most every ``COMMIT_EVERY`` seconds and on ``close``, not one by one: a commit
    per verdict would cost more than the judging on a large server.
    """

    def __init__(self, directory: Path) -> None:
        self.path = directory / CACHE_FILE
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._db = sqlite3.connect(self.path, timeout=10)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, verdicts TEXT NOT NULL, stored REAL)"
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(self._explain("open", exc)) from None
        self._committed = time.monotonic()

    async def get(self, key: str) -> JsonValue | None:
        """The stored verdicts for ``key``, or ``None`` (an unreadable entry is a miss)."""
        try:
            row = self._db.execute("SELECT verdicts FROM verdicts WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise CacheError(self._explain("read", exc)) from None
        return None if row is None else _loads(row[0])

    async def put(self, key: str, verdicts: JsonValue) -> None:
        """Store ``verdicts`` for ``key``."""
        try:
            self._db.execute("INSERT OR REPLACE INTO verdicts (key, verdicts, stored) VALUES (?, ?, ?)",
                             (key, json.dumps(verdicts, ensure_ascii=False), time.time()))
            if time.monotonic() - self._committed >= COMMIT_EVERY:
                self._commit()
        except sqlite3.Error as exc:
            raise CacheError(self._explain("write", exc)) from None

    async def close(self) -> None:
        """Commit what was stored and close the file."""
        try:
            self._commit()
        except sqlite3.Error as exc:
            raise CacheError(self._explain("write", exc)) from None
        finally:
            self._db.close()

    def _commit(self) -> None:
        self._db.commit()
        self._committed = time.monotonic()

    def _explain(self, action: str, exc: Exception) -> str:
        return (f"cannot {action} the LLM judge cache {self.path}: {exc}; delete the file, point llm_cache_dir "
                f"(MCTS_LLM_CACHE_DIR) elsewhere or turn the cache off with llm_cache: false")


class HistoryVerdictCache:
    """Verdicts in the history store's key-value cache (namespace ``llm-judge``)."""

    def __init__(self, store: HistoryStore) -> None:
        self._store = store

    @classmethod
    async def open(cls, url: str | None) -> HistoryVerdictCache:
        """Open the history store at ``url`` (``None``: its default)."""
        from mcts.history import HistoryError, HistoryStore  # SQLAlchemy is loaded only when this store is used

        try:
            return cls(await HistoryStore.open(url))
        except HistoryError as exc:
            raise CacheError(_history_problem(str(exc))) from None

    async def get(self, key: str) -> JsonValue | None:
        """The stored verdicts for ``key``, or ``None``."""
        from mcts.history import HistoryError

        try:
            value = await self._store.cache_get(NAMESPACE, key)
        except HistoryError as exc:
            raise CacheError(_history_problem(str(exc))) from None
        return None if value is None else _loads(value.decode("utf-8", "replace"))

    async def put(self, key: str, verdicts: JsonValue) -> None:
        """Store ``verdicts`` for ``key``."""
        from mcts.history import HistoryError

        try:
            await self._store.cache_put(NAMESPACE, key, json.dumps(verdicts, ensure_ascii=False).encode())
        except HistoryError as exc:
            raise CacheError(_history_problem(str(exc))) from None

    async def close(self) -> None:
        """Close the store's connections."""
        await self._store.close()


def _history_problem(message: str) -> str:
    return (f"the LLM judge cannot use the history store as its cache: {message}; fix the store (db_url), set "
            f"llm_cache_dir to cache in a file instead, or turn the cache off with llm_cache: false")


def _loads(text: str) -> JsonValue | None:
    try:
        value: JsonValue = json.loads(text)
    except ValueError:
        return None
    return value
