"""TypeScript / JavaScript extraction: every SDK form, zod schemas, low-level servers, bad and odd input."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mcts.collect.source.extracted import Extracted
from mcts.collect.source.typescript import extract_typescript
from mcts.model.finding import Surface
from mcts.model.inventory import Inventory
from mcts.model.source import ItemSource

FIXTURES = Path(__file__).parent / "fixtures" / "typescript"


def extract(name: str) -> Extracted:
    return extract_typescript(name, (FIXTURES / name).read_text(encoding="utf-8"))


def by_name(items: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def source(result: Extracted, surface: Surface, item: str | None) -> ItemSource:
    return next(s for s in result.sources if s.surface == surface and s.item == item)


def test_every_tool_overload_of_mcp_server() -> None:
    result = extract("tool_overloads.ts")
    tools = by_name(result.tools)
    assert list(tools) == [
        "ping", "list_notes", "read_note", "search_notes", "delete_note", "append_note", "count_notes",
    ]
    assert tools["ping"] == {"name": "ping", "inputSchema": {"type": "object"}}
    assert tools["list_notes"]["description"] == "List the titles of all notes."
    assert tools["read_note"]["inputSchema"] == {
        "type": "object",
        "properties": {"id": {"type": "string", "description": "The note id, as listed by list_notes"}},
        "required": ["id"],
    }
    search = tools["search_notes"]
    assert search["description"] == "Search the notes for a phrase. Matching is case-insensitive."
    props = search["inputSchema"]["properties"]
    assert props["limit"] == {"type": "integer", "default": 20, "description": "Maximum number of hits"}
    assert props["tags"] == {"type": "array", "items": {"type": "string", "enum": ["work", "home", "travel"]}}
    assert props["order"]["anyOf"][1] == {"type": "null"}
    assert search["inputSchema"]["required"] == ["query"]
    assert tools["delete_note"]["annotations"] == {"title": "Delete a note", "destructiveHint": True,
                                                   "readOnlyHint": False}
    assert "description" not in tools["delete_note"]
    assert tools["append_note"]["description"] == "Append a line to a note."
    assert tools["append_note"]["annotations"] == {"idempotentHint": False}
    assert tools["count_notes"] == {
        "name": "count_notes", "description": "Count the notes.", "inputSchema": {"type": "object"},
        "annotations": {"readOnlyHint": True},
    }
    assert result.server_name == "notes-server" and result.server_version == "1.4.0"
    assert result.instructions == "Use notes_list before reading a note.\nNever guess note ids."
    assert result.warnings == []


def test_item_sources_give_lines_handlers_and_params() -> None:
    result = extract("tool_overloads.ts")
    search = source(result, Surface.TOOL, "search_notes")
    assert (search.ref.file, search.ref.line, search.ref.end_line) == ("tool_overloads.ts", 38, 48)
    assert search.handler == "searchNotes" and search.handler_ref is not None and search.handler_ref.line == 35
    assert search.params == ("query", "limit")
    assert search.language == "typescript"
    append = source(result, Surface.TOOL, "append_note")
    assert append.params == ("id", "text")  # `{ id, line: text }` binds `text`
    assert source(result, Surface.TOOL, "ping").params == ()  # no schema: the callback only gets `extra`
    assert source(result, Surface.INSTRUCTIONS, None).ref.line == 15


def test_register_api_with_config_objects_enums_and_templates() -> None:
    result = extract("register_api.ts")
    tools = by_name(result.tools)
    create = tools["create_event"]  # name from a TS enum, config from a const, schema from `EventSchema.shape`
    assert create["title"] == "Create event"
    assert create["description"] == (
        "Create an event in the user's primary calendar. Ask the user before inviting attendees."
    )
    assert create["inputSchema"]["required"] == ["title", "start"]
    assert create["inputSchema"]["properties"]["visibility"] == {
        "type": "string", "enum": ["public", "private"], "default": "private",
    }
    assert create["inputSchema"]["properties"]["attendees"]["description"] == "E-mail addresses to invite"
    assert create["outputSchema"]["properties"] == {"id": {"type": "string"}, "link": {"type": "string"}}
    assert create["annotations"] == {"destructiveHint": False, "openWorldHint": True}
    assert tools["list_events"]["inputSchema"]["required"] == ["from"]
    assert source(result, Surface.TOOL, "list_events").params == ("from", "to")

    prompts = by_name(result.prompts)
    assert prompts["plan_week"]["arguments"] == [
        {"name": "focus", "required": True, "description": "What to prioritise"},
        {"name": "tone", "required": False},
    ]
    assert prompts["summarise_day"]["description"] == "Summarise one day of the calendar."

    resources = by_name(result.resources, "uri")
    assert resources["calendar://calendars"]["mimeType"] == "application/json"
    assert resources["calendar://timezone"] == {"name": "timezone", "uri": "calendar://timezone"}
    (template,) = result.resource_templates
    assert template == {"description": "One event, by id.", "name": "event", "uriTemplate": "calendar://events/{eventId}"}
    assert source(result, Surface.RESOURCE_TEMPLATE, "calendar://events/{eventId}").params == ("uri", "eventId")
    assert source(result, Surface.RESOURCE, "calendar://calendars").params == ()
    assert result.warnings == []


def test_low_level_server_in_javascript() -> None:
    result = extract("lowlevel_server.js")
    tools = by_name(result.tools)
    assert list(tools) == ["get_ticket", "add_comment"]  # spreads of two constant arrays
    assert tools["get_ticket"]["inputSchema"]["properties"]["ticket"]["description"] == "Ticket key"
    assert tools["add_comment"]["inputSchema"] == {  # zodToJsonSchema(CommentArgs)
        "type": "object",
        "properties": {
            "ticket": {"type": "string", "description": "Ticket key, for example OPS-12"},
            "body": {"type": "string", "description": "Comment text in Markdown"},
        },
        "required": ["ticket", "body"],
    }
    comment = source(result, Surface.TOOL, "add_comment")
    assert comment.language == "javascript"
    assert comment.ref.line == 30  # the literal in WRITE_TOOLS
    assert comment.handler_ref is not None and comment.handler_ref.line == 51  # its `case` in the call handler
    assert comment.params == ("request",)
    assert by_name(result.prompts)["triage"]["arguments"] == [
        {"name": "team", "description": "Team to triage for", "required": True}
    ]
    assert result.instructions == "Tickets are read-only unless the user asks."
    assert (result.server_name, result.server_version) == ("tickets", "0.3.1")
    assert result.warnings == []


def test_low_level_server_in_typescript_with_enum_names() -> None:
    result = extract("lowlevel_server.ts")
    tools = by_name(result.tools)
    assert list(tools) == ["run_query", "list_tables"]
    assert tools["run_query"]["inputSchema"]["required"] == ["sql"]
    assert tools["run_query"]["annotations"] == {"readOnlyHint": True}
    assert tools["list_tables"]["inputSchema"] == {"type": "object", "properties": {}}
    query = source(result, Surface.TOOL, "run_query")
    assert query.handler_ref is not None and query.handler_ref.line == 41  # `if (request.params.name === ...)`
    assert result.server_name == "example-db" and result.instructions is None


def test_minified_bundle() -> None:
    result = extract("minified.js")
    tools = by_name(result.tools)
    assert tools["get_weather"]["description"] == "Get the current weather for a city."
    assert tools["get_weather"]["inputSchema"]["properties"] == {
        "city": {"type": "string", "description": "City name"},
        "units": {"type": "string", "enum": ["metric", "imperial"]},
    }
    assert tools["get_forecast"]["description"] == "Forecast for the next 3 days."
    assert source(result, Surface.TOOL, "get_weather").params == ("e", "t")
    assert result.instructions == "Weather for a city."
    assert all(s.ref.line == 1 for s in result.sources)


def test_fastmcp_framework() -> None:
    result = extract("fastmcp_server.ts")
    (tool,) = result.tools
    assert tool == {
        "name": "git_log",
        "description": "Show the last commits.",
        "annotations": {"readOnlyHint": True},
        "inputSchema": {"type": "object", "properties": {"count": {"type": "number", "default": 10,
                                                                    "description": "How many commits"}}},
    }
    assert result.resource_templates[0]["uriTemplate"] == "git://file/{path}"
    assert result.instructions == "Only operate inside the current repository."
    assert result.warnings == []


def test_files_without_a_server_yield_nothing() -> None:
    result = extract("no_server.ts")  # socket.io `new Server(...)`, AI-SDK `tool({...})`, `toolbox.tool("x")`
    assert (result.tools, result.prompts, result.resources, result.sources) == ([], [], [], [])
    assert result.server_name is None and result.warnings == []
    assert extract_typescript("util.ts", "export const add = (a: number, b: number) => a + b;\n") == Extracted()


def test_syntax_errors_are_skipped_with_a_warning() -> None:
    result = extract("broken.ts")
    assert [t["name"] for t in result.tools] == ["before_error", "after_error"]
    assert source(result, Surface.TOOL, "after_error").ref.line == 15
    assert result.warnings == ["broken.ts:11: syntax errors: the unparsable parts were skipped"]


def test_run_time_values_are_warned_about_not_guessed() -> None:
    result = extract("dynamic.ts")
    tools = by_name(result.tools)
    assert list(tools) == ["described_at_runtime", "imported_shape"]
    assert "description" not in tools["described_at_runtime"]
    assert tools["described_at_runtime"]["inputSchema"]["properties"] == {"q": {"type": "string"}}
    assert tools["imported_shape"]["inputSchema"] == {"type": "object"}
    assert result.instructions is None
    text = "\n".join(result.warnings)
    assert "dynamic.ts:6: server instructions are not static" in text
    assert "dynamic.ts:10: tool() with a name that is not static: skipped" in text
    assert "dynamic.ts:13: tool 'described_at_runtime': not resolved statically (left out): description" in text
    assert "dynamic.ts:17: tool 'imported_shape': not resolved statically (left out): input schema" in text


def test_escape_sequences_are_decoded_like_javascript() -> None:
    (tool,) = extract("hidden_escapes.ts").tools
    assert tool["description"] == "Look up a word.\u200b\U000e0049\U000e0047A\U0001f600 It's fine.\n"


def test_extracted_items_build_an_inventory() -> None:
    for name in ("tool_overloads.ts", "register_api.ts", "lowlevel_server.js", "minified.js", "fastmcp_server.ts"):
        result = extract(name)
        inventory = Inventory.model_validate({
            "instructions": result.instructions,
            "tools": result.tools,
            "prompts": result.prompts,
            "resources": result.resources,
            "resourceTemplates": result.resource_templates,
            "sources": result.sources,
        })
        assert len(inventory.sources) == len(result.sources)
        assert inventory.texts()


@pytest.mark.parametrize(
    "code",
    [
        "",
        "server.tool()",
        "server.tool(1, 2)",
        "server.registerTool('x', 42, () => 1)",
        "server.registerTool('x', {inputSchema: {properties: []}}, () => 1)",
        "server.tool('x', {a: z.object([]).describe()}, () => 1)",
        "server.setRequestHandler(ListToolsRequestSchema, async () => ({tools: [1, null, 'x', {}]}))",
        "server.setRequestHandler(ListToolsRequestSchema, makeHandler())",
        "const a = a.b; const b = b; server.tool(a, b, c, a)",
        "server.resource('r', new ResourceTemplate(), {}, () => 1)",
        "new McpServer()",
        "new McpServer({name: 1}, {instructions: 2})",
        "\x00\ud800 server.tool(",
        "server.tool('deep', " + "z.array(" * 400 + "z.string()" + ")" * 400 + ", () => 1)",
    ],
)
def test_odd_input_never_crashes(code: str) -> None:
    for ext in ("ts", "js", "tsx"):
        result = extract_typescript(f"odd.{ext}", code)
        assert isinstance(result, Extracted)


def test_odd_schemas_are_kept_as_written() -> None:
    result = extract_typescript("odd.ts", "server.registerTool('x', {inputSchema: {properties: []}}, () => 1)")
    assert result.tools == [{"name": "x", "inputSchema": {"properties": []}}]


def test_large_file_is_fast_and_parsers_work_across_threads() -> None:
    tool = """
server.tool(
  "tool_{i}",
  "Read file number {i} from the workspace. " + "Only inside allowed roots.",
  {{ path: z.string().describe("Relative path"), lines: z.number().int().optional() }},
  {{ readOnlyHint: true }},
  async ({{ path, lines }}) => {{
    const text = await readFile(join(root, path), "utf8");
    return {{ content: [{{ type: "text", text: text.split("\\n").slice(0, lines).join("\\n") }}] }};
  }},
);
"""
    body = "const server = new McpServer({name: 'big', version: '1'});\n" + "".join(
        tool.format(i=i) for i in range(1000)
    )
    started = time.perf_counter()
    result = extract_typescript("big.ts", body)
    elapsed = time.perf_counter() - started
    assert len(result.tools) == 1000 and result.warnings == []
    assert result.tools[999]["inputSchema"]["required"] == ["path"]
    assert elapsed < 2.0, f"{body.count(chr(10))} lines took {elapsed:.2f}s"

    outputs: list[int] = []

    def work() -> None:
        outputs.append(len(extract("register_api.ts").tools))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outputs == [2, 2, 2, 2]
