"""The first history schema: scans, items, baselines, kv_cache.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables and their indexes."""
    op.create_table(
        "scans",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("identity_key", sa.String(64), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("max_severity", sa.String(16), nullable=True),
        *(sa.Column(f"findings_{name}", sa.Integer(), nullable=False)
          for name in ("total", "critical", "high", "medium", "low", "info", "suppressed")),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("security_score", sa.Integer(), nullable=True),
        sa.Column("risk_level", sa.String(32), nullable=True),
        sa.Column("inventory_hash", sa.String(64), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scans")),
    )
    op.create_index("ix_scans_identity_key_created_at", "scans", ["identity_key", "created_at"])
    op.create_index("ix_scans_created_at", "scans", ["created_at"])
    op.create_table(
        "items",
        sa.Column("scan_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], name=op.f("fk_items_scan_id_scans"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("scan_id", "kind", "position", name=op.f("pk_items")),
    )
    op.create_index("ix_items_kind_name_key", "items", ["kind", "name_key"])
    op.create_table(
        "baselines",
        sa.Column("identity_key", sa.String(64), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("scan_id", sa.String(32), nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name=op.f("fk_baselines_scan_id_scans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("identity_key", name=op.f("pk_baselines")),
    )
    op.create_index("ix_baselines_scan_id", "baselines", ["scan_id"])
    op.create_table(
        "kv_cache",
        sa.Column("namespace", sa.String(64), nullable=False),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("namespace", "key", name=op.f("pk_kv_cache")),
    )


def downgrade() -> None:
    """Drop everything ``upgrade`` created."""
    op.drop_table("kv_cache")
    op.drop_index("ix_baselines_scan_id", table_name="baselines")
    op.drop_table("baselines")
    op.drop_index("ix_items_kind_name_key", table_name="items")
    op.drop_table("items")
    op.drop_index("ix_scans_created_at", table_name="scans")
    op.drop_index("ix_scans_identity_key_created_at", table_name="scans")
    op.drop_table("scans")
