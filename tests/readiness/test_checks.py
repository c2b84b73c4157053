"""Each heuristic readiness check on real inventories: OK (passes) and NOT OK (fails) cases."""

from __future__ import annotations

from typing import Any

import pytest

from mcts.model.inventory import Inventory
from mcts.model.readiness import CheckResult, CheckStatus
from mcts.model.report import Listing
from mcts.readiness.checks import CHECKS, MAX_TOOLS, PAGE_THRESHOLD, run_checks
from mcts.readiness.subject import MAX_ITEMS_SHOWN, Subject

TYPED = {"type": "object", "properties": {"path": {"type": "string", "description": "File path."}},
         "required": ["path"]}
GOOD_TOOL: dict[str, Any] = {
    "name": "read_file",
    "description": "Read a UTF-8 text file from the allowed directories. Fails with an error if the file does "
                   "not exist.",
    "inputSchema": TYPED,
    "outputSchema": {"type": "object", "properties": {"content": {"type": "string"}}},
    "annotations": {"readOnlyHint": True},
}


def tool(**changes: Any) -> dict[str, Any]:
    return {**GOOD_TOOL, **changes}


def check(check_id: str, wire: dict[str, Any], kind: str = "stdio", *, listings: dict[str, Listing] | None = None,
          credentials: bool = False) -> CheckResult:
    inventory = Inventory.model_validate(wire)
    subject = Subject(inventory=inventory, target_kind=kind, listings=listings or {}, credentials_sent=credentials)
    (found,) = [r for r in run_checks(subject) if r.id == check_id]
    return found


def tools(*items: dict[str, Any]) -> dict[str, Any]:
    return {"serverInfo": {"name": "srv", "version": "1.2.0"}, "tools": list(items)}


def test_ids_are_unique_and_sorted() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    results = run_checks(Subject(inventory=Inventory(), target_kind="snapshot"))
    assert [r.id for r in results] == sorted(ids)


# RDY001: descriptions present
@pytest.mark.parametrize(("description", "ok"), [
    ("Create a new issue in a GitHub repository.", True),       # OK
    (None, False),                                              # NOT OK: missing
    ("", False),                                                # NOT OK: empty
    ("   \n\t", False),                                         # NOT OK: blank
])
def test_descriptions_present(description: str | None, ok: bool) -> None:
    result = check("RDY001", tools(tool(name="create_issue", description=description)))
    assert result.status is (CheckStatus.PASS if ok else CheckStatus.FAIL)
    assert result.severity.value == "high"
    if not ok:
        assert result.items == ("create_issue",)
        assert result.failed == 1
        assert result.applicable == 1


# RDY002: descriptions meaningful
@pytest.mark.parametrize(("name", "description", "ok"), [
    ("send_message", "Post a message to a Slack channel as the bot user.", True),      # OK
    ("query", "Run a read-only SQL query against the analytics database.", True),     # OK
    ("fetch", "Fetch a URL and return its content as markdown.", True),               # OK
    ("send_message", "send message", False),                                          # NOT OK: the name again
    ("list_buckets", "List-Buckets", False),                                           # NOT OK: the name again
    ("get_user", "Gets user", False),                                                 # NOT OK: two words
    ("search", "Search it.", False),                                                  # NOT OK: too short
])
def test_descriptions_meaningful(name: str, description: str, ok: bool) -> None:
    result = check("RDY002", tools(tool(name=name, description=description)))
    assert result.status is (CheckStatus.PASS if ok else CheckStatus.FAIL), result.detail
    assert result.items == (() if ok else (name,))


def test_missing_description_is_rdy001_not_rdy002() -> None:
    wire = tools(tool(name="a", description=None))
    assert check("RDY001", wire).status is CheckStatus.FAIL
    assert check("RDY002", wire).status is CheckStatus.PASS


def test_title_copied_into_description_is_shallow() -> None:
    result = check("RDY002", tools(tool(name="gh_cr", title="Create pull request", description="Create pull request")))
    assert result.status is CheckStatus.FAIL


# RDY004: names
@pytest.mark.parametrize(("names", "bad"), [
    (["get_weather", "slack.post-message", "S3ListObjects"], []),   # OK
    (["read_file", "read_file"], ["read_file"]),                     # NOT OK: duplicate
    (["read file"], ["read file"]),                                  # NOT OK: space
    (["lire_fichier_é"], ["lire_fichier_é"]),                        # NOT OK: non-ASCII
    (["x" * 129], ["x" * 129]),                                      # NOT OK: too long
])
def test_tool_names(names: list[str], bad: list[str]) -> None:
    result = check("RDY004", tools(*(tool(name=n) for n in names)))
    assert result.status is (CheckStatus.FAIL if bad else CheckStatus.PASS)
    assert list(result.items) == [n[:120] + ("…" if len(n) > 120 else "") for n in bad]


