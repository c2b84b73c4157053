"""``POST /v1/ramparts/batch-scan``: concurrent within the gate, one result per URL in order, failures as results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.conftest import RICH_STDIO, Api, running_api
from tests.api.ramparts.conftest import CONSENT, EXAMPLE_SOURCE, ramparts_settings, stored_scans
from tests.servers.launch import free_port


def test_a_mixed_batch_answers_every_url_in_order(rapi: Api, db_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/mcp"
    urls = [RICH_STDIO, "stdio:/usr/bin/rm -rf /tmp/x", EXAMPLE_SOURCE, "ftp://example.com/mcp", closed]
    before = len(stored_scans(db_path)) if db_path.exists() else 0
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/batch-scan", json={
            "urls": urls, "options": {"url": "", "timeout": 20, "http_timeout": 10, "change_detection": {
                "enabled": False}}})
    assert response.status_code == 200, response.text
    batch = response.json()
    assert (batch["total"], batch["successful"], batch["failed"]) == (5, 2, 3) and batch["success"] is False
    results = batch["results"]
    assert [r["result"]["url"] for r in results] == [urls[0], "stdio:/usr/bin/rm -rf /tmp/x", EXAMPLE_SOURCE,
                                                     "ftp://example.com/mcp", closed]
    assert [r["success"] for r in results] == [True, False, True, False, False]
    assert results[0]["result"]["status"] == "Success" and len(results[0]["result"]["tools"]) == 25
    refused = results[1]
    assert refused["result"]["status"] == {"Failed": refused["error"]}
    assert "MCTS_API_STDIO_ALLOW" in refused["error"] and refused["result"]["tools"] == []
    assert refused["result"]["security_scan_summary"]["status"] == "incomplete"
    assert "unsupported URL scheme" in results[3]["result"]["status"]["Failed"]
    assert set(results[4]["result"]["status"]) == {"ConnectionError"}
    assert results[2]["result"]["security_scan_summary"]["total_issues"] > 0
    for r in results:
        assert set(r) >= {"success", "result", "error", "timestamp", "refresh_happened", "changes_detected",
                          "change_summary", "scan_skipped", "cache_hit"}
    assert len(stored_scans(db_path)) == before + 3  # the two that ran and the unreachable one; no refusal


def test_the_batch_shares_the_gate_without_waiting_on_itself(tmp_path: Path) -> None:
    settings = ramparts_settings(tmp_path / "h.db", max_concurrent_scans=1, queue_wait_seconds=0.1)
    with running_api(settings) as api, api.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/batch-scan", json={
            "urls": [RICH_STDIO, EXAMPLE_SOURCE, RICH_STDIO, EXAMPLE_SOURCE], "options": {"force_scan": True}})
    assert response.status_code == 200, response.text
    batch = response.json()
    assert batch["success"] is True and batch["successful"] == 4
    assert [r["scan_skipped"] for r in batch["results"]] == [False, False, False, False]
    assert len({r["scan_id"] for r in batch["results"]}) == 4
    assert len(stored_scans(tmp_path / "h.db")) == 4


def test_the_batch_cap_is_the_fanout_setting(tmp_path: Path) -> None:
    settings = ramparts_settings(tmp_path / "h.db", max_fanout_items=3)
    with running_api(settings) as api, api.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/batch-scan", json={"urls": [EXAMPLE_SOURCE] * 4})
        ok = http.post("/v1/ramparts/batch-scan", json={"urls": [EXAMPLE_SOURCE] * 3})
    body: dict[str, Any] = response.json()
    assert response.status_code == 400 and "At most 3 URLs per batch request" in body["error"]
    assert ok.status_code == 200 and ok.json()["total"] == 3 and ok.json()["successful"] == 3
