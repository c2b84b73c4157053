"""What one Python module declares at top level: imports, constants, classes, functions and server objects.

A server object is a name bound to a call of ``MCPServer`` (mcp 2.x), ``FastMCP`` (mcp 1.x and the
standalone ``fastmcp`` package) or the low-level ``Server`` of the ``mcp`` package. ``Server`` alone is a
common class name (uvicorn, http.server), so it counts only when imported from ``mcp``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Literal

__all__ = ["ModuleInfo", "ServerKind", "module_name", "server_kind"]

ServerKind = Literal["mcpserver", "fastmcp", "lowlevel", "unknown"]

_HIGH_LEVEL: dict[str, ServerKind] = {"MCPServer": "mcpserver", "FastMCP": "fastmcp"}


def module_name(relpath: str) -> str:
    """``app/server.py`` -> ``app.server``; ``app/__init__.py`` -> ``app``."""
    path = relpath.replace("\\", "/").removeprefix("./")
    for suffix in (".pyi", ".py"):
        path = path.removesuffix(suffix)
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class ModuleInfo:
    """Top-level declarations of one module, for resolving names used elsewhere in it."""

    def __init__(self, relpath: str, tree: ast.Module) -> None:
        self.name = module_name(relpath)
        self.is_package = relpath.replace("\\", "/").rsplit("/", 1)[-1] in ("__init__.py", "__init__.pyi")
        self.imports: dict[str, str] = {}
        self.constants: dict[str, ast.expr] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for stmt in _top_level(tree.body):
            self._declare(stmt)

    def _declare(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".", 1)[0]
                    self.imports[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            base = self._absolute(stmt.module, stmt.level)
            for alias in stmt.names:
                if alias.name != "*":
                    self.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    self.constants[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            self.constants[stmt.target.id] = stmt.value
        elif isinstance(stmt, ast.ClassDef):
            self.classes.setdefault(stmt.name, stmt)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions.setdefault(stmt.name, stmt)

    def _absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        parts = self.name.split(".") if self.name else []
        drop = level - 1 if self.is_package else level
        base = parts[: len(parts) - drop] if drop <= len(parts) else []
        return ".".join([*base, *([module] if module else [])])

    def dotted(self, node: ast.AST) -> str | None:
        """The fully qualified name of a ``Name``/``Attribute`` chain through this module's imports."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.imports.get(node.id, node.id))
        return ".".join(reversed(parts))

    def server_names(self) -> set[str]:
        """Module-level names bound to a server object."""
        return {name for name, value in self.constants.items() if server_kind(value, self) is not None}


def server_kind(node: ast.AST | None, module: ModuleInfo) -> ServerKind | None:
    """Which server class ``node`` constructs, or ``None`` when it is not a server constructor call."""
    if not isinstance(node, ast.Call):
        return None
    dotted = module.dotted(node.func) or ""
    last = dotted.rsplit(".", 1)[-1]
    if last in _HIGH_LEVEL:
        return _HIGH_LEVEL[last]
    if last == "Server" and dotted.split(".", 1)[0] == "mcp":
        return "lowlevel"
    return None


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, looking inside module-level ``if``/``try``/``with`` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _top_level(stmt.body)
            yield from _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _top_level(stmt.body)
            for handler in stmt.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(stmt.orelse)
            yield from _top_level(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            yield from _top_level(stmt.body)
        else:
            yield stmt


def known_module(known: Mapping[str, set[str]], module: str) -> set[str] | None:
    """The server names ``known`` lists for ``module`` (keys may be dotted names or relative file paths)."""
    for key, names in known.items():
        dotted = module_name(key) if "/" in key or key.endswith(".py") else key
        if dotted == module or dotted.endswith("." + module) or module.endswith("." + dotted):
            return names
    return None
