"""``return_prompts``: the LLM judge's requests in ``result.llm_prompts``, and not one call to the endpoint.

The operator configures the judge (a config file in the scan root) to point at a local OpenAI-compatible
server started by the test; it must see zero requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, running_api
from tests.api.ramparts.conftest import CONSENT, ramparts_settings, rug_pull_server
from tests.llm.fake_openai import FakeOpenAI, fake_openai

MODEL = "judge-test"


@pytest.fixture(scope="module")
def judge() -> Iterator[FakeOpenAI]:
    with fake_openai() as server:
        yield server


@pytest.fixture(scope="module")
def judged_api(tmp_path_factory: pytest.TempPathFactory, judge: FakeOpenAI) -> Iterator[Api]:
    root = tmp_path_factory.mktemp("judged-root")
    (root / ".mcts").mkdir()
    (root / ".mcts" / "config.yaml").write_text(f"llm_base_url: {judge.url}\nllm_model: {MODEL}\nllm_cache: false\n",
                                                  encoding="utf-8")
    db = tmp_path_factory.mktemp("judged-db") / "history.db"
    with running_api(ramparts_settings(db, scan_root=root)) as api:
        yield api


def _scan(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    with api.client(headers=CONSENT) as http:
        response = http.post("/v1/ramparts/scan", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_return_prompts_builds_the_requests_and_calls_nothing(judged_api: Api, judge: FakeOpenAI) -> None:
    with rug_pull_server(after=1000) as url:
        first = _scan(judged_api, {"url": url, "return_prompts": True})
        again = _scan(judged_api, {"url": url, "return_prompts": True})
    assert judge.calls == 0 and judge.errors == []
    prompts = first["result"]["llm_prompts"]
    assert prompts, first["result"]["warnings"]
    for index, prompt in enumerate(prompts):
        assert prompt["batch_index"] == index
        assert prompt["endpoint"] == f"{judge.url}/chat/completions"
        assert prompt["request_body"]["model"] == MODEL
        user = next(m["content"] for m in prompt["request_body"]["messages"] if m["role"] == "user")
        assert prompt["prompt"] == user and "BEGIN-UNTRUSTED-DATA" in user
    names = {n for p in prompts for n in p["item_names"]}
    assert {"get_forecast", "add"} <= names
    assert "Get the weather forecast for a city." in "".join(p["prompt"] for p in prompts)
    judge_run = next(a for a in first["result"]["security_scan_summary"]["analyzers"] if a["id"] == "llm-judge")
    assert judge_run["status"] == "ran" and judge_run["findings"] == 0
    assert again["scan_skipped"] is False and again["result"]["llm_prompts"]  # prompts are never served cached


def test_without_a_configured_judge_the_answer_says_why_there_are_no_prompts(tmp_path: Path) -> None:
    with running_api(ramparts_settings(tmp_path / "h.db", scan_root=tmp_path)) as api, \
            rug_pull_server(after=1000) as url:
        answer = _scan(api, {"url": url, "return_prompts": True})
    assert answer["result"]["llm_prompts"] == []
    assert any(w.startswith("no llm_prompts: analyzer llm-judge skipped") for w in answer["result"]["warnings"])


def test_without_return_prompts_the_judge_is_called_and_detailed_shows_its_reasoning(judged_api: Api,
                                                                                      judge: FakeOpenAI) -> None:
    calls = judge.calls
    with rug_pull_server(after=1000) as url:
        answer = _scan(judged_api, {"url": url, "detailed": True})
    assert answer["result"]["llm_prompts"] is None
    assert judge.calls > calls  # the operator configured the judge: without return_prompts it is called
    details = answer["result"]["security_issues"]["tool_analysis_details"]
    assert set(details) == {"get_forecast", "add"}
    assert all(text.startswith("none") for text in details.values()), details
