"""Taint of a TypeScript / JavaScript tool handler (tree-sitter): from its arguments to dangerous calls.

The handler is the callback passed to ``server.tool`` / ``registerTool`` (or the function it names); its first
parameter (usually destructured) is tainted. Taint flows through declarations, assignments, template literals,
``+``, member access, containers and calls we do not know, and into functions of the same file two levels deep.
Tagged templates (``sql`...```) are parameterised and clean. A test using ``startsWith``, ``includes``,
``path.relative`` or a function named like a validator guards the names it mentions for path and URL sinks.
"""

from __future__ import annotations

import functools

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from mcts.analyzers._taint import GUARD_NAME, Effect, SinkHit, Summary, Taint, concat, merge
from mcts.analyzers._ts_calls import TsCalls

Node = tree_sitter.Node
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                        "generator_function_declaration", "function"})
_PASS = frozenset({"await_expression", "parenthesized_expression", "as_expression", "non_null_expression",
                   "satisfies_expression", "type_assertion", "spread_element", "member_expression",
                   "subscript_expression", "unary_expression"})
_CONSTANT = frozenset({"string", "number", "true", "false", "null", "undefined", "regex", "this"})
MAX_DEPTH = 2


@functools.cache
def _parser(dialect: str) -> tree_sitter.Parser:
    if dialect == "tsx":
        language = tree_sitter_typescript.language_tsx()
    elif dialect == "typescript":
        language = tree_sitter_typescript.language_typescript()
    else:
        language = tree_sitter_javascript.language()
    return tree_sitter.Parser(tree_sitter.Language(language))


def text(node: Node | None) -> str:
    """The source text of ``node``."""
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


class TsModule:
    """One parsed file: imports, named functions; walks handlers on demand."""

    def __init__(self, source: str, relpath: str) -> None:
        dialect = "tsx" if relpath.endswith(".tsx") else "typescript" if relpath.endswith((".ts", ".mts", ".cts")) \
            else "javascript"
        self.tree = _parser(dialect).parse(source.encode("utf-8", "surrogatepass"))
        self.aliases: dict[str, str] = {}
        self.functions: dict[str, Node] = {}
        self.all_functions: list[Node] = []
        self.calls = TsCalls(self)
        self._cache: dict[tuple[int, tuple[tuple[str, Taint], ...], int], Summary] = {}
        self._index(self.tree.root_node)

    def _index(self, root: Node) -> None:
        stack, declarators = [root], []
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in _FUNCTIONS:
                self.all_functions.append(node)
                name = node.child_by_field_name("name")
                if name is not None:
                    self.functions.setdefault(text(name), node)
            elif kind == "import_statement":
                self._import(node)
            elif kind == "variable_declarator":
                declarators.append(node)
            stack.extend(node.named_children)
        for node in sorted(declarators, key=lambda n: n.start_byte):  # after the imports they may refer to
            self._declarator(node)

    def _import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        module = _module(text(source).strip("'\"`"))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for child in clause.named_children:
            if child.type == "identifier":
                self.aliases[text(child)] = module
            elif child.type == "namespace_import":
                for ident in child.named_children:
                    self.aliases[text(ident)] = module
            elif child.type == "named_imports":
                for spec in child.named_children:
                    names = [text(n) for n in spec.named_children if n.type == "identifier"]
                    if names:
                        self.aliases[names[-1]] = _module(f"{module}.{names[0]}")

    def _declarator(self, node: Node) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        if value.type in ("arrow_function", "function_expression", "function") and name.type == "identifier":
            self.functions.setdefault(text(name), value)
            return
        if value.type != "call_expression":
            return
        callee = text(value.child_by_field_name("function"))
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if callee == "require" and first is not None and first.type == "string":
            module = _module(text(first).strip("'\"`"))
            if name.type == "identifier":
                self.aliases[text(name)] = module
            else:
                for ident in _pattern_names(name):
                    self.aliases[ident] = _module(f"{module}.{ident}")
        elif callee.endswith("promisify") and first is not None and name.type == "identifier":
            self.aliases[text(name)] = self.qualname(first)

    def qualname(self, node: Node | None) -> str:
        """``child_process.exec`` for ``cp.exec`` after ``import * as cp from "node:child_process"``."""
        if node is None:
            return "?"
        if node.type == "identifier":
            return self.aliases.get(text(node), text(node))
        if node.type == "member_expression":
            prop = text(node.child_by_field_name("property"))
            base = self.qualname(node.child_by_field_name("object"))
            return f"{base}.{prop}".replace(".promises.", ".").replace("fs.promises", "fs")
        if node.type == "import":
            return "import"
        return "?"

    def handler(self, name: str | None, line: int | None) -> Node | None:
        """The handler function: by name, else the outermost function starting on ``line``."""
        if name and name in self.functions:
            return self.functions[name]
        if line is None:
            return None
        starting = [f for f in self.all_functions if f.start_point[0] + 1 == line]
        if not starting:
            starting = [f for f in self.all_functions
                        if (body := f.child_by_field_name("body")) is not None and body.start_point[0] + 1 == line]
        return max(starting, key=lambda f: f.end_byte - f.start_byte) if starting else None

    def analyze_handler(self, fn: Node) -> Summary:
        """Walk ``fn`` with the names of its first parameter tainted."""
        params = param_names(fn)
        tainted = {p: Taint((f"param {p}",)) for p in (params[0] if params else [])}
        return self.summarize(fn, tainted, 0)

    def summarize(self, fn: Node, tainted: dict[str, Taint], depth: int) -> Summary:
        """Walk ``fn`` once per distinct parameter taint (cached; recursion cut)."""
        key = (fn.id, tuple(sorted(tainted.items(), key=lambda kv: kv[0])), depth)
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = Summary()
        walker = TsWalker(self, dict(tainted), depth)
        body = fn.child_by_field_name("body")
        if body is not None:
            result = walker.visit(body)
            if body.type != "statement_block":
                walker.returns.append(result)
        summary = Summary(walker.hits, walker.effects, merge(walker.returns))
        self._cache[key] = summary
        return summary


