"""Taint of a Python tool handler (stdlib ``ast``): from its parameters to dangerous calls, and its side effects.

The walk is flow-ordered and intra-procedural, with calls followed into functions of the same file two levels
deep. Values derived from a parameter stay tainted through assignment, f-strings, ``+``, ``%``, ``.format``,
``join``, containers, attribute and item access, and calls we do not know; casts and quoting functions clean
them. A containment check (``is_relative_to``, ``commonpath``, ``startswith``, ``in``, a function named like
a validator) on a name marks that name guarded for path and URL sinks from then on.
"""

from __future__ import annotations

import ast

from mcts.analyzers import _sinks_python as S
from mcts.analyzers._python_calls import classify_call
from mcts.analyzers._taint import GUARD_NAME, Effect, SinkHit, Summary, Taint, concat, merge

_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef)
_SKIP_PARAMS = frozenset({"self", "cls", "ctx", "context"})
MAX_DEPTH = 2
Function = ast.FunctionDef | ast.AsyncFunctionDef


class PythonModule:
    """One parsed file: its imports, functions and HTTP client names; walks handlers on demand."""

    def __init__(self, text: str) -> None:
        try:
            self.tree: ast.Module | None = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            self.tree = None
        self.aliases: dict[str, str] = {}
        self.functions: dict[str, list[Function]] = {}
        self.clients: set[str] = set()
        self.sandboxed = "SandboxedEnvironment" in text
        self._cache: dict[tuple[int, tuple[tuple[str, Taint], ...], int], Summary] = {}
        if self.tree is not None:
            self._index(self.tree)

    def _index(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                        alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, _FUNCTION):
                self.functions.setdefault(node.name, []).append(node)
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                if self.qualname(node.value.func) in S.HTTP_CLIENTS:
                    targets = node.targets
            elif (isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call) and node.optional_vars
                  and self.qualname(node.context_expr.func) in S.HTTP_CLIENTS):
                targets = [node.optional_vars]
            for target in targets:
                last = _last_name(target)
                if last:
                    self.clients.add(last)

    def qualname(self, func: ast.expr) -> str:
        """``subprocess.run`` for ``sp.run`` after ``import subprocess as sp``; ``?.method`` for computed receivers."""
        if isinstance(func, ast.Name):
            return self.aliases.get(func.id, func.id)
        if isinstance(func, ast.Attribute):
            return f"{self.qualname(func.value)}.{func.attr}"
        return "?"

    def function(self, name: str, line: int | None) -> Function | None:
        """The function called ``name``, preferring the one defined at ``line``."""
        candidates = self.functions.get(name, [])
        if line is not None:
            for fn in candidates:
                if fn.lineno == line or any(d.lineno == line for d in fn.decorator_list):
                    return fn
        return candidates[0] if len(candidates) == 1 else (candidates[-1] if candidates else None)

    def function_at(self, line: int) -> Function | None:
        """The innermost function whose definition spans ``line``."""
        best: Function | None = None
        for fns in self.functions.values():
            for fn in fns:
                if fn.lineno <= line <= (fn.end_lineno or fn.lineno) and (best is None or fn.lineno >= best.lineno):
                    best = fn
        return best

    def analyze_handler(self, fn: Function, params: tuple[str, ...]) -> Summary:
        """Walk ``fn`` with ``params`` (or every parameter a model fills in) tainted."""
        names = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
        if fn.args.vararg:
            names.append(fn.args.vararg.arg)
        if fn.args.kwarg:
            names.append(fn.args.kwarg.arg)
        chosen = [p for p in params if p in names] or [n for n in names if n not in _SKIP_PARAMS]
        if not params and {"arguments", "args"} & set(chosen):
            chosen = [n for n in chosen if n != "name"]  # low-level call_tool(name, arguments): the name is fixed
        return self.summarize(fn, {p: Taint((f"param {p}",)) for p in chosen}, 0)

    def summarize(self, fn: Function, tainted: dict[str, Taint], depth: int) -> Summary:
        """Walk ``fn`` once per distinct taint of its parameters (cached; recursion cut)."""
        key = (id(fn), tuple(sorted(tainted.items(), key=lambda kv: kv[0])), depth)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        self._cache[key] = Summary()  # a recursive call sees an empty summary
        walker = _Walker(self, dict(tainted), depth)
        walker.block(fn.body)
        summary = Summary(walker.hits, walker.effects, merge(walker.returns))
        self._cache[key] = summary
        return summary


