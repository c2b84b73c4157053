"""Change detection for the Ramparts surface: compare a fresh listing with a baseline or a reference server.

The comparison is ``mcts.history.changes`` (content hashes under the request's ``change_detection``
settings). What a listing did not see is not called removed: items of a kind whose listing failed, was cut
short or was not reached are left out on the side that is missing them (a note says so). The result is
given in both vocabularies: Ramparts' ``tools_added`` / ``tools_removed`` / ``tools_modified`` (tools only)
and mcts' ``added`` / ``removed`` / ``modified`` (every kind, with hashes and, on request, unified diffs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import JsonValue

from mcts.api.ramparts_models import ChangeSummaryOut
from mcts.collect.result import Collected
from mcts.history.changes import (
    CanonicalItem,
    ChangeSettings,
    ChangeSummary,
    Kind,
    canonical_items,
    compare_items,
)
from mcts.model.inventory import Inventory
from mcts.model.report import Listing

_LISTING_KINDS: dict[str, Kind] = {
    "tools": "tools", "prompts": "prompts", "resources": "resources", "resourceTemplates": "resource_templates",
}


@dataclass(frozen=True)
class Comparison:
    """A change summary and the canonical items on both sides (for values shown per changed field)."""

    summary: ChangeSummary
    compared_with: str
    settings: ChangeSettings
    old: Mapping[str, CanonicalItem] = field(default_factory=dict)
    new: Mapping[str, CanonicalItem] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything was added, removed or modified."""
        return self.summary.changed


def listing_complete(collected: Collected) -> bool:
    """Whether the listing saw everything: no collection error and no size cap hit."""
    return not collected.errors and not collected.caps_hit


def listing_reached(listings: Mapping[str, Listing]) -> bool:
    """Whether the server answered at all (some listing got past connecting)."""
    return any(not (x.error or "").startswith("not reached") for x in listings.values())


def unseen_kinds(listings: Mapping[str, Listing]) -> frozenset[Kind]:
    """Kinds this listing did not see completely (failed, partial, absent)."""
    unseen: set[Kind] = set()
    for key, kind in _LISTING_KINDS.items():
        listing = listings.get(key)
        if listing is None or listing.status in ("failed", "partial", "not_applicable"):
            unseen.add(kind)
    if not listings or any(x.status == "failed" for x in listings.values()):
        unseen.add("instructions")
    return frozenset(unseen)


def compare_listings(old: Inventory, new: Inventory, settings: ChangeSettings, *, compared_with: str,
                     old_unseen: frozenset[Kind] = frozenset(), new_unseen: frozenset[Kind] = frozenset()
                     ) -> Comparison:
    """What changed from ``old`` to ``new``; a kind unseen on one side is not called added or removed."""
    if not settings.enabled:
        return Comparison(ChangeSummary(), compared_with, settings)
    before, after = canonical_items(old, settings), canonical_items(new, settings)
    notes: list[str] = []
    hidden_removed = sorted({i.kind for k, i in before.items() if i.kind in new_unseen and k not in after})
    if hidden_removed:
        before = {k: i for k, i in before.items() if k in after or i.kind not in new_unseen}
        notes.append(f"removals not checked for {', '.join(hidden_removed)}: the listing was incomplete")
    hidden_added = sorted({i.kind for k, i in after.items() if i.kind in old_unseen and k not in before})
    if hidden_added:
        after = {k: i for k, i in after.items() if k in before or i.kind not in old_unseen}
        notes.append(f"additions not checked for {', '.join(hidden_added)}: the {compared_with} listing was "
                     "incomplete")
    return Comparison(compare_items(before, after), compared_with, settings, before, after, tuple(notes))


def change_summary_out(comparison: Comparison, *, include_diff: bool) -> ChangeSummaryOut:
    """The ``change_summary`` object of a response."""
    summary = comparison.summary
    data = summary.to_json(include_diff=include_diff)
    modified_tools: list[dict[str, JsonValue]] = []
    for change in summary.modified:
        if change.kind != "tools":
            continue
        old, new = comparison.old.get(change.key), comparison.new.get(change.key)
        first = change.fields[0] if change.fields else "content"
        modified_tools.append({
            "tool_name": change.name, "field": first, "fields": list(change.fields),
            "old_value": old.content.get(first) if old else None, "new_value": new.content.get(first) if new else None,
            "diff": change.diff if include_diff else None,
        })
    kinds = [name for name, group in (("added", summary.added), ("removed", summary.removed),
                                      ("modified", summary.modified)) if group]
    fields = sorted({f"{f}_changed" for c in summary.modified for f in c.fields})
    return ChangeSummaryOut(
        tools_added=[c.name for c in summary.added if c.kind == "tools"],
        tools_removed=[c.name for c in summary.removed if c.kind == "tools"],
        tools_modified=modified_tools,
        total_changes=len(summary.added) + len(summary.removed) + len(summary.modified),
        change_types=[*kinds, *fields], compared_with=comparison.compared_with,
        sensitivity=comparison.settings.sensitivity, changed=summary.changed, counts=dict(summary.counts),
        added=_items(data["added"]), removed=_items(data["removed"]), modified=_items(data["modified"]),
        notes=list(comparison.notes),
    )


def _items(value: JsonValue) -> list[dict[str, JsonValue]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