# RDY010 / RDY011 / RDY012: input schemas
@pytest.mark.parametrize(("schema", "typed", "required", "described"), [
    (TYPED, True, True, True),                                                                        # OK
    ({"type": "object"}, True, True, True),                                                           # OK: no params
    ({"type": "object", "properties": {"q": {"anyOf": [{"type": "string"}, {"type": "null"}],
                                             "description": "Query."}}, "required": []}, True, True, True),  # OK
    ({"type": "object", "properties": {"q": {"description": "Query."}}, "required": ["q"]}, False, True, True),
    ({}, False, True, True),                                                                          # NOT OK: no type
    ({"type": "object", "properties": []}, False, True, True),                                        # odd schema
    ({"type": "object", "properties": {"q": {"type": "string", "description": "Q."}}}, True, False, True),
    ({"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q", "nope"]}, True, False, False),
    ({"type": "object", "properties": {"q": {"type": "string"}}, "required": "q"}, True, False, False),
    ({"type": "object", "properties": {"q": "string"}, "required": ["q"]}, False, True, False),      # non-dict prop
])
def test_input_schemas(schema: dict[str, Any], typed: bool, required: bool, described: bool) -> None:
    wire = tools(tool(name="t", inputSchema=schema))
    assert check("RDY010", wire).status is (CheckStatus.PASS if typed else CheckStatus.FAIL)
    assert check("RDY011", wire).status is (CheckStatus.PASS if required else CheckStatus.FAIL)
    assert check("RDY012", wire).status is (CheckStatus.PASS if described else CheckStatus.FAIL)


# RDY020: output schemas
def test_output_schemas() -> None:
    ok = check("RDY020", tools(tool()))
    assert ok.status is CheckStatus.PASS
    bad = check("RDY020", tools(tool(), tool(name="b", outputSchema=None), tool(name="c", outputSchema={})))
    assert bad.status is CheckStatus.FAIL
    assert bad.items == ("b", "c")
    assert (bad.failed, bad.applicable) == (2, 3)
    assert bad.detail.startswith("2 of 3 tools")


# RDY030: annotations
@pytest.mark.parametrize(("annotations", "ok"), [
    ({"readOnlyHint": True}, True),                           # OK
    ({"destructiveHint": False, "openWorldHint": True}, True),  # OK
    ({"title": "Read file"}, False),                          # NOT OK: a title is not a behaviour hint
    ({}, False),                                              # NOT OK
    (None, False),                                            # NOT OK
])
def test_annotations(annotations: dict[str, Any] | None, ok: bool) -> None:
    result = check("RDY030", tools(tool(annotations=annotations)))
    assert result.status is (CheckStatus.PASS if ok else CheckStatus.FAIL)


# RDY040: error conventions
@pytest.mark.parametrize(("description", "output", "ok"), [
    ("Delete a branch. Returns an error if the branch is protected.", None, True),              # OK
    ("Get a row by id; raises NotFound when no row matches.", None, True),                      # OK
    ("Send an email. Fails if the recipient address is invalid.", None, True),                  # OK
    ("List files in a directory.", {"type": "object", "properties": {"isError": {"type": "boolean"}}}, True),  # OK
    ("List files in a directory, sorted by name.", None, False),                                # NOT OK
    ("Post a message to the channel as the bot user.", {"type": "object"}, False),             # NOT OK
])
def test_errors_documented(description: str, output: dict[str, Any] | None, ok: bool) -> None:
    result = check("RDY040", tools(tool(description=description, outputSchema=output)))
    assert result.status is (CheckStatus.PASS if ok else CheckStatus.FAIL)


# RDY003: prompts and resources
def test_other_descriptions() -> None:
    wire = {"prompts": [{"name": "review", "description": "Review a pull request diff."}, {"name": "bare"}],
            "resources": [{"uri": "file:///etc/motd", "name": "motd"}],
            "resourceTemplates": [{"uriTemplate": "db://{table}", "description": "A table's schema."}]}
    result = check("RDY003", wire)
    assert result.status is CheckStatus.FAIL
    assert result.items == ("prompt:bare", "resource:file:///etc/motd")
    assert check("RDY003", {"prompts": [{"name": "review", "description": "Review a diff."}]}).status \
        is CheckStatus.PASS


