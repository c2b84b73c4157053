"""The low-level ``Server`` API: item literals (``Tool(...)``, ``Prompt(...)``, ``Resource(...)``) in list handlers.

A ``@server.list_tools()`` handler (or the ``on_list_tools=`` callback of mcp 2.x) returns the tools as
literals, directly, through a module constant (``return TOOLS``) or through a helper function of the same
module. Both mcp 1.x keyword spellings (``inputSchema``, ``mimeType``) and mcp 2.x ones (``input_schema``,
``mime_type``) are read; ``Model.model_json_schema()`` of a model defined in the module becomes its schema.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from mcts.collect.source._py_module import ModuleInfo
from mcts.collect.source._py_schema import SchemaBuilder, final_name
from mcts.collect.source._py_values import UNRESOLVED, Values

__all__ = ["LIST_KINDS", "Literals"]

# list handler -> (literal class names, wire list key)
LIST_KINDS: dict[str, tuple[frozenset[str], str]] = {
    "list_tools": (frozenset({"Tool"}), "tools"),
    "list_prompts": (frozenset({"Prompt"}), "prompts"),
    "list_resources": (frozenset({"Resource"}), "resources"),
    "list_resource_templates": (frozenset({"ResourceTemplate"}), "resourceTemplates"),
}
_STRUCTS = {"ToolAnnotations", "PromptArgument", "Annotations", "Icon", "ToolExecution"}
_SCHEMA_METHODS = {"model_json_schema", "schema"}
_MAX_FOLLOW = 3


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Literals:
    """Turn item literals of one module into wire dictionaries."""

    def __init__(self, module: ModuleInfo, values: Values, schemas: SchemaBuilder) -> None:
        self.module = module
        self.values = values
        self.schemas = schemas

    def calls(self, fn: ast.AST, classes: frozenset[str]) -> Iterator[ast.Call]:
        """Calls of ``classes`` reachable from ``fn``: in its body, module constants it names, helpers it calls."""
        seen: set[int] = set()
        work: list[tuple[ast.AST, int]] = [(fn, 0)]
        while work:
            node, depth = work.pop(0)
            if id(node) in seen:
                continue
            seen.add(id(node))
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and final_name(sub.func) in classes:
                    yield sub
                elif isinstance(sub, ast.Name) and depth < _MAX_FOLLOW and sub is not node:
                    target: ast.AST | None = self.module.constants.get(sub.id) or self.module.functions.get(sub.id)
                    if target is not None and target is not fn:
                        work.append((target, depth + 1))

    def struct(self, node: ast.AST | None, depth: int = 0) -> object:
        """The wire value of a keyword argument: nested literals, model schemas, else the static value.

        A module constant is followed, and so is a call of a module helper whose body is one ``return``
        (``annotations=writes(destructive=True)``), with its parameters bound to the call's arguments.
        """
        if depth > _MAX_FOLLOW:
            return self.values.get(node)
        if isinstance(node, ast.Name) and node.id not in self.values.bindings and node.id in self.module.constants:
            return self.struct(self.module.constants[node.id], depth + 1)
        if isinstance(node, ast.Call):
            name = final_name(node.func)
            if name in _STRUCTS:
                return self.kwargs(node, depth)
            helper = self.module.functions.get(name) if isinstance(node.func, ast.Name) else None
            returned = _single_return(helper) if helper is not None else None
            if helper is not None and returned is not None:
                return self._inline(helper, node, returned, depth)
            if name in _SCHEMA_METHODS and isinstance(node.func, ast.Attribute):
                cls = self.module.classes.get(final_name(node.func.value))
                if cls is not None:
                    return self.schemas.model(cls)
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.struct(e, depth) for e in node.elts]
            return [i for i in items if i is not UNRESOLVED]
        return self.values.get(node)

    def _inline(self, helper: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, returned: ast.expr,
                depth: int) -> object:
        params = [a.arg for a in [*helper.args.posonlyargs, *helper.args.args]]
        bound = dict(zip(params, call.args, strict=False))
        bound.update({kw.arg: kw.value for kw in call.keywords if kw.arg is not None})
        saved = self.values.bindings
        self.values.bindings = bound
        try:
            return self.struct(returned, depth + 1)
        finally:
            self.values.bindings = saved

    def kwargs(self, call: ast.Call, depth: int = 0) -> dict[str, Any]:
        """The keyword arguments of a literal as a wire dictionary (camelCase keys; unknown values left out)."""
        out: dict[str, Any] = {}
        for kw in call.keywords:
            if kw.arg is None:
                merged = self.values.get(kw.value)
                if isinstance(merged, dict):
                    out.update({str(k): v for k, v in merged.items()})
                continue
            value = self.struct(kw.value, depth + 1)
            if value is not UNRESOLVED and value is not None:
                out["_meta" if kw.arg == "meta" else _camel(kw.arg)] = value
        return out


def _single_return(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    body = fn.body[1:] if fn.body and ast.get_docstring(fn) is not None else fn.body
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return body[0].value
    return None
