"""Alembic migrations of the history store, run from ``HistoryStore.open``: no ``alembic.ini`` is needed.

``upgrade_to_head(connection)`` runs inside the caller's transaction, so the caller decides how concurrent
openers are serialized (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock). The revision is kept in
the ``mcts_schema_version`` table rather than alembic's default ``alembic_version``, so a PostgreSQL database
shared with another alembic-managed application does not mix the two histories.

Adding a revision from a checkout::

    python -c "from alembic import command; from mcts.history.migrations import alembic_config; \\
    command.revision(alembic_config(url='sqlite+aiosqlite:///dev.db'), 'what changed', autogenerate=True)"
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from mcts.history._db import HistoryError

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "mcts_schema_version"


def alembic_config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    """An alembic ``Config`` for these migrations, bound to ``connection`` (or to ``url`` for the alembic CLI)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this version of mcts knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise HistoryError(f"no history migrations found in {MIGRATIONS_DIR}: the mcts installation is incomplete")
    return head


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions recorded in the database (empty for a database this store never touched)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return tuple(context.get_current_heads())


def upgrade_to_head(connection: Connection) -> None:
    """Bring the schema to the head revision inside the caller's transaction; refuse a newer schema."""
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revisions(connection)
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = sorted(set(current) - known)
    if unknown:
        raise HistoryError(
            f"the history database has schema revision {', '.join(unknown)}, newer than this mcts knows "
            f"({head_revision()}): upgrade mcts, or point MCTS_DB_URL at another database"
        )
    if set(current) == set(script.get_heads()):
        return
    command.upgrade(alembic_config(connection), "head")


def downgrade(connection: Connection, revision: str) -> None:
    """Downgrade the schema to ``revision`` (``"base"``: drop everything) inside the caller's transaction."""
    command.downgrade(alembic_config(connection), revision)
