"""Python type hints and pydantic ``Field``s -> the JSON Schema an MCP SDK would publish for them.

Follows what FastMCP / MCPServer derive through pydantic, statically: ``str`` -> string, ``int`` -> integer,
``list[T]`` -> array of T, ``Optional[T]`` / ``T | None`` -> anyOf with null, ``Literal`` -> enum, an Enum or
a pydantic model defined in the same module -> its enum or object schema (inlined, not ``$ref``), and the
``description`` / ``title`` / ``default`` / ``examples`` / bounds of ``Field(...)`` and ``Annotated[T, Field(...)]``.
Unknown types give ``{}`` (any value), as pydantic does for ``Any``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcts.collect.source._py_values import UNRESOLVED, Values

__all__ = ["Param", "SchemaBuilder", "final_name"]

_SIMPLE: dict[str, dict[str, Any]] = {
    "str": {"type": "string"}, "int": {"type": "integer"}, "float": {"type": "number"},
    "bool": {"type": "boolean"}, "bytes": {"type": "string", "format": "binary"}, "None": {"type": "null"},
    "NoneType": {"type": "null"}, "dict": {"type": "object"}, "Dict": {"type": "object"},
    "Mapping": {"type": "object"}, "MutableMapping": {"type": "object"}, "list": {"type": "array"},
    "List": {"type": "array"}, "Any": {}, "object": {}, "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"}, "time": {"type": "string", "format": "time"},
    "AnyUrl": {"type": "string", "format": "uri"}, "HttpUrl": {"type": "string", "format": "uri"},
    "AnyHttpUrl": {"type": "string", "format": "uri"}, "Path": {"type": "string", "format": "path"},
    "UUID": {"type": "string", "format": "uuid"}, "Decimal": {"type": "number"},
    "EmailStr": {"type": "string", "format": "email"},
}
_ARRAYS = {"list", "List", "Sequence", "MutableSequence", "Iterable", "set", "Set", "frozenset", "FrozenSet",
           "tuple", "Tuple", "Collection"}
_OBJECTS = {"dict", "Dict", "Mapping", "MutableMapping"}
_ENUM_BASES = {"Enum", "StrEnum", "IntEnum"}
_MODEL_BASES = {"BaseModel", "TypedDict", "RootModel"}
_FIELD_KEYS = {"description": "description", "title": "title", "examples": "examples", "ge": "minimum",
               "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum", "min_length": "minLength",
               "max_length": "maxLength", "pattern": "pattern"}
_MAX_DEPTH = 12


def final_name(node: ast.AST) -> str:
    """The last name of a dotted reference (``typing.Optional`` -> ``Optional``); ``""`` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@dataclass
class Param:
    """One parameter a model fills in: its property schema and whether it is required."""

    name: str
    schema: dict[str, Any]
    required: bool
    description: str | None = None


