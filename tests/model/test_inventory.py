"""Inventory: built from MCP wire JSON, round-trips wire names, and ``texts()`` yields every string."""

from __future__ import annotations

from typing import Any

import pytest

from mcts.model.finding import Surface
from mcts.model.inventory import Inventory

WIRE: dict[str, Any] = {
    "protocolVersion": "2025-06-18",
    "serverInfo": {"name": "srv-name", "version": "1.2.3", "title": "srv-title", "vendorNote": "srv-extra"},
    "capabilities": {"tools": {"listChanged": True}},
    "instructions": "srv-instructions",
    "tools": [
        {
            "name": "read_file",
            "title": "tool-title",
            "description": "tool-description",
            "inputSchema": {
                "type": "object",
                "title": "schema-title",
                "properties": {
                    "path": {"type": "string", "description": "path-description", "default": "path-default",
                             "examples": ["path-example"]},
                    "mode": {"type": "string", "enum": ["enum-0", "enum-1"]},
                    "nested": {
                        "type": "object",
                        "properties": {"deep": {"type": "string", "description": "deep-description"}},
                    },
                    "odd key": {"type": "string"},
                },
                "required": ["path"],
            },
            "outputSchema": {"type": "object", "properties": {"out": {"description": "out-description"}}},
            "annotations": {"title": "annotations-title", "readOnlyHint": True},
            "x-hidden-field": "extra-value",
        }
    ],
    "prompts": [
        {
            "name": "summarize",
            "description": "prompt-description",
            "arguments": [{"name": "text", "description": "arg-description", "required": True}],
        }
    ],
    "resources": [{"uri": "file:///res.txt", "name": "res-name", "mimeType": "text/plain"}],
    "resourceTemplates": [{"uriTemplate": "file:///{path}", "name": "tpl-name", "mimeType": "text/plain"}],
}


@pytest.fixture
def texts() -> dict[tuple[Surface, str | None, str], str]:
    inventory = Inventory.model_validate(WIRE)
    out: dict[tuple[Surface, str | None, str], str] = {}
    for location, text in inventory.texts():
        key = (location.surface, location.item, location.field)
        assert key not in out, f"location yielded twice: {key}"
        assert location.span is None
        out[key] = text
    return out


TOOL, PROMPT = Surface.TOOL, Surface.PROMPT
EXPECTED = [
    # (surface, item, field, text)
    (Surface.SERVER, None, "serverInfo.name", "srv-name"),
    (Surface.SERVER, None, "serverInfo.version", "1.2.3"),
    (Surface.SERVER, None, "serverInfo.title", "srv-title"),
    (Surface.SERVER, None, "serverInfo.vendorNote", "srv-extra"),
    (Surface.SERVER, None, "serverInfo.vendorNote#key", "vendorNote"),
    (Surface.INSTRUCTIONS, None, "instructions", "srv-instructions"),
    (TOOL, "read_file", "name", "read_file"),
    (TOOL, "read_file", "title", "tool-title"),
    (TOOL, "read_file", "description", "tool-description"),
    (TOOL, "read_file", "inputSchema.title", "schema-title"),
    (TOOL, "read_file", "inputSchema.properties.path#key", "path"),
    (TOOL, "read_file", "inputSchema.properties.path.description", "path-description"),
    (TOOL, "read_file", "inputSchema.properties.path.default", "path-default"),
    (TOOL, "read_file", "inputSchema.properties.path.examples[0]", "path-example"),
    (TOOL, "read_file", "inputSchema.properties.mode.enum[0]", "enum-0"),
    (TOOL, "read_file", "inputSchema.properties.mode.enum[1]", "enum-1"),
    (TOOL, "read_file", "inputSchema.properties.nested.properties.deep.description", "deep-description"),
    (TOOL, "read_file", "inputSchema.properties.nested.properties.deep#key", "deep"),
    (TOOL, "read_file", 'inputSchema.properties["odd key"]#key', "odd key"),
    (TOOL, "read_file", "inputSchema.required[0]", "path"),
    (TOOL, "read_file", "outputSchema.properties.out.description", "out-description"),
    (TOOL, "read_file", "annotations.title", "annotations-title"),
    (TOOL, "read_file", "x-hidden-field#key", "x-hidden-field"),
    (TOOL, "read_file", "x-hidden-field", "extra-value"),
    (PROMPT, "summarize", "name", "summarize"),
    (PROMPT, "summarize", "description", "prompt-description"),
    (PROMPT, "summarize", "arguments[0].name", "text"),
    (PROMPT, "summarize", "arguments[0].description", "arg-description"),
    (Surface.RESOURCE, "file:///res.txt", "uri", "file:///res.txt"),
    (Surface.RESOURCE, "file:///res.txt", "name", "res-name"),
    (Surface.RESOURCE, "file:///res.txt", "mimeType", "text/plain"),
    (Surface.RESOURCE_TEMPLATE, "file:///{path}", "uriTemplate", "file:///{path}"),
    (Surface.RESOURCE_TEMPLATE, "file:///{path}", "name", "tpl-name"),
]


@pytest.mark.parametrize(("surface", "item", "field", "text"), EXPECTED, ids=[e[2] for e in EXPECTED])
def test_texts_yields_string_at_location(
    texts: dict[tuple[Surface, str | None, str], str], surface: Surface, item: str | None, field: str, text: str
) -> None:
    assert texts.get((surface, item, field)) == text


def test_texts_covers_every_string_in_the_wire() -> None:
    """Every string value in the wire data (outside capabilities and the protocol version) is yielded."""

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in (k, *strings(v))]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    inventory = Inventory.model_validate(WIRE)
    seen = {text for _, text in inventory.texts()}
    values = [s for key in ("tools", "prompts", "resources", "resourceTemplates") for item in WIRE[key]
              for s in strings(item)]
    # the wire keys of modelled fields (name, description, …) are ours, not the server's text
    modelled = {"name", "title", "description", "inputSchema", "outputSchema", "annotations", "arguments",
                "required", "uri", "mimeType", "uriTemplate"}
    missing = [s for s in values if s not in seen and s not in modelled]
    assert missing == []


def test_texts_inventory_without_server_info_or_instructions() -> None:
    inventory = Inventory.model_validate({"tools": [{"name": "t"}]})
    assert [(loc.surface, loc.item, loc.field, text) for loc, text in inventory.texts()] == [
        (Surface.TOOL, "t", "name", "t")
    ]


def test_round_trip_keeps_wire_names() -> None:
    inventory = Inventory.model_validate(WIRE)
    dumped = inventory.model_dump(by_alias=True, exclude_none=True)
    for key in ("protocolVersion", "serverInfo", "resourceTemplates", "instructions", "capabilities"):
        assert key in dumped, key
    assert "inputSchema" in dumped["tools"][0]
    assert "outputSchema" in dumped["tools"][0]
    assert dumped["tools"][0]["x-hidden-field"] == "extra-value"
    assert dumped["resources"][0]["mimeType"] == "text/plain"
    assert dumped["resourceTemplates"][0]["uriTemplate"] == "file:///{path}"
    assert dumped["serverInfo"]["vendorNote"] == "srv-extra"
    for snake in ("protocol_version", "server_info", "resource_templates", "input_schema", "uri_template",
                  "mime_type"):
        assert snake not in str(dumped), snake
    assert Inventory.model_validate(dumped) == inventory
