"""Shared state of one TypeScript/JavaScript extraction: emitting items, their sources, handlers and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from mcts.collect.source._ts_nodes import FUNCTIONS, named, node_text, param_names, source_ref, unwrap
from mcts.collect.source._ts_zod import Schemas
from mcts.collect.source.extracted import Extracted
from mcts.model.finding import SourceRef, Surface
from mcts.model.source import ItemSource, Language

__all__ = ["KEY_FIELD", "Context", "Handler"]

# The wire field that names an item of each surface (Location.item).
KEY_FIELD = {
    Surface.TOOL: "name",
    Surface.PROMPT: "name",
    Surface.RESOURCE: "uri",
    Surface.RESOURCE_TEMPLATE: "uriTemplate",
}
_LISTS = {
    Surface.TOOL: "tools",
    Surface.PROMPT: "prompts",
    Surface.RESOURCE: "resources",
    Surface.RESOURCE_TEMPLATE: "resource_templates",
}


@dataclass(frozen=True)
class Handler:
    """The function behind an item: its name when it has one, where its body starts, the model-filled params."""

    name: str | None = None
    ref: SourceRef | None = None
    params: tuple[str, ...] = ()


@dataclass
class Context:
    """One file being extracted: its path, language, value resolver and the result being built."""

    relpath: str
    language: Language
    values: Schemas
    out: Extracted = field(default_factory=Extracted)
    _seen: set[tuple[Surface, str]] = field(default_factory=set)

    def warn(self, node: Node, message: str) -> None:
        """Record what could not be extracted, with its file:line."""
        self.out.warnings.append(f"{self.relpath}:{node.start_point.row + 1}: {message}")

    def report_missing(self, node: Node, what: str) -> None:
        """Turn the resolver's list of unresolved parts into one warning for the item at ``node``."""
        missing, self.values.missing = self.values.missing, []
        if missing:
            parts = ", ".join(dict.fromkeys(missing))
            self.warn(node, f"{what}: not resolved statically (left out): {parts[:300]}")

    def handler(self, node: Node | None, count: int) -> Handler:
        """Describe a callback: an inline function, or a name bound to one in this file (first ``count`` params)."""
        if node is None:
            return Handler()
        node = unwrap(node)
        name: str | None = None
        if node.type in ("identifier", "member_expression"):
            name = node_text(node)
            node = self.values.deref(node)
        elif node.type == "call_expression":  # handler.bind(this), withAuth(handler), ...
            return Handler(name=node_text(node)[:120])
        if node.type not in FUNCTIONS:
            return Handler(name=name)
        if name is None and node.type in ("function_declaration", "function_expression", "function"):
            declared = node.child_by_field_name("name")
            name = node_text(declared) if declared is not None else None
        body = node.child_by_field_name("body")
        single = node.child_by_field_name("parameter")
        params_node = node.child_by_field_name("parameters")
        params = [single] if single is not None else (named(params_node) if params_node is not None else [])
        names = tuple(n for p in params[:count] for n in param_names(p))
        return Handler(name=name, ref=source_ref(self.relpath, body if body is not None else node), params=names)

    def add(self, surface: Surface, item: dict[str, Any], at: Node, handler: Handler) -> None:
        """Emit one wire item and its ``ItemSource``; duplicates (same surface and key) keep the first."""
        wire = {k: v for k, v in item.items() if v is not None}
        key = wire.get(KEY_FIELD[surface])
        if not isinstance(key, str):
            self.warn(at, f"{surface.value} without a static {KEY_FIELD[surface]}: skipped")
            return
        if (surface, key) in self._seen:
            self.warn(at, f"{surface.value} {key!r} is declared again; the first declaration is kept")
            return
        self._seen.add((surface, key))
        getattr(self.out, _LISTS[surface]).append(wire)
        self.out.sources.append(
            ItemSource(
                surface=surface,
                item=key,
                ref=source_ref(self.relpath, at, _method_name(at)),
                language=self.language,
                handler=handler.name,
                handler_ref=handler.ref,
                params=handler.params,
            )
        )

    def add_instructions(self, text: str, at: Node) -> None:
        """Record the server instructions (the first ones found in the file)."""
        if self.out.instructions is not None:
            return
        self.out.instructions = text
        self.out.sources.append(
            ItemSource(
                surface=Surface.INSTRUCTIONS, item=None, ref=source_ref(self.relpath, at), language=self.language
            )
        )


def _method_name(node: Node) -> Node | None:
    """For ``receiver.method(...)``, the method name: the line a person looks for (``.tool(`` in a chain)."""
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    return function.child_by_field_name("property") if function is not None else None
