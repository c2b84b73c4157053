"""The Python extractor over realistic server files (fixtures/python/) and hostile or odd input.

Each fixture is a server written for one SDK style; the tests pin what a client would see in ``tools/list``
(names, descriptions, input schemas, annotations), where each item is declared, and what is reported as not
statically resolvable. Nothing is imported or run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mcts.collect.normalize import build_inventory
from mcts.collect.source.extracted import Extracted
from mcts.collect.source.python import extract_python, server_names
from mcts.model.finding import Surface
from mcts.options import Limits
from tests.servers import launch, reference

FIXTURES = Path(__file__).parent / "fixtures" / "python"
CROSS = FIXTURES / "crossmod"


def extract(name: str, **kwargs: Any) -> Extracted:
    return extract_python(name, (FIXTURES / name).read_text(encoding="utf-8"), **kwargs)


def by_name(items: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def source(ex: Extracted, surface: Surface, item: str | None) -> Any:
    matches = [s for s in ex.sources if s.surface == surface and s.item == item]
    assert len(matches) == 1, (surface, item, ex.sources)
    return matches[0]


def props(tool: dict[str, Any]) -> dict[str, Any]:
    return tool["inputSchema"]["properties"]


def as_inventory(ex: Extracted) -> Any:
    wire = {"tools": ex.tools, "prompts": ex.prompts, "resources": ex.resources,
            "resourceTemplates": ex.resource_templates, "instructions": ex.instructions}
    inventory, caps = build_inventory(wire, Limits())
    assert caps == []
    return inventory


# -- mcp 1.x FastMCP -----------------------------------------------------------------------------------------

def test_fastmcp_v1_tools_schemas_and_annotations() -> None:
    ex = extract("fastmcp_v1_github.py")
    assert ex.warnings == []
    assert ex.server_name == "github-tools"
    assert ex.instructions is not None and "Always confirm before closing an issue." in ex.instructions
    tools = by_name(ex.tools)
    assert list(tools) == ["list_repositories", "search_code", "get_issue", "close_issue", "call_api"]

    bare = tools["list_repositories"]  # @mcp.tool without parentheses; docstring cleaned; Context skipped
    assert bare["description"] == ("List the repositories of an owner.\n\n"
                                   "Only public repositories are returned unless the token allows more.")
    assert bare["inputSchema"] == {"type": "object", "properties": {"owner": {"type": "string"}},
                                   "required": ["owner"]}

    search = tools["search_code"]  # Annotated[T, Field(...)] with bounds and defaults; no docstring
    assert "description" not in search
    assert props(search)["query"] == {"type": "string", "description": "GitHub code search syntax"}
    assert props(search)["per_page"] == {"type": "integer", "description": "Results per page", "minimum": 1,
                                         "maximum": 100, "default": 30}
    assert props(search)["language"] == {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert search["inputSchema"]["required"] == ["query"]

    issue = tools["get_issue"]  # name/title/description arguments win over the function name and docstring
    assert issue["title"] == "Get issue"
    assert issue["description"] == "Search issues across the repositories the token can read."
    assert issue["annotations"] == {"readOnlyHint": True, "openWorldHint": True}
    assert props(issue)["repo"] == {"type": "string", "description": "owner/name of the repository"}
    assert props(issue)["state"] == {"enum": ["open", "closed", "all"], "type": "string", "default": "open"}
    assert issue["inputSchema"]["required"] == ["repo", "number"]

    close = tools["close_issue"]  # positional name, annotations as a dict
    assert close["annotations"] == {"destructiveHint": True, "idempotentHint": True}
    assert props(close)["labels"]["anyOf"][0] == {"type": "array", "items": {"type": "string"}}
    assert tools["call_api"]["description"] == "Call the GitHub REST API under https://api.github.com/repos"


def test_fastmcp_v1_prompts_resources_and_sources() -> None:
    ex = extract("fastmcp_v1_github.py")
    prompt = by_name(ex.prompts)["triage_issue"]
    assert prompt["description"] == "Write a short triage note for an issue."
    assert prompt["arguments"] == [{"name": "issue_url", "required": True, "description": "Link to the issue"},
                                   {"name": "tone", "required": False}]
    assert ex.resources == [{"uri": "github://rate-limit", "name": "rate_limit", "mimeType": "application/json"}]
    assert ex.resource_templates == [{"uriTemplate": "github://repos/{owner}/{repo}/readme", "name": "readme",
                                      "description": "The README of a repository."}]

    lines = (FIXTURES / "fastmcp_v1_github.py").read_text().splitlines()
    issue = source(ex, Surface.TOOL, "get_issue")
    assert issue.ref.file == "fastmcp_v1_github.py" and issue.language == "python"
    assert lines[issue.ref.line - 1].startswith("@mcp.tool(")
    assert issue.handler == "fetch_issue" and lines[issue.handler_ref.line - 1].startswith("def fetch_issue(")
    assert issue.params == ("repo", "number", "state")
    template = source(ex, Surface.RESOURCE_TEMPLATE, "github://repos/{owner}/{repo}/readme")
    assert template.params == ("owner", "repo") and template.handler == "readme"
    assert source(ex, Surface.RESOURCE, "github://rate-limit").params == ()
    instructions = source(ex, Surface.INSTRUCTIONS, None)
    assert "instructions=INSTRUCTIONS" in lines[instructions.ref.line - 1]
    assert source(ex, Surface.TOOL, "list_repositories").params == ("owner",)  # no ctx

    inventory = as_inventory(ex)  # wire-valid: every string reaches the analyzers
    texts = {(loc.item, loc.field): text for loc, text in inventory.texts()}
    assert texts[("search_code", "inputSchema.properties.query.description")] == "GitHub code search syntax"
    assert texts[("triage_issue", "arguments[0].description")] == "Link to the issue"


# -- mcp 2.x MCPServer ---------------------------------------------------------------------------------------

def test_mcpserver_v2_decorators_add_tool_and_models() -> None:
    ex = extract("mcpserver_v2_files.py")
    assert (ex.server_name, ex.server_version) == ("files", "2.1.0")
    assert ex.instructions == "Read and write files below /srv/data only."
    tools = by_name(ex.tools)
    assert list(tools) == ["read_file", "write_file", "list_directory", "move", "stat", "delete"]
    read = tools["read_file"]
    assert read["annotations"] == {"readOnlyHint": True}  # snake_case keyword -> wire camelCase
    assert props(read) == {"path": {"type": "string"},  # ctx: Context | None skipped
                           "encoding": {"enum": ["utf-8", "latin-1"], "type": "string", "default": "utf-8"}}
    request = props(tools["write_file"])["request"]  # a pydantic model parameter, inlined
    assert request["title"] == "WriteRequest" and request["description"] == "A file to write."
    assert request["properties"]["path"] == {"type": "string", "description": "Path below the data root"}
    assert request["required"] == ["path", "content"]
    listing = tools["list_directory"]  # add_tool(fn): docstring and keyword-only params
    assert listing["description"] == "List the entries of a directory."
    assert "required" not in listing["inputSchema"] and set(props(listing)) == {"path", "pattern"}
    assert tools["move"] == {"name": "move", "title": "Move file", "description": "Move or rename a file.",
                             "inputSchema": {"type": "object", "properties": {"source": {"type": "string"},
                                                                              "destination": {"type": "string"}},
                                             "required": ["source", "destination"]}}
    assert tools["delete"]["description"] == "Delete a file."  # server.tool(name=...)(fn)
    assert tools["stat"]["inputSchema"] == {"type": "object", "properties": {}}  # lambda: kept, flagged
    assert any(":53: tool handler lambda" in w for w in ex.warnings), ex.warnings
    # annotations through a module constant and through a one-line helper
    assert tools["delete"]["annotations"] == {"readOnlyHint": False, "destructiveHint": True}
    move = source(ex, Surface.TOOL, "move")
    lines = (FIXTURES / "mcpserver_v2_files.py").read_text().splitlines()
    assert lines[move.ref.line - 1].startswith("server.add_tool(move_file")
    assert move.handler == "move_file" and lines[move.handler_ref.line - 1].startswith("def move_file(")
    assert source(ex, Surface.TOOL, "stat").handler is None
    as_inventory(ex)


CACHE = Path(__file__).parents[3] / ".cache"
INSTALLERS: dict[str, Callable[[Path], object]] = {
    "mcp_server_git": reference.ensure_mcp_server_git,
    "mcp_server_time": launch.ensure_mcp_server_time,
    "mcp_server_fetch": reference.ensure_mcp_server_fetch,
}


@pytest.mark.parametrize(("package", "tools"), [("mcp_server_git", 12), ("mcp_server_time", 2),
                                                ("mcp_server_fetch", 1)])
def test_reference_servers(package: str, tools: int) -> None:
    """The pinned reference servers (installed into .cache by the test setup): read, never run."""
    INSTALLERS[package](CACHE)
    found = sorted((CACHE / "venvs").glob(f"*/lib/python3*/site-packages/{package}/server.py"))
    assert found, f"{package} installed but its server.py was not found under {CACHE / 'venvs'}"
    ex = extract_python(f"{package}/server.py", found[0].read_text(encoding="utf-8"))
    assert len(ex.tools) >= tools
    for tool in ex.tools:
        assert tool.get("description") and tool["inputSchema"]["type"] == "object"
        assert source(ex, Surface.TOOL, tool["name"]).handler
    # only run-time values remain unresolved: the version from package metadata, a local time zone name
    assert all("version(" in w or "local_tz" in w for w in ex.warnings), ex.warnings


# -- standalone fastmcp --------------------------------------------------------------------------------------

def test_standalone_fastmcp() -> None:
    ex = extract("standalone_fastmcp_slack.py")
    assert (ex.server_name, ex.server_version) == ("slack", "0.3.1")
    assert ex.instructions == "Post only to channels the user named."
    tools = by_name(ex.tools)
    assert list(tools) == ["list_channels", "post_message", "reply"]
    assert props(tools["post_message"]) == {"channel": {"type": "string"}, "text": {"type": "string"}}
    assert source(ex, Surface.TOOL, "post_message").handler == "post"
    assert by_name(ex.prompts)["summarize_channel"]["arguments"][1] == {"name": "days", "required": False}
    # a name computed at run time: the function name is used, and the report says so once
    assert ex.warnings == ["standalone_fastmcp_slack.py:27: tool name make_name() is not statically resolvable; "
                           "using the function name"]


# -- low-level Server ----------------------------------------------------------------------------------------

def test_lowlevel_v1_list_handlers() -> None:
    ex = extract("lowlevel_v1_git.py")
    assert ex.server_name == "mcp-git" and ex.warnings == []
    tools = by_name(ex.tools)
    assert list(tools) == ["git_status", "git_log", "git_commit"]  # str Enum members and .value
    assert tools["git_status"]["inputSchema"] == {"type": "object", "properties": {"repo_path": {"type": "string"}},
                                                  "title": "GitStatus", "required": ["repo_path"]}
    assert props(tools["git_log"])["max_count"] == {"type": "integer", "description": "How many commits to show",
                                                    "default": 10}
    assert props(tools["git_commit"])["message"] == {"type": "string", "description": "Commit message"}
    assert ex.prompts == [{"name": "commit-message", "description": "Draft a commit message for the staged changes",
                           "arguments": [{"name": "repo_path", "description": "Repository path",
                                          "required": True}]}]
    status = source(ex, Surface.TOOL, "git_status")
    assert status.handler == "call_tool" and status.params == ("name", "arguments")
    assert source(ex, Surface.PROMPT, "commit-message").handler == "get_prompt"
    as_inventory(ex)


def test_lowlevel_v2_constructor_callbacks() -> None:
    ex = extract("lowlevel_v2_db.py")
    assert (ex.server_name, ex.server_version, ex.instructions) == ("analytics-db", "1.4.0", "Queries are read-only.")
    tools = by_name(ex.tools)
    assert tools["query"]["annotations"] == {"readOnlyHint": True}
    assert props(tools["query"])["sql"]["description"] == "A read-only SELECT statement"  # via module constant
    assert tools["list_tables"]["inputSchema"] == {"type": "object"}
    assert ex.resources == [{"uri": "db://schema", "name": "schema", "mimeType": "text/plain"}]
    assert ex.prompts == []  # built by a comprehension: not listed, and said so
    assert any("list_dynamic() builds its items at run time" in w for w in ex.warnings)
    assert source(ex, Surface.TOOL, "query").handler == "call_tool"
    assert source(ex, Surface.TOOL, "query").params == ("params",)


# -- servers across modules, factories ---------------------------------------------------------------------

def cross(relpath: str, known: dict[str, set[str]] | None) -> Extracted:
    return extract_python(relpath, (CROSS / relpath).read_text(), known_servers=known)


@pytest.mark.parametrize("known", [{"app/server.py": {"mcp"}}, {"app.server": {"mcp"}},
                                   {"src/app/server.py": {"mcp"}}])
def test_cross_module_tools(known: dict[str, set[str]]) -> None:
    assert server_names("app/server.py", (CROSS / "app/server.py").read_text()) == {"mcp"}
    tools = cross("app/tools.py", known)
    assert [t["name"] for t in tools.tools] == ["add_note"] and tools.warnings == []
    assert source(tools, Surface.TOOL, "add_note").ref.file == "app/tools.py"
    prompts = cross("app/prompts.py", known)  # relative imports, an alias and a module attribute
    assert [p["name"] for p in prompts.prompts] == ["weekly_review"]
    assert [r["uri"] for r in prompts.resources] == ["notes://all"]
    server = cross("app/server.py", known)
    assert server.server_name == "notes" and server.tools == []


def test_cross_module_unknown_and_refuted() -> None:
    unknown = cross("app/tools.py", None)  # single-file scan: assumed a server, and said so
    assert [t["name"] for t in unknown.tools] == ["add_note"]
    assert unknown.warnings == ["app/tools.py:4: mcp is imported from app.server, which was not scanned; "
                                "assuming it is an MCP server"]
    refuted = cross("app/tools.py", {"app/server.py": {"other"}})  # the module is known to have no such server
    assert refuted.tools == [] and refuted.warnings == []


def test_factory_and_register_functions() -> None:
    ex = extract("factory_email.py")
    assert ex.server_name == "mailer"
    tools = by_name(ex.tools)
    assert props(tools["send_email"])["to"] == {"type": "array", "items": {"type": "string"}}
    assert tools["search_mail"]["inputSchema"]["required"] == ["query"]
    assert ex.warnings == []


def test_no_server_look_alikes() -> None:
    ex = extract("no_server.py")  # pydantic-ai agent tools, uvicorn.Server, http.server
    assert (ex.tools, ex.prompts, ex.resources, ex.sources, ex.warnings) == ([], [], [], [], [])
    assert server_names("no_server.py", (FIXTURES / "no_server.py").read_text()) == set()


# -- hints -> JSON Schema --------------------------------------------------------------------------------------

HEADER = ("from typing import Annotated, Any, Literal, Optional, Union\nfrom pydantic import Field\n"
          "from fastmcp import FastMCP\nmcp = FastMCP('t')\n")


@pytest.mark.parametrize(("hint", "schema"), [
    ("str", {"type": "string"}), ("int", {"type": "integer"}), ("float", {"type": "number"}),
    ("bool", {"type": "boolean"}), ("dict", {"type": "object"}), ("Any", {}), ("Unknown", {}),
    ("list[int]", {"type": "array", "items": {"type": "integer"}}), ("list", {"type": "array"}),
    ("dict[str, int]", {"type": "object", "additionalProperties": {"type": "integer"}}),
    ("Optional[int]", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("int | None", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("Union[int, str]", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    ("Literal[1, 2]", {"enum": [1, 2], "type": "integer"}),
    ("'list[str]'", {"type": "array", "items": {"type": "string"}}),
    ("tuple[int, ...]", {"type": "array", "items": {"type": "integer"}}),
    ("Annotated[str, Field(description='d', min_length=2)]", {"type": "string", "description": "d", "minLength": 2}),
])
def test_hint_to_schema(hint: str, schema: dict[str, Any]) -> None:
    ex = extract_python("t.py", HEADER + f"@mcp.tool\ndef t(x: {hint}) -> None:\n    pass\n")
    assert ex.tools[0]["inputSchema"] == {"type": "object", "properties": {"x": schema}, "required": ["x"]}


def test_field_defaults_and_requirement() -> None:
    ex = extract_python("t.py", HEADER + (
        "@mcp.tool\ndef t(a: int = Field(5, description='five'), b: str = Field(description='req'),\n"
        "      c: list[str] = Field(default_factory=list), d: str = Field(..., title='D'), e: float = 1.5,\n"
        "      f: str = Field(description=load())) -> None:\n    pass\n"))
    tool = ex.tools[0]
    assert props(tool) == {"a": {"type": "integer", "description": "five", "default": 5},
                           "b": {"type": "string", "description": "req"}, "c": {"type": "array", "items":
                                                                                 {"type": "string"}},
                           "d": {"type": "string", "title": "D"}, "e": {"type": "number", "default": 1.5},
                           "f": {"type": "string"}}
    assert tool["inputSchema"]["required"] == ["b", "d", "f"]
    assert ex.warnings == ["t.py:5: tool 't': not statically resolvable, kept what could be read (load())"]


# -- what cannot be resolved ------------------------------------------------------------------------------------

def test_partial_descriptions_are_kept_and_reported() -> None:
    ex = extract_python("dyn.py", HEADER + (
        "import os\nROOT = os.environ['ROOT']\n"
        "@mcp.tool(description=f'Read files under {ROOT} only.')\ndef read(p: str) -> str:\n    return p\n"
        "@mcp.resource(os.environ['URI'])\ndef res() -> str:\n    return ''\n"
        "@mcp.tool(description=describe())\ndef other() -> str:\n    '''docstring is not used'''\n"))
    tools = by_name(ex.tools)
    assert tools["read"]["description"] == "Read files under {ROOT} only."
    assert "description" not in tools["other"]  # the argument is unknown; the docstring is not the description
    assert ex.resources == []
    assert ("dyn.py:7: tool 'read': not statically resolvable, kept what could be read (os.environ['ROOT'])"
            in ex.warnings)
    assert any(w.startswith("dyn.py:10: resource of res(): the URI is not statically resolvable") for w in ex.warnings)


def test_syntax_error_names_file_and_line() -> None:
    ex = extract_python("pkg/broken.py", "from fastmcp import FastMCP\nmcp = FastMCP('x')\n\ndef f(:\n    pass\n")
    assert ex.tools == [] and len(ex.warnings) == 1
    assert ex.warnings[0].startswith("pkg/broken.py:4: syntax error, file not analysed")
    assert server_names("pkg/broken.py", "mcp = FastMCP(\n") == set()


@pytest.mark.parametrize("text", [
    "", "\x00", "FastMCP", "Server", "@mcp.tool\n", "mcp = FastMCP()\n@mcp.tool(*a, **k)\ndef f(*args, **kw): pass\n",
    "mcp = FastMCP(**cfg)\n@mcp.tool(name=None, description=None)\ndef f(self, x): pass\n",
    "mcp = FastMCP()\n@mcp.resource()\ndef f(): pass\n@mcp.prompt(name=1)\ndef g(): pass\n",
    "from mcp.server import Server\ns = Server('x')\n@s.list_tools()\nasync def lt():\n"
    "    return [Tool(name='t', inputSchema={'type': 'object', 'properties': []}), Tool(), Tool(name=n)]\n",
    "mcp = FastMCP()\nmcp.add_tool()\nmcp.add_tool(lambda: 1)\nmcp.tool()(1)\nmcp.add_prompt(p)\n",
    "mcp = FastMCP()\nX = X\n@mcp.tool(description=X)\ndef f(x: 'not valid ((') -> None: pass\n",
])
def test_odd_input_never_crashes(text: str) -> None:
    ex = extract_python("odd.py", text)
    for tool in ex.tools:
        assert isinstance(tool["name"], str) and isinstance(tool["inputSchema"], dict)
    as_inventory(ex)
    server_names("odd.py", text)


def test_odd_lowlevel_literals_kept_as_given() -> None:
    ex = extract_python("odd.py", "from mcp.server import Server\ns = Server('x')\n@s.list_tools()\nasync def lt():\n"
                        "    return [Tool(name='t', inputSchema={'properties': []}), Tool(name=unknown)]\n")
    assert ex.tools == [{"name": "t", "inputSchema": {"properties": []}}]
    assert ex.warnings == ["odd.py:5: list_tools() in lt(): an item's name is not statically resolvable; "
                           "item not listed"]


def test_deep_nesting_is_reported_not_raised() -> None:
    ex = extract_python("deep.py", HEADER + "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    assert ex.tools == []
    deep = extract_python("deep.py", HEADER + "D = " + "'a' + " * 3000 + "'b'\n@mcp.tool(description=D)\n"
                          "def f() -> None: pass\n")
    assert deep.warnings  # either analysed partly or refused, but said so, never raised


def test_server_names_forms() -> None:
    text = ("import fastmcp\nfrom mcp.server.lowlevel import Server as Low\n"
            "from mcp.server.mcpserver import MCPServer\nimport uvicorn\na = fastmcp.FastMCP('a')\n"
            "b: MCPServer = MCPServer('b')\nc = Low('c')\n"
            "d = uvicorn.Server(cfg)\nif True:\n    e = fastmcp.FastMCP('e')\ndef f():\n    g = MCPServer('g')\n")
    assert server_names("s.py", text) == {"a", "b", "c", "e"}
    assert server_names("s.py", "from http.server import Server\nh = Server()\n") == set()


def test_large_file_is_fast() -> None:
    body = "".join(f"@mcp.tool(name='t{i}', description='Tool number {i}.')\ndef t{i}(path: str, n: int = 1) -> str:\n"
                   f"    return path\n\n" for i in range(3000))
    text = HEADER + body
    start = time.perf_counter()
    ex = extract_python("big.py", text)
    elapsed = time.perf_counter() - start
    assert len(ex.tools) == 3000 and len(ex.sources) == 3000
    assert elapsed < 5, elapsed