class TsWalker:
    """Walks one function body, keeping the taint of each local name."""

    def __init__(self, module: TsModule, env: dict[str, Taint], depth: int) -> None:
        self.module, self.env, self.depth = module, env, depth
        self.hits: list[SinkHit] = []
        self.effects: list[Effect] = []
        self.returns: list[Taint | None] = []
        self.derived: dict[str, list[str]] = {}  # name -> tainted names its value was computed from

    def visit(self, node: Node | None) -> Taint | None:  # noqa: PLR0915 -- one branch per node kind
        if node is None:
            return None
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier"):
            return self.env.get(text(node))
        if kind in _CONSTANT or kind == "comment" or kind.startswith("type"):
            return None
        if kind == "template_string":
            parts: list[tuple[str | None, Taint | None]] = []
            for child in node.named_children:
                if child.type == "template_substitution":
                    inner = child.named_children[0] if child.named_children else None
                    parts.append((None, self.visit(inner)))
                else:
                    parts.append((text(child), None))
            return concat(parts)
        if kind == "binary_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            lt, rt = self.visit(left), self.visit(right)
            if text(node.child_by_field_name("operator")) == "+":
                return concat([(_literal(left), lt), (_literal(right), rt)])
            return merge([lt, rt])
        if kind in ("call_expression", "new_expression"):
            return self.module.calls.call(self, node)
        if kind in _PASS:
            inner = node.child_by_field_name("object") or (node.named_children[0] if node.named_children else None)
            if kind == "subscript_expression":
                self.visit(node.child_by_field_name("index"))
            return self.visit(inner)
        if kind == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            self.bind(name, self.visit(value))
            if name is not None and name.type == "identifier" and value is not None:
                self.derived[text(name)] = [i for i in _identifiers(value) if i in self.env]
            return None
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            taint = self.visit(node.child_by_field_name("right"))
            if kind == "augmented_assignment_expression":
                taint = merge([taint, self.visit(left)])
                taint = taint.but(built=True) if taint else None
            self.bind(left, taint)
            return taint
        if kind == "for_in_statement":
            self.bind(node.child_by_field_name("left"), self.visit(node.child_by_field_name("right")))
            self.visit(node.child_by_field_name("body"))
            return None
        if kind in ("if_statement", "while_statement", "ternary_expression"):
            condition = node.child_by_field_name("condition")
            self.visit(condition)
            self.guard(condition)
            if kind == "ternary_expression":
                return merge([self.visit(node.child_by_field_name("consequence")),
                              self.visit(node.child_by_field_name("alternative"))])
            for child in node.named_children:
                if child != condition:
                    self.visit(child)
            return None
        if kind == "expression_statement":
            inner = node.named_children[0] if node.named_children else None
            self.visit(inner)
            if inner is not None and inner.type in ("call_expression", "await_expression"):
                self.guard(inner)
            return None
        if kind == "return_statement":
            self.returns.append(self.visit(node.named_children[0]) if node.named_children else None)
            return None
        if kind == "array":
            taints = [self.visit(c) for c in node.named_children]
            merged = merge(taints)
            return merged.but(tail=True) if merged and taints and taints[0] is None else merged
        if kind in ("object", "pair", "arguments"):
            values = [c.child_by_field_name("value") if c.type == "pair" else c for c in node.named_children]
            return merge([self.visit(v) for v in values])
        if kind in _FUNCTIONS - {"function_declaration"}:
            self.visit(node.child_by_field_name("body"))  # callbacks run with the handler's names in scope
            return None
        if kind == "function_declaration":
            return None
        taints = [self.visit(c) for c in node.named_children]
        return merge(taints) if kind in ("sequence_expression", "parenthesized_expression") else None

    def bind(self, target: Node | None, taint: Taint | None) -> None:
        """Bind ``target`` (a name, a destructuring pattern or a member) to ``taint``."""
        if target is None:
            return
        if target.type == "identifier":
            name = text(target)
            if taint is None:
                self.env.pop(name, None)
            else:
                self.env[name] = taint.via(name)
        elif target.type in ("member_expression", "subscript_expression") and taint is not None:
            root = target
            while root.type in ("member_expression", "subscript_expression"):
                root = root.child_by_field_name("object") or root
                if root.type not in ("member_expression", "subscript_expression", "identifier"):
                    return
            if root.type == "identifier":
                self.env[text(root)] = taint.via(text(root))
        elif taint is not None:
            for name in _pattern_names(target):
                self.env[name] = taint.via(name)

    def guard(self, test: Node | None) -> None:
        """Mark names mentioned in a containment or allow-list check as guarded."""
        if test is None:
            return
        stack = [test]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type != "call_expression":
                continue
            callee = self.module.qualname(node.child_by_field_name("function"))
            last = callee.rsplit(".", 1)[-1]
            args = node.child_by_field_name("arguments")
            if last in ("includes", "has") and args is not None:
                for arg in args.named_children:  # ALLOWED.includes(x): x is one of a known set
                    if arg.type == "identifier":
                        self.env.pop(text(arg), None)
            if last in self.module.calls.guard_methods or GUARD_NAME.search(last):
                for ident in _identifiers(node):
                    for guarded in (ident, *self.derived.get(ident, ())):  # rel = path.relative(root, target)
                        if guarded in self.env:
                            self.env[guarded] = self.env[guarded].but(guarded=True)