# RDY050: auth on HTTP
@pytest.mark.parametrize(("wire", "kind", "credentials", "status"), [
    (tools(tool()), "stdio", False, CheckStatus.PASS),                                         # OK: not HTTP
    (tools(tool()), "snapshot", False, CheckStatus.UNAVAILABLE),                               # cannot tell
    ({**tools(tool()), "instructions": "Needs a bearer token."}, "snapshot", False, CheckStatus.PASS),  # OK
    (tools(tool()), "http", True, CheckStatus.PASS),                                           # OK: reached with creds
    ({**tools(tool()), "instructions": "Authenticate with OAuth 2.1; scopes: repo, read:org."}, "http", False,
     CheckStatus.PASS),                                                                        # OK: documented
    (tools(tool(description="List Jira issues. Requires an API key with read access.")), "http", False,
     CheckStatus.PASS),                                                                        # OK
    (tools(tool()), "http", False, CheckStatus.FAIL),                                          # NOT OK
    ({**tools(tool()), "instructions": "The author of this server wrote it."}, "http", False,
     CheckStatus.FAIL),                                                                        # NOT OK: 'author'
])
def test_auth_documented(wire: dict[str, Any], kind: str, credentials: bool, status: CheckStatus) -> None:
    result = check("RDY050", wire, kind, credentials=credentials)
    assert result.status is status, result.detail


# RDY060: version info
@pytest.mark.parametrize(("info", "kind", "status"), [
    ({"name": "github-mcp-server", "version": "0.9.1"}, "stdio", CheckStatus.PASS),   # OK
    ({"name": "github-mcp-server", "version": "v2"}, "stdio", CheckStatus.PASS),      # OK
    ({"name": "srv"}, "stdio", CheckStatus.FAIL),                                      # NOT OK: no version
    ({"name": "srv", "version": "0.0.0"}, "stdio", CheckStatus.FAIL),                 # NOT OK: placeholder
    ({"name": "", "version": "1.0"}, "stdio", CheckStatus.FAIL),                      # NOT OK: no name
    (None, "stdio", CheckStatus.FAIL),                                                 # NOT OK
    (None, "snapshot", CheckStatus.UNAVAILABLE),                                       # a bare tool list
])
def test_version_info(info: dict[str, Any] | None, kind: str, status: CheckStatus) -> None:
    wire: dict[str, Any] = {"tools": [GOOD_TOOL]}
    if info is not None:
        wire["serverInfo"] = info
    assert check("RDY060", wire, kind).status is status


# RDY070: pagination
def many(n: int) -> dict[str, Any]:
    return tools(*(tool(name=f"t{i}") for i in range(n)))


def test_pagination() -> None:
    small = check("RDY070", many(5), listings={"tools": Listing(status="listed", items=5, pages=1)})
    assert small.status is CheckStatus.PASS
    n = PAGE_THRESHOLD + 1
    paged = check("RDY070", many(n), listings={"tools": Listing(status="listed", items=n, pages=3)})
    assert paged.status is CheckStatus.PASS
    single = check("RDY070", many(n), listings={"tools": Listing(status="listed", items=n, pages=1)})
    assert single.status is CheckStatus.FAIL
    assert single.items == (f"tools ({n} items)",)
    snapshot = check("RDY070", many(n), "snapshot", listings={"tools": Listing(status="listed", items=n)})
    assert snapshot.status is CheckStatus.UNAVAILABLE
    assert "snapshot" in snapshot.detail


# RDY080: tool count
def test_tool_count() -> None:
    assert check("RDY080", many(MAX_TOOLS)).status is CheckStatus.PASS
    too_many = check("RDY080", many(MAX_TOOLS + 1))
    assert too_many.status is CheckStatus.FAIL
    assert str(MAX_TOOLS + 1) in too_many.detail


def test_failed_tool_listing_makes_tool_checks_unavailable_not_passed() -> None:
    listings = {"tools": Listing(status="failed", error="timed out waiting for the server")}
    results = {r.id: r for r in run_checks(Subject(inventory=Inventory(), target_kind="stdio", listings=listings))}
    for check_id in ("RDY001", "RDY002", "RDY010", "RDY030", "RDY040", "RDY080"):
        assert results[check_id].status is CheckStatus.UNAVAILABLE
        assert "timed out" in results[check_id].detail


def test_empty_inventory_passes_vacuously() -> None:
    results = run_checks(Subject(inventory=Inventory(), target_kind="stdio"))
    assert {r.id: r.status for r in results}["RDY001"] is CheckStatus.PASS
    assert {r.id: r.detail for r in results}["RDY001"] == "no tools listed"


def test_hostile_names_are_escaped_and_items_capped() -> None:
    names = [f"t\u202e{i}\x1b[31m" for i in range(MAX_ITEMS_SHOWN + 10)]
    result = check("RDY004", tools(*(tool(name=n) for n in names)))
    assert result.status is CheckStatus.FAIL
    assert len(result.items) == MAX_ITEMS_SHOWN
    assert result.failed == MAX_ITEMS_SHOWN + 10
    assert all("\u202e" not in i and "\x1b" not in i for i in result.items)


def test_huge_description_does_not_crash() -> None:
    wire = tools(tool(description="word " * 400_000))
    assert check("RDY040", wire).status is CheckStatus.FAIL
    assert check("RDY002", wire).status is CheckStatus.PASS
