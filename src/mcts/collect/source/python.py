"""Python extractor: what an MCP server written in Python exposes, read from its source with ``ast``.

Nothing is imported or run. Recognised forms:

- ``MCPServer`` (mcp 2.x) and ``FastMCP`` (mcp 1.x, standalone ``fastmcp``): ``@x.tool``, ``@x.tool()``,
  ``@x.tool("name")``, ``@x.tool(name=, title=, description=, annotations=)``, ``@x.prompt``, ``@x.resource(uri)``
  (a template when the URI has ``{placeholders}``), ``x.add_tool(fn, ...)``, ``x.tool(fn, ...)`` and
  ``x.tool(...)(fn)``; descriptions default to the cleaned docstring; parameters become the input schema
  (Context parameters skipped); the constructor's ``name``, ``version`` and ``instructions``.
- the low-level ``Server``: items returned as literals by ``@x.list_tools()`` / ``list_prompts`` /
  ``list_resources`` / ``list_resource_templates`` handlers or by the ``on_list_*=`` callbacks (mcp 2.x); the
  ``call_tool`` handler (or ``on_call_tool=``) is recorded as the tools' handler.
- servers defined in another module (``from app.server import mcp``), given ``known_servers``; servers built
  inside a factory function or received as a typed parameter (``def register(mcp: FastMCP)``).

Anything that cannot be known without running the code is left out or kept in part, with a warning.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Mapping

from mcts.collect.source._py_items import Function, ItemBuilder
from mcts.collect.source._py_lowlevel import LIST_KINDS
from mcts.collect.source._py_module import ModuleInfo, ServerKind, known_module, server_kind
from mcts.collect.source._py_schema import final_name
from mcts.collect.source.extracted import Extracted

__all__ = ["extract_python", "server_names"]

# A file that mentions none of these cannot declare an MCP item: skip parsing it.
_PRECHECK = re.compile(r"FastMCP|MCPServer|Server|\.(?:tool|prompt|resource|add_tool)\b")
_DECORATORS = {"tool", "prompt", "resource", *LIST_KINDS, "call_tool", "get_prompt", "read_resource"}
_DISPATCH = {"list_tools": "call_tool", "list_prompts": "get_prompt", "list_resources": "read_resource",
             "list_resource_templates": "read_resource"}
_SERVER_PARAM_NAMES = {"mcp", "server", "mcp_server", "app"}
_UNRESOLVED_ADDS = {"add_prompt", "add_resource", "add_template", "add_resource_fn"}


def server_names(relpath: str, text: str) -> set[str]:
    """Module-level names bound to an MCP server object in this file (``mcp = FastMCP(...)`` and the like)."""
    if "FastMCP" not in text and "MCPServer" not in text and "Server" not in text:
        return set()
    tree = _parse(relpath, text, [])
    return ModuleInfo(relpath, tree).server_names() if tree is not None else set()


def extract_python(relpath: str, text: str, *, known_servers: Mapping[str, set[str]] | None = None) -> Extracted:
    """Extract the items a Python file declares. ``known_servers`` maps modules to their server names.

    Keys of ``known_servers`` may be dotted module names (``app.server``) or paths relative to the scanned
    root (``app/server.py``). Never raises on bad input: a file that does not parse gives a warning.
    """
    out = Extracted()
    if not _PRECHECK.search(text):
        return out
    tree = _parse(relpath, text, out.warnings)
    if tree is None:
        return out
    try:
        _Walker(relpath, tree, known_servers, out).run(tree)
    except RecursionError:
        out.warnings.append(f"{relpath}: nested too deeply to analyse completely; items after the limit not listed")
    return out


def _parse(relpath: str, text: str, warnings: list[str]) -> ast.Module | None:
    try:
        return ast.parse(text, filename=relpath)
    except SyntaxError as exc:
        warnings.append(f"{relpath}:{exc.lineno or 1}: syntax error, file not analysed: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        warnings.append(f"{relpath}:1: cannot parse, file not analysed: {type(exc).__name__}")
    return None


class _Walker:
    """Walk one module's statements, tracking which names are servers in each scope."""

    def __init__(self, relpath: str, tree: ast.Module, known: Mapping[str, set[str]] | None, out: Extracted) -> None:
        self.module = ModuleInfo(relpath, tree)
        self.known = known
        self.items = ItemBuilder(relpath, self.module, out)
        self.functions: dict[str, Function] = dict(self.module.functions)
        self.lists: list[tuple[str, Function]] = []
        self.dispatchers: dict[str, Function] = {}
        self._assumed: set[str] = set()

    def run(self, tree: ast.Module) -> None:
        """Walk the module, then resolve the low-level list handlers against their dispatchers."""
        scope: dict[str, ServerKind] = {}
        for name, value in self.module.constants.items():
            kind = server_kind(value, self.module)
            if kind is not None:
                scope[name] = kind
        self._body(tree.body, scope)
        for list_kind, fn in self.lists:
            self.items.listed(list_kind, fn, self.dispatchers.get(_DISPATCH[list_kind]))

    def _body(self, body: list[ast.stmt], scope: dict[str, ServerKind]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(stmt, scope)
            elif isinstance(stmt, ast.ClassDef):
                self._body(stmt.body, scope)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.Expr | ast.Return) and stmt.value is not None:
                self._value(stmt, stmt.value, scope)
            else:
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, ast.stmt):
                        self._body([child], scope)
                    elif isinstance(child, ast.ExceptHandler | ast.match_case):
                        self._body(child.body, scope)

    def _value(self, stmt: ast.stmt, value: ast.expr, scope: dict[str, ServerKind]) -> None:
        if not isinstance(value, ast.Call):
            return
        kind = server_kind(value, self.module)
        if kind is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
            for target in targets:
                if isinstance(target, ast.Name):
                    scope[target.id] = kind
            self.items.server(value, kind)
            for list_kind in LIST_KINDS:
                self._callback(_keyword(value, "on_" + list_kind), list_kind)
            callback = _keyword(value, "on_call_tool")
            for name, node in (("call_tool", callback), ("get_prompt", _keyword(value, "on_get_prompt")),
                               ("read_resource", _keyword(value, "on_read_resource"))):
                if isinstance(node, ast.Name) and node.id in self.functions:
                    self.dispatchers.setdefault(name, self.functions[node.id])
            return
        self._call(value, scope)

    def _callback(self, node: ast.expr | None, list_kind: str) -> None:
        if isinstance(node, ast.Name) and node.id in self.functions:
            self.lists.append((list_kind, self.functions[node.id]))
        elif node is not None:
            self.items.warn(node, f"on_{list_kind}= callback is not a function of this file; items not listed")

    def _function(self, fn: Function, scope: dict[str, ServerKind]) -> None:
        self.functions.setdefault(fn.name, fn)  # module-level ones are known up front, nested ones once seen
        for decorator in fn.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if (isinstance(target, ast.Attribute) and target.attr in _DECORATORS
                    and self._receiver(target.value, scope) is not None):
                self._decorated(target.attr, fn, call, decorator)
        inner = dict(scope)
        for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]:
            kind = self._param_kind(arg)
            if kind is not None:
                inner[arg.arg] = kind
        self._body(fn.body, inner)

    def _decorated(self, method: str, fn: Function, call: ast.Call | None, decl: ast.AST) -> None:
        if method == "tool":
            self.items.tool(fn, call, decl)
        elif method == "prompt":
            self.items.prompt(fn, call, decl)
        elif method == "resource":
            self.items.resource(fn, call, decl)
        elif method in LIST_KINDS:
            self.lists.append((method, fn))
        else:
            self.dispatchers.setdefault(method, fn)

    def _call(self, call: ast.Call, scope: dict[str, ServerKind]) -> None:
        func = call.func
        # x.tool(...)(fn), x.prompt(...)(fn), x.resource("uri")(fn)
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and call.args:
            method = func.func.attr
            if method not in ("tool", "prompt", "resource") or not self._receiver(func.func.value, scope):
                return
            fn = self._function_of(call.args[0])
            if fn is not None:
                self._decorated(method, fn, func, call)
            elif method == "tool":
                self.items.warn(call, f"tool handler {_short(call.args[0])} is not a function of this file; "
                                      "its description and parameters are not known")
                self.items.tool(None, func, call, None)
            else:
                self.items.warn(call, f"{method} handler {_short(call.args[0])} is not a function of this file; "
                                      "not listed")
            return
        if not isinstance(func, ast.Attribute):
            return
        adding = func.attr == "add_tool" or (func.attr == "tool" and bool(call.args) and _is_callable_ref(call.args[0]))
        if not (adding or func.attr in _UNRESOLVED_ADDS) or self._receiver(func.value, scope) is None:
            return
        if adding:
            self._add_tool(call)
        else:
            self.items.warn(call, f"{func.attr}(...) registers an item built at run time; not listed")

    def _add_tool(self, call: ast.Call) -> None:
        target = call.args[0] if call.args else _keyword(call, "fn")
        options = call
        if isinstance(target, ast.Call) and final_name(target.func) == "from_function":
            options = target
            target = target.args[0] if target.args else _keyword(target, "fn")
        fn = self._function_of(target)
        fallback = target.id if isinstance(target, ast.Name) else None
        if fn is None:
            self.items.warn(call, f"add_tool: handler {_short(target) if target else '?'} is not a function of "
                                  "this file; its description and parameters are not known")
        self.items.tool(fn, options, call, fallback, name_position=None)

    def _function_of(self, node: ast.expr | None) -> Function | None:
        return self.functions.get(node.id) if isinstance(node, ast.Name) else None

    def _receiver(self, node: ast.expr, scope: dict[str, ServerKind]) -> ServerKind | None:
        """The server kind of a decorator's receiver, or ``None`` when it is not an MCP server."""
        if isinstance(node, ast.Name) and node.id in scope:
            return scope[node.id]
        dotted = self.module.dotted(node)
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if dotted is None or not isinstance(root, ast.Name) or root.id not in self.module.imports or "." not in dotted:
            return None
        module, attr = dotted.rsplit(".", 1)
        if self.known is not None:
            names = known_module(self.known, module)
            if names is not None:
                return "unknown" if attr in names else None
        top = module.split(".", 1)[0]
        if top in ("mcp", "fastmcp") or top in sys.stdlib_module_names or not _server_like(attr):
            return None
        if dotted not in self._assumed:
            self._assumed.add(dotted)
            self.items.warn(node, f"{_short(node)} is imported from {module}, which was not scanned; "
                                  "assuming it is an MCP server")
        return "unknown"

    def _param_kind(self, arg: ast.arg) -> ServerKind | None:
        if arg.annotation is None:
            return "unknown" if arg.arg in _SERVER_PARAM_NAMES else None
        hint = arg.annotation
        if isinstance(hint, ast.Constant) and isinstance(hint.value, str):
            name = hint.value.rsplit(".", 1)[-1]
            return "fastmcp" if name == "FastMCP" else "mcpserver" if name == "MCPServer" else None
        return server_kind(ast.Call(func=hint, args=[], keywords=[]), self.module)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _is_callable_ref(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Attribute | ast.Call)


def _server_like(name: str) -> bool:
    lowered = name.lower()
    return "mcp" in lowered or "server" in lowered


def _short(node: ast.AST) -> str:
    try:
        text = " ".join(ast.unparse(node).split())
    except RecursionError:
        return "<deeply nested expression>"
    return text if len(text) <= 60 else text[:57] + "..."
