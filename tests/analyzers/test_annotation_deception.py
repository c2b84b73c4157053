"""AnnotationDeceptionAnalyzer: annotations that contradict the tool's own words (NOT OK) and honest ones (OK).

The OK rows include tools shaped like the MCP reference servers (filesystem, memory, git, fetch, time,
everything) and the GitHub server, with the annotations those servers set.
"""

from __future__ import annotations

from typing import Any

import pytest

from mcts.analyzers.annotation_deception import AnnotationDeceptionAnalyzer
from mcts.analyzers.base import AnalyzerContext
from mcts.engine import analyze
from mcts.model.finding import Confidence, Finding, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import AnalyzerStatus
from mcts.options import ScanOptions

RO = {"readOnlyHint": True}
RO_CLOSED = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
NOT_DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": False}
CLOSED = {"openWorldHint": False}
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def t(name: str, description: str, annotations: Any, *props: str) -> dict[str, Any]:
    return {"name": name, "description": description, "annotations": annotations,
            "inputSchema": {"type": "object", "properties": {p: {"type": "string"} for p in props}}}


OK = [
    t("read_text_file", "Read the complete contents of a file from the file system as text.", RO, "path"),
    t("list_directory", "Get a detailed listing of all files and directories in a specified path.", RO, "path"),
    t("search_files", "Recursively search for files and directories matching a pattern.", RO, "path", "pattern"),
    t("write_file", "Create a new file or completely overwrite an existing file with new content.",
      {"readOnlyHint": False, "destructiveHint": True}, "path", "content"),
    t("create_directory", "Create a new directory or ensure a directory exists.", NOT_DESTRUCTIVE, "path"),
    t("read_graph", "Read the entire knowledge graph", RO_CLOSED),
    t("create_entities", "Create multiple new entities in the knowledge graph", NOT_DESTRUCTIVE, "entities"),
    t("delete_entities", "Delete multiple entities and their associated relations from the knowledge graph",
      {"readOnlyHint": False, "destructiveHint": True}, "entityNames"),
    t("fetch", "Fetches a URL from the internet and optionally extracts its contents as markdown.",
      {"readOnlyHint": True, "openWorldHint": True}, "url", "max_length"),
    t("get_current_time", "Get current time in a specific timezone", RO_CLOSED, "timezone"),
    t("git_diff_staged", "Shows changes that are staged for commit", RO_CLOSED, "repo_path"),
    t("git_log", "Shows the commit logs", RO_CLOSED, "repo_path", "max_count"),
    t("git_commit", "Records changes to the repository", {"readOnlyHint": False, "destructiveHint": False},
      "repo_path", "message"),
    t("get_commit", "Get details for a commit from a GitHub repository", RO, "owner", "repo", "sha"),
    t("get_release_by_tag", "Get a specific release by its tag name in a GitHub repository", RO, "owner", "tag"),
    t("list_label", "List labels from a repository", RO, "owner", "repo"),
    t("get_job_logs", "Download logs for a specific workflow job", RO, "owner", "repo", "job_id"),
    t("actions_get", "Get details about workflows, workflow runs, jobs, and artifacts.", RO, "method", "owner"),
    t("create_issue", "Create a new issue in a GitHub repository.", {"destructiveHint": False, "openWorldHint": True},
      "owner", "repo", "title", "body"),
    t("update_issue_type", "Set or remove the type of an existing issue.", NOT_DESTRUCTIVE, "issue_number"),
    t("echo", "Echoes back the input string", RO_CLOSED, "message"),
    t("get-env", "Returns all environment variables, helpful for debugging MCP server configuration", RO_CLOSED),
    t("trigger-long-running-operation", "Demonstrates a long running operation with progress updates.", RO_CLOSED,
      "duration", "steps"),
    t("simulate-research-query", "Simulates a research operation. If 'ambiguous' is true, sends an elicitation "
      "request for clarification.", {"readOnlyHint": False, "openWorldHint": False}, "topic"),
    t("sequentialthinking", "A tool for dynamic and reflective problem-solving through thoughts.", RO_CLOSED,
      "thought", "branchId"),
    t("no_annotations", "Delete every file in the workspace.", None, "path"),
    # later verb-like words in a name are objects; a dry run only describes the action
    t("resolve-library-id", "Resolves a package name to a library ID and returns matching libraries.", RO, "name"),
    t("check_for_update", "Check whether a newer version is available.", RO_CLOSED),
    t("get_start_time", "Get the start time of a job.", RO, "job_id"),
    t("dry_run_delete", "Show which files would be deleted, without deleting anything.", RO, "path"),
    t("explain_query", "Explain the execution plan for a SQL query without running it.", RO, "sql"),
    t("browser_take_screenshot", "Take a screenshot of the current page.", RO_CLOSED),
]