def param_names(fn: Node) -> list[list[str]]:
    """The names bound by each parameter of ``fn``."""
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [[text(single)]]
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    return [_pattern_names(p) for p in params.named_children if p.type != "comment"]


def _pattern_names(node: Node) -> list[str]:
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [text(node)]
    if node.type in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        return _pattern_names(pattern) if pattern is not None else []
    if node.type == "pair_pattern":
        value = node.child_by_field_name("value")
        return _pattern_names(value) if value is not None else []
    if node.type in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left") or (node.named_children[0] if node.named_children else None)
        return _pattern_names(left) if left is not None else []
    names: list[str] = []
    if node.type in ("object_pattern", "array_pattern", "rest_pattern"):
        for child in node.named_children:
            names.extend(_pattern_names(child))
    return names


def _identifiers(node: Node) -> list[str]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(text(current))
        stack.extend(current.named_children)
    return found


def _literal(node: Node | None) -> str | None:
    if node is not None and node.type == "string":
        return text(node)[1:-1]
    return None


def _module(name: str) -> str:
    name = name.removeprefix("node:")
    for prefix, alias in (("fs/promises", "fs"), ("fs-extra", "fs"), ("graceful-fs", "fs")):
        if name == prefix or name.startswith(prefix + "."):
            name = alias + name[len(prefix):]
    return {"node-fetch": "fetch", "cross-fetch": "fetch", "isomorphic-fetch": "fetch"}.get(name, name)
