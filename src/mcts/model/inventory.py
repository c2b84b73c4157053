"""What a server exposes to a model, in MCP wire names, and ``texts()``: every string a model could read.

Items keep fields this model does not name (``extra="allow"``): a server can put text anywhere, and
whatever it sends is walked by ``texts()`` and kept in snapshots.
"""

from __future__ import annotations

import functools
import gc
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from mcts.model.finding import Location, Surface
from mcts.model.source import ItemSource

JsonObject = dict[str, JsonValue]


class _Wire(BaseModel):
    """Base for wire items: camelCase on the wire, snake_case in Python, unknown fields kept."""

    model_config = ConfigDict(frozen=True, extra="allow", alias_generator=to_camel, validate_by_name=True)


class ServerInfo(_Wire):
    """The server's self-description (``serverInfo``)."""

    name: str | None = None
    version: str | None = None
    title: str | None = None
    description: str | None = None


class Tool(_Wire):
    """A tool as listed by ``tools/list``."""

    name: str
    title: str | None = None
    description: str | None = None
    input_schema: JsonObject = Field(default_factory=dict)
    output_schema: JsonObject | None = None
    annotations: JsonObject | None = None


class PromptArgument(_Wire):
    """One argument of a prompt."""

    name: str
    title: str | None = None
    description: str | None = None
    required: bool | None = None


class Prompt(_Wire):
    """A prompt as listed by ``prompts/list``."""

    name: str
    title: str | None = None
    description: str | None = None
    arguments: tuple[PromptArgument, ...] = ()


class ResourceText(_Wire):
    """Text contents of a resource as read by ``resources/read`` (kept only for allowed MIME types)."""

    uri: str
    mime_type: str | None = None
    text: str


class Resource(_Wire):
    """A resource as listed by ``resources/list``; ``contents`` (an mcts extension) when its contents were read."""

    uri: str
    name: str | None = None
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None
    contents: tuple[ResourceText, ...] | None = None


class ResourceTemplate(_Wire):
    """A resource template as listed by ``resources/templates/list``."""

    uri_template: str
    name: str | None = None
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None


class Inventory(BaseModel):
    """Everything a server exposes to a model. Serialised with MCP wire names (``by_alias=True``)."""

    model_config = ConfigDict(frozen=True, alias_generator=to_camel, validate_by_name=True)

    protocol_version: str | None = None
    server_info: ServerInfo | None = None
    capabilities: JsonObject | None = None
    instructions: str | None = None
    tools: tuple[Tool, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    resources: tuple[Resource, ...] = ()
    resource_templates: tuple[ResourceTemplate, ...] = ()
    sources: tuple[ItemSource, ...] = Field(
        default=(), description="Where each item is declared, for inventories extracted from source (not MCP wire data)"
    )

    def with_items(self, **changes: Any) -> Inventory:
        """A copy with ``changes`` applied (tools, prompts, …); cached views are recomputed for the copy."""
        copy = self.model_copy(update=changes)
        for cached in ("_texts", "_sources_by_item"):
            copy.__dict__.pop(cached, None)
        return copy

    def source_of(self, surface: Surface, item: str | None) -> ItemSource | None:
        """Where ``item`` on ``surface`` is declared, for a source scan; ``None`` otherwise."""
        return self._sources_by_item.get((surface, item))

    @functools.cached_property
    def _sources_by_item(self) -> dict[tuple[Surface, str | None], ItemSource]:
        return {(s.surface, s.item): s for s in self.sources}

    def texts(self) -> tuple[tuple[Location, str], ...]:
        """Every string a model could read, with its exact location (computed once per inventory).

        Covers names, titles, descriptions, every key and string value inside input and output schemas
        (nested descriptions, enums, defaults, examples, titles), annotations, prompt arguments, resource
        URIs and names, template URIs, instructions, serverInfo, and any field a server added that this
        model does not name. Dictionary keys are yielded with a ``#key`` suffix on their path.
        """
        return self._texts

    @functools.cached_property
    def _texts(self) -> tuple[tuple[Location, str], ...]:
        # Hundreds of thousands of small acyclic objects on a large server: with the cyclic collector running,
        # its repeated passes over the growing heap double the cost, and it could reclaim nothing here anyway.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._collect_texts()
        finally:
            if collecting:
                gc.enable()

    def _collect_texts(self) -> tuple[tuple[Location, str], ...]:
        out: list[tuple[Location, str]] = []
        if self.server_info is not None:
            _walk(self.server_info.model_dump(by_alias=True, exclude_none=True), Surface.SERVER, None, "serverInfo",
                  out)
        if self.instructions is not None:
            out.append((Location(surface=Surface.INSTRUCTIONS, field="instructions"), self.instructions))
        for tool in self.tools:
            _walk_item(tool, Surface.TOOL, tool.name, out)
        for prompt in self.prompts:
            _walk_item(prompt, Surface.PROMPT, prompt.name, out)
        for resource in self.resources:
            _walk_item(resource, Surface.RESOURCE, resource.uri, out)
        for template in self.resource_templates:
            _walk_item(template, Surface.RESOURCE_TEMPLATE, template.uri_template, out)
        return tuple(out)

    def counts(self) -> dict[str, int]:
        """How many items of each kind, keyed by wire name."""
        return {
            "tools": len(self.tools),
            "prompts": len(self.prompts),
            "resources": len(self.resources),
            "resourceTemplates": len(self.resource_templates),
        }


def _walk_item(item: _Wire, surface: Surface, name: str, out: list[tuple[Location, str]]) -> None:
    extras = item.model_extra or {}
    for key, value in item.model_dump(by_alias=True, exclude_none=True).items():
        path = _segment("", key)
        if key in extras:  # a field the server invented: its name is text a model reads too
            out.append((Location(surface=surface, item=name, field=path + "#key"), key))
        _walk(value, surface, name, path, out)


def _walk(value: object, surface: Surface, item: str | None, path: str, out: list[tuple[Location, str]]) -> None:
    """Append every string under ``value`` (dictionary keys as ``…#key``) to ``out``, in document order."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            out.append((Location(surface=surface, item=item, field=where), node))
        elif isinstance(node, dict):
            children = []
            for raw_key, child in node.items():
                key = str(raw_key)
                child_path = _segment(where, key)
                children.append((key, child_path + "#key"))
                children.append((child, child_path))
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(reversed([(child, f"{where}[{index}]") for index, child in enumerate(node)]))


@functools.lru_cache(maxsize=65536)  # the same paths recur in every tool of a server
def _segment(path: str, key: str) -> str:
    """Append ``key`` to a dotted path, quoting keys that are not plain identifiers."""
    plain = key.replace("_", "a").replace("-", "a").isalnum() and key.isascii()
    part = key if plain else '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    if not path:
        return part
    return f"{path}.{part}" if plain else path + part
