"""The history store's tables (SQLAlchemy 2 declarative). Migration ``0001`` creates exactly this schema.

- ``scans``: one row per saved report, with the columns lists and filters need (identity, status, counts,
  scores) and the full report as JSON text;
- ``items``: one row per tool, prompt, resource, resource template and server instructions of a scan, with a
  content hash, so "what changed" can be asked without parsing reports;
- ``baselines``: per server identity, the scan that server is compared with;
- ``kv_cache``: a small key-value cache (e.g. the LLM judge's verdicts).

Identities and item names are text a scanned server or an operator controls and can be long, so they are
indexed through their SHA-256 (``identity_key``) rather than directly (PostgreSQL's btree rows are capped at
about 2.7 kB). The report is stored as ASCII JSON text, not ``JSONB``: ``JSONB`` rejects ``\\u0000``, which a
hostile server may put in any string, and text keeps the report byte-for-byte as saved.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC ``datetime``: SQLite keeps no zone, so values are stored and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the history tables."""

    metadata = MetaData(naming_convention=NAMING)


class ScanRecord(Base):
    """One saved scan report."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_identity_key_created_at", "identity_key", "created_at"),
                      Index("ix_scans_created_at", "created_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    identity: Mapped[str] = mapped_column(Text)  # Server identity: URL, or normalized command + server name
    identity_key: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of identity (indexed)
    target: Mapped[str] = mapped_column(Text)  # The target as shown in reports (secrets redacted)
    target_kind: Mapped[str] = mapped_column(String(32))  # stdio, http, snapshot, source, client-config
    status: Mapped[str] = mapped_column(String(16))  # complete or incomplete
    source: Mapped[str] = mapped_column(String(32))  # Who saved it: cli, api, …
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())  # When it was saved (UTC)
    max_severity: Mapped[str | None] = mapped_column(String(16))  # Most severe unsuppressed finding
    findings_total: Mapped[int] = mapped_column(Integer)  # Unsuppressed findings
    findings_critical: Mapped[int] = mapped_column(Integer)
    findings_high: Mapped[int] = mapped_column(Integer)
    findings_medium: Mapped[int] = mapped_column(Integer)
    findings_low: Mapped[int] = mapped_column(Integer)
    findings_info: Mapped[int] = mapped_column(Integer)
    findings_suppressed: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)  # Legacy 0-100 score (overall)
    security_score: Mapped[int | None] = mapped_column(Integer)  # v2 0-100 security score
    risk_level: Mapped[str | None] = mapped_column(String(32))  # v2 risk level
    inventory_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical inventory JSON
    report: Mapped[str] = mapped_column(Text)  # The full ScanReport as ASCII JSON


class ItemRecord(Base):
    """One item a scanned server exposed, with the hash of its content."""

    __tablename__ = "items"
    __table_args__ = (Index("ix_items_kind_name_key", "kind", "name_key"),)

    scan_id: Mapped[str] = mapped_column(String(32), ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # tools, prompts, resources, …
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # Order in the listing (names may repeat)
    name: Mapped[str] = mapped_column(Text)  # Tool or prompt name, resource URI, template URI
    name_key: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of name (indexed)
    content_hash: Mapped[str] = mapped_column(String(80))  # "sha256:…" of the item (changes.py, strict)


class BaselineRecord(Base):
    """The scan a server identity is compared with."""

    __tablename__ = "baselines"
    __table_args__ = (Index("ix_baselines_scan_id", "scan_id"),)

    identity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity: Mapped[str] = mapped_column(Text)
    scan_id: Mapped[str] = mapped_column(String(32), ForeignKey("scans.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CacheRecord(Base):
    """One entry of the small key-value cache."""

    __tablename__ = "kv_cache"

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


metadata = Base.metadata
scans: Table = ScanRecord.__table__  # type: ignore[assignment]
items: Table = ItemRecord.__table__  # type: ignore[assignment]
baselines: Table = BaselineRecord.__table__  # type: ignore[assignment]
kv_cache: Table = CacheRecord.__table__  # type: ignore[assignment]
