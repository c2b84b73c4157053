"""What a server exposes to a model, in MCP wire names, and ``texts()``: every string a model could read.

Items keep fields this model does not name (``extra="allow"``): a server can put text anywhere, and
whatever it sends is walked by ``texts()`` and kept in snapshots.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from mcts.model.finding import Location, Surface

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


class Resource(_Wire):
    """A resource as listed by ``resources/list``."""

    uri: str
    name: str | None = None
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None


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
        return tuple(self._iter_texts())

    def _iter_texts(self) -> Iterator[tuple[Location, str]]:
        if self.server_info is not None:
            yield from _walk(self.server_info.model_dump(by_alias=True, exclude_none=True), Surface.SERVER, None,
                             "serverInfo")
        if self.instructions is not None:
            yield _location(Surface.INSTRUCTIONS, None, "instructions"), self.instructions
        for tool in self.tools:
            yield from _walk_item(tool, Surface.TOOL, tool.name)
        for prompt in self.prompts:
            yield from _walk_item(prompt, Surface.PROMPT, prompt.name)
        for resource in self.resources:
            yield from _walk_item(resource, Surface.RESOURCE, resource.uri)
        for template in self.resource_templates:
            yield from _walk_item(template, Surface.RESOURCE_TEMPLATE, template.uri_template)

    def counts(self) -> dict[str, int]:
        """How many items of each kind, keyed by wire name."""
        return {
            "tools": len(self.tools),
            "prompts": len(self.prompts),
            "resources": len(self.resources),
            "resourceTemplates": len(self.resource_templates),
        }


def _location(surface: Surface, item: str | None, field: str) -> Location:
    return Location(surface=surface, item=item, field=field)


def _walk_item(item: _Wire, surface: Surface, name: str) -> Iterator[tuple[Location, str]]:
    extras = item.model_extra or {}
    for key, value in item.model_dump(by_alias=True, exclude_none=True).items():
        path = _segment("", key)
        if key in extras:  # a field the server invented: its name is text a model reads too
            yield _location(surface, name, path + "#key"), key
        yield from _walk(value, surface, name, path)


def _walk(value: object, surface: Surface, item: str | None, path: str) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        yield _location(surface, item, path), value
    elif isinstance(value, dict):
        for key, child in value.items():
            child_path = _segment(path, str(key))
            yield _location(surface, item, child_path + "#key"), str(key)
            yield from _walk(child, surface, item, child_path)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from _walk(child, surface, item, f"{path}[{index}]")


def _segment(path: str, key: str) -> str:
    """Append ``key`` to a dotted path, quoting keys that are not plain identifiers."""
    plain = key.replace("_", "a").replace("-", "a").isalnum() and key.isascii()
    part = key if plain else '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    if not path:
        return part
    return f"{path}.{part}" if plain else path + part
