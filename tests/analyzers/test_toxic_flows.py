"""ToxicFlowsAnalyzer over whole inventories: chains that must be reported (NOT OK) and look-alikes (OK)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mcts.analyzers.base import AnalyzerContext
from mcts.analyzers.toxic_flows import ToxicFlowsAnalyzer
from mcts.engine import analyze
from mcts.model.finding import Confidence, Finding, Location, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.model.report import AnalyzerStatus
from mcts.options import ScanOptions

EXFIL, EXEC = "toxic-flow-exfiltration", "toxic-flow-execution"


def t(name: str, description: str, *props: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": description,
            "inputSchema": {"type": "object", "properties": {p: {"type": "string"} for p in props}}, **extra}


FETCH = t("fetch", "Fetches a URL from the internet and returns its content as markdown.", "url", "max_length")
READ_FILE = t("read_file", "Read the complete contents of a file from disk.", "path")
WRITE_FILE = t("write_file", "Create a new file or overwrite an existing one.", "path", "content")
LIST_DIR = t("list_directory", "List the entries of a directory.", "path")
SEND_EMAIL = t("send_email", "Send an email to one or more recipients.", "to", "subject", "body")
RUN = t("run_command", "Execute a shell command on the host and return its output.", "command", "cwd")

# OK: servers without a complete chain
DOCS = [t("search_docs", "Search the product documentation.", "query"),
        t("get_doc_page", "Fetch a documentation page by its path.", "path")]
CALCULATOR = [t("add", "Add two numbers.", "a", "b"), t("multiply", "Multiply two numbers.", "a", "b"),
              t("evaluate", "Evaluate an arithmetic expression.", "expression")]
FILESYSTEM = [READ_FILE, WRITE_FILE, LIST_DIR, t("move_file", "Move or rename a file.", "source", "destination"),
              t("search_files", "Recursively search for files matching a pattern.", "path", "pattern")]
FETCH_ONLY = [FETCH]
SHELL_ONLY = [RUN, READ_FILE]  # powerful, but nothing an outsider writes reaches the model
MEMORY = [t("read_graph", "Read the entire knowledge graph."),
          t("create_entities", "Create multiple new entities in the knowledge graph.", "entities"),
          t("delete_entities", "Delete entities from the knowledge graph.", "entityNames")]
MAIL_READER = [t("list_emails", "List the emails in the user's inbox.", "folder"),
               t("read_email", "Read the body of an email message.", "message_id")]

# NOT OK: chains
FETCH_FS_EMAIL = [FETCH, *FILESYSTEM, SEND_EMAIL]
FETCH_SHELL = [FETCH, RUN]
GITHUB = [t("get_issue", "Get the details of an issue in a GitHub repository.", "owner", "repo", "issue_number"),
          t("get_file_contents", "Get the contents of a file or directory from a GitHub repository.", "owner",
            "repo", "path"),
          t("create_pull_request", "Create a new pull request in a GitHub repository.", "owner", "repo", "title",
            "body", "head", "base")]
SLACK = [t("slack_get_channel_history", "Get recent messages from a Slack channel.", "channel_id"),
         t("slack_post_message", "Post a new message to a Slack channel.", "channel_id", "text")]
DO_EVERYTHING = [t("agent", "Fetches any URL, reads local files and sends the result by email.", "url", "path",
                   "to", "subject")]
INBOX_SHELL = [*MAIL_READER, RUN]


def run(tools: list[dict[str, Any]]) -> list[Finding]:
    inventory = Inventory.model_validate({"tools": tools})
    return ToxicFlowsAnalyzer(AnalyzerContext(options=ScanOptions(), target_kind="snapshot")).analyze(inventory)


def kinds(findings: list[Finding]) -> dict[str, Severity]:
    return {f.techniques[0]: f.severity for f in findings}


@pytest.mark.parametrize("tools", [DOCS, CALCULATOR, FILESYSTEM, FETCH_ONLY, SHELL_ONLY, MEMORY, MAIL_READER, []],
                         ids=["docs", "calculator", "filesystem", "fetch", "shell", "memory", "mail-reader", "empty"])
def test_ok_servers_have_no_chain(tools: list[dict[str, Any]]) -> None:
    assert run(tools) == []


@pytest.mark.parametrize(("tools", "expected"), [
    (FETCH_FS_EMAIL, {EXFIL: Severity.HIGH}),
    (FETCH_SHELL, {EXEC: Severity.HIGH}),
    (GITHUB, {EXFIL: Severity.MEDIUM}),
    (SLACK, {EXFIL: Severity.MEDIUM}),
    (DO_EVERYTHING, {EXFIL: Severity.HIGH}),
    (INBOX_SHELL, {EXEC: Severity.MEDIUM}),
    ([FETCH, READ_FILE], {EXFIL: Severity.MEDIUM}),  # a GET to a chosen URL carries data out: an indirect leg
    ([FETCH, READ_FILE, SEND_EMAIL, RUN], {EXFIL: Severity.HIGH, EXEC: Severity.HIGH}),
], ids=["fetch-fs-email", "fetch-shell", "github", "slack", "do-everything", "inbox-shell", "fetch-fs", "both"])
def test_not_ok_servers_report_each_chain_once(tools: list[dict[str, Any]], expected: dict[str, Severity]) -> None:
    findings = run(tools)
    assert kinds(findings) == expected
    assert len(findings) == len(expected)
    for finding in findings:
        assert finding.location == Location(surface=Surface.SERVER, item=None, field="tools")
        assert finding.confidence is Confidence.MEDIUM
        assert finding.analyzer == "toxic-flows"


def test_evidence_names_every_leg_and_its_tools() -> None:
    [finding] = run(FETCH_FS_EMAIL)
    assert finding.evidence.startswith("untrusted input: fetch; private data: read_file, list_directory, ")
    assert "; egress: send_email, fetch" in finding.evidence
    assert finding.title == "Untrusted input, private data and egress in one server"
    detail = finding.detail or ""
    assert "read private data and send it out" in detail
    assert "'send_email' (name 'send email')" in detail
    assert "holds every leg" not in finding.evidence


def test_one_tool_holding_every_leg_is_said() -> None:
    [finding] = run(DO_EVERYTHING)
    assert finding.evidence.endswith("(one tool holds every leg: agent)")
    assert "The tool 'agent' holds every leg by itself." in (finding.detail or "")


def test_execution_chain_detail() -> None:
    [finding] = run(FETCH_SHELL)
    assert finding.evidence == "untrusted input: fetch; execution: run_command"
    assert "run commands or code" in (finding.detail or "")


def test_indirect_legs_are_medium_and_say_so() -> None:
    [finding] = run(GITHUB)
    assert finding.evidence == ("untrusted input: get_issue; private data: get_file_contents, get_issue; "
                                "egress: create_pull_request")
    assert "indirect signals" in (finding.detail or "")


def test_schema_hints_alone_make_no_leg() -> None:
    hints = [t("convert", "Convert a document.", "url"), t("report", "Build a report.", "path", "command")]
    assert run(hints) == []


def test_large_inventory_is_linear_and_capped() -> None:
    tools = [t(f"read_file_{i}", f"Read file number {i} from disk.", "path") for i in range(2000)]
    tools += [t(f"fetch_page_{i}", f"Fetch the web page at URL {i}.", "url") for i in range(2)]
    tools += [t("send_email", "Send an email to a recipient.", "to", "subject", "body")]
    start = time.perf_counter()
    [finding] = run(tools)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0  # ~2,000 classifications: a quadratic pass would be far slower
    assert "private data: read_file_0, read_file_1, read_file_2, read_file_3, read_file_4 and 1995 more" in (
        finding.evidence)
    assert len(finding.evidence) < 600


def test_malformed_items_do_not_crash() -> None:
    odd: list[dict[str, Any]] = [{"name": "x", "inputSchema": {"properties": []}}, {"name": "", "description": ""},
           {"name": "fetch", "description": None, "annotations": {"readOnlyHint": "yes"}}]
    assert run(odd) == []


def test_ids_are_stable() -> None:
    assert [f.id for f in run(FETCH_FS_EMAIL)] == [f.id for f in run(FETCH_FS_EMAIL)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_runs_through_the_engine() -> None:
    inventory = Inventory.model_validate({"tools": FETCH_SHELL})
    findings, runs = await analyze(inventory, ScanOptions(analyzers=("toxic-flows",)), "snapshot")
    assert [(r.id, r.status) for r in runs] == [("toxic-flows", AnalyzerStatus.RAN)]
    assert [f.techniques for f in findings] == [(EXEC,)]
