"""Static values in a TypeScript/JavaScript file: constants by lexical scope, strings, JSON-like literals.

The resolver never evaluates code. It follows ``const``/``let``/``var`` bindings, enums, object members,
string concatenation, template literals whose substitutions are themselves static, and ``[...].join(sep)``.
Anything else is *unresolved*, and what could not be resolved is written to ``missing`` for the caller's
warning.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from tree_sitter import Language, Node, Query, QueryCursor, QueryError

from mcts.collect.source._ts_nodes import (
    FUNCTIONS,
    arguments,
    named,
    node_text,
    number,
    property_name,
    unescape,
    unwrap,
)

__all__ = ["UNRESOLVED", "Resolver"]


class _Unresolved:
    """The marker for a value that cannot be known without running the code."""

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED: Final = _Unresolved()
_MAX_DEPTH = 40
_DECLARATIONS = """
(variable_declarator name: (identifier) @name value: (_) @value)
(function_declaration name: (identifier) @name) @value
(generator_function_declaration name: (identifier) @name) @value
"""
_ENUMS = "(enum_declaration name: (identifier) @name) @value"  # TypeScript only


@functools.cache
def _query(language: Language) -> Query:
    try:
        return Query(language, _DECLARATIONS + _ENUMS)
    except QueryError:  # the JavaScript grammar has no enums
        return Query(language, _DECLARATIONS)


def _scope_of(declaration: Node) -> Node | None:
    """The block a declaration belongs to: its statement's parent, looking through ``export``."""
    statement = declaration.parent if declaration.type == "variable_declarator" else declaration
    scope = statement.parent if statement is not None else None
    while scope is not None and scope.type in ("export_statement", "ambient_declaration"):
        scope = scope.parent
    return scope


