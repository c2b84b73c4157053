"""The examples of docs/ramparts.md, run as written against real servers, in the order of the page.

Each ``<!-- example: NAME -->`` block's curl command is parsed and sent (the server's address, the API key, the
live servers' URLs and the token substituted), its ``| jq PATH`` read, and the documented output compared:
``"…"`` stands for any value (as a list's last element: any further elements; as a key: any further keys),
and values that change from run to run (times, ids, versions) need only have the documented type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from mcts.api import ApiSettings
from tests.api.conftest import API_KEY, Api, running_api
from tests.api.doc_examples import read_examples
from tests.api.ramparts.conftest import HARDENED_TOKEN, db_url, hardened_server, rug_pull_server, vulnerable_server
from tests.conftest import REPO

DOC = REPO / "docs" / "ramparts.md"
DOC_SERVER = "http://127.0.0.1:3000"
DOC_URLS = {"vulnerable": "http://127.0.0.1:8000/mcp", "rug": "http://127.0.0.1:8001/mcp",
            "hardened": "http://127.0.0.1:8002/mcp"}
ANY = "…"
VOLATILE = {"timestamp", "scan_id", "baseline_scan_id", "previous_baseline_scan_id", "response_time_ms", "version",
            "mcts_version", "finding_id"}
EXAMPLES = read_examples(DOC, DOC_SERVER)


def matches(shown: Any, actual: Any, where: str = "$") -> None:
    """Assert that ``actual`` is what ``shown`` documents (see the module docstring)."""
    if shown == ANY:
        return
    if isinstance(shown, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        keys = [k for k in shown if k != ANY]
        missing = [k for k in keys if k not in actual]
        assert not missing, f"{where}: missing keys {missing}"
        if ANY not in shown:
            assert set(actual) == set(keys), f"{where}: undocumented keys {sorted(set(actual) - set(keys))}"
        for key in keys:
            if key in VOLATILE and shown[key] is not None and actual[key] is not None:
                assert type(actual[key]) is type(shown[key]), f"{where}.{key}: {actual[key]!r}"
            else:
                matches(shown[key], actual[key], f"{where}.{key}")
        return
    if isinstance(shown, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        open_ended = bool(shown) and shown[-1] == ANY
        items = shown[:-1] if open_ended else shown
        if open_ended:
            assert len(actual) >= len(items), f"{where}: {len(actual)} items, at least {len(items)} documented"
        else:
            assert len(actual) == len(items), f"{where}: {len(actual)} items, {len(items)} documented"
        for index, item in enumerate(items):
            matches(item, actual[index], f"{where}[{index}]")
        return
    assert actual == shown, f"{where}: {actual!r} is not the documented {shown!r}"


def _select(value: Any, jq: str | None) -> Any:
    for part in re.findall(r"\.([\w-]+)|\[(\d+)\]", jq or ""):
        value = value[part[0]] if part[0] else value[int(part[1])]
    return value


@dataclass
class Setup:
    """The page's servers: an open one (as started at the top of the page) and one with an API key."""

    open: Api
    keyed: Api
    urls: dict[str, str]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    db = tmp_path_factory.mktemp("docs-db") / "history.db"
    common: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "scan_root": REPO, "allow_private_targets": True,
                              "db_url": db_url(db)}
    with vulnerable_server() as vulnerable, rug_pull_server(after=1) as rug, hardened_server() as hardened, \
            running_api(ApiSettings(live_ok=True, **common)) as open_api, \
            running_api(ApiSettings(api_key=API_KEY, **common)) as keyed_api:
        yield Setup(open_api, keyed_api, {"vulnerable": vulnerable, "rug": rug, "hardened": hardened})


def _send(setup: Setup, name: str) -> tuple[httpx2.Response, Any, Any]:
    """Send example ``name``; the response, the value its jq path selects, and the documented output."""
    example = EXAMPLES[name]
    api = setup.keyed if "X-API-Key" in example.headers else setup.open

    def real(text: str) -> str:
        for key, url in DOC_URLS.items():
            text = text.replace(url, setup.urls[key])
        return text.replace("$MCTS_API_KEY", API_KEY).replace("$TOKEN", HARDENED_TOKEN)

    headers = {k: real(v) for k, v in example.headers.items()}
    body = json.loads(real(json.dumps(example.body))) if example.body is not None else None
    shown = json.loads(real(json.dumps(example.shown))) if example.shown is not None else None
    with httpx2.Client(base_url=api.url, timeout=120) as http:
        response = http.request(example.method, example.path, headers=headers, json=body)
    return response, _select(response.json(), example.jq), shown


ORDER = ["health", "protocol", "describe", "scan", "scan-again", "rug-pull-baseline", "rug-pull-detected",
         "rug-pull-finding", "refresh-tools", "batch-scan", "validate", "validate-error", "scan-error",
         "javelin-key", "consent-refused"]
STATUS = {"validate-error": 400, "scan-error": 400, "consent-refused": 403}


def test_the_page_has_the_examples_the_tests_run() -> None:
    assert list(EXAMPLES) == ORDER
    assert all(EXAMPLES[name].shown is not None for name in ORDER)


def test_every_example_answers_as_documented(setup: Setup) -> None:
    answers: dict[str, Any] = {}
    for name in ORDER:
        response, value, shown = _send(setup, name)
        assert response.status_code == STATUS.get(name, 200), (name, response.text)
        matches(shown, value, name)
        answers[name] = response.json()
    scan, again = answers["scan"], answers["scan-again"]
    assert scan["baseline_scan_id"] == scan["scan_id"] == again["scan_id"] == again["baseline_scan_id"]
    refreshed = answers["refresh-tools"]["results"][0]
    assert refreshed["previous_baseline_scan_id"] == answers["rug-pull-baseline"]["scan_id"]
    assert answers["rug-pull-detected"]["baseline_scan_id"] == answers["rug-pull-baseline"]["scan_id"]
    assert HARDENED_TOKEN not in json.dumps(answers["javelin-key"])


def test_the_documented_absolute_paths_are_examples_only() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert str(Path(REPO)) not in text
