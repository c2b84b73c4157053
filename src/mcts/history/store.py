"""The history store: saved scans, per-server baselines and a small cache, in SQLite or PostgreSQL.

    async with await HistoryStore.open() as store:          # MCTS_DB_URL, else the user's SQLite file
        scan_id = await store.save_scan(report, identity=identity)
        stored = await store.get_scan(scan_id[:8])          # a unique prefix is enough

One save is one transaction: a scan and its items are there together or not at all, and a scan that
``save_scan`` returned survives the writer being killed. Many tasks and several processes may write to one
SQLite file at once (see ``mcts.history._db``). Errors are ``HistoryError`` (exit code 2), naming the database
with its password hidden; invalid arguments are ``ValueError``.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import anyio
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mcts.history import _records as rec
from mcts.history._db import AmbiguousScanIdError, Database, HistoryError
from mcts.history._records import Baseline, ScanRow, StoredScan
from mcts.history._tables import baselines, items, kv_cache, scans
from mcts.model.report import ScanReport

MIN_PREFIX = 4
MAX_IDENTITY_CHARS = 8192
MAX_CACHE_VALUE_BYTES = 1_048_576
_HEX = re.compile(r"[0-9a-f]{1,32}")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


def default_db_url(env: Mapping[str, str] = os.environ) -> str:
    """``MCTS_DB_URL`` when set, else a SQLite file: ``$XDG_DATA_HOME/mcts/history.db`` or ``~/.local/share/…``."""
    explicit = env.get("MCTS_DB_URL", "").strip()
    if explicit:
        return explicit
    from sqlalchemy.engine import URL

    return URL.create("sqlite+aiosqlite", database=str(default_db_path(env))).render_as_string(hide_password=False)


def default_db_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the default SQLite history file lives (a relative ``XDG_DATA_HOME`` is ignored, as the spec says)."""
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        base = Path(xdg)
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".local" / "share"
    return base / "mcts" / "history.db"


