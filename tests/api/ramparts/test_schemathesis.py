"""Property-based tests of the Ramparts operations in /openapi.json (Schemathesis) against a real server.

Generated requests, valid and invalid, never get a 5xx other than the documented 503 and 504, and every answer
matches the documented status codes, content types and schemas. Nothing is allow-listed, private addresses
are refused and the scan root holds one snapshot, so generated targets reach nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis

from mcts.collect.snapshot import snapshot_json
from mcts.model.inventory import Inventory, Tool
from tests.api.conftest import API_KEY, Api, running_api
from tests.api.fuzz import NEGATIVE, POSITIVE, fuzz_operation
from tests.api.ramparts.conftest import CONSENT, ramparts_settings

EXAMPLES_PER_OPERATION = 25
POSTS = ("/v1/ramparts/scan", "/v1/ramparts/validate", "/v1/ramparts/batch-scan", "/v1/ramparts/refresh-tools")
OPERATIONS = [
    ("GET", "/v1/ramparts/health", POSITIVE), ("GET", "/v1/ramparts/protocol", POSITIVE),
    ("GET", "/v1/ramparts/", POSITIVE), *(("POST", p, m) for p in POSTS for m in (POSITIVE, NEGATIVE)),
]


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    root: Path = tmp_path_factory.mktemp("fuzz-root")
    inventory = Inventory(tools=(Tool(name="add", description="Add two numbers."),))
    (root / "snap.json").write_text(snapshot_json(inventory), encoding="utf-8")
    db = tmp_path_factory.mktemp("fuzz-db") / "history.db"
    with running_api(ramparts_settings(db, scan_root=root, stdio_allow=(), allow_private_targets=False,
                                       scan_timeout_seconds=60)) as api:
        yield api


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS, ids=lambda v: getattr(v, "value", v))
def test_no_undocumented_answer_and_no_server_error(
    fuzzed_api: Api, method: str, path: str, mode: schemathesis.GenerationMode
) -> None:
    seen = fuzz_operation(fuzzed_api.url, method, path, mode, headers={"X-API-Key": API_KEY, **CONSENT},
                          examples=EXAMPLES_PER_OPERATION)
    assert seen, "no request was generated"