class Resolver:
    """Resolves names and literal values in one parsed file."""

    def __init__(self, root: Node, language: Language) -> None:
        self._root = root
        self._language = language
        self._bindings: dict[tuple[int, str], Node] | None = None
        self._depth = 0
        self.missing: list[str] = []

    # -- names -------------------------------------------------------------------------------------------

    def _index(self) -> dict[tuple[int, str], Node]:
        if self._bindings is None:
            self._bindings = {}
            for _, captures in QueryCursor(_query(self._language)).matches(self._root):
                name, value = captures.get("name", []), captures.get("value", [])
                if not name or not value:
                    continue
                declarator = name[0].parent
                is_variable = declarator is not None and declarator.type == "variable_declarator"
                scope = _scope_of(declarator if is_variable and declarator is not None else value[0])
                if scope is not None:
                    self._bindings.setdefault((scope.id, node_text(name[0])), value[0])
        return self._bindings

    def lookup(self, name: str, at: Node) -> Node | None:
        """The value bound to ``name`` in the innermost enclosing scope of ``at``."""
        bindings = self._index()
        scope = at.parent
        while scope is not None:
            found = bindings.get((scope.id, name))
            if found is not None:
                return found
            scope = scope.parent
        return None

    def deref(self, node: Node) -> Node:
        """Follow identifiers and static member accesses to the expression they stand for."""
        node = unwrap(node)
        if self._depth > _MAX_DEPTH:
            return node
        self._depth += 1
        try:
            for _ in range(_MAX_DEPTH):
                if node.type in ("identifier", "shorthand_property_identifier"):
                    target = self.lookup(node_text(node), node)
                elif node.type == "member_expression":
                    target = self._member(node)
                else:
                    return node
                if target is None:
                    return node
                node = unwrap(target)
            return node
        finally:
            self._depth -= 1

    def _member(self, node: Node) -> Node | None:
        obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if obj is None or prop is None or prop.type != "property_identifier":
            return None
        target = self.deref(obj)
        key = node_text(prop)
        if target.type == "enum_declaration":
            body = target.child_by_field_name("body")
            for member in named(body) if body is not None else []:
                if member.type == "enum_assignment" and property_name(named(member)[0]) == key:
                    value = member.child_by_field_name("value")
                    return value
            return None
        if target.type == "object":
            return self.props(target).get(key)
        return None

    def props(self, node: Node) -> dict[str, Node]:
        """The properties of an object literal (through bindings and spreads), as key -> value node."""
        node = self.deref(node)
        out: dict[str, Node] = {}
        if node.type != "object" or self._depth > _MAX_DEPTH:
            return out
        self._depth += 1
        try:
            for child in named(node):
                if child.type == "pair":
                    key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                    if key is None or value is None:
                        continue
                    name = property_name(key)
                    if name is None and key.type == "computed_property_name" and named(key):
                        name = self.string(named(key)[0])
                    if name is not None:
                        out[name] = value
                elif child.type == "shorthand_property_identifier":
                    out[node_text(child)] = child
                elif child.type == "method_definition":
                    key = child.child_by_field_name("name")
                    name = property_name(key) if key is not None else None
                    if name is not None:
                        out[name] = child
                elif child.type == "spread_element" and named(child):
                    out.update(self.props(named(child)[0]))
        finally:
            self._depth -= 1
        return out

    # -- values ------------------------------------------------------------------------------------------

    def string(self, node: Node) -> str | None:
        """The static string value of an expression, or none."""
        value = self.value(node)
        return value if isinstance(value, str) else None

    def value(self, node: Node) -> Any:
        """The JSON-like static value of an expression, or ``UNRESOLVED``."""
        if self._depth > _MAX_DEPTH:
            return UNRESOLVED
        self._depth += 1
        try:
            return self._value(self.deref(node))
        finally:
            self._depth -= 1

    def _value(self, node: Node) -> Any:
        kind = node.type
        if kind == "string":  # fragments hold no backslash: decoding the joined text pairs split surrogates
            return unescape("".join(node_text(c) for c in node.named_children))
        if kind == "template_string":
            return self._template(node)
        if kind == "number":
            result = number(node)
            return UNRESOLVED if result is None else result
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined") or (kind == "identifier" and node_text(node) == "undefined"):
            return None
        if kind == "unary_expression" and node_text(node).startswith("-"):
            inner = self.value(named(node)[0]) if named(node) else UNRESOLVED
            return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else UNRESOLVED
        if kind == "binary_expression":
            return self._concat(node)
        if kind == "array":
            return self._array(node)
        if kind == "object":
            return self._object(node)
        if kind == "call_expression":
            return self.call_value(node)
        return UNRESOLVED

    def _template(self, node: Node) -> Any:
        parts: list[str] = []
        raw: list[str] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = named(child)
                value = self.value(inner[0]) if inner else UNRESOLVED
                if isinstance(value, bool) or value is None or value is UNRESOLVED or isinstance(value, (list, dict)):
                    return UNRESOLVED
                parts += [unescape("".join(raw)), str(value)]
                raw = []
            elif child.type != "comment":
                raw.append(node_text(child))
        return "".join(parts) + unescape("".join(raw))

    def _concat(self, node: Node) -> Any:
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or node_text(operator) != "+" or left is None or right is None:
            return UNRESOLVED
        a, b = self.value(left), self.value(right)
        if isinstance(a, str) and isinstance(b, (str, int, float)) and not isinstance(b, bool):
            return a + str(b)
        if isinstance(b, str) and isinstance(a, (int, float)) and not isinstance(a, bool):
            return str(a) + b
        return UNRESOLVED

    def _array(self, node: Node) -> Any:
        out: list[Any] = []
        for child in named(node):
            if child.type == "spread_element" and named(child):
                spread = self.value(named(child)[0])
                if not isinstance(spread, list):
                    return UNRESOLVED
                out.extend(spread)
                continue
            value = self.value(child)
            if value is UNRESOLVED:
                self.missing.append(f"array element {node_text(child)[:60]!r}")
                continue
            out.append(value)
        return out

    def _object(self, node: Node) -> Any:
        out: dict[str, Any] = {}
        for key, value_node in self.props(node).items():
            if value_node.type in FUNCTIONS:
                continue
            value = self.value(value_node)
            if value is UNRESOLVED:
                self.missing.append(key)
            elif value is not None or node_text(value_node) != "undefined":
                out[key] = value
        return out

    def call_value(self, node: Node) -> Any:
        """Static calls: ``[...].join(sep)``. Subclasses add more (schema converters)."""
        function = node.child_by_field_name("function")
        if function is not None and function.type == "member_expression":
            prop = function.child_by_field_name("property")
            obj = function.child_by_field_name("object")
            if node_text(prop) == "join" and obj is not None:
                items = self.value(obj)
                args = arguments(node)
                separator = self.string(args[0]) if args else ","
                if isinstance(items, list) and separator is not None and all(isinstance(i, str) for i in items):
                    return separator.join(items)
        return UNRESOLVED
