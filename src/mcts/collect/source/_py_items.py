"""Build wire-shaped tools, prompts, resources and templates (and their ``ItemSource``) from Python declarations."""

from __future__ import annotations

import ast
from typing import Any

from mcts.collect.source._py_lowlevel import LIST_KINDS, Literals
from mcts.collect.source._py_module import ModuleInfo, ServerKind
from mcts.collect.source._py_schema import Param, SchemaBuilder
from mcts.collect.source._py_values import Values
from mcts.collect.source.extracted import Extracted
from mcts.model.finding import SourceRef, Surface
from mcts.model.source import ItemSource

__all__ = ["Function", "ItemBuilder"]

Function = ast.FunctionDef | ast.AsyncFunctionDef

# positional parameters of the server constructors, by kind
_CTOR_POSITIONAL: dict[ServerKind, tuple[str, ...]] = {
    "fastmcp": ("name", "instructions"),
    "mcpserver": ("name", "title", "description", "instructions"),
    "lowlevel": ("name", "version", "instructions"),
    "unknown": ("name",),
}
_IDENT_KEYS = {"tools": "name", "prompts": "name", "resources": "uri", "resourceTemplates": "uriTemplate"}


def _ref(relpath: str, node: ast.AST) -> SourceRef:
    line = max(getattr(node, "lineno", 1), 1)
    end = getattr(node, "end_lineno", None)
    return SourceRef(file=relpath, line=line, column=getattr(node, "col_offset", 0) + 1,
                     end_line=end if isinstance(end, int) and end >= line else None)


def _arg(call: ast.Call | None, name: str, position: int | None = None) -> ast.expr | None:
    if call is None:
        return None
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and position < len(call.args) and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return None


