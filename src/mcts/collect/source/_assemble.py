"""Merge what the extractors found in each file into one server's wire data and item sources.

Files are merged in the order they are given. MCP forbids two items with the same name (URI for resources and
templates): the first declaration is kept and every later one is a warning naming both places. Several distinct
server instructions are joined (each is still text a model reads) and warned about; ``serverInfo`` names the
first server declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mcts.collect.source.extracted import Extracted
from mcts.model.finding import Surface
from mcts.model.source import ItemSource

MAX_WARNINGS = 200

# (surface, attribute of Extracted, wire list key, the field naming an item)
_LISTS: tuple[tuple[Surface, str, str, str], ...] = (
    (Surface.TOOL, "tools", "tools", "name"),
    (Surface.PROMPT, "prompts", "prompts", "name"),
    (Surface.RESOURCE, "resources", "resources", "uri"),
    (Surface.RESOURCE_TEMPLATE, "resource_templates", "resourceTemplates", "uriTemplate"),
)


@dataclass
class Merger:
    """Accumulates ``Extracted`` results file by file; ``wire()`` is the merged MCP wire data."""

    lists: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {key: [] for _, _, key, _ in _LISTS})
    sources: list[ItemSource] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    servers: list[tuple[str, str | None, str]] = field(default_factory=list)  # (name, version, file)
    declared_in: list[str] = field(default_factory=list)  # files that declare a server, named or not
    warnings: list[str] = field(default_factory=list)
    _seen: dict[tuple[Surface, str], str] = field(default_factory=dict)  # item -> where it was first declared
    _dropped_warnings: int = 0

    @property
    def item_count(self) -> int:
        """How many items (tools, prompts, resources, templates) were kept."""
        return sum(len(items) for items in self.lists.values())

    def add(self, relpath: str, extracted: Extracted) -> None:
        """Merge the items, instructions, server identity, sources and warnings found in ``relpath``."""
        declared = {(s.surface, s.item): s for s in extracted.sources}
        for surface, attr, key, name_field in _LISTS:
            for item in getattr(extracted, attr):
                self._add_item(relpath, surface, key, name_field, item, declared)
        if extracted.instructions:
            if not self.instructions:
                instructions_source = declared.get((Surface.INSTRUCTIONS, None))
                if instructions_source is not None:
                    self.sources.append(instructions_source)
            if extracted.instructions not in self.instructions:
                self.instructions.append(extracted.instructions)
        if extracted.server_name is not None:
            self.servers.append((extracted.server_name, extracted.server_version, relpath))
        if extracted.server_name is not None or extracted.instructions:
            self.declared_in.append(relpath)
        for warning in extracted.warnings:
            self.warn(warning if relpath in warning else f"{relpath}: {warning}")

    def _add_item(
        self,
        relpath: str,
        surface: Surface,
        key: str,
        name_field: str,
        item: object,
        declared: dict[tuple[Surface, str | None], ItemSource],
    ) -> None:
        name = item.get(name_field) if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(name, str) or not name:
            self.warn(f"{relpath}: a {surface.value} without a static {name_field} was left out")
            return
        source = declared.get((surface, name))
        here = f"{relpath}:{source.ref.line}" if source is not None else relpath
        first = self._seen.get((surface, name))
        if first is not None:
            self.warn(f"{surface.value} {name!r} is declared again at {here} (first at {first}): MCP forbids "
                      "duplicate names, the first declaration was kept and this one was not analyzed")
            return
        self._seen[(surface, name)] = here
        self.lists[key].append(item)
        if source is not None:
            self.sources.append(source)

    def warn(self, message: str) -> None:
        """Record a warning, up to ``MAX_WARNINGS`` (the rest are counted)."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self._dropped_warnings += 1

    def wire(self) -> dict[str, Any]:
        """The merged server in MCP wire shape (``serverInfo``, ``instructions`` and the four lists)."""
        wire: dict[str, Any] = {key: items for key, items in self.lists.items()}
        if self.instructions:
            wire["instructions"] = "\n\n".join(self.instructions)
        if self.servers:
            name, version, _ = self.servers[0]
            wire["serverInfo"] = {"name": name, **({"version": version} if version is not None else {})}
        return wire

    def final_warnings(self) -> Iterator[str]:
        """The warnings, with notes on several servers or instructions and on warnings left out."""
        yield from self.warnings
        names = dict.fromkeys(f"{name!r} ({where})" for name, _, where in self.servers)
        if len({name for name, _, _ in self.servers}) > 1:
            yield (f"several MCP servers are declared: {', '.join(list(names)[:10])}; their items are merged into "
                   "one inventory and serverInfo names the first")
        if len(self.instructions) > 1:
            yield f"{len(self.instructions)} different server instructions were found; all are joined and analyzed"
        if self._dropped_warnings:
            yield f"{self._dropped_warnings} more warnings were left out"
