"""Who may call and what they must say: API keys, live consent, the Host check, CORS, secrets kept out of answers."""

from __future__ import annotations

import pytest

from tests.api.conftest import API_KEY, EXAMPLE, RICH_STDIO, Api, assert_error, running_api, settings_for

ENDPOINTS = ["/scan", "/scan-tool", "/scan-all-tools", "/scan-prompt", "/scan-all-prompts", "/scan-resource",
             "/scan-all-resources", "/scan-instructions", "/readiness"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_but_health_needs_the_key(api: Api, path: str) -> None:
    with api.client(key=None) as anonymous, api.client(key="wrong-key-0123456789") as wrong:
        missing = anonymous.post(path, json={})
        bad = wrong.post(path, json={})
        assert anonymous.get("/health").status_code == 200
    assert_error(missing, 401, "unauthorized", "no X-API-Key header was sent")
    assert_error(bad, 401, "unauthorized", "not a valid key")
    assert missing.headers["WWW-Authenticate"] == 'ApiKey header="X-API-Key"'
    assert "wrong-key" not in bad.text


def test_the_right_key_is_accepted(api: Api) -> None:
    with api.client(key=API_KEY) as http:
        response = http.post("/scan", json={"target": EXAMPLE})
    assert response.status_code == 200, response.text
    assert API_KEY not in response.text


def test_any_of_several_keys_is_accepted() -> None:
    settings = settings_for(api_key="first-key-aaaaaaaaaaaa", extra_api_keys=("second-key-bbbbbbbbbb",))
    with running_api(settings) as api:
        for key in ("first-key-aaaaaaaaaaaa", "second-key-bbbbbbbbbb"):
            with api.client(key=key) as http:
                assert http.post("/scan-instructions", json={"target": EXAMPLE}).status_code == 200
        with api.client(key="first-key-aaaaaaaaaaa") as http:  # a prefix of a key is not a key
            assert_error(http.post("/scan", json={}), 401, "unauthorized")


def test_an_empty_key_is_no_key() -> None:
    with running_api(settings_for(api_key="")) as api, api.client(key="") as http:
        assert http.post("/scan-instructions", json={"target": EXAMPLE}).status_code == 200  # unauthenticated API
    with running_api(settings_for(api_key="", extra_api_keys=("real-key-0123456789",))) as api, \
            api.client(key="") as http:
        assert_error(http.post("/scan", json={}), 401, "unauthorized")


def test_without_a_configured_key_no_header_is_needed() -> None:
    with running_api(settings_for()) as api, api.client(key=None) as http:
        assert http.post("/scan-instructions", json={"target": EXAMPLE}).status_code == 200


LIVE_REQUESTS = [
    pytest.param("/scan", {"target": RICH_STDIO}, "the target", id="stdio command"),
    pytest.param("/scan", {"target": "stdio:" + RICH_STDIO}, "the target", id="stdio: URI"),
    pytest.param("/scan", {"target": "http://127.0.0.1:9/mcp"}, "the target http://127.0.0.1:9/mcp", id="URL target"),
    pytest.param("/scan-prompt", {"url": "http://127.0.0.1:9/mcp", "prompt_name": "p"}, "the url", id="url"),
    pytest.param("/scan", {"target": RICH_STDIO, "live": True}, "live: true", id="live flag"),
    pytest.param("/readiness", {"url": "http://127.0.0.1:9/mcp"}, "the url", id="readiness url"),
]


@pytest.mark.parametrize(("path", "body", "names"), LIVE_REQUESTS)
def test_live_targets_without_consent_are_refused_saying_how_to_consent(
    api: Api, path: str, body: dict[str, object], names: str
) -> None:
    with api.client() as http:
        response = http.post(path, json=body)
    detail = assert_error(response, 403, "live_consent_required", names)["detail"]
    assert '"understand_live_risk": true' in detail
    assert "X-MCTS-Live-Consent: 1" in detail
    assert "MCTS_LIVE_OK=1" in detail


def _instructions_of_rich_server(response_json: dict[str, object]) -> object:
    inventory = response_json["inventory"]
    assert isinstance(inventory, dict)
    return inventory.get("instructions")


def test_consent_in_the_body(api: Api) -> None:
    with api.client() as http:
        response = http.post("/scan-instructions", json={"target": RICH_STDIO, "understand_live_risk": True})
    assert response.status_code == 200, response.text
    assert "benign test server" in str(_instructions_of_rich_server(response.json()))


@pytest.mark.parametrize("value", ["1", "true"])
def test_consent_in_the_header(api: Api, value: str) -> None:
    with api.client(headers={"X-MCTS-Live-Consent": value}) as http:
        response = http.post("/scan-instructions", json={"target": RICH_STDIO, "live": True})
    assert response.status_code == 200, response.text


def test_consent_header_must_say_yes(api: Api) -> None:
    with api.client(headers={"X-MCTS-Live-Consent": "0"}) as http:
        assert_error(http.post("/scan-instructions", json={"target": RICH_STDIO}), 403, "live_consent_required")


def test_consent_by_the_operator() -> None:
    with running_api(settings_for(live_ok=True)) as api, api.client(key=None) as http:
        response = http.post("/scan-instructions", json={"target": RICH_STDIO})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"target": "../outside"}, "outside the scan root"),
        ({"target": "/etc"}, "outside the scan root"),
        ({"target": "/bin/sh -c id"}, "MCTS_API_STDIO_ALLOW"),
        ({"url": "http://127.0.0.1:9/mcp"}, "127.0.0.1"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "169.254.169.254"),
        ({"url": "http://[::1]:9/mcp"}, "::1"),
        ({"url": "http://localhost:9/mcp"}, "loopback"),
        ({"target": EXAMPLE, "corpus_stats_path": "../../etc/passwd"}, "outside the scan root"),
        ({"target": EXAMPLE, "weights_profile": "/etc/hostname"}, "outside the scan root"),
    ],
)
def test_target_policy_refusals_are_403(body: dict[str, object], says: str) -> None:
    settings = settings_for(stdio_allow=(), allow_private_targets=False)
    with running_api(settings) as api, api.client(key=None) as http:
        response = http.post("/scan", json={**body, "understand_live_risk": True})
    assert_error(response, 403, "target_refused", says)


