"""What the history store returns (frozen records) and how a report becomes rows and back.

A report is stored as ASCII JSON text (every non-ASCII character, NUL and lone surrogate escaped), so any
string a hostile server sent survives the round trip exactly and no database rejects it. Items are hashed
over their canonical wire JSON (sorted keys, ``null`` fields dropped): the same item always gives the same hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from mcts.history._db import HistoryError
from mcts.model.finding import Severity
from mcts.model.inventory import Inventory
from mcts.model.report import ScanReport, ScanStatus, Summary
from mcts.text.escape import escape_char

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
ROW_COLUMNS = (
    "id", "identity", "created_at", "target", "target_kind", "status", "source", "max_severity", "findings_total",
    "findings_critical", "findings_high", "findings_medium", "findings_low", "findings_info", "findings_suppressed",
    "score", "security_score", "risk_level", "inventory_hash",
)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ScanRow:
    """One saved scan as listed: what it scanned, when, and how it came out (the report itself is not loaded)."""

    id: str
    identity: str
    created_at: datetime
    target: str
    target_kind: str
    status: ScanStatus
    source: str
    summary: Summary
    max_severity: Severity | None
    score: int | None
    security_score: int | None
    risk_level: str | None
    inventory_hash: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StoredScan(ScanRow):
    """One saved scan with its full report, as saved."""

    report: ScanReport

    @property
    def inventory(self) -> Inventory:
        """What the server exposed in this scan (``report.inventory``)."""
        return self.report.inventory


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """The scan a server identity is compared with."""

    identity: str
    scan_id: str
    report: ScanReport
    updated_at: datetime

    @property
    def inventory(self) -> Inventory:
        """The baseline inventory (``report.inventory``)."""
        return self.report.inventory


def storable(text: str) -> str:
    """``text`` without what a text column refuses (NUL for PostgreSQL, lone surrogates for UTF-8), escaped."""
    return _UNSTORABLE.sub(lambda m: escape_char(m.group()), text)


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` (UTF-8, lone surrogates escaped)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted-key, ASCII, compact JSON: equal values give equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def inventory_hash(inventory: Inventory) -> str:
    """The hash of everything the server exposed (where items are declared in source is left out)."""
    dumped = inventory.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"sources"})
    return sha256(canonical_json(dumped))


def item_rows(scan_id: str, inventory: Inventory) -> list[dict[str, Any]]:
    """One ``items`` row per tool, prompt, resource, resource template and the instructions, in listing order.

    Kinds, names and hashes are those of ``mcts.history.changes`` at ``strict`` sensitivity (every listed field;
    a repeated name gets ``#2``, ``#3``, …), so they equal a strict lockfile's. ``name`` is kept as listed
    (only NUL and lone surrogates escaped, which no text column takes): escape it before showing it;
    ``name_key`` hashes the exact name.
    """
    from mcts.history.changes import ChangeSettings, canonical_items

    strict = ChangeSettings(sensitivity="strict")
    return [
        {"scan_id": scan_id, "kind": item.kind, "position": position, "name": storable(item.name),
         "name_key": sha256(item.name), "content_hash": item.hash}
        for position, item in enumerate(canonical_items(inventory, strict).values())
    ]


def report_json(report: ScanReport) -> str:
    """The report as stored: complete (``null`` fields kept) ASCII JSON."""
    return json.dumps(report.model_dump(mode="json", by_alias=True), ensure_ascii=True, separators=(",", ":"))


def load_report(scan_id: str, text: str) -> ScanReport:
    """Parse a stored report; a row this version of mcts cannot read is a ``HistoryError``."""
    try:
        return ScanReport.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0][:200]
        raise HistoryError(f"the stored report of scan {scan_id} cannot be read ({first})") from None


def scan_values(report: ScanReport) -> dict[str, Any]:
    """The ``scans`` columns derived from ``report`` (everything but id, identity, source and time)."""
    summary = report.summary
    worst = max((f.severity for f in report.findings if f.suppressed is None), key=lambda s: s.rank, default=None)
    return {
        "target": storable(report.target.value), "target_kind": report.target.kind, "status": report.status.value,
        "max_severity": worst.value if worst is not None else None,
        "findings_total": summary.total, "findings_critical": summary.critical, "findings_high": summary.high,
        "findings_medium": summary.medium, "findings_low": summary.low, "findings_info": summary.info,
        "findings_suppressed": summary.suppressed,
        "score": report.score.overall if report.score is not None else None,
        "security_score": report.score_v2.security_score if report.score_v2 is not None else None,
        "risk_level": report.score_v2.risk_level if report.score_v2 is not None else None,
        "inventory_hash": inventory_hash(report.inventory), "report": report_json(report),
    }


def row_fields(row: Any) -> dict[str, Any]:
    """The ``ScanRow`` fields of a ``scans`` result row."""
    return {
        "id": row.id, "identity": row.identity, "created_at": row.created_at, "target": row.target,
        "target_kind": row.target_kind, "status": ScanStatus(row.status), "source": row.source,
        "summary": Summary(total=row.findings_total, critical=row.findings_critical, high=row.findings_high,
                           medium=row.findings_medium, low=row.findings_low, info=row.findings_info,
                           suppressed=row.findings_suppressed),
        "max_severity": Severity(row.max_severity) if row.max_severity else None,
        "score": row.score, "security_score": row.security_score, "risk_level": row.risk_level,
        "inventory_hash": row.inventory_hash,
    }