class HistoryStore:
    """Saved scans, baselines and a small cache. Build with :meth:`open`; close with :meth:`close` or ``async with``."""

    def __init__(self, database: Database, engine: AsyncEngine) -> None:
        self._db = database
        self._engine = engine
        # SQLite: one writer at a time in this process; other processes wait on SQLite's lock (busy timeout), tasks
        # here wait on this lock instead of polling that one. An in-memory database has one connection: all wait.
        self._write_lock = anyio.Lock()
        self._shared_connection = database.in_memory

    @classmethod
    async def open(cls, url: str | None = None) -> HistoryStore:
        """Open (creating if needed) the store at ``url`` (``None``: :func:`default_db_url`) and migrate it."""
        database = Database(url if url is not None else default_db_url())
        database.prepare()
        engine = database.engine()
        try:
            await database.migrate(engine)
        except BaseException:
            with anyio.CancelScope(shield=True):  # a cancelled open still closes what it opened
                await engine.dispose()
            raise
        return cls(database, engine)

    @property
    def url(self) -> str:
        """The store's URL with its password hidden."""
        return self._db.display()

    def __repr__(self) -> str:
        return f"HistoryStore({self.url!r})"

    async def close(self) -> None:
        """Close every connection (SQLite then folds its write-ahead log back into the file)."""
        await self._engine.dispose()

    async def __aenter__(self) -> HistoryStore:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def save_scan(self, report: ScanReport, *, identity: str, source: str = "cli") -> str:
        """Save ``report`` as a scan of the server ``identity``; return its id (32 hex characters)."""
        identity = _check_identity(identity)
        if not _SOURCE.fullmatch(source):
            raise ValueError(f"source must be a short lowercase label such as 'cli' or 'api', not {source!r}")
        scan_id = self._new_id()
        values = {"id": scan_id, "identity": rec.storable(identity), "identity_key": rec.sha256(identity),
                  "source": source, "created_at": datetime.now(UTC), **rec.scan_values(report)}
        rows = rec.item_rows(scan_id, report.inventory)
        async with self._writing("saving a scan") as connection:
            await connection.execute(scans.insert(), [values])
            if rows:
                await connection.execute(items.insert(), rows)
        return scan_id

    async def get_scan(self, scan_id: str) -> StoredScan | None:
        """The scan with this id or unique id prefix (at least 4 characters), or ``None``.

        Raises ``AmbiguousScanIdError`` when the prefix matches several scans.
        """
        async with self._reading("reading a scan") as connection:
            full = await self._resolve(connection, scan_id)
            if full is None:
                return None
            row = (await connection.execute(select(scans).where(scans.c.id == full))).one()
        return StoredScan(**rec.row_fields(row), report=rec.load_report(full, row.report))

    async def list_scans(
        self, *, identity: str | None = None, limit: int = 50, offset: int = 0, search: str | None = None
    ) -> list[ScanRow]:
        """Saved scans, newest first; ``identity`` exactly, or ``search`` as a substring of identity or target."""
        if not 0 <= limit <= 10_000 or offset < 0:
            raise ValueError("limit must be 0-10000 and offset at least 0")
        columns = [scans.c[name] for name in rec.ROW_COLUMNS]
        query = select(*columns).order_by(scans.c.created_at.desc(), scans.c.id.desc()).limit(limit).offset(offset)
        if identity is not None:
            query = query.where(scans.c.identity_key == rec.sha256(identity))
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(or_(scans.c.identity.like(pattern, escape="\\"),
                                    scans.c.target.like(pattern, escape="\\")))
        async with self._reading("listing scans") as connection:
            result = await connection.execute(query)
            return [ScanRow(**rec.row_fields(row)) for row in result]

    async def latest_scan(self, identity: str, *, inventory_hash: str | None = None) -> StoredScan | None:
        """The newest scan of ``identity`` (whose inventory hashes to ``inventory_hash``, when given), or ``None``."""
        query = select(scans).where(scans.c.identity_key == rec.sha256(identity))
        if inventory_hash is not None:
            query = query.where(scans.c.inventory_hash == inventory_hash)
        query = query.order_by(scans.c.created_at.desc(), scans.c.id.desc()).limit(1)
        async with self._reading("reading the latest scan") as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else StoredScan(**rec.row_fields(row), report=rec.load_report(row.id, row.report))

    async def item_hashes(self, scan_id: str) -> dict[str, str]:
        """``{"tools/<name>": "sha256:…", …}`` of a saved scan at strict sensitivity, in listing order.

        Equal to ``mcts.history.changes.item_hashes(inventory, ChangeSettings(sensitivity="strict"))`` of the
        scan's inventory, read without loading the report. Unknown scan: ``HistoryError``.
        """
        async with self._reading("reading item hashes") as connection:
            full = await self._resolve(connection, scan_id)
            if full is None:
                raise HistoryError(f"no scan {scan_id!r} in the history store {self.url}")
            query = (select(items.c.kind, items.c.name, items.c.content_hash)
                     .where(items.c.scan_id == full).order_by(items.c.position))
            return {f"{row.kind}/{row.name}": row.content_hash for row in await connection.execute(query)}

    async def count_scans(self, *, identity: str | None = None) -> int:
        """How many scans are saved (of ``identity``, when given)."""
        query = select(func.count()).select_from(scans)
        if identity is not None:
            query = query.where(scans.c.identity_key == rec.sha256(identity))
        async with self._reading("counting scans") as connection:
            return int((await connection.execute(query)).scalar_one())

    async def get_baseline(self, identity: str) -> Baseline | None:
        """The scan the server ``identity`` is compared with, or ``None`` when it has no baseline yet."""
        query = (select(baselines.c.identity, baselines.c.scan_id, baselines.c.updated_at, scans.c.report)
                 .join(scans, scans.c.id == baselines.c.scan_id)
                 .where(baselines.c.identity_key == rec.sha256(identity)))
        async with self._reading("reading a baseline") as connection:
            row = (await connection.execute(query)).one_or_none()
        if row is None:
            return None
        return Baseline(identity=row.identity, scan_id=row.scan_id, updated_at=row.updated_at,
                        report=rec.load_report(row.scan_id, row.report))

    async def set_baseline(self, identity: str, scan_id: str) -> None:
        """Make the saved scan ``scan_id`` (or a unique prefix of it) the baseline of the server ``identity``."""
        identity = _check_identity(identity)
        async with self._writing("setting a baseline") as connection:
            full = await self._resolve(connection, scan_id)
            if full is None:
                raise HistoryError(f"no scan {scan_id!r} in the history store {self.url}")
            values = {"identity_key": rec.sha256(identity), "identity": rec.storable(identity), "scan_id": full,
                      "updated_at": datetime.now(UTC)}
            await connection.execute(self._upsert(baselines, values, ("identity_key",), ("scan_id", "updated_at")))

    async def cache_get(self, namespace: str, key: str) -> bytes | None:
        """The cached value under ``namespace``/``key``, or ``None``."""
        _check_cache_key(namespace, key)
        query = select(kv_cache.c.value).where(kv_cache.c.namespace == namespace, kv_cache.c.key == key)
        async with self._reading("reading the cache") as connection:
            value = (await connection.execute(query)).scalar_one_or_none()
        return bytes(value) if value is not None else None

    async def cache_put(self, namespace: str, key: str, value: bytes) -> None:
        """Store ``value`` (at most 1 MiB) under ``namespace``/``key``, replacing what was there."""
        _check_cache_key(namespace, key)
        if len(value) > MAX_CACHE_VALUE_BYTES:
            raise ValueError(f"cache values are at most {MAX_CACHE_VALUE_BYTES} bytes, not {len(value)}")
        values = {"namespace": namespace, "key": key, "value": bytes(value), "created_at": datetime.now(UTC)}
        async with self._writing("writing the cache") as connection:
            await connection.execute(self._upsert(kv_cache, values, ("namespace", "key"), ("value", "created_at")))

    def _new_id(self) -> str:
        return uuid.uuid4().hex

    async def _resolve(self, connection: AsyncConnection, scan_id: str) -> str | None:
        key = scan_id.strip().lower()
        if not _HEX.fullmatch(key):
            return None
        if len(key) < MIN_PREFIX:
            raise HistoryError(f"scan id prefix {key!r} is too short: give at least {MIN_PREFIX} characters")
        match = scans.c.id == key if len(key) == 32 else scans.c.id.like(key + "%")
        query = select(scans.c.id).where(match).order_by(scans.c.id).limit(2)
        found = list((await connection.execute(query)).scalars())
        if len(found) > 1:
            raise AmbiguousScanIdError(f"scan id prefix {key!r} matches several scans: give more characters")
        return found[0] if found else None

    def _upsert(self, table: Any, values: dict[str, Any], keys: tuple[str, ...], updates: tuple[str, ...]) -> Any:
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = insert(table).values(**values)
        return statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: statement.excluded[name] for name in updates}
        )

    @contextlib.asynccontextmanager
    async def _transaction(self, doing: str, *, write: bool) -> AsyncIterator[AsyncConnection]:
        """One transaction, committed on success; database errors become ``HistoryError``."""
        async with self._db.errors(doing), contextlib.AsyncExitStack() as stack:
            if (write and self._db.is_sqlite) or self._shared_connection:
                await stack.enter_async_context(self._write_lock)
            if write:
                connection = await stack.enter_async_context(self._db.writing(self._engine))
            else:
                connection = await stack.enter_async_context(self._engine.begin())
            yield connection

    def _writing(self, doing: str) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        return self._transaction(doing, write=True)

    def _reading(self, doing: str) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        return self._transaction(doing, write=False)


def _check_identity(identity: str) -> str:
    if not isinstance(identity, str) or not identity.strip():
        raise ValueError("a server identity is a non-empty string")
    if len(identity) > MAX_IDENTITY_CHARS:
        raise ValueError(f"a server identity is at most {MAX_IDENTITY_CHARS} characters")
    return identity


def _check_cache_key(namespace: str, key: str) -> None:
    if not 0 < len(namespace) <= 64 or not 0 < len(key) <= 512:
        raise ValueError("cache namespaces are 1-64 characters and keys 1-512 (hash longer keys)")