class SchemaBuilder:
    """Build schemas from annotations of one module (its classes resolve Enum and pydantic model hints)."""

    def __init__(self, values: Values, classes: Mapping[str, ast.ClassDef]) -> None:
        self.values = values
        self.classes = classes

    def params(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, skip: frozenset[str] = frozenset()) -> list[Param]:
        """The parameters of ``fn`` a model fills in: no ``self``/``cls``, no Context, no ``*args``/``**kw``."""
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        pairs = [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
        out: list[Param] = []
        for index, (arg, default) in enumerate(pairs):
            if arg.arg in skip or (index == 0 and arg.arg in ("self", "cls")) or _is_context(arg):
                continue
            out.append(self.param(arg.arg, arg.annotation, default))
        return out

    def param(self, name: str, annotation: ast.expr | None, default: ast.expr | None) -> Param:
        """One parameter or model field: its schema and whether it is required."""
        return self._param_at(name, annotation, default, 0, frozenset())

    def model(self, cls: ast.ClassDef, depth: int = 0, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The object schema of a pydantic model or TypedDict class from its annotated fields."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            if final_name(stmt.annotation) == "ClassVar" or stmt.target.id == "model_config":
                continue
            if isinstance(stmt.annotation, ast.Subscript) and final_name(stmt.annotation.value) == "ClassVar":
                continue
            param = self._param_at(stmt.target.id, stmt.annotation, stmt.value, depth + 1, seen | {cls.name})
            properties[param.name] = param.schema
            if param.required:
                required.append(param.name)
        out: dict[str, Any] = {"type": "object", "properties": properties, "title": cls.name}
        doc = ast.get_docstring(cls)
        if doc:
            out["description"] = doc
        if required:
            out["required"] = required
        return out

    def _param_at(self, name: str, annotation: ast.expr | None, default: ast.expr | None, depth: int,
                  seen: frozenset[str]) -> Param:
        schema, field_call = self._annotated(annotation, depth, set(seen))
        required = default is None
        if field_call is not None:
            field_required = self._apply_field(field_call, schema)
            required = field_required if default is None else required
        if isinstance(default, ast.Call) and _is_field(default):
            required = self._apply_field(default, schema)
        elif default is not None:
            value = self.values.get(default)
            if value is not UNRESOLVED and _jsonable(value):
                schema["default"] = value
        description = schema.get("description")
        return Param(name, schema, required, description if isinstance(description, str) else None)

    def _annotated(self, node: ast.expr | None, depth: int, seen: set[str]) -> tuple[dict[str, Any], ast.Call | None]:
        """The schema of a hint and, for ``Annotated[T, Field(...)]``, the ``Field`` call."""
        if isinstance(node, ast.Subscript) and final_name(node.value) == "Annotated":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            field_call = next((e for e in elts[1:] if _is_field(e)), None)
            return self._type(elts[0], depth, seen), field_call if isinstance(field_call, ast.Call) else None
        return self._type(node, depth, seen), None

    def _type(self, node: ast.expr | None, depth: int, seen: set[str]) -> dict[str, Any]:
        if node is None or depth > _MAX_DEPTH:
            return {}
        if isinstance(node, ast.Constant):
            if node.value is None:
                return {"type": "null"}
            if isinstance(node.value, str):
                try:
                    return self._type(ast.parse(node.value, mode="eval").body, depth + 1, seen)
                except (SyntaxError, ValueError):
                    return {}
            return {}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self._type(m, depth + 1, seen) for m in _union_members(node)])
        if isinstance(node, ast.Subscript):
            return self._subscript(node, depth, seen)
        name = final_name(node)
        if name in self.classes and name not in seen:
            return self._class(self.classes[name], depth, seen)
        return dict(_SIMPLE.get(name, {"type": "array"} if name in _ARRAYS else {}))

    def _subscript(self, node: ast.Subscript, depth: int, seen: set[str]) -> dict[str, Any]:
        name = final_name(node.value)
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if name == "Annotated":
            schema, field_call = self._annotated(node, depth + 1, seen)
            if field_call is not None:
                self._apply_field(field_call, schema)
            return schema
        if name == "Optional":
            return _union([self._type(elts[0], depth + 1, seen), {"type": "null"}])
        if name == "Union":
            return _union([self._type(e, depth + 1, seen) for e in elts])
        if name == "Literal":
            values = [v for v in (self.values.get(e) for e in elts) if v is not UNRESOLVED and _jsonable(v)]
            return _enum(values)
        if name in _ARRAYS:
            out: dict[str, Any] = {"type": "array"}
            homogeneous = name not in ("tuple", "Tuple") or (len(elts) == 2 and isinstance(elts[1], ast.Constant)
                                                             and elts[1].value is ...)
            items = self._type(elts[0], depth + 1, seen) if homogeneous else {}
            if items:
                out["items"] = items
            return out
        if name in _OBJECTS:
            out = {"type": "object"}
            value_schema = self._type(elts[-1], depth + 1, seen) if len(elts) == 2 else {}
            if value_schema:
                out["additionalProperties"] = value_schema
            return out
        return self._type(node.value, depth + 1, seen)

    def _class(self, cls: ast.ClassDef, depth: int, seen: set[str]) -> dict[str, Any]:
        bases = {final_name(b) for b in cls.bases}
        if bases & _ENUM_BASES:
            members = [s.value for s in cls.body if isinstance(s, ast.Assign) and len(s.targets) == 1]
            values = [v for v in (self.values.get(m) for m in members) if v is not UNRESOLVED and _jsonable(v)]
            return _enum(values)
        if bases & _MODEL_BASES or any(b in self.classes for b in bases):
            return self.model(cls, depth + 1, frozenset(seen))
        return {}

    def _apply_field(self, call: ast.Call, schema: dict[str, Any]) -> bool:
        """Copy what ``Field(...)`` says into ``schema``; return whether the field is required."""
        required = True
        default: ast.expr | None = call.args[0] if call.args else None
        for kw in call.keywords:
            if kw.arg == "default":
                default = kw.value
            elif kw.arg == "default_factory":
                required = False
            elif kw.arg in _FIELD_KEYS:
                value = self.values.get(kw.value)
                if value is not UNRESOLVED and _jsonable(value):
                    schema[_FIELD_KEYS[kw.arg]] = value
            elif kw.arg == "json_schema_extra":
                extra = self.values.get(kw.value)
                if isinstance(extra, dict):
                    schema.update({str(k): v for k, v in extra.items() if _jsonable(v)})
        if default is not None and not (isinstance(default, ast.Constant) and default.value is ...):
            required = False
            value = self.values.get(default)
            if value is not UNRESOLVED and _jsonable(value):
                schema["default"] = value
        return required


def _is_context(arg: ast.arg) -> bool:
    if arg.annotation is None:
        return arg.arg in ("ctx", "context")
    return any(_names_context(member) for member in _union_members(arg.annotation))


def _names_context(hint: ast.expr) -> bool:
    if isinstance(hint, ast.Subscript):
        if final_name(hint.value) in ("Optional", "Union", "Annotated"):
            elts = hint.slice.elts if isinstance(hint.slice, ast.Tuple) else [hint.slice]
            return any(_names_context(e) for e in elts[:1] if final_name(hint.value) == "Annotated") or any(
                _names_context(e) for e in elts if final_name(hint.value) != "Annotated")
        hint = hint.value
    if isinstance(hint, ast.Constant) and isinstance(hint.value, str):
        return hint.value.split("[", 1)[0].split("|", 1)[0].strip().rsplit(".", 1)[-1].endswith("Context")
    return final_name(hint).endswith("Context")


def _is_field(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and final_name(node.func) == "Field"


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union_members(node.left), *_union_members(node.right)]
    return [node]


def _union(members: list[dict[str, Any]]) -> dict[str, Any]:
    unique: list[dict[str, Any]] = []
    for member in members:
        if member not in unique:
            unique.append(member)
    if any(m == {} for m in unique):
        return {}
    return unique[0] if len(unique) == 1 else {"anyOf": unique}


def _enum(values: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"enum": values}
    kinds = {type(v) for v in values}
    if kinds == {str}:
        out["type"] = "string"
    elif kinds == {int}:
        out["type"] = "integer"
    return out


def _jsonable(value: object, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_jsonable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v, depth + 1) for k, v in value.items())
    return False
