"""Database plumbing of the history store: URLs, engines, SQLite settings, migrations on open, error messages.

SQLite (``sqlite+aiosqlite``) runs in WAL mode with a 30 s busy timeout and ``synchronous=FULL``; SQLAlchemy
emits ``BEGIN`` itself (the driver's implicit transactions are off) so that writes start with ``BEGIN
IMMEDIATE``: a writer takes the write lock before it reads anything, and waits for it (busy timeout) instead
of failing with "database is locked" when another process committed in between. PostgreSQL
(``postgresql+asyncpg``) serializes concurrent migrations with an advisory lock.

Every error leaving this module is a ``HistoryError`` that names the database with its password hidden.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from mcts.errors import MctsError

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"
BUSY_TIMEOUT_SECONDS = 30
PG_CONNECT_TIMEOUT_SECONDS = 10
_PG_MIGRATION_LOCK = 0x6D637473  # "mcts": pg_advisory_xact_lock key held while migrating
_ALIASES = {
    "sqlite": SQLITE_DRIVER, "sqlite+pysqlite": SQLITE_DRIVER, SQLITE_DRIVER: SQLITE_DRIVER,
    "postgresql": POSTGRES_DRIVER, "postgres": POSTGRES_DRIVER, POSTGRES_DRIVER: POSTGRES_DRIVER,
}
_URL_HELP = "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:PORT/DATABASE"
_WRITE = "mcts_write"  # execution option: begin with BEGIN IMMEDIATE on SQLite


class HistoryError(MctsError):
    """The history store cannot be opened or used; the message names the database (password hidden)."""


class AmbiguousScanIdError(HistoryError):
    """A scan id prefix matches more than one scan."""


class Database:
    """A normalized history store URL and what to do with it."""

    def __init__(self, raw: str) -> None:
        try:
            url = make_url(raw.strip())
        except (ArgumentError, ValueError):
            raise HistoryError(f"the history store URL is not a database URL: {_URL_HELP}") from None
        driver = _ALIASES.get(url.drivername)
        if driver is None:
            raise HistoryError(f"unsupported history store URL scheme {url.drivername!r}: {_URL_HELP}")
        self.url: URL = url.set(drivername=driver)
        self.is_sqlite = driver == SQLITE_DRIVER
        database = self.url.database
        self.in_memory = self.is_sqlite and database in (None, "", ":memory:")
        self.path: Path | None = None
        if self.is_sqlite and database and not self.in_memory:
            self.path = Path(database).expanduser().absolute()
            self.url = self.url.set(database=str(self.path))

    def display(self) -> str:
        """The URL with its password hidden: the only form that may appear in a message or a log."""
        return self.url.render_as_string(hide_password=True)

    def scrub(self, message: str) -> str:
        """``message`` with the URL's password removed, should a driver ever echo it."""
        password = self.url.password
        if password:
            message = message.replace(str(password), "***")
        return message

    def prepare(self) -> None:
        """SQLite: create the directory (0700) and the file (0600) if missing; PostgreSQL: check the driver."""
        if not self.is_sqlite:
            if importlib.util.find_spec("asyncpg") is None:
                raise HistoryError("a PostgreSQL history store needs the asyncpg driver: pip install 'mcts[postgres]'")
            return
        if self.path is None:
            return
        if self.path.is_dir():
            raise HistoryError(f"the history database {self.path} is a directory: give a file path")
        try:
            _make_private_dirs(self.path.parent)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise HistoryError(
                f"cannot create the history database {self.path}: {exc.strerror or exc}; set MCTS_DB_URL to a "
                "writable location"
            ) from None

    def engine(self) -> AsyncEngine:
        """An async engine configured for this database."""
        if not self.is_sqlite:
            try:
                return create_async_engine(
                    self.url, hide_parameters=True, pool_pre_ping=True,
                    connect_args={"timeout": PG_CONNECT_TIMEOUT_SECONDS,
                                  "server_settings": {"application_name": "mcts"}},
                )
            except ImportError:
                raise HistoryError(
                    "a PostgreSQL history store needs the asyncpg driver: pip install 'mcts[postgres]'"
                ) from None
        extra: dict[str, Any] = {"poolclass": StaticPool} if self.in_memory else {}
        engine = create_async_engine(
            self.url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, **extra
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine

    @contextlib.asynccontextmanager
    async def errors(self, doing: str) -> AsyncIterator[None]:
        """Turn database and connection errors raised inside into a ``HistoryError`` saying what failed."""
        try:
            yield
        except HistoryError:
            raise
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            raise HistoryError(self.scrub(self._explain(exc, doing))) from None

    def _explain(self, exc: BaseException, doing: str) -> str:
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]
        if self.is_sqlite and any(s in detail for s in ("not a database", "malformed", "file is encrypted")):
            return (f"the history database {self.path} is corrupt or not a SQLite database ({detail}): move it "
                    "aside (mcts then starts a new one) or set MCTS_DB_URL")
        if self.is_sqlite and "locked" in detail:
            return (f"the history database {self.path} stayed locked by another process for more than "
                    f"{BUSY_TIMEOUT_SECONDS} s while {doing}: try again")
        if not self.is_sqlite and isinstance(cause, OSError | TimeoutError):
            return f"cannot connect to the history database {self.display()} ({detail}): is PostgreSQL running there?"
        return f"history database {self.display()}: {doing} failed: {detail}"

    @contextlib.asynccontextmanager
    async def writing(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on exit."""
        async with engine.execution_options(**{_WRITE: True}).begin() as connection:
            yield connection

    async def migrate(self, engine: AsyncEngine) -> None:
        """Bring the schema to the newest revision; concurrent openers (tasks or processes) wait for each other."""
        from mcts.history.migrations import upgrade_to_head

        async with self.errors("opening the history store"), self.writing(engine) as connection:
            if not self.is_sqlite:
                await connection.execute(text("SET LOCAL lock_timeout = '60s'"))
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            await connection.run_sync(upgrade_to_head)


def _make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and any missing parents with mode 0700 (the XDG rule for data directories)."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is narrowed by the umask only; make it exact


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
