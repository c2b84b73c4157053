"""Turn MCP wire data (from a live server or a snapshot) into an ``Inventory``, applying the size caps.

Every string longer than ``max_field_chars`` is cut, every list longer than ``max_items`` is cut, and every
value nested deeper than ``max_depth`` is replaced by a marker; each cut is recorded as a ``CapHit`` naming
what was cut, so the report says exactly what was not seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from mcts.errors import SnapshotError
from mcts.model.inventory import Inventory
from mcts.model.report import CapHit
from mcts.options import Limits

LISTS = {"tools": "tool", "prompts": "prompt", "resources": "resource", "resourceTemplates": "resource_template"}
_ITEM_KEY = {"tool": "name", "prompt": "name", "resource": "uri", "resource_template": "uriTemplate"}


def build_inventory(wire: Mapping[str, Any], limits: Limits) -> tuple[Inventory, list[CapHit]]:
    """Validate ``wire`` (MCP wire names) as an Inventory after capping it; raise ``SnapshotError`` if invalid."""
    caps: list[CapHit] = []
    capped: dict[str, Any] = {}
    for key, value in wire.items():
        if key in LISTS and isinstance(value, list):
            items = value
            if len(items) > limits.max_items:
                caps.append(CapHit(cap="max_items", limit=limits.max_items, observed=len(items), where=key))
                items = items[: limits.max_items]
            surface = LISTS[key]
            capped[key] = [_cap(item, limits, caps, _item_where(surface, item), 1) for item in items]
        else:
            capped[key] = _cap(value, limits, caps, key, 0)
    try:
        return Inventory.model_validate(capped), caps
    except ValidationError as exc:
        problems = "; ".join(f"{_short('.'.join(map(str, e['loc'])))}: {e['msg']}" for e in exc.errors()[:5])
        raise SnapshotError(f"not a valid MCP inventory: {problems}") from None


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit // 2] + " … " + text[-limit // 2 :]


def _item_where(surface: str, item: object) -> str:
    name = item.get(_ITEM_KEY[surface]) if isinstance(item, Mapping) else None
    return f"{surface}:{str(name)[:80] if name is not None else '?'}"


def _cap(value: Any, limits: Limits, caps: list[CapHit], where: str, depth: int) -> Any:
    if depth > limits.max_depth and isinstance(value, Mapping | list | tuple):
        caps.append(CapHit(cap="max_depth", limit=limits.max_depth, observed=depth, where=_short(where)))
        return f"[mcts: cut, nested deeper than {limits.max_depth} levels]"
    if isinstance(value, str):
        if len(value) > limits.max_field_chars:
            caps.append(CapHit(cap="max_field_chars", limit=limits.max_field_chars, observed=len(value), where=where))
            return value[: limits.max_field_chars]
        return value
    if isinstance(value, Mapping):
        return {
            _cap(str(k), limits, caps, f"{where}#key", depth): _cap(v, limits, caps, f"{where}.{k}", depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if len(value) > limits.max_items:
            caps.append(CapHit(cap="max_items", limit=limits.max_items, observed=len(value), where=where))
            value = value[: limits.max_items]
        return [_cap(v, limits, caps, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    return value
