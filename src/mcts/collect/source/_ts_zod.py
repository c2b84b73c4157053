"""zod schemas in source -> JSON Schema, statically, the way the MCP TypeScript SDK would list them.

Covers the constructors and modifiers tool schemas use (``z.string()``, ``z.object({...})``, ``.describe()``,
``.optional()``, ``.default()``, ``.nullable()``, unions, enums, literals, arrays, records); validation-only
refinements (``.min``, ``.max``, ``.email``, ``.regex``, ...) are ignored. The zod namespace is recognised by
shape, not by import name, so ``z.string()``, ``zod.string()`` and a bundler's ``n.z.string()`` all work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from mcts.collect.source._ts_nodes import arguments, node_text
from mcts.collect.source._ts_values import UNRESOLVED, Resolver

__all__ = ["Schemas", "Zod"]

_SIMPLE: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "bigint": {"type": "integer"},
    "int": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date-time"},
    "null": {"type": "null"},
    "any": {},
    "unknown": {},
    "never": {"not": {}},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
    "uuid": {"type": "string", "format": "uuid"},
    "instanceof": {},
    "custom": {},
    "function": {},
    "lazy": {},
}
_WRAPPING = {"optional", "nullable", "nullish", "array", "preprocess", "promise"}
_CONSTRUCTORS = (
    set(_SIMPLE)
    | _WRAPPING
    | {"object", "strictObject", "looseObject", "enum", "nativeEnum", "literal", "union", "discriminatedUnion"}
    | {"intersection", "record", "tuple", "map", "set"}
)
_TO_JSON = {"zodToJsonSchema", "toJsonSchema", "toJSONSchema"}


@dataclass
class Zod:
    """A converted zod schema and whether the property it describes may be left out."""

    schema: dict[str, Any] = field(default_factory=dict)
    optional: bool = False


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _literal_type(value: Any) -> dict[str, Any]:
    kinds = {bool: "boolean", int: "number", float: "number", str: "string"}
    kind = kinds.get(type(value))
    return {"type": kind, "const": value} if kind else {"const": value}


class Schemas(Resolver):
    """A resolver that also understands zod schemas and ``zodToJsonSchema(...)`` calls."""

    def zod(self, node: Node) -> Zod | None:
        """Convert a zod expression (or a name bound to one) to JSON Schema; none when it is not one."""
        node = self.deref(node)
        if node.type == "member_expression" and node_text(node.child_by_field_name("property")) == "shape":
            receiver = node.child_by_field_name("object")
            return self.zod(receiver) if receiver is not None and self._depth <= 40 else None
        if node.type != "call_expression" or self._depth > 40:
            return None
        self._depth += 1
        try:
            return self._call(node)
        finally:
            self._depth -= 1

    def _call(self, node: Node) -> Zod | None:
        function = node.child_by_field_name("function")
        args = arguments(node)
        if function is None:
            return None
        if function.type == "identifier":
            # `completable(z.string(), complete)` from the SDK wraps a schema for argument completion.
            return self.zod(args[0]) if node_text(function) == "completable" and args else None
        if function.type != "member_expression":
            return None
        method = node_text(function.child_by_field_name("property"))
        receiver = function.child_by_field_name("object")
        if receiver is None:
            return None
        inner = self.zod(receiver)
        if inner is None:
            if method in _CONSTRUCTORS and receiver.type in ("identifier", "member_expression"):
                return self._construct(method, args)
            return None
        return self._modify(inner, method, args)

    def _construct(self, method: str, args: list[Node]) -> Zod | None:
        first = args[0] if args else None
        if method in _SIMPLE:
            schema = dict(_SIMPLE[method])
            # zod 3 accepts `z.string({description: "..."})`.
            params = self.props(first) if first is not None and method != "instanceof" else {}
            description = self.string(params["description"]) if "description" in params else None
            if description is not None:
                schema["description"] = description
            return Zod(schema)
        if method in ("object", "strictObject", "looseObject"):
            return Zod(self.object_schema(self.props(first) if first is not None else {}))
        if method in ("optional", "nullable", "nullish", "array", "promise"):
            inner = self.zod(first) if first is not None else None
            return self._modify(inner, method, []) if inner is not None else None
        if method == "preprocess":
            return self.zod(args[1]) if len(args) > 1 else None
        if method in ("enum", "nativeEnum"):
            values = self._enum_values(first)
            return Zod({"type": "string", "enum": values} if values else {"type": "string"})
        if method == "literal":
            value = self.value(first) if first is not None else UNRESOLVED
            return Zod(_literal_type(value) if value is not UNRESOLVED else {})
        if method in ("union", "discriminatedUnion", "tuple"):
            options = args[-1] if args else None
            members = [self.zod(child) for child in self._elements(options)]
            schemas = [m.schema if m is not None else {} for m in members]
            return Zod({"type": "array", "items": schemas} if method == "tuple" else {"anyOf": schemas})
        if method == "intersection":
            return Zod({"allOf": [z.schema for z in (self.zod(a) for a in args) if z is not None]})
        if method in ("record", "map"):
            mapped = self.zod(args[-1]) if args else None
            return Zod({"type": "object", "additionalProperties": mapped.schema if mapped else {}})
        if method == "set":
            items = self.zod(first) if first is not None else None
            return Zod({"type": "array", "uniqueItems": True, "items": items.schema if items else {}})
        return None

    def _modify(self, inner: Zod, method: str, args: list[Node]) -> Zod:
        schema, optional = dict(inner.schema), inner.optional
        first = args[0] if args else None
        if method == "describe" and first is not None:
            description = self.string(first)
            if description is None:
                self.missing.append("a .describe() text")
            else:
                schema["description"] = description
        elif method == "meta" and first is not None:
            meta = self.value(first)
            if isinstance(meta, dict):
                schema.update({k: v for k, v in meta.items() if k in ("description", "title", "examples")})
        elif method in ("optional", "nullish"):
            optional = True
            if method == "nullish":
                schema = _nullable(schema)
        elif method == "nullable":
            schema = _nullable(schema)
        elif method == "default" and first is not None:
            value = self.value(first)
            if value is not UNRESOLVED:
                schema["default"] = value
            optional = True
        elif method == "int":
            schema["type"] = "integer"
        elif method == "array":
            schema, optional = {"type": "array", "items": schema}, False
        elif method in ("or", "and") and first is not None:
            other = self.zod(first)
            schema = {"anyOf" if method == "or" else "allOf": [schema, other.schema if other else {}]}
        elif method in ("extend", "merge", "safeExtend") and first is not None:
            schema = self._extend(schema, first, method)
        elif method in ("partial", "required", "pick", "omit"):
            schema = self._reshape(schema, method, first)
        return Zod(schema, optional)

    def _extend(self, schema: dict[str, Any], other: Node, method: str) -> dict[str, Any]:
        if method == "merge":
            extra = self.zod(other)
            added = extra.schema if extra else {}
        else:
            added = self.object_schema(self.props(other))
        properties = {**schema.get("properties", {}), **added.get("properties", {})}
        required = [k for k in schema.get("required", []) if k not in added.get("properties", {})]
        required += added.get("required", [])
        out = {**schema, "type": "object", "properties": properties}
        out.pop("required", None)
        if required:
            out["required"] = required
        return out

    def _reshape(self, schema: dict[str, Any], method: str, mask: Node | None) -> dict[str, Any]:
        properties: dict[str, Any] = dict(schema.get("properties", {}))
        keys = set(self.props(mask)) if mask is not None else set()
        required = list(schema.get("required", []))
        if method == "pick":
            properties = {k: v for k, v in properties.items() if k in keys}
        elif method == "omit":
            properties = {k: v for k, v in properties.items() if k not in keys}
        if method == "partial":
            required = [k for k in required if keys and k not in keys]
        elif method == "required":
            required = [k for k in properties if not keys or k in keys or k in required]
        out = {**schema, "properties": properties}
        out.pop("required", None)
        required = [k for k in required if k in properties]
        if required:
            out["required"] = required
        return out

    def _elements(self, node: Node | None) -> list[Node]:
        if node is None:
            return []
        node = self.deref(node)
        return [c for c in node.named_children if c.type not in ("comment", "ERROR")] if node.type == "array" else []

    def _enum_values(self, node: Node | None) -> list[Any]:
        if node is None:
            return []
        target = self.deref(node)
        if target.type == "enum_declaration":
            body = target.child_by_field_name("body")
            values: list[Any] = []
            for member in body.named_children if body is not None else []:
                value = member.child_by_field_name("value") if member.type == "enum_assignment" else None
                resolved = self.value(value) if value is not None else node_text(member)
                if resolved is not UNRESOLVED:
                    values.append(resolved)
            return values
        resolved = self.value(target)
        if isinstance(resolved, dict):
            return list(resolved.values())
        return resolved if isinstance(resolved, list) else []

    def object_schema(self, shape: dict[str, Node]) -> dict[str, Any]:
        """The JSON Schema of a zod object shape (``{a: z.string(), b: z.number().optional()}``)."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for key, value in shape.items():
            converted = self.zod(value)
            if converted is None:
                self.missing.append(f"the schema of {key!r}")
                converted = Zod()
            properties[key] = converted.schema
            if not converted.optional:
                required.append(key)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def is_shape(self, node: Node) -> bool:
        """Whether an object literal is a zod raw shape: empty, or with at least one zod value (as the SDK)."""
        target = self.deref(node)
        if target.type != "object":
            return False
        shape = self.props(target)
        return not shape or any(self.zod(value) is not None for value in shape.values())

    def input_schema(self, node: Node) -> dict[str, Any] | None:
        """A tool's schema: a raw shape, a zod object, or a JSON Schema literal; none when unresolvable."""
        target = self.deref(node)
        if target.type == "object":
            if self.is_shape(target):
                return self.object_schema(self.props(target))
            value = self.value(target)
            return value if isinstance(value, dict) else None
        converted = self.zod(target)
        if converted is not None:
            return converted.schema
        value = self.value(target)
        return value if isinstance(value, dict) else None

    def call_value(self, node: Node) -> Any:
        """Adds ``zodToJsonSchema(X)`` and ``z.toJSONSchema(X)`` to the static calls."""
        function = node.child_by_field_name("function")
        name = function
        if function is not None and function.type == "member_expression":
            name = function.child_by_field_name("property")
        args = arguments(node)
        if node_text(name) in _TO_JSON and args:
            converted = self.zod(args[0])
            return converted.schema if converted is not None else UNRESOLVED
        return super().call_value(node)
