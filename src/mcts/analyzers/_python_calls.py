"""One Python call, classified: the sink it reaches with tainted input, its side effect, and the taint it returns."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from mcts.analyzers import _sinks_python as S
from mcts.analyzers._taint import Effect, EffectKind, Sink, SinkHit, Taint, concat, merge, sql_writes

if TYPE_CHECKING:
    from mcts.analyzers._taint_python import PythonModule

Kwargs = dict[str | None, Taint | None]
_BUILTINS_SHADOWABLE = frozenset({"eval", "exec", "compile", "open", "__import__"})


@dataclass
class CallResult:
    """What a call does: hits, effects, and (when ``handled``) the taint of its result."""

    hits: list[SinkHit] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    handled: bool = False
    returns: Taint | None = None


def classify_call(  # noqa: PLR0915 -- one table lookup per family
    module: PythonModule, node: ast.Call, args: list[Taint | None], kwargs: Kwargs, receiver: Taint | None
) -> CallResult:
    """Classify one call by its qualified name, its method name and the taint of its parts."""
    name = module.qualname(node.func)
    if name in _BUILTINS_SHADOWABLE and name in module.functions:
        name = f"local.{name}"
    method = node.func.attr if isinstance(node.func, ast.Attribute) else None
    out = CallResult()
    line, column = node.lineno, node.col_offset + 1

    def hit(sink: Sink, call: str, taint: Taint, strong: bool = True) -> None:
        out.hits.append(SinkHit(sink, call, line, column, taint, strong))

    def effect(kind: EffectKind) -> None:
        out.effects.append(Effect(kind, name, line))

    kind = S.effect_of(name, method)
    if kind is not None:
        effect(kind)
    first = args[0] if args else None
    if name in S.SHELL_ALWAYS:
        command = first or kwargs.get("cmd") or kwargs.get("command")
        if command is not None:
            hit(Sink.SHELL, f"{name}()", command)
        out.handled = True
    elif name in S.PROCESS:
        _process(name, node, args, kwargs, hit)
        out.handled = True
    elif name in S.EVAL or (name in S.YAML_LOAD and not _safe_yaml(node)):
        source = first or kwargs.get("source") or kwargs.get("stream") or kwargs.get("data")
        if source is not None:
            hit(Sink.EVAL, f"{name}()", source)
        if name in ("eval", "exec", "compile"):
            effect(EffectKind.EXECUTE)
        out.handled = True
    elif name in S.PATH_FUNCS or (method in S.PATH_METHODS and receiver is not None):
        _path(name, method, node, args, kwargs, receiver, hit, effect)
        out.handled = name in S.PATH_FUNCS
    elif name in S.HTTP_FUNCS or (method in S.HTTP_METHODS and _is_client(module, node)):
        _http(name, method, node, args, kwargs, hit, effect)
        out.handled = True
    if method in S.SQL_METHODS or method in S.SQL_LOOSE_METHODS or name in ("sqlalchemy.text", "pandas.read_sql"):
        _sql(method or name, node, args, kwargs, hit, effect)
    if name in S.TEMPLATE_FUNCS or method in S.TEMPLATE_METHODS:
        source = first or kwargs.get("source")
        if source is not None:
            hit(Sink.TEMPLATE, f"{name}()", source, strong=not module.sandboxed)
    if out.handled:
        return out
    if name in S.SANITIZERS:
        out.handled = True
    elif name in S.PATH_SANITIZERS:
        cleaned = merge(args)
        out.handled, out.returns = True, cleaned.but(guarded=True) if cleaned else None
    elif method == "format" and isinstance(node.func, ast.Attribute) and _const(node.func.value) is not None:
        template = _const(node.func.value) or ""
        cut = template.find("{") if "{" in template else len(template)
        out.handled = True
        out.returns = concat([(template[:cut], None), (None, merge([*args, *kwargs.values()])),
                              (template[cut:], None)])
    elif method == "join" and (args or receiver):
        joined = merge([receiver, *args])
        out.handled, out.returns = True, joined.but(built=True, tail=False) if joined else None
    return out


def _process(name: str, node: ast.Call, args: list[Taint | None], kwargs: Kwargs, hit: _Hit) -> None:
    shell = any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in node.keywords)
    if name.startswith(("os.exec", "os.spawn", "os.posix_spawn", "asyncio.create_subprocess_exec")):
        index = 1 if name.startswith("os.spawn") else 0
        program = args[index] if len(args) > index else None
        rest = merge(args[index + 1:])
        if program is not None:
            hit(Sink.SHELL, f"{name}()", program)
        elif rest is not None:
            hit(Sink.SHELL, f"{name}() arguments", rest, False)
        return
    command = (args[0] if args else None) or kwargs.get("args")
    if command is None:
        return
    if shell:
        hit(Sink.SHELL, f"{name}(shell=True)", command)
    elif command.tail:
        hit(Sink.SHELL, f"{name}() arguments", command, False)
    else:
        hit(Sink.SHELL, f"{name}()", command)


def _path(name: str, method: str | None, node: ast.Call, args: list[Taint | None], kwargs: Kwargs,
          receiver: Taint | None, hit: _Hit, effect: _Effect) -> None:
    if name in ("open", "io.open", "codecs.open", "aiofiles.open", "anyio.open_file") or method == "open":
        mode_node = node.args[1] if len(node.args) > 1 and method != "open" else \
            (node.args[0] if node.args and method == "open" else None)
        mode_node = next((k.value for k in node.keywords if k.arg == "mode"), mode_node)
        mode = _const(mode_node) if mode_node is not None else None
        if mode and S.WRITE_MODE.search(mode):
            effect(EffectKind.WRITE)
    if name in S.PATH_FUNCS:
        candidates = [*args[:2], *(t for k, t in kwargs.items() if k in S.PATH_KEYWORDS)]
        call = f"{name}()"
    else:
        candidates, call = [receiver], f"Path.{method}()"
    for taint in candidates:
        if taint is not None and not taint.guarded:
            hit(Sink.PATH, call, taint)
            return


def _http(name: str, method: str | None, node: ast.Call, args: list[Taint | None], kwargs: Kwargs, hit: _Hit,
          effect: _Effect) -> None:
    verb = method or name.rsplit(".", 1)[-1]
    index = 1 if verb in ("request", "stream") else 0
    if verb in ("request", "stream") and node.args:
        declared = (_const(node.args[0]) or "").lower()
        if declared in S.SENDING_VERBS:
            effect(EffectKind.SEND)
    elif verb in S.SENDING_VERBS and method is not None and name not in S.HTTP_FUNCS:
        effect(EffectKind.SEND)
    url = kwargs.get("url") or (args[index] if len(args) > index else None)
    if url is not None and not url.guarded and not url.fixed_host:
        hit(Sink.SSRF, f"{name if name in S.HTTP_FUNCS else 'client.' + verb}()", url)


def _sql(method: str, node: ast.Call, args: list[Taint | None], kwargs: Kwargs, hit: _Hit, effect: _Effect) -> None:
    query = (args[0] if args else None) or kwargs.get("query") or kwargs.get("sql") or kwargs.get("statement")
    text = _const(node.args[0]) if node.args else None
    if text and sql_writes(text):
        effect(EffectKind.DB_WRITE)
    if query is None:
        return
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    receiver_name = receiver.attr if isinstance(receiver, ast.Attribute) else \
        (receiver.id if isinstance(receiver, ast.Name) else "")
    sqlish = query.sql or bool(S.SQL_RECEIVER.search(receiver_name))
    if query.built and (query.sql or (method in S.SQL_METHODS and sqlish)):
        hit(Sink.SQL, f"{receiver_name or '?'}.{method}()", query)
    elif not query.built and method in S.SQL_METHODS and sqlish:
        hit(Sink.SQL, f"{receiver_name or '?'}.{method}() with SQL from an argument", query, False)


def _is_client(module: PythonModule, node: ast.Call) -> bool:
    func = node.func
    assert isinstance(func, ast.Attribute)
    value = func.value
    if isinstance(value, ast.Call):
        return module.qualname(value.func) in S.HTTP_CLIENTS
    if isinstance(value, ast.Name):
        return value.id in module.clients
    if isinstance(value, ast.Attribute):
        return value.attr in module.clients
    return False


def _safe_yaml(node: ast.Call) -> bool:
    loader = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "Loader"), None)
    return loader is not None and any(w in ast.unparse(loader) for w in ("Safe", "BaseLoader"))


def _const(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Hit(Protocol):  # the shape of the local ``hit`` closure
    def __call__(self, sink: Sink, call: str, taint: Taint, strong: bool = True) -> None: ...


class _Effect(Protocol):
    def __call__(self, kind: EffectKind) -> None: ...
