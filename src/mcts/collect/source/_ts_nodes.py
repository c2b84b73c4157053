"""Small helpers over tree-sitter nodes for the TypeScript/JavaScript extractor: text, positions, literals."""

from __future__ import annotations

import re

from tree_sitter import Node

from mcts.model.finding import SourceRef

__all__ = [
    "FUNCTIONS",
    "arguments",
    "in_error",
    "named",
    "node_text",
    "number",
    "param_names",
    "property_name",
    "source_ref",
    "unescape",
    "unwrap",
]

# Expression wrappers that do not change a value: `(x)`, `x as T`, `x satisfies T`, `x!`, `<T>x`.
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
)
FUNCTIONS = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)
_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def node_text(node: Node | None) -> str:
    """The node's source text (empty for none)."""
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def named(node: Node) -> list[Node]:
    """The named children of a node, without comments and ERROR nodes."""
    return [c for c in node.named_children if c.type not in ("comment", "ERROR")]


def arguments(call: Node) -> list[Node]:
    """The argument expressions of a call or ``new`` expression (comments and ERROR nodes skipped)."""
    args = call.child_by_field_name("arguments")
    return named(args) if args is not None and args.type == "arguments" else []


def unwrap(node: Node) -> Node:
    """Strip parentheses, type assertions and non-null marks around an expression."""
    while node.type in _WRAPPERS:
        inner = named(node)
        if not inner:
            break
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def in_error(node: Node) -> bool:
    """Whether the node is, or lies inside, a part tree-sitter could not parse."""
    current: Node | None = node
    while current is not None:
        if current.type == "ERROR" or current.is_missing:
            return True
        current = current.parent
    return False


def source_ref(relpath: str, node: Node, start: Node | None = None) -> SourceRef:
    """A 1-based file:line:column reference to a node (starting at ``start`` when given)."""
    first = start if start is not None else node
    return SourceRef(
        file=relpath,
        line=first.start_point.row + 1,
        column=first.start_point.column + 1,
        end_line=max(node.end_point.row, first.start_point.row) + 1,
    )


def _escape(match: re.Match[str]) -> str:
    braced, four, two, other = match.groups()
    code = braced or four or two
    if code is not None:
        value = int(code, 16)
        return chr(value) if value <= 0x10FFFF else "\ufffd"
    if other in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
        return ""  # line continuation
    return _SIMPLE.get(other, other)


def unescape(raw: str) -> str:
    """Decode JavaScript escape sequences, joining UTF-16 surrogate pairs (``\\ud83d\\ude00``)."""
    if "\\" not in raw:
        return raw
    decoded = _ESCAPE.sub(_escape, raw)
    if _SURROGATE.search(decoded):
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded


def number(node: Node) -> int | float | None:
    """A JavaScript numeric literal's value, or none when it is not a plain number."""
    raw = node_text(node).replace("_", "").rstrip("n")
    try:
        return int(raw, 0)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return None


def property_name(key: Node) -> str | None:
    """The static name of an object key (``a``, ``"a"``, ``1``); none for computed keys (resolved by the caller)."""
    if key.type in ("property_identifier", "shorthand_property_identifier", "private_property_identifier"):
        return node_text(key)
    if key.type == "string":
        return "".join(
            unescape(node_text(c)) if c.type == "escape_sequence" else node_text(c) for c in key.named_children
        )
    if key.type == "number":
        value = number(key)
        return None if value is None else str(value)
    return None


def param_names(pattern: Node) -> list[str]:
    """The local names bound by a parameter or destructuring pattern (``{a, b: c, ...rest}`` gives a, c, rest)."""
    kind = pattern.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        return [node_text(pattern)]
    if kind in ("required_parameter", "optional_parameter"):
        inner = pattern.child_by_field_name("pattern")
        return param_names(inner) if inner is not None else []
    if kind == "pair_pattern":
        value = pattern.child_by_field_name("value")
        return param_names(value) if value is not None else []
    if kind in ("object_assignment_pattern", "assignment_pattern"):
        left = pattern.child_by_field_name("left")
        return param_names(left) if left is not None else []
    if kind in ("object_pattern", "array_pattern", "rest_pattern"):
        return [name for child in named(pattern) for name in param_names(child)]
    return []
