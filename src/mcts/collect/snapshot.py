"""Inventory snapshots: what a server listed, in MCP wire JSON, for offline scans.

``mcts snapshot`` writes them; ``mcts scan FILE.json`` reads them.
Accepted input: a full snapshot (``protocolVersion``, ``serverInfo``, ``capabilities``, ``instructions``,
``tools``, ``prompts``, ``resources``, ``resourceTemplates``), a bare ``tools/list`` result
(``{"tools": [...]}``), or a bare list of tools. A report written by ``mcts scan --format json`` is
accepted too (its ``inventory`` is used).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcts.collect.normalize import LISTS, build_inventory
from mcts.collect.result import Collected
from mcts.errors import SnapshotError
from mcts.model.inventory import Inventory
from mcts.model.report import Listing
from mcts.options import Limits

MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024
_KNOWN_KEYS = frozenset({"protocolVersion", "serverInfo", "capabilities", "instructions", *LISTS})


def read_snapshot(path: Path, limits: Limits) -> Collected:
    """Read a snapshot file; raise ``SnapshotError`` with the reason if it is not one."""
    try:
        size = path.stat().st_size
        if size > MAX_SNAPSHOT_BYTES:
            raise SnapshotError(f"{path}: {size} bytes is over the {MAX_SNAPSHOT_BYTES}-byte snapshot limit")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc.strerror or exc}") from None
    except RecursionError:
        raise SnapshotError(f"snapshot {path} nests JSON too deeply to read") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path} is not valid JSON: {exc}") from None
    wire = _unwrap(data, path)
    inventory, caps = build_inventory(wire, limits)
    listings = {
        key: Listing(status="listed" if key in wire else "not_applicable", items=len(wire.get(key, ())))
        for key in LISTS
    }
    return Collected(inventory=inventory, transport="snapshot", listings=listings, caps_hit=caps)


def _unwrap(data: Any, path: Path) -> dict[str, Any]:
    if isinstance(data, list):
        return {"tools": data}
    if not isinstance(data, dict):
        raise SnapshotError(f"{path}: expected a JSON object or a list of tools, got {type(data).__name__}")
    if isinstance(data.get("inventory"), dict) and "schema_version" in data:
        data = data["inventory"]
    if isinstance(data.get("result"), dict) and "jsonrpc" in data:
        data = data["result"]  # a raw JSON-RPC response to tools/list
    if not _KNOWN_KEYS & data.keys():
        raise SnapshotError(
            f"{path}: no MCP inventory keys found (expected some of {', '.join(sorted(_KNOWN_KEYS))})"
        )
    return dict(data)


def snapshot_json(inventory: Inventory) -> str:
    """The snapshot text of ``inventory``: MCP wire names, stable key order, a trailing newline."""
    return inventory.model_dump_json(by_alias=True, exclude_none=True, indent=2) + "\n"


def write_snapshot(inventory: Inventory, path: Path) -> None:
    """Write ``inventory`` to ``path`` atomically (a partial file is never left behind)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(snapshot_json(inventory), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SnapshotError(f"cannot write snapshot {path}: {exc.strerror or exc}") from None