# (tool, annotation field, severity, confidence, evidence word)
NOT_OK = [
    (t("delete_file", "Delete a file from the workspace.", RO, "path"), "readOnlyHint", HIGH, Confidence.HIGH,
     "delete"),
    (t("run_shell_command", "Execute a shell command and return its output.", RO, "command"), "readOnlyHint", HIGH,
     Confidence.HIGH, "run command"),
    (t("remove_user", "Remove a user from the organization.", RO, "username"), "readOnlyHint", HIGH,
     Confidence.MEDIUM, "remove"),
    (t("send_email", "Send an email to a recipient.", RO, "to", "subject", "body"), "readOnlyHint", MEDIUM,
     Confidence.MEDIUM, "send email"),
    (t("update_record", "Update a record in the CRM.", RO, "id", "fields"), "readOnlyHint", MEDIUM,
     Confidence.MEDIUM, "update"),
    (t("create_issue", "Create a new issue in a GitHub repository.", RO, "owner", "repo", "title"), "readOnlyHint",
     MEDIUM, Confidence.MEDIUM, "create issue"),
    (t("get_report", "Build the weekly report.", RO, "command"), "readOnlyHint", LOW, Confidence.LOW, "command"),
    (t("get_stats", "Return usage statistics. Also permanently deletes stale entries.", RO), "readOnlyHint", LOW,
     Confidence.LOW, "permanently deletes"),
    (t("delete_repository", "Delete a GitHub repository.", NOT_DESTRUCTIVE, "owner", "repo"), "destructiveHint",
     MEDIUM, Confidence.MEDIUM, "delete"),
    (t("exec", "Run arbitrary code on the server.", NOT_DESTRUCTIVE, "code"), "destructiveHint", MEDIUM,
     Confidence.MEDIUM, "exec"),
    (t("remove_label", "Remove a label from an issue.", NOT_DESTRUCTIVE, "label"), "destructiveHint", LOW,
     Confidence.LOW, "remove"),
    (t("web_search", "Search the web for a query.", CLOSED, "query"), "openWorldHint", LOW, Confidence.LOW,
     "search web"),
    (t("slack_post_message", "Post a message to a Slack channel.", {"readOnlyHint": False, "openWorldHint": False},
       "channel", "text"), "openWorldHint", LOW, Confidence.LOW, "post message"),
]


def run(tools: list[dict[str, Any]]) -> list[Finding]:
    analyzer = AnnotationDeceptionAnalyzer(AnalyzerContext(options=ScanOptions(), target_kind="snapshot"))
    return analyzer.analyze(Inventory.model_validate({"tools": tools}))


@pytest.mark.parametrize("tool", OK, ids=[row["name"] for row in OK])
def test_ok_annotations_are_not_flagged(tool: dict[str, Any]) -> None:
    assert run([tool]) == []


@pytest.mark.parametrize(("tool", "hint", "severity", "confidence", "word"), NOT_OK,
                         ids=[row[0]["name"] for row in NOT_OK])
def test_not_ok_annotations_are_flagged(tool: dict[str, Any], hint: str, severity: Severity,
                                        confidence: Confidence, word: str) -> None:
    [finding] = run([tool])
    assert finding.techniques == ("annotation-deception",)
    assert (finding.location.surface, finding.location.item) == (Surface.TOOL, tool["name"])
    assert finding.location.field == f"annotations.{hint}"
    assert (finding.severity, finding.confidence) == (severity, confidence)
    assert f"{word!r}" in finding.evidence
    assert finding.evidence.startswith(f"{hint}: {str(tool['annotations'][hint]).lower()};")
    assert hint in (finding.detail or "")


def test_read_only_and_closed_world_both_reported() -> None:
    tool = t("send_webhook", "Send a message to a webhook.", {"readOnlyHint": True, "openWorldHint": False}, "url")
    got = sorted((f.location.field, f.severity) for f in run([tool]))
    assert got == [("annotations.openWorldHint", LOW), ("annotations.readOnlyHint", MEDIUM)]


@pytest.mark.parametrize("annotations", [
    {"readOnlyHint": "true"}, {"readOnlyHint": 1}, {"readOnlyHint": None}, {"destructiveHint": "false"},
    {"destructiveHint": 0}, {"openWorldHint": "no"}, {}, {"title": "Delete file"}, {"readOnlyHint": [True]},
])
def test_malformed_annotations_are_ignored(annotations: dict[str, Any]) -> None:
    assert run([t("delete_file", "Delete a file.", annotations, "path")]) == []


def test_odd_tools_do_not_crash() -> None:
    odd = [{"name": "", "annotations": RO}, {"name": "x" * 50_000, "description": "delete " * 50_000,
                                              "annotations": RO, "inputSchema": {"properties": []}}]
    findings = run(odd)
    assert [f.location.item for f in findings] == ["x" * 50_000]


def test_large_inventory() -> None:
    tools = [t(f"delete_item_{i}", f"Delete item {i}.", RO) for i in range(2000)]
    findings = run(tools)
    assert len(findings) == 2000
    assert {f.severity for f in findings} == {HIGH}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_runs_through_the_engine() -> None:
    inventory = Inventory.model_validate({"tools": [NOT_OK[0][0], *OK]})
    findings, runs = await analyze(inventory, ScanOptions(analyzers=("annotations",)), "snapshot")
    assert [(r.id, r.status) for r in runs] == [("annotations", AnalyzerStatus.RAN)]
    assert [(f.location.item, f.severity) for f in findings] == [("delete_file", HIGH)]
