"""Change detection: what a server lists now compared with what it listed before (a baseline or a lockfile).

Each item (tool, prompt, resource, resource template, and the server's instructions) is reduced to the fields
the settings compare, written as canonical JSON (sorted keys, no insignificant white space, ASCII only, MCP
wire names) and hashed with SHA-256, so a hash is the same across runs, machines and Python versions. Items
are matched by kind and name (resources by URI, templates by URI template); a duplicate name gets ``#2``,
``#3``, … in listing order so that no item can hide behind another.

Sensitivity decides which fields count:

- ``strict``: every field the server sent: titles, annotations, ``_meta``, icons, output schemas, fields this
  model does not know, … (never a resource's contents, which are data read on request, not its listing);
- ``moderate`` (default): names, descriptions and schemas (a tool's ``inputSchema`` and ``outputSchema``, a
  prompt's ``arguments``, a resource's ``mimeType``);
- ``loose``: additions, removals and description changes only.

"Descriptions" are the item's ``description`` and every ``description`` string nested in its schemas or
prompt arguments (where a poisoned parameter hides), and the server's instructions. ``compare_descriptions``
off ignores all of them at any sensitivity; ``compare_schemas`` off ignores schema changes except their
nested descriptions (compared while ``compare_descriptions`` is on); ``ignore_fields`` drops dotted field paths
(``annotations.title``, ``_meta``, ``inputSchema.properties.*.default``; ``*`` matches any key, and a path
through a list applies to each element) before anything is hashed. Additions and removals are always seen.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from mcts.model.inventory import Inventory

if TYPE_CHECKING:
    from mcts.model.finding import Finding
    from mcts.options import ScanOptions

Kind = Literal["tools", "prompts", "resources", "resource_templates", "instructions"]
Sensitivity = Literal["strict", "moderate", "loose"]
KINDS: tuple[Kind, ...] = ("tools", "prompts", "resources", "resource_templates", "instructions")
MAX_DIFF_CHARS = 65_536
"""A diff longer than this is cut (and says so); the hashes always cover the whole item."""

_NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "tools": ("name",), "prompts": ("name",), "resources": ("uri", "name"),
    "resource_templates": ("uriTemplate", "name"), "instructions": (),
}
_SCHEMA_FIELDS: dict[str, tuple[str, ...]] = {
    "tools": ("inputSchema", "outputSchema"), "prompts": ("arguments",), "resources": ("mimeType",),
    "resource_templates": ("mimeType",), "instructions": (),
}
_DESCRIPTION_FIELDS = ("description", "instructions")
_FIELD_ORDER = ("description", "instructions", "inputSchema", "outputSchema", "arguments", "mimeType", "name",
                "uri", "uriTemplate", "title", "annotations")


class ChangeSettings(BaseModel):
    """What counts as a change; mirrors the ``change_detection`` object of the Ramparts API."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(default=True, description="Compare at all (off: nothing is ever reported changed)")
    compare_schemas: bool = Field(default=True, description="Count schema changes (nested descriptions aside)")
    compare_descriptions: bool = Field(default=True, description="Count description and instruction changes")
    ignore_fields: tuple[str, ...] = Field(
        default=(), max_length=100, description="Dotted field paths dropped before hashing ('*' matches any key)"
    )
    sensitivity: Sensitivity = Field(default="moderate", description="strict, moderate or loose")

    @field_validator("ignore_fields")
    @classmethod
    def _check_paths(cls, paths: tuple[str, ...]) -> tuple[str, ...]:
        for path in paths:
            if not path or len(path) > 300 or any(not part.strip() for part in path.split(".")):
                raise ValueError(f"ignore_fields entry {path[:300]!r} must be a dotted path like 'annotations.title'")
        return paths


