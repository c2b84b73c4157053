"""Refusals of the Ramparts surface: Ramparts' validation messages (400), bad bodies, credentials, auth, policy.

Every refusal is Ramparts' envelope with mcts' error code, never echoes what was sent, and leaves nothing in
the history store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import API_KEY, Api, running_api
from tests.api.ramparts.conftest import CONSENT, assert_ramparts_error, ramparts_settings, stored_scans

SECRET = "s3cret-value-that-must-not-leak-0123"

VALIDATION_CASES = [
    ({"url": "http://127.0.0.1:1/mcp", "timeout": 0}, "Timeout must be greater than 0"),
    ({"url": "http://127.0.0.1:1/mcp", "timeout": -5}, "Timeout must be greater than 0"),
    ({"url": "http://127.0.0.1:1/mcp", "timeout": 3601}, "Timeout must be between 1 and 3600 seconds"),
    ({"url": "http://127.0.0.1:1/mcp", "http_timeout": 0}, "HTTP timeout must be greater than 0"),
    ({"url": "http://127.0.0.1:1/mcp", "timeout": 10, "http_timeout": 20},
     "Total timeout must be greater than or equal to HTTP timeout"),
    ({"url": "http://127.0.0.1:1/mcp", "http_timeout": 90},
     "Total timeout must be greater than or equal to HTTP timeout"),
    ({"url": "http://127.0.0.1:1/mcp", "format": "xml"}, "Invalid format: must be one of json, text, table, raw"),
    ({"url": "ftp://example.com/mcp"},
     "Only HTTP and HTTPS URLs, stdio: targets and command lines are supported (not 'ftp')"),
    ({"url": "http://"}, "Invalid URL: it has no host"),
    ({"url": "http://127.0.0.1:99999/mcp"}, "Invalid URL: the host or the port cannot be read"),
    ({"url": "stdio:///"}, "Invalid stdio target: give stdio:///path/to/server or stdio:command:arg"),
    ({"url": "node 'server.js"}, "Invalid command line: a quote is not closed"),
    ({"url": "http://127.0.0.1:1/mcp", "reference_mcp_url": "gopher://x"},
     "reference_mcp_url: Only HTTP and HTTPS URLs, stdio: targets and command lines are supported (not 'gopher')"),
    ({"url": "http://127.0.0.1:1/mcp", "javelin_mcp_url": "https://"}, "javelin_mcp_url: Invalid URL: it has no host"),
    ({"url": ""}, "URL is required"),
    ({"url": "   "}, "URL is required"),
    ({}, "URL is required"),
]


@pytest.fixture(scope="module")
def strict_api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server with the default policy: nothing allow-listed, private addresses refused, scan root a temp dir."""
    root = tmp_path_factory.mktemp("strict-root")
    db = tmp_path_factory.mktemp("strict-db") / "history.db"
    with running_api(ramparts_settings(db, scan_root=root, stdio_allow=(), allow_private_targets=False)) as api:
        yield api, db


@pytest.mark.parametrize(("body", "message"), VALIDATION_CASES)
def test_scan_answers_the_ramparts_validation_messages(rapi: Api, body: dict[str, Any], message: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json=body)
    error = assert_ramparts_error(response, 400, "bad_request")
    assert error["error"] == message
    assert "valid" not in error


@pytest.mark.parametrize(("body", "message"), [c for c in VALIDATION_CASES if c[1] != "URL is required"])
def test_validate_answers_the_same_messages_with_valid_false(rapi: Api, body: dict[str, Any], message: str) -> None:
    with rapi.client() as http:
        response = http.post("/v1/ramparts/validate", json=body)
    error = assert_ramparts_error(response, 400, "bad_request", message)
    assert error["valid"] is False


