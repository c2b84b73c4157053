"""One TypeScript / JavaScript call or ``new``, classified: sink reached, side effect, and returned taint."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mcts.analyzers import _sinks_typescript as S
from mcts.analyzers._taint import GUARD_NAME, Effect, EffectKind, Sink, SinkHit, Taint, merge, sql_writes

if TYPE_CHECKING:
    import tree_sitter

    from mcts.analyzers._taint_typescript import TsModule, TsWalker

_SHELL_TRUE = re.compile(r"\bshell\s*:\s*(?!false\b|undefined\b|null\b)[^,}\s]")


class TsCalls:
    """Classifies calls for the walkers of one module."""

    guard_methods = S.GUARD_METHODS

    def __init__(self, module: TsModule) -> None:
        self.module = module

    def call(self, walker: TsWalker, node: tree_sitter.Node) -> Taint | None:  # noqa: PLR0915 -- one branch per family
        from mcts.analyzers._taint_typescript import text

        func = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        if args_node is not None and args_node.type == "template_string":
            return None  # a tagged template: sql`... ${x}` is parameterised
        arg_nodes = [a for a in (args_node.named_children if args_node else []) if a.type != "comment"]
        receiver = walker.visit(func.child_by_field_name("object")) if func is not None and \
            func.type == "member_expression" else None
        args = [walker.visit(a) for a in arg_nodes]
        name = self.module.qualname(func)
        method = text(func.child_by_field_name("property")) if func is not None and \
            func.type == "member_expression" else None
        line, column = node.start_point[0] + 1, node.start_point[1] + 1
        first = args[0] if args else None
        options = " ".join(text(a) for a in arg_nodes[1:] if a.type == "object")

        def hit(sink: Sink, call: str, taint: Taint, strong: bool = True) -> None:
            walker.hits.append(SinkHit(sink, call, line, column, taint, strong))

        def effect(kind: EffectKind) -> None:
            walker.effects.append(Effect(kind, name, line))

        if name in S.SHELL_ALWAYS:
            effect(EffectKind.EXECUTE)
            if first is not None:
                hit(Sink.SHELL, f"{name}()", first)
            return None
        if name in S.PROCESS:
            effect(EffectKind.EXECUTE)
            rest = merge(args[1:])
            if _SHELL_TRUE.search(options) and (first or rest):
                hit(Sink.SHELL, f"{name}(shell: true)", first or rest)  # type: ignore[arg-type]
            elif first is not None:
                hit(Sink.SHELL, f"{name}()", first)
            elif rest is not None:
                hit(Sink.SHELL, f"{name}() arguments", rest, False)
            return None
        if name in S.EVAL:
            if name in ("eval", "Function", "vm.runInNewContext", "vm.runInThisContext", "vm.runInContext"):
                effect(EffectKind.EXECUTE)
            source = merge(args) if name == "Function" else first
            if source is not None:
                hit(Sink.EVAL, f"{'new ' if node.type == 'new_expression' else ''}{name}()", source)
            return None
        if name in S.PATH_FUNCS:
            if S.DELETES.match(name):
                effect(EffectKind.DELETE)
            elif S.WRITES.match(name):
                effect(EffectKind.WRITE)
            two = S.TWO_PATHS.search(name) is not None
            for taint in args[: 2 if two else 1]:
                if taint is not None and not taint.guarded:
                    hit(Sink.PATH, f"{name}()", taint)
                    break
            return None
        if name in S.HTTP or (name.startswith("fetch.") and method is None):
            verb = method or ""
            if S.SENDING.search(verb) or (S.SENDING.search(options) and "method" in options):
                effect(EffectKind.SEND)
            url = first
            if url is not None and not url.guarded and not url.fixed_host:
                hit(Sink.SSRF, f"{name}()", url)
            return None
        if method in S.SEND_METHODS and method == "sendMail":
            effect(EffectKind.SEND)
        if method in S.SQL_METHODS or method in S.SQL_LOOSE_METHODS:
            self._sql(func, arg_nodes, first, method or "", hit, effect)
        if name in S.TEMPLATE and first is not None:
            hit(Sink.TEMPLATE, f"{name}()", first)
            return None
        if name in S.SANITIZERS or (method in ("basename",) and name.startswith("path.")):
            return None
        if name in ("path.resolve", "path.join", "path.normalize") or name == "URL":
            return merge(args)
        last = name.rsplit(".", 1)[-1]
        local = self.module.functions.get(text(func)) if func is not None and func.type == "identifier" else None
        if local is not None and walker.depth < 2:
            return self._follow(walker, local, args, last)
        result = merge([receiver, *args])
        if result is not None and GUARD_NAME.search(last) and last not in ("check",):
            return result.but(guarded=True)
        return result

    def _sql(self, func: tree_sitter.Node | None, arg_nodes: list[tree_sitter.Node], query: Taint | None,
             method: str, hit: object, effect: object) -> None:
        from mcts.analyzers._taint_typescript import text

        receiver = func.child_by_field_name("object") if func is not None else None
        receiver_name = text(receiver.child_by_field_name("property") if receiver is not None and
                             receiver.type == "member_expression" else receiver)
        if arg_nodes and arg_nodes[0].type == "string" and sql_writes(text(arg_nodes[0])[1:-1]):
            effect(EffectKind.DB_WRITE)  # type: ignore[operator]
        if query is None:
            return
        sqlish = query.sql or bool(S.SQL_RECEIVER.search(receiver_name))
        if query.built and (query.sql or (method in S.SQL_METHODS and sqlish)):
            hit(Sink.SQL, f"{receiver_name or '?'}.{method}()", query)  # type: ignore[operator]
        elif not query.built and method in S.SQL_METHODS and sqlish:
            hit(Sink.SQL, f"{receiver_name}.{method}() with SQL from an argument", query, False)  # type: ignore[operator]

    def _follow(self, walker: TsWalker, fn: tree_sitter.Node, args: list[Taint | None], name: str) -> Taint | None:
        from mcts.analyzers._taint_typescript import param_names

        tainted: dict[str, Taint] = {}
        for names, taint in zip(param_names(fn), args, strict=False):
            if taint is not None:
                for param in names:
                    tainted[param] = taint.via(f"{name}({param})")
        summary = self.module.summarize(fn, tainted, walker.depth + 1)
        walker.hits.extend(summary.hits)
        walker.effects.extend(summary.effects)
        if summary.returns is not None and GUARD_NAME.search(name):
            return summary.returns.but(guarded=True)
        return summary.returns
