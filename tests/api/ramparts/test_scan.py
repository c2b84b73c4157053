"""``POST /v1/ramparts/scan`` of real servers: Ramparts' result shape, filled from a real mcts scan, and saved.

The vulnerable example is scanned over streamable HTTP and the answer is checked against a direct engine scan
of the same server; credentials for a token-protected server come from ``X-Javelin-Apikey`` or
``auth_headers`` and never appear in an answer or in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mcts.engine import scan as engine_scan
from mcts.options import ScanOptions
from tests.api.conftest import RICH_STDIO, Api
from tests.api.ramparts.conftest import (
    CONSENT,
    EXAMPLE_SOURCE,
    HARDENED_TOKEN,
    baseline_of,
    entries,
    hardened_server,
    stored_scans,
    vulnerable_server,
)
from tests.servers.launch import free_port


@pytest.fixture(scope="module")
def vulnerable_url() -> Iterator[str]:
    with vulnerable_server() as url:
        yield url


@pytest.fixture(scope="module")
def first_scan(rapi: Api, vulnerable_url: str) -> dict[str, Any]:
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json={"url": vulnerable_url, "timeout": 60, "http_timeout": 30})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_envelope_is_ramparts_with_change_detection_fields(first_scan: dict[str, Any], vulnerable_url: str,
                                                               db_path: Path) -> None:
    assert first_scan["success"] is True and first_scan["error"] is None
    datetime.fromisoformat(first_scan["timestamp"])
    assert first_scan["refresh_happened"] is True
    assert first_scan["changes_detected"] is False and first_scan["change_summary"] is None
    assert first_scan["scan_skipped"] is False and first_scan["cache_hit"] is False
    assert first_scan["report"] is None
    result = first_scan["result"]
    assert result["url"] == vulnerable_url and result["status"] == "Success"
    assert isinstance(result["response_time_ms"], int) and result["response_time_ms"] > 0
    datetime.fromisoformat(result["timestamp"])
    (saved,) = [s for s in stored_scans(db_path) if s["id"] == first_scan["scan_id"]]
    assert saved["source"] == "api" and saved["identity"] == result["identity"] == vulnerable_url
    assert baseline_of(db_path, vulnerable_url) == first_scan["scan_id"] == first_scan["baseline_scan_id"]


def test_the_result_is_the_engine_scan_in_ramparts_shape(first_scan: dict[str, Any], vulnerable_url: str) -> None:
    result = first_scan["result"]
    report = engine_scan(vulnerable_url, ScanOptions())
    assert result["server_info"]["name"] == "vulnerable-notes"
    assert result["server_info"]["version"] == "0.1.0"
    assert result["server_info"]["capabilities"] == ["prompts", "resources", "tools"]
    assert result["server_info"]["metadata"]["transport"] == "streamable-http"
    assert [t["name"] for t in result["tools"]] == [t.name for t in report.inventory.tools]
    assert [p["name"] for p in result["prompts"]] == [p.name for p in report.inventory.prompts]
    assert [r["uri"] for r in result["resources"]] == [r.uri for r in report.inventory.resources]
    every_entry = [e for t in result["tools"] for e in t["security_scan_results"]]
    every_entry += [e for p in result["prompts"] for e in p["security_scan_results"]]
    every_entry += [e for r in result["resources"] for e in r["security_scan_results"]]
    every_entry += result["server_security_scan_results"]
    assert {e["finding_id"] for e in every_entry} == {f.id for f in report.findings}
    summary = result["security_scan_summary"]
    assert summary["status"] == "issues_found" and summary["total_issues"] == report.summary.total
    assert sum(summary["by_severity"].values()) == report.summary.total
    assert summary["score"] == report.score.overall if report.score else summary["score"] is None
    assert {a["id"] for a in summary["analyzers"]} == {r.id for r in report.analyzers}
    assert result["errors"] == []


def test_tools_carry_ramparts_fields_and_typed_findings(first_scan: dict[str, Any]) -> None:
    result = first_scan["result"]
    add = next(t for t in result["tools"] if t["name"] == "add")
    assert set(add) >= {"name", "description", "input_schema", "output_schema", "parameters", "category", "tags",
                        "deprecated", "raw_json", "security_scan_results"}
    assert add["parameters"] == add["input_schema"]["properties"] and add["raw_json"]["name"] == "add"
    yara = [e for e in add["security_scan_results"] if e["scan_type"] == "yara_rules"]
    assert yara, add["security_scan_results"]
    for entry in yara:
        assert entry["analyzer"] == "yara-rules" and entry["rule_name"] and entry["rule_file"]
        assert entry["context"] and entry["rule_metadata"]["name"] == entry["rule_name"]
        assert entry["severity"] in {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}
    other = [e for t in result["tools"] for e in t["security_scan_results"] if e["scan_type"] == "static_analysis"]
    assert other and all({"issue_type", "severity", "message", "description"} <= set(e) for e in other)
    assert all("rule_name" not in e and "remediation" not in e for e in other)
    items = [*result["tools"], *result["prompts"], *result["resources"], *result["resource_templates"]]
    matched = [e for i in items for e in i["security_scan_results"]] + result["server_security_scan_results"]
    assert sorted(y["rule_name"] for y in result["yara_results"]) == sorted(
        e["rule_name"] for e in matched if e["scan_type"] == "yara_rules")


def test_security_issues_count_each_kind(first_scan: dict[str, Any]) -> None:
    issues = first_scan["result"]["security_issues"]
    counts = issues["counts"]
    assert counts["tools"] == len(issues["tool_issues"]) > 0
    assert counts["prompts"] == len(issues["prompt_issues"])
    assert counts["resources"] == len(issues["resource_issues"])
    assert counts["server"] == len(issues["server_issues"])
    assert counts["total"] == issues["total_issues"] == first_scan["result"]["security_scan_summary"]["total_issues"]
    assert all(i["tool_name"] for i in issues["tool_issues"])
    assert issues["tool_analysis_details"] == {}


def test_an_unchanged_server_is_served_from_the_cache(rapi: Api, first_scan: dict[str, Any],
                                                      vulnerable_url: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        again = http.post("/v1/ramparts/scan", json={"url": vulnerable_url}).json()
        forced = http.post("/v1/ramparts/scan", json={"url": vulnerable_url, "force_scan": True}).json()
    assert again["scan_skipped"] is True and again["cache_hit"] is True and again["refresh_happened"] is True
    assert again["changes_detected"] is False and again["change_summary"]["changed"] is False
    assert again["scan_id"] == first_scan["scan_id"]
    assert again["result"]["timestamp"] == first_scan["result"]["timestamp"]
    assert again["result"]["security_scan_summary"] == first_scan["result"]["security_scan_summary"]
    assert forced["scan_skipped"] is False and forced["cache_hit"] is False
    assert forced["scan_id"] != first_scan["scan_id"] and forced["baseline_scan_id"] == first_scan["scan_id"]
    assert forced["result"]["security_scan_summary"]["total_issues"] == first_scan["result"][
        "security_scan_summary"]["total_issues"]


@pytest.mark.parametrize("fmt", ["json", "text", "table", "raw"])
def test_formats(rapi: Api, vulnerable_url: str, fmt: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        body = http.post("/v1/ramparts/scan", json={"url": vulnerable_url, "format": fmt}).json()
    result = body["result"]
    assert result["status"] == "Success" and result["tools"]
    if fmt == "raw":
        assert result["raw"]["schema_version"] == "1.0"
        assert [t["name"] for t in result["raw"]["inventory"]["tools"]] == [t["name"] for t in result["tools"]]
    else:
        assert result["raw"] is None
    if fmt in ("text", "table"):
        assert vulnerable_url in body["report"] and "\x1b" not in body["report"]
        assert body["report"].startswith("## mcts:") if fmt == "text" else "vulnerable-notes" in body["report"]
    else:
        assert body["report"] is None


def test_detailed_adds_remediation_and_techniques(rapi: Api, vulnerable_url: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        body = http.post("/v1/ramparts/scan", json={"url": vulnerable_url, "detailed": True}).json()
    entry = entries(body["result"], "add")[0]
    assert entry["remediation"] and entry["techniques"] and entry["owasp"]
    assert entry["span"] is None or len(entry["span"]) == 2


def test_a_path_target_works_and_does_not_reveal_the_scan_root(rapi: Api) -> None:
    with rapi.client() as http:
        body = http.post("/v1/ramparts/scan", json={"url": EXAMPLE_SOURCE, "format": "table"}).json()
    assert body["success"] is True and body["result"]["url"] == EXAMPLE_SOURCE
    assert body["result"]["identity"] is None
    root = str(Path(__file__).resolve().parents[3])
    assert root not in body["report"] and root not in str(body)


def test_an_unreachable_server_is_a_failed_scan_and_no_baseline(rapi: Api, db_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/mcp"
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json={"url": url, "timeout": 10, "http_timeout": 5})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False and "connect" in body["error"].lower()
    status = body["result"]["status"]
    assert set(status) == {"ConnectionError"} and status["ConnectionError"] == body["error"]
    assert body["result"]["errors"] and body["result"]["security_scan_summary"]["status"] == "incomplete"
    assert body["refresh_happened"] is False
    assert baseline_of(db_path, url) is None
    assert any(s["identity"] == url and s["status"] == "incomplete" for s in stored_scans(db_path))


def test_a_stdio_server_the_operator_allows(rapi: Api) -> None:
    with rapi.client(headers=CONSENT) as http:
        body = http.post("/v1/ramparts/scan", json={"url": RICH_STDIO}).json()
    assert body["success"] is True, body["error"]
    assert body["result"]["identity"].startswith("stdio:") and len(body["result"]["tools"]) == 25
    assert body["result"]["security_scan_summary"]["items_scanned"]["resource_templates"] == 1


def test_javelin_key_header_authenticates_to_the_scanned_server(rapi: Api, db_path: Path) -> None:
    with hardened_server() as url, rapi.client(headers=CONSENT) as http:
        refused = http.post("/v1/ramparts/scan", json={"url": url, "change_detection": {"enabled": False}})
        javelin = http.post("/v1/ramparts/scan", json={"url": url, "force_scan": True},
                            headers={"X-Javelin-Apikey": HARDENED_TOKEN})
        explicit = http.post("/v1/ramparts/scan", json={
            "url": url, "force_scan": True, "auth_headers": {"Authorization": f"Bearer {HARDENED_TOKEN}"}})
        mapped = http.post("/v1/ramparts/scan", json={
            "url": url, "force_scan": True, "auth_headers": {"x-javelin-api-key": HARDENED_TOKEN}})
    assert refused.status_code == 400, refused.text
    assert set(refused.json()["result"]["status"]) == {"AuthenticationError"}
    for response in (javelin, explicit, mapped):
        assert response.status_code == 200, response.text
        assert response.json()["result"]["status"] == "Success"
        assert HARDENED_TOKEN not in response.text
    assert [t["name"] for t in javelin.json()["result"]["tools"]] == ["server_time", "sum_numbers"]
    data = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    assert HARDENED_TOKEN.encode() not in data


def test_the_mcts_surface_saves_its_scans_too(rapi: Api, db_path: Path) -> None:
    before = {s["id"] for s in stored_scans(db_path)}
    with rapi.client() as http:
        response = http.post("/scan", json={"target": EXAMPLE_SOURCE})
    assert response.status_code == 200, response.text
    new = [s for s in stored_scans(db_path) if s["id"] not in before]
    assert len(new) == 1 and new[0]["source"] == "api" and new[0]["identity"].startswith("source:")


def test_javelin_mcp_url_is_the_address_reached_and_url_the_identity(rapi: Api, db_path: Path) -> None:
    identity = f"http://127.0.0.1:{free_port()}/mcp"
    with hardened_server() as gateway, rapi.client(headers=CONSENT) as http:
        first = http.post("/v1/ramparts/scan", json={"url": identity, "javelin_mcp_url": gateway},
                          headers={"X-Javelin-Apikey": HARDENED_TOKEN})
        again = http.post("/v1/ramparts/scan", json={"url": identity, "javelin_mcp_url": gateway},
                          headers={"X-Javelin-Apikey": HARDENED_TOKEN})
    assert first.status_code == 200, first.text
    result = first.json()["result"]
    assert result["url"] == identity == result["identity"]
    assert [t["name"] for t in result["tools"]] == ["server_time", "sum_numbers"]
    assert any(w.startswith("reached through javelin_mcp_url http://127.0.0.1:") for w in result["warnings"])
    assert baseline_of(db_path, identity) == first.json()["scan_id"]
    assert again.json()["scan_skipped"] is True and again.json()["scan_id"] == first.json()["scan_id"]
    assert HARDENED_TOKEN not in first.text + again.text