def test_a_symlink_out_of_the_scan_root_is_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("root")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "server.py").write_text("print('hi')\n")
    (root / "link").symlink_to(outside)
    with running_api(settings_for(root)) as api, api.client(key=None) as http:
        response = http.post("/scan", json={"target": "link/server.py"})
    assert_error(response, 403, "target_refused", "outside the scan root")


def test_a_stdio_command_that_is_not_allow_listed_is_refused(api: Api) -> None:
    with api.client() as http:
        response = http.post("/scan", json={"target": "python3 -c 'print(1)'", "understand_live_risk": True})
    assert_error(response, 403, "target_refused", "MCTS_API_STDIO_ALLOW")


def test_the_bearer_token_is_never_echoed(api: Api) -> None:
    token = "tok-" + "x" * 40
    with api.client() as http:
        ok = http.post("/scan", json={"target": EXAMPLE, "bearer_token": token})
        refused = http.post("/scan", json={"url": "http://127.0.0.1:9/mcp?token=abc", "bearer_token": token})
        invalid = http.post("/scan", json={"bearer_token": token, "scoring_mode": "nope"})
    assert ok.status_code == 200
    for response in (ok, refused, invalid):
        assert token not in response.text
        assert "x" * 40 not in response.text


def test_a_short_bearer_token_that_is_a_report_word_does_not_corrupt_the_report(api: Api) -> None:
    with api.client() as http:
        response = http.post("/scan", json={"target": EXAMPLE, "bearer_token": "complete"})
    assert response.status_code == 200
    assert response.json()["status"] in {"complete", "incomplete"}  # not "***"


def test_a_foreign_host_header_is_refused_on_a_loopback_bind(api: Api) -> None:
    with api.client(headers={"Host": "attacker.example:8080"}) as http:
        assert_error(http.get("/health"), 400, "invalid_host", "MCTS_API_ALLOWED_HOSTS")
    with api.client(headers={"Host": "localhost"}) as http:
        assert http.get("/health").status_code == 200


def test_allowed_hosts_are_configurable() -> None:
    with running_api(settings_for(allowed_hosts=("mcts.internal",))) as api:
        with api.client(key=None, headers={"Host": "mcts.internal:443"}) as http:
            assert http.get("/health").status_code == 200
        with api.client(key=None) as http:  # 127.0.0.1 is no longer listed
            assert_error(http.get("/health"), 400, "invalid_host")


def test_cors_only_for_listed_origins() -> None:
    with running_api(settings_for(cors_origins=("https://ui.example",))) as api, api.client(key=None) as http:
        allowed = http.options("/scan", headers={"Origin": "https://ui.example", "Access-Control-Request-Method":
                                                 "POST", "Access-Control-Request-Headers": "x-api-key"})
        other = http.get("/health", headers={"Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_by_default(api: Api) -> None:
    with api.client(key=None) as http:
        response = http.get("/health", headers={"Origin": "https://ui.example"})
    assert "access-control-allow-origin" not in response.headers
