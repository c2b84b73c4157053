"""NameSquattingAnalyzer: names a person cannot tell apart, look-alikes of well-known tools, near-duplicates.

NOT OK rows list the names of one inventory and the findings expected (item, severity); OK rows are name sets
real servers use side by side (singular/plural, get/set, versions) and must give no finding at all.
"""

from __future__ import annotations

import time

import pytest

from mcts.analyzers.base import AnalyzerContext
from mcts.analyzers.name_squatting import NameSquattingAnalyzer
from mcts.model.finding import Finding, Severity, Surface
from mcts.model.inventory import Inventory
from mcts.options import ScanOptions

LOW, MEDIUM = Severity.LOW, Severity.MEDIUM


def run(tools: list[str], prompts: list[str] | None = None) -> list[Finding]:
    analyzer = NameSquattingAnalyzer(AnalyzerContext(options=ScanOptions(), target_kind="snapshot"))
    inventory = Inventory.model_validate({"tools": [{"name": n, "description": "x"} for n in tools],
                                          "prompts": [{"name": n} for n in prompts or []]})
    return analyzer.analyze(inventory)


NOT_OK = [
    ("cyrillic a", ["read_file", "re\u0430d_file"], [("re\u0430d_file", MEDIUM)]),
    ("digit one for l", ["send_email", "send_emai1"], [("send_emai1", MEDIUM)]),
    ("case and separators", ["create_issue", "Create-Issue"], [("Create-Issue", MEDIUM)]),
    ("exact duplicate", ["list_files", "search_files", "list_files"], [("list_files", MEDIUM)]),
    ("digit five for s", ["transfer_funds", "get_rates", "transfer_fund5"], [("transfer_fund5", MEDIUM)]),
    ("capital I for l", ["get_balance", "get_baIance"], [("get_baIance", MEDIUM)]),
    ("greek omicron", ["lookup_order", "lookup_\u03bfrder"], [("lookup_\u03bfrder", MEDIUM)]),
    ("rn for m", ["format_report", "forrnat_report"], [("forrnat_report", MEDIUM)]),
    ("lone look-alike of execute_command", ["execut\u0435_command"], [("execut\u0435_command", MEDIUM)]),
    ("lone send_emaiI", ["send_emaiI", "list_contacts"], [("send_emaiI", MEDIUM)]),
    ("lone read_fi1e", ["read_fi1e"], [("read_fi1e", MEDIUM)]),
    ("fullwidth letters", ["web_search", "\uff57eb_search"], [("\uff57eb_search", MEDIUM)]),
    ("swapped letters", ["search_docs", "search_dcos"], [("search_dcos", LOW)]),
    ("one letter changed", ["delete_record", "delete_recort"], [("delete_recort", LOW)]),
    ("one letter dropped", ["get_invoice", "get_invoce"], [("get_invoce", LOW)]),
    ("camel and snake duplicate", ["getForecast", "get_forecast"], [("get_forecast", MEDIUM)]),
]


@pytest.mark.parametrize(("case", "tools", "expected"), NOT_OK, ids=[r[0] for r in NOT_OK])
def test_not_ok(case: str, tools: list[str], expected: list[tuple[str, Severity]]) -> None:
    findings = run(tools)
    assert sorted((f.location.item or "", f.severity) for f in findings) == sorted(expected)
    for finding in findings:
        assert finding.techniques == ("name-squatting",)
        assert finding.location.surface is Surface.TOOL
        assert finding.location.field == "name"


OK = [
    ("singular and plural", ["get_file", "get_files"]),
    ("issue and issues", ["list_issue", "list_issues", "get_issue"]),
    ("read_file and read_files", ["read_file", "read_files", "write_file"]),
    ("get and set", ["get_user", "set_user", "get_config", "set_config"]),
    ("versions", ["query_v1", "query_v2", "query_v3"]),
    ("numbered steps", ["step1_plan", "step2_plan"]),
    ("filesystem server", ["read_file", "read_text_file", "read_media_file", "read_multiple_files", "write_file",
                           "edit_file", "create_directory", "list_directory", "list_directory_with_sizes",
                           "directory_tree", "move_file", "search_files", "get_file_info",
                           "list_allowed_directories"]),
    ("github server", ["get_me", "get_team_members", "get_teams", "search_code", "search_repositories",
                       "search_issues", "search_users", "search_orgs", "search_pull_requests", "create_branch",
                       "create_issue", "create_pull_request", "list_branches", "list_commits", "list_tags",
                       "get_tag", "get_commit", "list_releases", "get_latest_release", "get_release_by_tag",
                       "issue_read", "issue_write", "sub_issue_write", "pull_request_read", "add_issue_comment"]),
    ("case variant of a well-known name alone", ["ReadFile"]),
    ("well-known name itself", ["fetch", "read_file", "send_email"]),
    ("short names", ["add", "sub", "mul", "div"]),
    ("tags and tag", ["add_tag", "add_tags", "get_tag"]),
    ("category and categories", ["get_category", "get_categories"]),
    ("non-latin names", ["\u7ffb\u8a33", "\u8981\u7d04", "\u691c\u7d22"]),
    ("git server", ["git_status", "git_diff_unstaged", "git_diff_staged", "git_diff", "git_commit", "git_add",
                    "git_reset", "git_log", "git_create_branch", "git_checkout", "git_show", "git_branch"]),
]


@pytest.mark.parametrize(("case", "tools"), OK, ids=[r[0] for r in OK])
def test_ok(case: str, tools: list[str]) -> None:
    assert run(tools) == []


def test_tools_and_prompts_are_separate_namespaces() -> None:
    assert run(["summarize"], ["summarize"]) == []


def test_prompt_look_alikes() -> None:
    [finding] = run([], ["review_code", "review_c\u043ede"])
    assert (finding.location.surface, finding.location.item, finding.severity) == (
        Surface.PROMPT, "review_c\u043ede", MEDIUM)


def test_evidence_names_the_characters_and_the_other_tool() -> None:
    [finding] = run(["read_file", "re\u0430d_file"])
    assert "read_file" in finding.evidence
    assert "U+0430" in finding.evidence
    assert finding.detail is not None


def test_duplicate_reported_once() -> None:
    [finding] = run(["search", "search", "search"])
    assert "listed 3 times" in finding.evidence


def test_five_thousand_tools_are_fast() -> None:
    names = [f"{verb}_{noun}_{i}" for i, (verb, noun) in
             enumerate((v, n) for v in ("get", "list", "create", "delete", "update") for n in
                       ("user", "order", "invoice", "item", "record", "ticket", "report", "event", "file", "page")
                       for _ in range(100))]
    names[4000] = "transfer_funds"
    names[4001] = "transfer_fund5"
    t0 = time.perf_counter()
    findings = run(names)
    assert time.perf_counter() - t0 < 2
    assert [(f.location.item, f.severity) for f in findings] == [("transfer_fund5", MEDIUM)]


def test_empty_and_odd_names_do_not_crash() -> None:
    run(["", " ", "_", "\u200b", "a" * 5000, "\U000e0041"])
