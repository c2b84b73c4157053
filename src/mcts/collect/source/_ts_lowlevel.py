"""The low-level ``Server`` API: item literals returned by ``setRequestHandler(ListToolsRequestSchema, ...)``.

Tools (and prompts, resources, templates) are the object literals of the list a ``List*RequestSchema`` handler
returns, directly or through constants, spreads, ``Object.values(...)`` or ``.filter(...)``. The matching call
handler (``CallToolRequestSchema``, ``GetPromptRequestSchema``, ``ReadResourceRequestSchema``) becomes each
item's handler; for tools and prompts the ``case "name":`` or ``name === "name"`` branch gives its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from mcts.collect.source._ts_items import Context, Handler
from mcts.collect.source._ts_nodes import FUNCTIONS, arguments, named, node_text, source_ref, unwrap
from mcts.model.finding import Surface

__all__ = ["LowLevel"]

_LISTS = {
    "ListToolsRequestSchema": (Surface.TOOL, "tools"),
    "ListPromptsRequestSchema": (Surface.PROMPT, "prompts"),
    "ListResourcesRequestSchema": (Surface.RESOURCE, "resources"),
    "ListResourceTemplatesRequestSchema": (Surface.RESOURCE_TEMPLATE, "resourceTemplates"),
}
_CALLS = {
    "CallToolRequestSchema": (Surface.TOOL,),
    "GetPromptRequestSchema": (Surface.PROMPT,),
    "ReadResourceRequestSchema": (Surface.RESOURCE, Surface.RESOURCE_TEMPLATE),
}
_COMPARE = frozenset({"===", "=="})


@dataclass
class LowLevel:
    """Collects ``setRequestHandler`` registrations of one file, then emits their items with handlers."""

    ctx: Context
    _listed: list[tuple[Surface, Node]] = field(default_factory=list)
    _dispatch: dict[Surface, tuple[Node, Node]] = field(default_factory=dict)

    def request_handler(self, call: Node) -> None:
        """Remember one ``setRequestHandler(Schema, handler)`` call."""
        args = arguments(call)
        if len(args) < 2:
            return
        schema = unwrap(args[0])
        if schema.type == "member_expression":
            schema = schema.child_by_field_name("property") or schema
        name = node_text(schema)
        function = self.ctx.values.deref(args[1])
        if function.type not in FUNCTIONS:
            if name in _LISTS:
                self.ctx.warn(call, f"{name} handler is not a function in this file: its items are not extracted")
            return
        if name in _LISTS:
            surface, key = _LISTS[name]
            for returned in _returns(function):
                value = self.ctx.values.props(returned).get(key)
                if value is not None:
                    self._listed.extend((surface, element) for element in self._elements(value))
        for surface in _CALLS.get(name, ()):
            self._dispatch.setdefault(surface, (args[1], function))

    def _elements(self, node: Node, depth: int = 0) -> list[Node]:
        target = self.ctx.values.deref(node)
        if depth > 8:
            return []
        if target.type == "array":
            out: list[Node] = []
            for child in named(target):
                inner = named(child) if child.type == "spread_element" else []
                out.extend(self._elements(inner[0], depth + 1) if inner else [self.ctx.values.deref(child)])
            return out
        if target.type == "call_expression":
            function = target.child_by_field_name("function")
            args = arguments(target)
            method = node_text(function.child_by_field_name("property")) if function is not None else ""
            receiver = function.child_by_field_name("object") if function is not None else None
            if node_text(function) == "Object.values" and args:
                return [self.ctx.values.deref(v) for v in self.ctx.values.props(args[0]).values()]
            if method in ("filter", "slice", "concat") and receiver is not None:
                extra = [e for a in args for e in self._elements(a, depth + 1)] if method == "concat" else []
                return self._elements(receiver, depth + 1) + extra
        self.ctx.warn(node, f"item list {node_text(node)[:60]!r} is not static: its items are not extracted")
        return []

    def finish(self) -> None:
        """Emit the listed items, each with its dispatching handler when one was found."""
        branches = {surface: _branches(self.ctx, function) for surface, (_, function) in self._dispatch.items()}
        for surface, element in self._listed:
            if element.type != "object":
                self.ctx.warn(element, f"{surface.value} entry {node_text(element)[:60]!r} is not an object literal")
                continue
            item = self.ctx.values.value(element)
            if not isinstance(item, dict):
                continue
            handler = Handler()
            if surface in self._dispatch:
                callback, _ = self._dispatch[surface]
                handler = self.ctx.handler(callback, 1)
                name = item.get("name")
                branch = branches[surface].get(name) if isinstance(name, str) else None
                if branch is not None:
                    handler = Handler(handler.name, source_ref(self.ctx.relpath, branch), handler.params)
            self.ctx.add(surface, item, element, handler)
            self.ctx.report_missing(element, f"{surface.value} {item.get('name')!r}")


def _returns(function: Node) -> list[Node]:
    """The expressions a function returns (an arrow's expression body, or its ``return`` statements)."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    out: list[Node] = []
    stack = [body]
    while stack:
        node = stack.pop()
        for child in named(node):
            if child.type == "return_statement" and named(child):
                out.append(named(child)[0])
            elif child.type not in FUNCTIONS and child.type != "class_declaration":
                stack.append(child)
    return out


def _branches(ctx: Context, function: Node) -> dict[str, Node]:
    """Item name -> the ``case``/``if`` node that dispatches to it in a call handler."""
    out: dict[str, Node] = {}
    stack = [function]
    while stack:
        node = stack.pop()
        value: Node | None = None
        if node.type == "switch_case":
            value = node.child_by_field_name("value")
        elif node.type == "binary_expression" and node_text(node.child_by_field_name("operator")) in _COMPARE:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            value = right if node_text(left).endswith("name") else left if node_text(right).endswith("name") else None
        if value is not None:
            name = ctx.values.string(value)
            if name is not None:
                out.setdefault(name, node)
        stack.extend(reversed(named(node)))
    return out
