"""The examples of docs/api.md, run as written: each ``<!-- example: NAME -->`` block's curl command is parsed and
sent to a real server (its address, the API key and the live server's URL substituted), and its ``| jq`` path read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.api.conftest import API_KEY, EXAMPLE, Api, running_api, settings_for
from tests.api.doc_examples import Example, read_examples
from tests.conftest import PY, REPO
from tests.servers.launch import free_port, run_http_server

DOC = REPO / "docs" / "api.md"
DOC_SERVER = "http://127.0.0.1:8080"
DOC_LIVE_URL = "http://127.0.0.1:8000/mcp"
EXAMPLES = read_examples(DOC, DOC_SERVER)


def _send(api: Api, example: Example, live_url: str = DOC_LIVE_URL) -> tuple[httpx2.Response, Any]:
    headers = {k: v.replace("$MCTS_API_KEY", API_KEY) for k, v in example.headers.items()}
    body = json.loads(json.dumps(example.body).replace(DOC_LIVE_URL, live_url)) if example.body is not None else None
    with httpx2.Client(base_url=api.url, timeout=120) as http:
        response = http.request(example.method, example.path, headers=headers, json=body)
    value = response.json()
    path = (example.jq or ".").strip(".")
    for key in path.split(".") if path else ():
        value = value[key]
    return response, value


def test_the_doc_has_the_examples_the_tests_run() -> None:
    assert set(EXAMPLES) == {"health", "scan-example", "authenticated-scan", "live-prompt-scan", "consent-refused",
                             "batch-page"}


@pytest.fixture(scope="module")
def open_api() -> Iterator[Api]:
    """The quick start's server: no key, scan root the repository."""
    with running_api(settings_for(stdio_allow=(), allow_private_targets=False)) as api:
        yield api


@pytest.fixture(scope="module")
def keyed_api() -> Iterator[Api]:
    """The later sections' server: MCTS_API_KEY and MCTS_API_ALLOW_PRIVATE_TARGETS=1."""
    with running_api(settings_for(stdio_allow=(), allow_private_targets=True, api_key=API_KEY)) as api:
        yield api


@pytest.fixture(scope="module")
def live_example_url() -> Iterator[str]:
    """The vulnerable example served over streamable HTTP, as the doc starts it."""
    port = free_port()
    argv = [PY, str(REPO / EXAMPLE), "streamable-http", "--port", str(port)]
    with run_http_server(argv, port, "/mcp") as url:
        yield url


def test_health(open_api: Api) -> None:
    response, value = _send(open_api, EXAMPLES["health"])
    assert response.status_code == 200
    assert value == EXAMPLES["health"].shown == {"status": "ok"}


def test_scan_of_the_example_read_through_score(open_api: Api) -> None:
    from mcts.engine import scan
    from mcts.options import ScanOptions

    example = EXAMPLES["scan-example"]
    assert (example.method, example.path, example.jq) == ("POST", "/scan", ".score")
    response, score = _send(open_api, example)
    assert response.status_code == 200, response.text
    assert set(score) == set(example.shown) == {"overall", "grade", "raw_risk"}
    expected = scan(EXAMPLE, ScanOptions()).score
    assert expected is not None
    assert score == expected.model_dump(mode="json")


def test_authenticated_scan_reports_the_gate(keyed_api: Api) -> None:
    example = EXAMPLES["authenticated-scan"]
    assert example.headers["X-API-Key"] == "$MCTS_API_KEY"
    response, violations = _send(keyed_api, example)
    assert response.status_code == 200, response.text
    assert response.json()["scoring_mode"] == "v2"
    assert any("security score" in v for v in violations), violations
    unauthenticated = Example(method=example.method, path=example.path, body=example.body,
                              headers={"Content-Type": "application/json"})
    assert _send(keyed_api, unauthenticated)[0].status_code == 401


def test_prompt_scan_of_a_live_server(keyed_api: Api, live_example_url: str) -> None:
    response, prompts = _send(keyed_api, EXAMPLES["live-prompt-scan"], live_example_url)
    assert response.status_code == 200, response.text
    assert [p["name"] for p in prompts] == ["summarise"]
    assert response.json()["target"] == {"kind": "http", "value": live_example_url}


def test_consent_refusal_is_as_documented(keyed_api: Api, live_example_url: str) -> None:
    example = EXAMPLES["consent-refused"]
    response, body = _send(keyed_api, example, live_example_url)
    assert response.status_code == 403
    assert body == example.shown


def test_batch_page(keyed_api: Api) -> None:
    response, warning = _send(keyed_api, EXAMPLES["batch-page"])
    assert response.status_code == 200, response.text
    page = response.json()
    assert len(page["items"]) == 5
    assert page["truncated"] is True
    assert "fanout_offset=5" in warning
