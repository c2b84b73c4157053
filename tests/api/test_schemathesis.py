"""Property-based tests of every operation in /openapi.json (Schemathesis) against a real server.

Generated requests, valid and invalid, must never get a 5xx other than the documented 503 and 504, and every
answer must match the documented status codes, content types and response schemas. The scan root is a small
folder, nothing is allow-listed and private addresses are refused, so generated targets cannot reach anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis

from mcts.collect.snapshot import snapshot_json
from mcts.model.inventory import Inventory, Prompt, Tool
from tests.api.conftest import API_KEY, Api, running_api, settings_for
from tests.api.fuzz import NEGATIVE, POSITIVE, fuzz_operation

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    root: Path = tmp_path_factory.mktemp("fuzz-root")
    inventory = Inventory(instructions="Be nice.", tools=(Tool(name="add", description="Add two numbers."),),
                          prompts=(Prompt(name="greet", description="Greet."),))
    (root / "snap.json").write_text(snapshot_json(inventory), encoding="utf-8")
    settings_ = settings_for(root, api_key=API_KEY, stdio_allow=(), allow_private_targets=False,
                             scan_timeout_seconds=60)
    with running_api(settings_) as api:
        yield api


POSTS = ("/scan", "/scan-tool", "/scan-all-tools", "/scan-prompt", "/scan-all-prompts", "/scan-resource",
         "/scan-all-resources", "/scan-instructions", "/readiness")
OPERATIONS = [("GET", "/health", POSITIVE), *(("POST", p, m) for p in POSTS for m in (POSITIVE, NEGATIVE))]
"""Every operation with valid data, and those that take a body with invalid data too (GET /health takes none)."""


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS, ids=lambda v: getattr(v, "value", v))
def test_no_undocumented_answer_and_no_server_error(
    fuzzed_api: Api, method: str, path: str, mode: schemathesis.GenerationMode
) -> None:
    seen = fuzz_operation(fuzzed_api.url, method, path, mode, headers={"X-API-Key": API_KEY},
                          examples=EXAMPLES_PER_OPERATION)
    assert seen, "no request was generated"
