"""The schema: migration 0001 creates exactly the models' tables, records its revision, and can be undone."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from mcts.history import HistoryError, HistoryStore
from mcts.history._tables import metadata
from mcts.history.migrations import VERSION_TABLE, current_revisions, downgrade, head_revision

pytestmark = pytest.mark.anyio

TABLES = {"scans", "items", "baselines", "kv_cache", VERSION_TABLE}


def schema(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        "tables": set(inspector.get_table_names()),
        "scan_indexes": {i["name"]: i["column_names"] for i in inspector.get_indexes("scans")},
        "scan_columns": {c["name"] for c in inspector.get_columns("scans")},
        "item_pk": inspector.get_pk_constraint("items")["constrained_columns"],
        "cache_pk": inspector.get_pk_constraint("kv_cache")["constrained_columns"],
        "baseline_fks": [(fk["referred_table"], fk["constrained_columns"]) for fk in inspector.get_foreign_keys(
            "baselines")],
    }


def differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE, "compare_type": True})
    return [d for d in compare_metadata(context, metadata) if not (d[0] == "remove_table" and d[1].name ==
                                                                    VERSION_TABLE)]


async def test_open_creates_the_whole_schema_at_head(db_url: str) -> None:
    async with await HistoryStore.open(db_url) as store, store._engine.connect() as connection:
        found = await connection.run_sync(schema)
        revisions = await connection.run_sync(current_revisions)
        diff = await connection.run_sync(differences)
    assert found["tables"] >= TABLES
    assert found["scan_indexes"]["ix_scans_identity_key_created_at"] == ["identity_key", "created_at"]
    assert {"id", "identity", "target", "target_kind", "status", "source", "created_at", "max_severity",
            "findings_critical", "score", "security_score", "report", "inventory_hash"} <= found["scan_columns"]
    assert found["item_pk"] == ["scan_id", "kind", "position"]
    assert found["cache_pk"] == ["namespace", "key"]
    assert found["baseline_fks"] == [("scans", ["scan_id"])]
    assert revisions == (head_revision(),) == ("0001",)
    assert diff == [], "the models and migration 0001 disagree"


async def test_opening_twice_changes_nothing_and_downgrade_undoes_everything(db_url: str) -> None:
    await (await HistoryStore.open(db_url)).close()  # the first open migrates
    async with await HistoryStore.open(db_url) as store:
        async with store._engine.begin() as connection:
            assert await connection.run_sync(current_revisions) == ("0001",)
            await connection.run_sync(downgrade, "base")
        async with store._engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert tables & TABLES <= {VERSION_TABLE}
    async with await HistoryStore.open(db_url) as store, store._engine.connect() as connection:
        assert await connection.run_sync(lambda c: set(inspect(c).get_table_names())) >= TABLES


async def test_a_newer_schema_is_refused_with_advice(db_url: str) -> None:
    async with await HistoryStore.open(db_url) as store, store._engine.begin() as connection:
        await connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(HistoryError, match=r"schema revision 9999, newer than this mcts knows \(0001\): upgrade mcts"):
        await HistoryStore.open(db_url)