class ItemChange(BaseModel):
    """One item that was added, removed or modified."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    name: str = Field(description="The item's name (a resource's URI, a template's URI template)")
    change: Literal["added", "removed", "modified"]
    fields: tuple[str, ...] = Field(default=(), description="Top-level wire fields that differ, most important first")
    old_hash: str | None = None
    new_hash: str | None = None
    diff: str = Field(default="", description="Unified diff of the item's compared content, old against new")

    @property
    def key(self) -> str:
        """``kind/name``, as in ``item_hashes``."""
        return f"{self.kind}/{self.name}"


class ChangeSummary(BaseModel):
    """The items added, removed and modified between two listings, each sorted by kind and name."""

    model_config = ConfigDict(frozen=True)

    added: tuple[ItemChange, ...] = ()
    removed: tuple[ItemChange, ...] = ()
    modified: tuple[ItemChange, ...] = ()
    unchanged: int = Field(default=0, description="Items present on both sides with the same hash")

    @property
    def changed(self) -> bool:
        """Whether anything was added, removed or modified."""
        return bool(self.added or self.removed or self.modified)

    @property
    def counts(self) -> dict[str, int]:
        """How many items were added, removed, modified and left unchanged."""
        return {"added": len(self.added), "removed": len(self.removed), "modified": len(self.modified),
                "unchanged": self.unchanged}

    def changes(self) -> Iterator[ItemChange]:
        """Every change: modified first, then added, then removed."""
        yield from self.modified
        yield from self.added
        yield from self.removed

    def to_json(self, *, include_diff: bool = True) -> dict[str, JsonValue]:
        """The ``change_summary`` object of API responses; ``include_diff=False`` leaves the diffs out."""
        exclude = None if include_diff else {"diff"}

        def items(changes: tuple[ItemChange, ...]) -> list[JsonValue]:
            return [c.model_dump(mode="json", exclude=exclude) for c in changes]

        return {"changed": self.changed, "counts": dict(self.counts), "added": items(self.added),
                "removed": items(self.removed), "modified": items(self.modified)}


@dataclass(frozen=True)
class CanonicalItem:
    """One item reduced to the compared fields: its kind, name, content (wire JSON) and the content's hash."""

    kind: Kind
    name: str
    content: dict[str, Any]
    hash: str

    @property
    def key(self) -> str:
        """``kind/name``."""
        return f"{self.kind}/{self.name}"


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant white space, ASCII only (every other character as a ``\\u`` escape)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def content_hash(content: Mapping[str, Any]) -> str:
    """``sha256:`` and the hex SHA-256 of the canonical JSON of ``content``."""
    return "sha256:" + hashlib.sha256(canonical_json(content).encode("ascii")).hexdigest()


def canonical_items(inventory: Inventory, settings: ChangeSettings) -> dict[str, CanonicalItem]:
    """Every item of ``inventory`` reduced by ``settings``, keyed ``kind/name``, in listing order."""
    out: dict[str, CanonicalItem] = {}
    for kind, name, wire in _wire_items(inventory):
        unique, n = name, 1
        while f"{kind}/{unique}" in out:
            n += 1
            unique = f"{name}#{n}"
        content = project(kind, wire, settings)
        out[f"{kind}/{unique}"] = CanonicalItem(kind, unique, content, content_hash(content))
    return out


def item_hashes(inventory: Inventory, settings: ChangeSettings) -> dict[str, str]:
    """``{"tools/<name>": "sha256:…", …}`` for every item of ``inventory`` under ``settings``."""
    return {key: item.hash for key, item in canonical_items(inventory, settings).items()}


def compare(old: Inventory, new: Inventory, settings: ChangeSettings) -> ChangeSummary:
    """What changed from ``old`` to ``new`` under ``settings`` (nothing at all when ``settings.enabled`` is off)."""
    if not settings.enabled:
        return ChangeSummary()
    return compare_items(canonical_items(old, settings), canonical_items(new, settings))


def compare_items(old: Mapping[str, CanonicalItem], new: Mapping[str, CanonicalItem]) -> ChangeSummary:
    """Compare two sets of canonical items made under the same settings."""
    found: dict[str, list[ItemChange]] = {"added": [], "removed": [], "modified": []}
    unchanged = 0
    for key in sorted(old.keys() | new.keys(), key=_order):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before.hash == after.hash:
            unchanged += 1
            continue
        item = after or before
        assert item is not None
        old_content = before.content if before else None
        new_content = after.content if after else None
        change = ItemChange(
            kind=item.kind, name=item.name,
            change="added" if before is None else "removed" if after is None else "modified",
            fields=changed_fields(old_content or {}, new_content or {}),
            old_hash=before.hash if before else None, new_hash=after.hash if after else None,
            diff=unified_diff(key, old_content, new_content),
        )
        found[change.change].append(change)
    return ChangeSummary(added=tuple(found["added"]), removed=tuple(found["removed"]),
                         modified=tuple(found["modified"]), unchanged=unchanged)


