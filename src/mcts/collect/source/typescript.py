"""TypeScript / JavaScript extraction with tree-sitter: what a server's source declares, without running it.

Reads servers written with the official MCP TypeScript SDK (or the ``fastmcp`` TypeScript framework).

Covers ``server.tool(...)`` in all its overloads, ``registerTool``, ``prompt``/``registerPrompt``,
``resource``/``registerResource`` (a ``new ResourceTemplate(...)`` makes a template), ``new McpServer(info,
{instructions})`` / ``new Server(...)``, and the low-level ``setRequestHandler(ListToolsRequestSchema, ...)``
handlers returning item literals. zod schemas become JSON Schema. Values are resolved statically (constants,
concatenations, template literals without run-time parts); what cannot be resolved is left out and warned
about. A file with syntax errors is still read: the parts tree-sitter could not parse are skipped, with a
warning.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import PurePosixPath

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language as Grammar
from tree_sitter import Node, Parser, Query, QueryCursor

from mcts.collect.source._ts_items import Context
from mcts.collect.source._ts_lowlevel import LowLevel
from mcts.collect.source._ts_nodes import node_text
from mcts.collect.source._ts_register import REGISTER_METHODS, SERVER_CLASSES, register, server_constructor
from mcts.collect.source._ts_zod import Schemas
from mcts.collect.source.extracted import Extracted
from mcts.model.source import Language

__all__ = ["EXTENSIONS", "extract_typescript"]

# Extension -> grammar. TypeScript files use the TypeScript grammar (TSX for .tsx); JavaScript uses its own.
EXTENSIONS: dict[str, str] = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
}
# A cheap pre-filter: a file without any of these cannot declare an MCP item, so it is not parsed at all.
_INTERESTING = re.compile(
    r"\.\s*(?:tool|registerTool|prompt|registerPrompt|resource|registerResource|setRequestHandler"
    r"|addTool|addPrompt|addResource|addResourceTemplate)\s*\(|\b(?:McpServer|Server|FastMCP)\b"
)
_CALLS = """
(call_expression function: (member_expression property: (property_identifier) @method)) @call
(new_expression constructor: [(identifier) (member_expression)] @class) @new
"""
_local = threading.local()


@functools.cache
def _language(grammar: str) -> Grammar:
    if grammar == "typescript":
        return Grammar(tree_sitter_typescript.language_typescript())
    if grammar == "tsx":
        return Grammar(tree_sitter_typescript.language_tsx())
    return Grammar(tree_sitter_javascript.language())


@functools.cache
def _query(grammar: str) -> Query:
    return Query(_language(grammar), _CALLS)


def _parser(grammar: str) -> Parser:
    """One parser per grammar and thread (a tree-sitter parser is not safe to share across threads)."""
    parsers: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(grammar)
    if parser is None:
        parser = parsers[grammar] = Parser(_language(grammar))
    return parser


def extract_typescript(relpath: str, text: str) -> Extracted:
    """Extract the MCP items one TypeScript or JavaScript file declares. Never raises on bad input."""
    grammar = EXTENSIONS.get(PurePosixPath(relpath).suffix.lower(), "typescript")
    if not _INTERESTING.search(text):
        return Extracted()
    tree = _parser(grammar).parse(text.encode("utf-8", "surrogatepass"))
    root = tree.root_node
    language: Language = "javascript" if grammar == "javascript" else "typescript"
    ctx = Context(relpath=relpath, language=language, values=Schemas(root, _language(grammar)))
    if root.has_error:
        ctx.warn(_first_error(root), "syntax errors: the unparsable parts were skipped")
    lowlevel = LowLevel(ctx)
    for kind, node in _matches(grammar, root):
        try:
            _dispatch(ctx, lowlevel, kind, node)
        except RecursionError:
            ctx.warn(node, "declaration nested too deeply to resolve: skipped")
    lowlevel.finish()
    return ctx.out


def _matches(grammar: str, root: Node) -> list[tuple[str, Node]]:
    """Registration calls and constructor calls, in document order, outside unparsable regions."""
    found: list[tuple[str, Node]] = []
    for _, captures in QueryCursor(_query(grammar)).matches(root):
        if "call" in captures and node_text(captures["method"][0]) in REGISTER_METHODS | {"setRequestHandler"}:
            found.append(("call", captures["call"][0]))
        elif "new" in captures:
            found.append(("new", captures["new"][0]))
    found.sort(key=lambda pair: pair[1].start_byte)
    return [(kind, node) for kind, node in found if _intact(node)]


def _intact(node: Node) -> bool:
    """Whether a call's arguments parsed cleanly.

    A clean call inside an unparsable region (its receiver swallowed by an error, say) is still read; the broken
    parts themselves never are.
    """
    args = node.child_by_field_name("arguments")
    return args is not None and not args.has_error and not args.is_missing


def _dispatch(ctx: Context, lowlevel: LowLevel, kind: str, node: Node) -> None:
    function = node.child_by_field_name("function" if kind == "call" else "constructor")
    if function is None:
        return
    if kind == "new":
        name = node_text(function.child_by_field_name("property") if function.type == "member_expression" else function)
        if name in SERVER_CLASSES:
            server_constructor(ctx, node)
        return
    method = node_text(function.child_by_field_name("property"))
    if method == "setRequestHandler":
        lowlevel.request_handler(node)
    else:
        register(ctx, method, node)


def _first_error(root: Node) -> Node:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return root