def test_validate_accepts_valid_options_without_scanning(rapi: Api, db_path: Path) -> None:
    before = len(stored_scans(db_path)) if db_path.exists() else 0
    with rapi.client() as http:
        response = http.post("/v1/ramparts/validate", json={"url": "http://127.0.0.1:1/mcp", "timeout": 120,
                                                            "http_timeout": 30, "format": "TABLE"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["valid"] is True and body["error"] is None
    assert set(body) == {"success", "valid", "error", "timestamp"}
    assert (len(stored_scans(db_path)) if db_path.exists() else 0) == before


@pytest.mark.parametrize(("body", "message"), [
    ({"urls": []}, "At least one URL is required"),
    ({}, "At least one URL is required"),
    ({"urls": ["http://127.0.0.1:1/mcp", " "]}, "URL is required"),
    ({"urls": ["http://127.0.0.1:1/mcp"], "options": {"timeout": 0}}, "Timeout must be greater than 0"),
    ({"urls": ["http://127.0.0.1:1/mcp"], "options": {"timeout": 5, "http_timeout": 6}},
     "Total timeout must be greater than or equal to HTTP timeout"),
    ({"urls": ["x"] * 51}, "At most 50 URLs per batch request"),
])
def test_batch_request_errors_refuse_the_whole_batch(rapi: Api, body: dict[str, Any], message: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/batch-scan", json=body)
    assert_ramparts_error(response, 400, "bad_request", message)


@pytest.mark.parametrize(("body", "message"), [
    ({"urls": []}, "At least one URL must be provided"),
    ({"urls": ["http://127.0.0.1:1/mcp"], "timeout": 0}, "Timeout must be greater than 0"),
])
def test_refresh_request_errors(rapi: Api, body: dict[str, Any], message: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/refresh-tools", json=body)
    assert_ramparts_error(response, 400, "bad_request", message)


def test_an_unknown_field_is_named_with_the_fields_accepted(rapi: Api) -> None:
    with rapi.client() as http:
        response = http.post("/v1/ramparts/scan", json={"url": "http://127.0.0.1:1/mcp", "tiemout": 5})
    body = assert_ramparts_error(response, 400, "invalid_request", "unknown field 'tiemout'")
    assert "this endpoint accepts:" in body["error"] and "http_timeout" in body["error"]


def test_ramparts_reference_url_is_an_alias_of_reference_mcp_url(rapi: Api) -> None:
    with rapi.client() as http:
        response = http.post("/v1/ramparts/validate", json={"url": "u", "reference_url": "http://127.0.0.1:1/mcp"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"a string"', b""])
def test_a_body_that_is_not_a_json_object_is_refused(rapi: Api, content: bytes) -> None:
    with rapi.client() as http:
        response = http.post("/v1/ramparts/scan", content=content, headers={"Content-Type": "application/json"})
    assert_ramparts_error(response, 400, "invalid_request")


def test_a_wrong_type_is_refused_without_echoing_any_value(rapi: Api) -> None:
    body = {"url": "http://127.0.0.1:1/mcp", "timeout": "soon", "auth_headers": {"Authorization": SECRET},
            "change_detection": {"sensitivity": SECRET}}
    with rapi.client() as http:
        response = http.post("/v1/ramparts/scan", json=body)
    error = assert_ramparts_error(response, 400, "invalid_request", "timeout", "change_detection.sensitivity")
    assert SECRET not in response.text and "soon" not in error["error"]


@pytest.mark.parametrize(("headers", "says"), [
    ({"Bad Name": "x"}, "is not a valid HTTP header name"),
    ({"X-Token": f"{SECRET}\r\nX-Injected: 1"}, "must be printable ASCII"),
    ({"Host": "evil.example"}, "cannot be set"),
    ({"Content-Length": "1"}, "cannot be set"),
    ({"Authorization": f"Bearer {SECRET}", "authorization": "Bearer other"}, "more than once"),
    ({f"X-H{i}": "v" for i in range(33)}, "the limit is 32"),
])
def test_invalid_auth_headers_are_refused_without_their_values(rapi: Api, headers: dict[str, str],
                                                                says: str) -> None:
    with rapi.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json={"url": "http://127.0.0.1:1/mcp", "auth_headers": headers})
    assert_ramparts_error(response, 400, "bad_request", says)
    assert SECRET not in response.text


def test_the_api_key_is_required_except_on_health(rapi: Api) -> None:
    with rapi.client(key=None) as http:
        assert http.get("/v1/ramparts/health").status_code == 200
        for method, path in (("GET", "/v1/ramparts/"), ("GET", "/v1/ramparts/protocol"),
                             ("POST", "/v1/ramparts/scan"), ("POST", "/v1/ramparts/validate"),
                             ("POST", "/v1/ramparts/batch-scan"), ("POST", "/v1/ramparts/refresh-tools")):
            response = http.request(method, path, json={"url": "http://127.0.0.1:1/mcp"})
            assert_ramparts_error(response, 401, "unauthorized", "X-API-Key")
            assert response.headers["WWW-Authenticate"] == 'ApiKey header="X-API-Key"'
    with rapi.client(key="wrong-key-0000000000000000") as http:
        assert_ramparts_error(http.post("/v1/ramparts/scan", json={}), 401, "unauthorized", "not a valid key")


def test_live_scans_need_consent(rapi: Api) -> None:
    with rapi.client() as http:
        for body, path in (({"url": "http://127.0.0.1:1/mcp"}, "/v1/ramparts/scan"),
                           ({"url": "stdio:///bin/true"}, "/v1/ramparts/scan"),
                           ({"urls": ["http://127.0.0.1:1/mcp"]}, "/v1/ramparts/batch-scan"),
                           ({"urls": ["http://127.0.0.1:1/mcp"]}, "/v1/ramparts/refresh-tools")):
            response = http.post(path, json=body)
            assert_ramparts_error(response, 403, "live_consent_required", "X-MCTS-Live-Consent: 1",
                                  "MCTS_LIVE_OK=1")


def test_the_target_policy_refuses_before_anything_runs(strict_api: tuple[Api, Path]) -> None:
    api, db = strict_api
    with api.client(headers=CONSENT) as http:
        cases = [
            ("http://127.0.0.1:8080/mcp", 403, "target_refused", "loopback"),
            ("http://169.254.169.254/latest/meta-data", 403, "target_refused", "MCTS_API_ALLOW_PRIVATE_TARGETS"),
            ("stdio:///bin/sh", 403, "target_refused", "MCTS_API_STDIO_ALLOW"),
            ("stdio:npx:-y:evil-package", 403, "target_refused", "MCTS_API_STDIO_ALLOW"),
            ("python3 -c 'import os'", 403, "target_refused", "MCTS_API_STDIO_ALLOW"),
            ("/etc/passwd", 403, "target_refused", "outside the scan root"),
            ("ftp://example.com/mcp", 400, "bad_request", "Only HTTP and HTTPS URLs"),
        ]
        for url, status, code, says in cases:
            assert_ramparts_error(http.post("/v1/ramparts/scan", json={"url": url}), status, code, says)
        reference = {"url": "https://93.184.215.14/mcp", "reference_mcp_url": "http://10.0.0.7/mcp"}
        assert_ramparts_error(http.post("/v1/ramparts/scan", json=reference), 403, "target_refused", "private")
        gateway = {"url": "https://93.184.215.14/mcp", "javelin_mcp_url": "http://[::1]:9/mcp"}
        assert_ramparts_error(http.post("/v1/ramparts/scan", json=gateway), 403, "target_refused", "loopback")
    assert not db.exists() or stored_scans(db) == []


def test_refusals_do_not_echo_url_credentials(strict_api: tuple[Api, Path]) -> None:
    api, _ = strict_api
    with api.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json={"url": f"http://user:{SECRET}@127.0.0.1/mcp?token={SECRET}"})
    assert_ramparts_error(response, 403, "target_refused")
    assert SECRET not in response.text


def test_an_oversized_body_is_refused(rapi: Api) -> None:
    with rapi.client() as http:
        response = http.post("/v1/ramparts/scan", content=b'{"url": "' + b"a" * 2_000_000 + b'"}',
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_an_unknown_key_is_rate_limited_in_the_ramparts_envelope(tmp_path: Path) -> None:
    with running_api(ramparts_settings(tmp_path / "h.db", rate_limit_per_minute=2)) as api, \
            api.client(key=None) as http:
        statuses = [http.post("/v1/ramparts/validate", json={}).status_code for _ in range(3)]
        assert statuses[:2] == [401, 401]
        response = http.post("/v1/ramparts/validate", json={})
        assert_ramparts_error(response, 429, "rate_limited", "MCTS_API_RATE_LIMIT_PER_MINUTE")
        assert int(response.headers["Retry-After"]) >= 1
    assert API_KEY not in response.text


def test_validate_checks_auth_headers_and_the_javelin_key(rapi: Api) -> None:
    with rapi.client() as http:
        bad = http.post("/v1/ramparts/validate", json={"auth_headers": {"Host": SECRET}})
        good = http.post("/v1/ramparts/validate", json={"auth_headers": {"X-Api-Token": SECRET}},
                         headers={"X-Javelin-Apikey": SECRET})
    assert assert_ramparts_error(bad, 400, "bad_request", "cannot be set")["valid"] is False
    assert good.status_code == 200 and good.json()["valid"] is True
    assert SECRET not in bad.text + good.text