class ItemBuilder:
    """Append items found in one module to an ``Extracted``, with a warning for every unresolved part."""

    def __init__(self, relpath: str, module: ModuleInfo, out: Extracted) -> None:
        self.relpath = relpath
        self.module = module
        self.out = out
        self.values = Values(module.constants, module.classes)
        self.schemas = SchemaBuilder(self.values, module.classes)
        self.literals = Literals(module, self.values, self.schemas)
        self._servers_seen = 0
        self._name_mark = 0

    def warn(self, node: ast.AST, message: str) -> None:
        """Record what could not be resolved, with the file and line."""
        self.out.warnings.append(f"{self.relpath}:{getattr(node, 'lineno', 1)}: {message}")

    def _flush_gaps(self, mark: int, node: ast.AST, what: str) -> None:
        gaps = self.values.gaps[mark:]
        if gaps:
            shown = ", ".join(sorted({_short(_unparse(g)) for g in gaps[:5]}))
            self.warn(node, f"{what}: not statically resolvable, kept what could be read ({shown})")
            del self.values.gaps[mark:]

    def _text(self, node: ast.expr | None) -> str | None:
        return self.values.text(node) if node is not None else None

    def server(self, call: ast.Call, kind: ServerKind) -> None:
        """The constructor of a server: its name, version and instructions (the first server of the file)."""
        self._servers_seen += 1
        if self._servers_seen > 1:
            return
        mark = len(self.values.gaps)
        positional = _CTOR_POSITIONAL[kind]
        name = self._text(_arg(call, "name", 0))
        version = self._text(_arg(call, "version", positional.index("version") if "version" in positional else None))
        node = _arg(call, "instructions", positional.index("instructions") if "instructions" in positional else None)
        self.out.server_name = self.out.server_name or name
        self.out.server_version = self.out.server_version or version
        instructions = self._text(node)
        if node is not None and instructions is not None and self.out.instructions is None:
            self.out.instructions = instructions
            self.out.sources.append(ItemSource(surface=Surface.INSTRUCTIONS, item=None, ref=_ref(self.relpath, node),
                                               language="python"))
        self._flush_gaps(mark, call, "server constructor")

    def tool(self, fn: Function | None, call: ast.Call | None, decl: ast.AST, fallback: str | None = None,
             name_position: int | None = 0) -> None:
        """A tool from a decorator or an ``add_tool`` call; ``fn`` is ``None`` when the handler is elsewhere."""
        mark = len(self.values.gaps)
        name = self._name(call, fn, fallback, decl, "tool", name_position)
        if name is None:
            return
        exclude = self.values.get(_arg(call, "exclude_args"))
        skip = frozenset(x for x in exclude if isinstance(x, str)) if isinstance(exclude, list) else frozenset()
        params = self.schemas.params(fn, skip) if fn is not None else []
        item: dict[str, Any] = {"name": name}
        self._common(item, call, fn)
        schema: dict[str, Any] = {"type": "object", "properties": {p.name: p.schema for p in params}}
        required = [p.name for p in params if p.required]
        if required:
            schema["required"] = required
        item["inputSchema"] = schema
        annotations = _arg(call, "annotations")
        if annotations is not None:
            value = self.literals.struct(annotations)
            if isinstance(value, dict) and value:
                item["annotations"] = value
        self.out.tools.append(item)
        self._source(Surface.TOOL, name, decl, fn, params)
        self._flush_gaps(mark, decl, f"tool {name!r}")

    def prompt(self, fn: Function, call: ast.Call | None, decl: ast.AST) -> None:
        """A prompt from ``@server.prompt``: its arguments are the handler's parameters."""
        mark = len(self.values.gaps)
        name = self._name(call, fn, None, decl, "prompt", 0)
        if name is None:
            return
        params = self.schemas.params(fn)
        item: dict[str, Any] = {"name": name}
        self._common(item, call, fn)
        arguments: list[dict[str, Any]] = []
        for param in params:
            argument: dict[str, Any] = {"name": param.name, "required": param.required}
            if param.description:
                argument["description"] = param.description
            arguments.append(argument)
        if arguments:
            item["arguments"] = arguments
        self.out.prompts.append(item)
        self._source(Surface.PROMPT, name, decl, fn, params)
        self._flush_gaps(mark, decl, f"prompt {name!r}")

    def resource(self, fn: Function, call: ast.Call | None, decl: ast.AST) -> None:
        """A resource (or a template, when the URI has ``{placeholders}``) from ``@server.resource("uri")``."""
        mark = len(self.values.gaps)
        uri = self._text(_arg(call, "uri", 0))
        if uri is None:
            self.warn(decl, f"resource of {fn.name}(): the URI is not statically resolvable; resource not listed")
            del self.values.gaps[mark:]
            return
        template = "{" in uri
        item: dict[str, Any] = {"uriTemplate" if template else "uri": uri}
        name = self._text(_arg(call, "name"))
        item["name"] = name if name is not None else fn.name
        self._common(item, call, fn)
        mime = self._text(_arg(call, "mime_type"))
        if mime is not None:
            item["mimeType"] = mime
        (self.out.resource_templates if template else self.out.resources).append(item)
        params = self.schemas.params(fn) if template else []
        self._source(Surface.RESOURCE_TEMPLATE if template else Surface.RESOURCE, uri, decl, fn, params)
        self._flush_gaps(mark, decl, f"resource {uri!r}")

    def listed(self, list_kind: str, fn: Function, dispatcher: Function | None) -> None:
        """Items returned as literals by a low-level list handler; ``dispatcher`` is the call/get/read handler."""
        classes, key = LIST_KINDS[list_kind]
        found = 0
        params = self.schemas.params(dispatcher) if dispatcher is not None else []
        seen: set[int] = set()
        for call in self.literals.calls(fn, classes):
            if id(call) in seen:
                continue
            seen.add(id(call))
            mark = len(self.values.gaps)
            item = self.literals.kwargs(call)
            if key == "tools" and "inputSchema" not in item:
                item["inputSchema"] = {"type": "object"}
            ident_key = _IDENT_KEYS[key]
            ident = item.get(ident_key)
            if not isinstance(ident, str):
                self.warn(call, f"{list_kind}() in {fn.name}(): an item's {ident_key} is not statically resolvable; "
                                "item not listed")
                del self.values.gaps[mark:]
                continue
            found += 1
            getattr(self.out, {"resourceTemplates": "resource_templates"}.get(key, key)).append(item)
            surface = {"tools": Surface.TOOL, "prompts": Surface.PROMPT, "resources": Surface.RESOURCE,
                       "resourceTemplates": Surface.RESOURCE_TEMPLATE}[key]
            self._source(surface, ident, call, dispatcher, params)
            self._flush_gaps(mark, call, f"{surface.value} {ident!r}")
        if not found:
            self.warn(fn, f"{list_kind}() handler {fn.name}() builds its items at run time; none listed statically")

    def _name(self, call: ast.Call | None, fn: Function | None, fallback: str | None, decl: ast.AST, what: str,
              position: int | None) -> str | None:
        self._name_mark = len(self.values.gaps)
        node = _arg(call, "name", position)
        if node is not None and not (isinstance(node, ast.Constant) and node.value is None):
            value = self.values.get(node)
            if isinstance(value, str) and value:
                return value
            self.warn(decl, f"{what} name {_short(_unparse(node))} is not statically resolvable; "
                            "using the function name")
            del self.values.gaps[self._name_mark:]
        name = fn.name if fn is not None else fallback
        if name is None:
            self.warn(decl, f"{what} without a resolvable name or handler; not listed")
        return name

    def _common(self, item: dict[str, Any], call: ast.Call | None, fn: Function | None) -> None:
        title = self._text(_arg(call, "title"))
        if title is not None:
            item["title"] = title
        node = _arg(call, "description")
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            description = ast.get_docstring(fn, clean=True) if fn is not None else None
        else:
            description = self._text(node)
        if description is not None:
            item["description"] = description

    def _source(self, surface: Surface, item: str, decl: ast.AST, fn: Function | None, params: list[Param]) -> None:
        self.out.sources.append(ItemSource(
            surface=surface, item=item, ref=_ref(self.relpath, decl), language="python",
            handler=fn.name if fn is not None else None,
            handler_ref=_ref(self.relpath, fn) if fn is not None else None,
            params=tuple(p.name for p in params)))


def _unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except RecursionError:
        return "<deeply nested expression>"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."

