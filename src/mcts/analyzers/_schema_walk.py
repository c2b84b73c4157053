"""Walk a JSON Schema defensively and yield every schema node with its dotted path and parameter name.

Schemas come from untrusted servers: they can be malformed (``"properties": []``, non-dict items), huge (10,000
properties) or deep (nesting hundreds of levels). The walk never follows ``$ref`` (so name cycles cannot loop;
the definitions they point at are walked once under ``$defs``/``definitions``), skips nodes it has already seen,
and stops at ``MAX_DEPTH`` levels and ``MAX_NODES`` nodes, saying so in ``SchemaWalk.truncated``.

Paths use the same segments as ``Inventory.texts()`` (``inputSchema.properties.path``,
``inputSchema.properties["$weird key"]``, ``inputSchema.anyOf[1]``), so a finding points at the string that
``texts()`` yields for the same place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

MAX_DEPTH = 48
MAX_NODES = 4_000

# Keywords whose value is a mapping of name -> schema. Only ``properties`` names parameters.
_NAMED_CHILDREN = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keywords whose value is one schema (``items`` may also be a list, handled with the list keywords).
_SINGLE_CHILD = ("items", "additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems",
                 "contains", "propertyNames", "not", "if", "then", "else", "contentSchema")
# Keywords whose value is a list of schemas.
_LIST_CHILDREN = ("anyOf", "oneOf", "allOf", "prefixItems", "items")
# Children that describe the same value as their parent: the parameter name carries over to them.
_CHILD_KEYS = frozenset((*_NAMED_CHILDREN, *_SINGLE_CHILD, *_LIST_CHILDREN))
_SAME_VALUE = frozenset({"anyOf", "oneOf", "allOf", "not", "if", "then", "else", "items", "prefixItems",
                         "additionalItems", "unevaluatedItems", "contains"})


@dataclass(frozen=True)
class SchemaNode:
    """One schema object: where it is, the parameter it describes (if any) and its raw content."""

    path: str
    name: str | None
    node: Mapping[str, object]
    is_property: bool  # the node is the value of a ``properties`` entry: ``path + "#key"`` locates its name


@dataclass
class SchemaWalk:
    """The nodes of one schema, and whether the walk stopped at a cap before seeing all of it."""

    nodes: list[SchemaNode] = field(default_factory=list)
    truncated: str | None = None  # why the walk stopped early, or None


@functools.lru_cache(maxsize=65536)
def segment(path: str, key: str) -> str:
    """Append ``key`` to a dotted path the way ``Inventory.texts()`` does (odd keys quoted in brackets)."""
    plain = key.replace("_", "a").replace("-", "a").isalnum() and key.isascii()
    part = key if plain else '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    if not path:
        return part
    return f"{path}.{part}" if plain else path + part


def walk_schema(schema: object, root: str) -> SchemaWalk:
    """Every schema node under ``schema`` (breadth first), rooted at path ``root`` (e.g. ``inputSchema``)."""
    result = SchemaWalk()
    seen: set[int] = set()
    queue: list[tuple[object, str, str | None, bool, int]] = [(schema, root, None, False, 0)]
    head = 0
    while head < len(queue):
        value, path, name, is_property, depth = queue[head]
        head += 1
        if not isinstance(value, Mapping) or id(value) in seen:
            continue
        if len(result.nodes) >= MAX_NODES:
            result.truncated = f"more than {MAX_NODES} schema nodes"
            break
        seen.add(id(value))
        result.nodes.append(SchemaNode(path, name, value, is_property))
        if depth >= MAX_DEPTH:
            if _has_children(value):
                result.truncated = f"schema nested deeper than {MAX_DEPTH} levels"
            continue
        queue.extend(_children(value, path, name, depth + 1))
    return result


def _has_children(node: Mapping[str, object]) -> bool:
    return any(isinstance(node.get(k), Mapping | list) for k in (*_NAMED_CHILDREN, *_SINGLE_CHILD, *_LIST_CHILDREN))


def _children(node: Mapping[str, object], path: str, name: str | None,
              depth: int) -> Iterator[tuple[object, str, str | None, bool, int]]:
    for key, value in node.items():
        if key not in _CHILD_KEYS:
            continue
        inherited = name if key in _SAME_VALUE else None
        if isinstance(value, Mapping):
            if key in _NAMED_CHILDREN:
                base = segment(path, key)
                is_property = key == "properties"
                for child_key, child in value.items():
                    if isinstance(child, Mapping):
                        label = str(child_key)
                        yield child, segment(base, label), label if is_property else None, is_property, depth
            elif key in _SINGLE_CHILD:
                yield value, segment(path, key), inherited, False, depth
        elif isinstance(value, list) and key in _LIST_CHILDREN:
            base = segment(path, key)
            for index, child in enumerate(value):
                if isinstance(child, Mapping):
                    yield child, f"{base}[{index}]", inherited, False, depth


def string_leaves(value: object, path: str, limit: int = 64) -> Iterator[tuple[str, str]]:
    """The strings inside a JSON value (a default, a const, an example), with their paths; at most ``limit``."""
    stack: list[tuple[object, str, int]] = [(value, path, 0)]
    count = 0
    while stack and count < limit:
        current, where, depth = stack.pop()
        if isinstance(current, str):
            count += 1
            yield where, current
        elif depth < 8 and isinstance(current, Mapping):
            stack.extend((v, segment(where, str(k)), depth + 1) for k, v in reversed(list(current.items())[:limit]))
        elif depth < 8 and isinstance(current, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in reversed(list(enumerate(current[:limit]))))


@functools.lru_cache(maxsize=16384)
def split_words(name: str) -> tuple[str, ...]:
    """Split an identifier into lower-case words: ``clientSecret`` / ``client-secret`` -> ``["client", "secret"]``."""
    words: list[str] = []
    current = ""
    previous = ""
    for char in name:
        if not char.isalnum():
            if current:
                words.append(current)
            current = ""
        elif char.isupper() and current and (previous.islower() or previous.isdigit()):
            words.append(current)
            current = char
        else:
            current += char
        previous = char
    if current:
        words.append(current)
    return tuple(w.lower() for w in words)


__all__ = ["MAX_DEPTH", "MAX_NODES", "SchemaNode", "SchemaWalk", "segment", "split_words", "string_leaves",
           "walk_schema"]
