"""High-level registrations: ``McpServer`` methods, ``fastmcp`` (TypeScript) ``add*`` calls, server constructors.

``tool/registerTool/prompt/registerPrompt/resource/registerResource`` on an ``McpServer``; ``addTool/addPrompt/
addResource/addResourceTemplate`` objects of the ``fastmcp`` TypeScript framework; ``new McpServer(...)``.

Overloads follow the SDK's own argument parsing: after the name, a string is the description; an object that
is a zod raw shape (empty, or with a zod value) is the input schema; another object is the annotations; the
last argument is the callback.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from mcts.collect.source._ts_items import Context
from mcts.collect.source._ts_nodes import FUNCTIONS, arguments, node_text, unwrap
from mcts.collect.source._ts_values import UNRESOLVED
from mcts.model.finding import Surface

__all__ = ["REGISTER_METHODS", "register", "server_constructor"]

_CALLBACKS = FUNCTIONS | {"identifier", "member_expression", "call_expression"}
REGISTER_METHODS = frozenset(
    {"tool", "registerTool", "prompt", "registerPrompt", "resource", "registerResource"}
    | {"addTool", "addPrompt", "addResource", "addResourceTemplate"}
)
SERVER_CLASSES = frozenset({"McpServer", "Server", "FastMCP"})


def register(ctx: Context, method: str, call: Node) -> None:
    """Extract the item a registration call declares (``method`` is the called member's name)."""
    args = arguments(call)
    if method.startswith("add"):
        if len(args) == 1 and ctx.values.deref(args[0]).type == "object":
            _fastmcp(ctx, method, call, args[0])
        return
    if len(args) < 2 or unwrap(args[-1]).type not in _CALLBACKS:
        return  # not the SDK's shape: every overload ends with a callback
    name = ctx.values.string(args[0])
    if name is None:
        ctx.warn(call, f"{method}() with a name that is not static: skipped")
        return
    if method in ("tool", "prompt"):
        _positional(ctx, method, call, name, args)
    elif method in ("registerTool", "registerPrompt"):
        _configured(ctx, method, call, name, args)
    else:
        _resource(ctx, call, name, args)
    ctx.report_missing(call, f"{method} {name!r}")


def _positional(ctx: Context, method: str, call: Node, name: str, args: list[Node]) -> None:
    values = ctx.values
    middle = args[1:-1]
    description: str | None = None
    if middle and values.deref(middle[0]).type not in ("object", "call_expression"):
        description = values.string(middle[0])
        if description is None:
            values.missing.append("description")
        middle = middle[1:]
    schema_node: Node | None = None
    annotations: Any = None
    if middle:
        first = values.deref(middle[0])
        if first.type != "object" or values.is_shape(first):
            schema_node, middle = middle[0], middle[1:]
    if middle and method == "tool":
        annotations = values.value(middle[0])
        if not isinstance(annotations, dict):
            values.missing.append("annotations")
            annotations = None
    schema = values.input_schema(schema_node) if schema_node is not None else None
    if schema_node is not None and schema is None:
        values.missing.append("input schema" if method == "tool" else "arguments schema")
    handler = ctx.handler(args[-1], 1 if schema_node is not None else 0)
    if method == "tool":
        item = {"name": name, "description": description, "inputSchema": schema or {"type": "object"}}
        ctx.add(Surface.TOOL, {**item, "annotations": annotations}, call, handler)
    else:
        prompt = {"name": name, "description": description, "arguments": _prompt_arguments(schema)}
        ctx.add(Surface.PROMPT, prompt, call, handler)


def _configured(ctx: Context, method: str, call: Node, name: str, args: list[Node]) -> None:
    values = ctx.values
    config = values.props(args[1])
    if values.deref(args[1]).type != "object":
        values.missing.append("the configuration object")
    item: dict[str, Any] = {"name": name}
    for key in ("title", "description"):
        if key in config:
            item[key] = _string(ctx, config[key], key)
    schema_key = "inputSchema" if method == "registerTool" else "argsSchema"
    schema = _schema(ctx, config.get(schema_key), schema_key)
    handler = ctx.handler(args[-1], 1 if schema_key in config else 0)
    if method == "registerPrompt":
        ctx.add(Surface.PROMPT, {**item, "arguments": _prompt_arguments(schema)}, call, handler)
        return
    item["inputSchema"] = schema or {"type": "object"}
    item["outputSchema"] = _schema(ctx, config.get("outputSchema"), "outputSchema")
    if "annotations" in config:
        annotations = values.value(config["annotations"])
        item["annotations"] = annotations if isinstance(annotations, dict) else None
        if annotations is UNRESOLVED:
            values.missing.append("annotations")
    ctx.add(Surface.TOOL, item, call, handler)


def _resource(ctx: Context, call: Node, name: str, args: list[Node]) -> None:
    values = ctx.values
    target = values.deref(args[1])
    template = target.type == "new_expression" and node_text(target.child_by_field_name("constructor")).endswith(
        "ResourceTemplate"
    )
    uri_node = arguments(target)[0] if template and arguments(target) else args[1]
    uri = values.string(uri_node)
    metadata: dict[str, Any] = {}
    if len(args) > 3:
        found = values.value(args[2])
        metadata = found if isinstance(found, dict) else {}
        if not isinstance(found, dict):
            values.missing.append("metadata")
    key = "uriTemplate" if template else "uri"
    item = {**metadata, "name": name, key: uri}
    handler = ctx.handler(args[-1], 2 if template else 0)
    ctx.add(Surface.RESOURCE_TEMPLATE if template else Surface.RESOURCE, item, call, handler)


def _fastmcp(ctx: Context, method: str, call: Node, spec: Node) -> None:
    """``server.addTool({name, description, parameters, annotations, execute})`` and its siblings."""
    values = ctx.values
    props = values.props(spec)
    if "name" not in props or not ({"execute", "load"} & set(props)):
        return  # another library's addTool
    item: dict[str, Any] = {}
    for key, node in props.items():
        if key not in ("parameters", "execute", "load", "complete") and node.type not in FUNCTIONS:
            value = values.value(node)
            if value is UNRESOLVED:
                values.missing.append(key)
            else:
                item[key] = value
    callback = props.get("execute") or props.get("load")
    if method == "addTool":
        schema = _schema(ctx, props.get("parameters"), "parameters") if "parameters" in props else None
        item["inputSchema"] = schema or {"type": "object"}
        ctx.add(Surface.TOOL, item, call, ctx.handler(callback, 1 if "parameters" in props else 0))
    elif method == "addPrompt":
        ctx.add(Surface.PROMPT, item, call, ctx.handler(callback, 1))
    elif method == "addResourceTemplate":
        ctx.add(Surface.RESOURCE_TEMPLATE, item, call, ctx.handler(callback, 1))
    else:
        ctx.add(Surface.RESOURCE, item, call, ctx.handler(callback, 0))
    ctx.report_missing(call, f"{method} {item.get('name')!r}")


def _string(ctx: Context, node: Node, what: str) -> str | None:
    text = ctx.values.string(node)
    if text is None and ctx.values.value(node) is not None:
        ctx.values.missing.append(what)
    return text


def _schema(ctx: Context, node: Node | None, what: str) -> dict[str, Any] | None:
    if node is None:
        return None
    schema = ctx.values.input_schema(node)
    if schema is None:
        ctx.values.missing.append(what)
    return schema


def _prompt_arguments(schema: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if not schema or not isinstance(schema.get("properties"), dict):
        return None
    required = schema.get("required", [])
    out = []
    for key, prop in schema["properties"].items():
        description = prop.get("description") if isinstance(prop, dict) else None
        argument: dict[str, Any] = {"name": key, "required": key in required}
        if isinstance(description, str):
            argument["description"] = description
        out.append(argument)
    return out


def server_constructor(ctx: Context, new: Node) -> None:
    """``new McpServer({name, version}, {instructions})``, ``new Server(...)``, ``new FastMCP({...})``."""
    args = arguments(new)
    values = ctx.values
    if not args or values.deref(args[0]).type != "object":
        return
    info = values.props(args[0])
    if "name" not in info:
        return
    options = values.props(args[1]) if len(args) > 1 else info
    if ctx.out.server_name is None:
        ctx.out.server_name = values.string(info["name"])
        ctx.out.server_version = values.string(info["version"]) if "version" in info else None
    if "instructions" in options:
        node = options["instructions"]
        text = values.string(node)
        if text is not None:
            anchor = node.parent if node.parent is not None and node.parent.type == "pair" else node
            ctx.add_instructions(text, anchor)
        elif values.value(node) is not None:
            ctx.warn(node, "server instructions are not static: not extracted")