def rug_pull_findings(summary: ChangeSummary, options: ScanOptions) -> list[Finding]:
    """One finding per changed item (analyzer ``rug-pull``), with the diff as evidence."""
    from mcts.analyzers.rug_pull import RugPull  # the analyzer package imports this module's models

    return RugPull.for_changes(options).findings(summary)


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level fields whose values differ, most important first."""
    differ = [k for k in old.keys() | new.keys() if k not in old or k not in new
              or canonical_json(old[k]) != canonical_json(new[k])]
    rank = {name: i for i, name in enumerate(_FIELD_ORDER)}
    return tuple(sorted(differ, key=lambda k: (rank.get(k, len(rank)), k)))


def unified_diff(label: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, *, context: int = 3) -> str:
    """A unified diff of two contents as indented canonical JSON (ASCII only: hidden characters show as escapes)."""
    before = _pretty(old).splitlines(keepends=True) if old is not None else []
    after = _pretty(new).splitlines(keepends=True) if new is not None else []
    text = "".join(difflib.unified_diff(before, after, f"a/{label}", f"b/{label}", n=context))
    if len(text) > MAX_DIFF_CHARS:
        text = text[:MAX_DIFF_CHARS] + f"\n… (diff cut at {MAX_DIFF_CHARS} characters)\n"
    return text


def project(kind: Kind, wire: Mapping[str, Any], settings: ChangeSettings) -> dict[str, Any]:
    """The part of one item's wire JSON that ``settings`` compare (see this module's documentation)."""
    item = _drop_paths(dict(wire), settings.ignore_fields)
    if kind == "resources":
        item.pop("contents", None)  # read on request, not listed: data, not the server's declaration
    schemas = _SCHEMA_FIELDS[kind]
    if settings.sensitivity == "strict":
        kept = item
    else:
        wanted = {*_DESCRIPTION_FIELDS, *schemas}
        if settings.sensitivity == "moderate":
            wanted.update(_NAME_FIELDS[kind])
        kept = {k: v for k, v in item.items() if k in wanted}
    if not settings.compare_schemas or settings.sensitivity == "loose":
        for name in schemas:  # only the descriptions nested in a schema that is not compared as such
            schema = kept.pop(name, None)
            nested = _descriptions_only(schema) if settings.compare_descriptions else None
            if nested:
                kept[name] = nested
    if not settings.compare_descriptions:
        kept = {k: _strip_descriptions(v) for k, v in kept.items() if k not in _DESCRIPTION_FIELDS}
    return kept


def _order(key: str) -> tuple[int, str]:
    kind, _, name = key.partition("/")
    return KINDS.index(kind), name


def _wire_items(inventory: Inventory) -> Iterator[tuple[Kind, str, dict[str, Any]]]:
    def dump(model: BaseModel) -> dict[str, Any]:
        return model.model_dump(by_alias=True, exclude_none=True, mode="json")

    yield from (("tools", t.name, dump(t)) for t in inventory.tools)
    yield from (("prompts", p.name, dump(p)) for p in inventory.prompts)
    yield from (("resources", r.uri, dump(r)) for r in inventory.resources)
    yield from (("resource_templates", t.uri_template, dump(t)) for t in inventory.resource_templates)
    if inventory.instructions is not None:
        yield "instructions", "instructions", {"instructions": inventory.instructions}


def _pretty(content: Mapping[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def _drop_paths(item: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    for path in paths:
        item = _drop(item, path.split("."))
    return item


def _drop(node: Any, parts: list[str]) -> Any:
    """``node`` without the value at ``parts`` (copied where changed; ``*`` matches any key; lists map)."""
    if isinstance(node, list):
        return [_drop(child, parts) for child in node]
    if not isinstance(node, dict):
        return node
    head, rest = parts[0], parts[1:]
    out = {}
    for key, value in node.items():
        if head not in ("*", key):
            out[key] = value
        elif rest:
            out[key] = _drop(value, rest)
    return out


def _descriptions_only(node: Any) -> Any:
    """Only the ``description`` strings under ``node`` (with the ``name`` next to them), or ``None``."""
    if isinstance(node, list):  # elements without a description are left out (their names keep them apart)
        items = [kept for child in node if (kept := _descriptions_only(child)) is not None]
        return items or None
    if not isinstance(node, dict):
        return None
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "description" and isinstance(value, str):
            out[key] = value
        elif (nested := _descriptions_only(value)) is not None:
            out[key] = nested
    if out and isinstance(node.get("name"), str):
        out["name"] = node["name"]
    return out or None


def _strip_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_strip_descriptions(child) for child in node]
    if isinstance(node, dict):
        return {k: _strip_descriptions(v) for k, v in node.items() if not (k == "description" and isinstance(v, str))}
    return node
