"""Deadlines and a broken history store on the Ramparts surface: clear answers, nothing hung, nothing clean."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import bad_stdio, running_api
from tests.api.ramparts.conftest import CONSENT, EXAMPLE_SOURCE, assert_ramparts_error, ramparts_settings

HANG = bad_stdio("hang_on_list")


def test_the_request_deadline_makes_the_scan_fail_not_pass(tmp_path: Path) -> None:
    with running_api(ramparts_settings(tmp_path / "h.db")) as api, api.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json={"url": HANG, "timeout": 2, "http_timeout": 1})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False and body["result"]["status"] != "Success"
    assert any("tools" in e for e in body["result"]["errors"]), body["result"]["errors"]
    assert body["result"]["security_scan_summary"]["status"] == "incomplete"
    assert body["baseline_scan_id"] is None  # an incomplete listing never becomes the baseline


def test_the_server_deadline_is_504_for_scan_and_timeout_in_a_batch(tmp_path: Path) -> None:
    settings = ramparts_settings(tmp_path / "h.db", scan_timeout_seconds=3)
    with running_api(settings) as api, api.client(headers=CONSENT) as http:
        single = http.post("/v1/ramparts/scan", json={"url": HANG, "timeout": 60, "http_timeout": 60})
        batch = http.post("/v1/ramparts/batch-scan", json={"urls": [HANG, EXAMPLE_SOURCE],
                                                           "options": {"timeout": 60, "http_timeout": 60}})
    assert_ramparts_error(single, 504, "scan_timeout", "MCTS_API_SCAN_TIMEOUT_SECONDS")
    assert batch.status_code == 200, batch.text
    hung, good = batch.json()["results"]
    assert hung["success"] is False and hung["result"]["status"] == "Timeout"
    assert "MCTS_API_SCAN_TIMEOUT_SECONDS" in hung["error"] and hung["result"]["errors"] == [hung["error"]]
    assert good["success"] is True
    assert (batch.json()["successful"], batch.json()["failed"]) == (1, 1)


def test_a_history_store_that_cannot_open_is_503_and_the_mcts_surface_still_scans(tmp_path: Path) -> None:
    not_a_file = tmp_path / "a-directory"
    not_a_file.mkdir()
    with running_api(ramparts_settings(not_a_file)) as api, api.client(headers=CONSENT) as http:
        ramparts = http.post("/v1/ramparts/scan", json={"url": EXAMPLE_SOURCE})
        batch = http.post("/v1/ramparts/batch-scan", json={"urls": [EXAMPLE_SOURCE]})
        mcts = http.post("/scan", json={"target": EXAMPLE_SOURCE})
    assert_ramparts_error(ramparts, 503, "history_unavailable", "is a directory", "MCTS_DB_URL")
    (result,) = batch.json()["results"]
    assert result["success"] is False and "history store" in result["error"]
    assert mcts.status_code == 200, mcts.text