class _Walker:
    def __init__(self, module: PythonModule, env: dict[str, Taint], depth: int) -> None:
        self.module, self.env, self.depth = module, env, depth
        self.hits: list[SinkHit] = []
        self.effects: list[Effect] = []
        self.returns: list[Taint | None] = []

    def block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            taint = self.expr(node.value)
            for target in node.targets:
                self.bind(target, taint)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            taint = self.expr(node.value)
            if isinstance(node, ast.AugAssign):
                taint = merge([taint, self.expr(node.target)])
                taint = taint.but(built=True) if taint and isinstance(node.op, ast.Add | ast.Mod) else taint
            self.bind(node.target, taint)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.bind(node.target, self.expr(node.iter))
            self.block(node.body)
            self.block(node.body)  # a second pass carries taint assigned late in the loop
            self.block(node.orelse)
        elif isinstance(node, ast.While):
            self.guard(node.test)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.If):
            self.expr(node.test)
            self.guard(node.test)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                taint = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, taint)
            self.block(node.body)
        elif isinstance(node, ast.Try | ast.TryStar):
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.Return):
            self.returns.append(self.expr(node.value) if node.value else None)
        elif isinstance(node, ast.Expr):
            self.expr(node.value)
            if isinstance(node.value, ast.Call | ast.Await):
                self.guard(node.value)
        elif isinstance(node, ast.Assert):
            self.guard(node.test)
        elif isinstance(node, ast.Match):
            self.expr(node.subject)
            for case in node.cases:
                self.block(case.body)
        elif not isinstance(node, (*_FUNCTION, ast.ClassDef)):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)

    def bind(self, target: ast.expr, taint: Taint | None) -> None:
        if isinstance(target, ast.Name):
            if taint is None:
                self.env.pop(target.id, None)
            else:
                self.env[target.id] = taint.via(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.bind(element, taint)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, taint)
        elif isinstance(target, ast.Attribute | ast.Subscript) and taint is not None:
            base = _root_name(target)
            if base and base not in ("self", "cls"):
                self.env[base] = merge([self.env.get(base), taint.via(base)]) or taint

    def guard(self, test: ast.expr) -> None:
        """Mark names checked by a containment or allow-list test as guarded."""
        for node in ast.walk(test):
            checked: ast.AST | None = None
            if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
                if isinstance(node.left, ast.Name) and not isinstance(node.comparators[0], ast.Constant):
                    self.env.pop(node.left.id, None)  # an allow-list: the value is one of a known set
                    continue
                checked = node
            elif isinstance(node, ast.Call):
                name = self.module.qualname(node.func)
                last = name.rsplit(".", 1)[-1]
                if last in S.GUARD_METHODS or (GUARD_NAME.search(last) and last not in _NOT_GUARDS):
                    checked = node
            if checked is not None:
                for sub in ast.walk(checked):
                    if isinstance(sub, ast.Name) and sub.id in self.env:
                        self.env[sub.id] = self.env[sub.id].but(guarded=True)

    def expr(self, node: ast.expr | None) -> Taint | None:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Constant):
            return None
        if isinstance(node, ast.JoinedStr):
            parts: list[tuple[str | None, Taint | None]] = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append((str(value.value), None))
                elif isinstance(value, ast.FormattedValue):
                    parts.append((None, self.expr(value.value)))
            return concat(parts)
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left), self.expr(node.right)
            head = _const(node.left)
            if isinstance(node.op, ast.Mod) and head is not None and "%" in head:
                cut = head.index("%")  # "https://%s/api" % host: the host comes right after the scheme
                return concat([(head[:cut], None), (None, right), (head[cut:], None)])
            if isinstance(node.op, ast.Add | ast.Mod):
                return concat([(head, left), (_const(node.right), right)])
            return merge([left, right])
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute | ast.Subscript | ast.Starred | ast.Await | ast.NamedExpr):
            if isinstance(node, ast.Subscript):
                self.expr(node.slice)
            if isinstance(node, ast.NamedExpr):
                taint = self.expr(node.value)
                self.bind(node.target, taint)
                return taint
            return self.expr(node.value)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            taints = [self.expr(e) for e in node.elts]
            taint = merge(taints)
            if taint is not None and taints and taints[0] is None:
                return taint.but(tail=True)
            return taint
        if isinstance(node, ast.Dict):
            return merge([self.expr(v) for v in (*node.values, *(k for k in node.keys if k is not None))])
        if isinstance(node, ast.IfExp | ast.BoolOp):
            values = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
            if isinstance(node, ast.IfExp):
                self.expr(node.test)
            return merge([self.expr(v) for v in values])
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            for gen in node.generators:
                self.bind(gen.target, self.expr(gen.iter))
            if isinstance(node, ast.DictComp):
                return merge([self.expr(node.key), self.expr(node.value)])
            return self.expr(node.elt)
        for child in ast.iter_child_nodes(node):  # Compare, UnaryOp, Lambda bodies are not values we track
            if isinstance(child, ast.expr):
                self.expr(child)
        return None

    def call(self, node: ast.Call) -> Taint | None:
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        receiver = self.expr(node.func.value) if isinstance(node.func, ast.Attribute) else None
        result = classify_call(self.module, node, args, kwargs, receiver)
        self.hits.extend(result.hits)
        self.effects.extend(result.effects)
        if result.handled:
            return result.returns
        helper = self._helper(node)
        if helper is not None and self.depth < MAX_DEPTH:
            return self._follow(helper, node, args, kwargs)
        return merge([receiver, *args, *kwargs.values()])

    def _helper(self, node: ast.Call) -> Function | None:
        func = node.func
        if isinstance(func, ast.Name) and func.id not in self.module.aliases:
            return self.module.function(func.id, None)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id not in self.module.aliases:
            fn = self.module.function(func.attr, None)
            methodlike = fn is not None and bool(fn.args.args) and fn.args.args[0].arg in ("self", "cls")
            return fn if func.value.id in ("self", "cls") or methodlike else None
        return None

    def _follow(self, fn: Function, node: ast.Call, args: list[Taint | None],
                kwargs: dict[str | None, Taint | None]) -> Taint | None:
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
        if params and params[0] in ("self", "cls") and isinstance(node.func, ast.Attribute):
            params = params[1:]
        tainted: dict[str, Taint] = {}
        for param, taint in zip(params, args, strict=False):
            if taint is not None:
                tainted[param] = taint.via(f"{fn.name}({param})")
        for key, taint in kwargs.items():
            if key is not None and taint is not None:
                tainted[key] = taint.via(f"{fn.name}({key})")
        summary = self.module.summarize(fn, tainted, self.depth + 1)
        self.hits.extend(summary.hits)
        self.effects.extend(summary.effects)
        if GUARD_NAME.search(fn.name) and summary.returns is not None:
            return summary.returns.but(guarded=True)
        return summary.returns


_NOT_GUARDS = frozenset({"check_output", "check_call", "checkout"})


def _const(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None

